import { describe, expect, it } from 'vitest';
import { Defaults, Device, generateDeviceKeyPairs, KindFrame, Session, utf8, type Member, type SessionLimits } from '../../src/protocol/index.js';
import { expectCode } from './vectors.js';

const conversationId = new Uint8Array(32).fill(0xc0);
const text = new TextDecoder();

/** A clock tests move by hand. */
function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

interface Party {
  member: Member;
  device: Device;
}

async function party(account: number, deviceId: number, suite: 1 | 2, seed: number): Promise<Party> {
  const device = await Device.fromSeeds(suite, new Uint8Array(32).fill(seed), new Uint8Array(32).fill(seed + 1));
  return { member: { account: new Uint8Array(20).fill(account), deviceId, keys: device.keys }, device };
}

function session(self: Party, members: Party[], now: () => number, epoch = 1n, limits?: Partial<SessionLimits>) {
  return Session.create({
    conversationId,
    account: self.member.account,
    deviceId: self.member.deviceId,
    device: self.device,
    epoch,
    members: members.map((p) => p.member),
    now,
    ...(limits ? { limits } : {}),
  });
}

describe('session', () => {
  it.each([
    { name: 'suite 1 recipient', suite: 1 as const },
    { name: 'suite 2 recipient', suite: 2 as const },
  ])('round-trips messages and frames to a $name', async ({ suite }) => {
    const c = clock();
    const alice = await party(0xa, 1, 1, 0x50);
    const bob = await party(0xb, 1, suite, 0x60);
    const sA = await session(alice, [alice, bob], c.now);
    const sB = await session(bob, [alice, bob], c.now);
    const typing = await sA.sealFrame(utf8('typing'));
    const f = await sB.open(typing);
    expect([f.kind, text.decode(f.plaintext)]).toEqual([KindFrame, 'typing']);
    const first = await sA.seal(utf8('one'));
    const second = await sA.seal(utf8('two'));
    expect(text.decode((await sB.open(first.envelope)).plaintext)).toBe('one');
    const got = await sB.open(second.envelope);
    expect(text.decode(got.plaintext)).toBe('two');
    expect(got.prev.map(String)).toEqual([first.cid.toString()]);
  });

  it('rotates after maxMessages and on a membership change; a removed device gets no wrap', async () => {
    const c = clock();
    const alice = await party(0xa, 1, 1, 0x50);
    const bob = await party(0xb, 1, 1, 0x60);
    const carol = await party(0xc, 1, 1, 0x70);
    const sA = await session(alice, [alice, bob, carol], c.now, 1n, { maxMessages: 2 });
    const sC = await session(carol, [alice, bob, carol], c.now);
    const chains = new Set<string>();
    for (const t of ['a', 'b', 'c']) chains.add(String((await sC.open((await sA.seal(utf8(t))).envelope)).chain));
    expect(chains.size).toBe(2);
    await sA.setMembers(2n, [alice.member, bob.member]);
    const after = await sA.seal(utf8('without carol'));
    await expectCode(() => sC.open(after.envelope), 'ErrNotRecipient');
  });

  it('rejects a counter jump beyond maxSkip and a new chain from an older epoch', async () => {
    const c = clock();
    const alice = await party(0xa, 1, 1, 0x50);
    const bob = await party(0xb, 1, 1, 0x60);
    const sA = await session(alice, [alice, bob], c.now);
    const sB = await session(bob, [alice, bob], c.now, 1n, { maxSkip: 2 });
    const sent: { envelope: Uint8Array }[] = [];
    for (let i = 0; i < 5; i++) sent.push(await sA.seal(utf8(`m${i}`)));
    await sB.open(sent[0]!.envelope);
    await expectCode(() => sB.open(sent[4]!.envelope), 'ErrTooManySkipped');
    await sB.setMembers(2n, [alice.member, bob.member]);
    await sA.setMembers(1n, [alice.member, bob.member]);
    await expectCode(async () => sB.open((await sA.seal(utf8('old epoch'))).envelope), 'ErrStaleKey');
  });

  it('expires skipped keys and closes superseded chains after the TTL', async () => {
    const c = clock();
    const alice = await party(0xa, 1, 1, 0x50);
    const bob = await party(0xb, 1, 1, 0x60);
    const sA = await session(alice, [alice, bob], c.now);
    const sB = await session(bob, [alice, bob], c.now);
    const m0 = await sA.seal(utf8('0'));
    const m1 = await sA.seal(utf8('1'));
    const m2 = await sA.seal(utf8('2'));
    await sB.open(m0.envelope);
    await sB.open(m2.envelope); // keeps the key of m1
    sA.rotate();
    await sB.open((await sA.seal(utf8('new chain'))).envelope); // supersedes the first chain
    c.advance(Defaults.skippedKeyTTL);
    await expectCode(() => sB.open(m1.envelope), 'ErrStaleKey');
    await expectCode(() => sB.open(m0.envelope), 'ErrStaleKey');
  });

  it('rejects its own envelopes and envelopes of non-members', async () => {
    const c = clock();
    const alice = await party(0xa, 1, 1, 0x50);
    const bob = await party(0xb, 1, 1, 0x60);
    const mallory = await party(0xd, 1, 1, 0x90);
    const sA = await session(alice, [alice, bob], c.now);
    const sM = await session(mallory, [mallory, bob], c.now);
    const own = await sA.seal(utf8('mine'));
    await expectCode(() => sA.open(own.envelope), 'ErrDuplicate');
    await expectCode(async () => sA.open((await sM.seal(utf8('hi'))).envelope), 'ErrUnknownSender');
  });
});

describe('non-extractable device', () => {
  it('keeps its private keys unexportable and still opens wraps and signs', async () => {
    const c = clock();
    const alice = await party(0xa, 1, 1, 0x50);
    const device = await Device.fromCryptoKeys(await generateDeviceKeyPairs());
    const bob: Party = { member: { account: new Uint8Array(20).fill(0xb), deviceId: 1, keys: device.keys }, device };
    expect(device.seeds).toBeUndefined();
    await expect(crypto.subtle.exportKey('pkcs8', device.kem.privateKey)).rejects.toThrow();
    const sA = await session(alice, [alice, bob], c.now);
    const sB = await session(bob, [alice, bob], c.now);
    expect(text.decode((await sB.open((await sA.seal(utf8('to a browser device'))).envelope)).plaintext)).toBe('to a browser device');
    expect(text.decode((await sA.open((await sB.seal(utf8('from it'))).envelope)).plaintext)).toBe('from it');
  });
});
