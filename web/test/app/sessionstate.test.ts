import { describe, expect, it } from 'vitest';
import { Device, Session, utf8, type SessionConfig } from '../../src/protocol/index.js';
import { expectCode } from '../protocol/vectors.js';

const conversationId = new Uint8Array(32).fill(0xc1);
const text = new TextDecoder();

async function party(account: number, seed: number) {
  const device = await Device.fromSeeds(1, new Uint8Array(32).fill(seed), new Uint8Array(32).fill(seed + 1));
  return { member: { account: new Uint8Array(20).fill(account), deviceId: 1, keys: device.keys }, device };
}

type Party = Awaited<ReturnType<typeof party>>;

function base(self: Party): Omit<SessionConfig, 'epoch' | 'members'> {
  return { conversationId, account: self.member.account, deviceId: 1, device: self.device };
}

/** Saves and restores through a structured clone, as IndexedDB stores it. */
async function reload(s: Session, self: Party): Promise<Session> {
  return Session.restore(base(self), structuredClone(await s.snapshot()));
}

describe('session snapshot and restore', () => {
  it('a restored receiver opens the rest of a chain and still rejects replays', async () => {
    const alice = await party(0xa, 0x10);
    const bob = await party(0xb, 0x20);
    const members = [alice.member, bob.member];
    const sA = await Session.create({ ...base(alice), epoch: 3n, members });
    let sB = await Session.create({ ...base(bob), epoch: 3n, members });
    const one = await sA.seal(utf8('one'));
    const two = await sA.seal(utf8('two'));
    expect(text.decode((await sB.open(one.envelope)).plaintext)).toBe('one');
    sB = await reload(sB, bob);
    expect(sB.epoch).toBe(3n);
    const got = await sB.open(two.envelope); // no wraps: needs the restored chain key
    expect(text.decode(got.plaintext)).toBe('two');
    await expectCode(() => sB.open(one.envelope), 'ErrDuplicate');
  });

  it('a restored sender continues its chain without reusing a counter', async () => {
    const alice = await party(0xa, 0x30);
    const bob = await party(0xb, 0x40);
    const members = [alice.member, bob.member];
    let sA = await Session.create({ ...base(alice), epoch: 0n, members });
    const sB = await Session.create({ ...base(bob), epoch: 0n, members });
    const one = await sA.seal(utf8('one'));
    sA = await reload(sA, alice);
    const two = await sA.seal(utf8('two'));
    const m1 = await sB.open(one.envelope);
    const m2 = await sB.open(two.envelope);
    expect([m1.counter, m2.counter]).toEqual([0, 1]);
    expect(m2.chain).toEqual(m1.chain);
    expect(m2.prev.map(String)).toEqual([one.cid.toString()]);
  });

  it('refuses a state of an unknown format', async () => {
    const alice = await party(0xa, 0x50);
    await expectCode(() => Session.restore(base(alice), { format: 2 as 1, data: {} }), 'ErrMalformed');
  });
});
