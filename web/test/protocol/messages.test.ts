import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeAAD,
  envelopeCID,
  envelopeSignedBytes,
  fromHex,
  isProtocolError,
  KindFrame,
  Session,
  toHex,
  utf8,
  type Device,
  type Envelope,
} from '../../src/protocol/index.js';
import { aeadSeal, frameKeyLabel, hmacSHA256, ratchet } from '../../src/protocol/primitives.js';
import { deviceOf, expectCode, keysOf, vectors, type DeviceInput, type Negative } from './vectors.js';

interface Step {
  plaintext: string;
  chainKey: string;
  aad: string;
  messageKey: string;
  nonce: string;
  envelope: string;
  cid: string;
}
interface Vectors {
  conversationId: string;
  epoch: number;
  sender: DeviceInput;
  senderAccount: string;
  senderDevice: number;
  recipient: DeviceInput;
  recipientAccount: string;
  recipientDevice: number;
  chainId: string;
  messages: Step[];
  frame: { plaintext: string; frameKey: string; nonce: string; aad: string; envelope: string };
  invalid: (Negative & { envelope: string })[];
}
const v = vectors<Vectors>('messages.json');
const text = new TextDecoder();

/** The recipient's session at the vector's clock (1_700_000_000 s), members alice and bob. */
async function recipient(): Promise<Session> {
  const bob = await deviceOf(v.recipient);
  return Session.create({
    conversationId: fromHex(v.conversationId),
    account: fromHex(v.recipientAccount),
    deviceId: v.recipientDevice,
    device: bob,
    epoch: BigInt(v.epoch),
    now: () => 1_700_000_000_000,
    members: [
      { account: fromHex(v.senderAccount), deviceId: v.senderDevice, keys: keysOf(v.sender) },
      { account: fromHex(v.recipientAccount), deviceId: v.recipientDevice, keys: keysOf(v.recipient) },
    ],
  });
}

/** Re-signs env with the sender device and encodes it. */
async function signed(alice: Device, env: Envelope): Promise<Uint8Array> {
  env.signature = await alice.sign(envelopeSignedBytes(env));
  return encodeEnvelope(env);
}

describe('message vectors', () => {
  it.each(v.messages.map((m, i) => ({ ...m, i })))('message $i: key schedule, aad, CID and exact bytes', async (m) => {
    const [mk, next] = ratchet(fromHex(m.chainKey));
    expect(toHex(mk.key)).toBe(m.messageKey);
    expect(toHex(mk.nonce)).toBe(m.nonce);
    const following = v.messages[m.i + 1];
    if (following) expect(toHex(next)).toBe(following.chainKey);
    const env = decodeEnvelope(fromHex(m.envelope));
    expect(toHex(envelopeAAD(env))).toBe(m.aad);
    expect(envelopeCID(fromHex(m.envelope)).toString()).toBe(m.cid);
    // Everything but the HPKE wraps is deterministic: re-seal and re-sign from the chain key.
    const alice = await deviceOf(v.sender);
    env.ciphertext = aeadSeal(mk.key, mk.nonce, utf8(m.plaintext), envelopeAAD(env));
    expect(toHex(await signed(alice, env))).toBe(m.envelope);
  });

  it('frame: frame key, aad and exact bytes', async () => {
    const f = v.frame;
    const fk = hmacSHA256(fromHex(v.messages[0]!.chainKey), frameKeyLabel);
    expect(toHex(fk)).toBe(f.frameKey);
    const env = decodeEnvelope(fromHex(f.envelope));
    expect(env.kind).toBe(KindFrame);
    expect(toHex(envelopeAAD(env))).toBe(f.aad);
    env.ciphertext = aeadSeal(fk, fromHex(f.nonce), utf8(f.plaintext), envelopeAAD(env));
    expect(toHex(await signed(await deviceOf(v.sender), env))).toBe(f.envelope);
  });

  it('the recipient opens every message in order, then the frame', async () => {
    const s = await recipient();
    for (const m of v.messages) {
      const got = await s.open(fromHex(m.envelope));
      expect(text.decode(got.plaintext)).toBe(m.plaintext);
      expect(got.cid?.toString()).toBe(m.cid);
    }
    expect(s.currentHeads().map(String)).toEqual([v.messages.at(-1)!.cid]);
    const frame = await s.open(fromHex(v.frame.envelope));
    expect(frame.kind).toBe(KindFrame);
    expect(text.decode(frame.plaintext)).toBe(v.frame.plaintext);
  });

  it('opens concurrent deliveries as if they came one by one', async () => {
    const s = await recipient();
    const all = [...v.messages, ...v.messages].map((m) => s.open(fromHex(m.envelope)).then((got) => text.decode(got.plaintext), (err: unknown) => err));
    const got = await Promise.all(all);
    expect(got.slice(0, 3)).toEqual(v.messages.map((m) => m.plaintext));
    for (const err of got.slice(3)) expect(isProtocolError(err, 'ErrDuplicate')).toBe(true);
  });

  it('opens messages out of order with skipped keys, and rejects a second delivery', async () => {
    const s = await recipient();
    await s.open(fromHex(v.messages[0]!.envelope));
    expect(text.decode((await s.open(fromHex(v.messages[2]!.envelope))).plaintext)).toBe(v.messages[2]!.plaintext);
    expect(text.decode((await s.open(fromHex(v.messages[1]!.envelope))).plaintext)).toBe(v.messages[1]!.plaintext);
    await expectCode(() => s.open(fromHex(v.messages[1]!.envelope)), 'ErrDuplicate');
  });

  it.each(v.invalid)('rejects $name with $error', async (n) => {
    const s = await recipient();
    await s.open(fromHex(v.messages[0]!.envelope));
    await expectCode(() => s.open(fromHex(n.envelope)), n.error);
    // A failure leaves the state unchanged: the next message still opens.
    expect(text.decode((await s.open(fromHex(v.messages[1]!.envelope))).plaintext)).toBe(v.messages[1]!.plaintext);
  });
});
