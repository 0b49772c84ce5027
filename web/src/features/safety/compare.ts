import type { ConversationStore } from '../../app/conversations.js';
import { equal, fromHex, safetyNumber } from '../../protocol/index.js';

/**
 * The safety number of account me and peer from the device keys our conversation encrypts to and
 * verifies against, not from a fresh directory read (which a lying server could answer honestly
 * while the conversation uses a key it swapped in).
 */
export async function conversationSafetyNumber(store: ConversationStore, me: string, peer: string): Promise<{ digits: string; qr: Uint8Array }> {
  const devices = await store.devices(peer);
  const party = (account: string) => {
    const a = fromHex(account);
    return { account: a, devices: devices.filter((d) => equal(d.account, a)).map((d) => d.keys) };
  };
  return safetyNumber(party(me), party(peer));
}

/** The result of comparing a scanned safety-number QR code with this device's own (docs/protocol.md §7). */
export type SafetyComparison =
  /** Byte for byte the same: both sides see the same device keys. */
  | 'match'
  /** Same two accounts, different keys: a device changed or someone is in the middle. */
  | 'mismatch'
  /** A safety code of two other accounts. */
  | 'other-pair'
  /** Not a Parley safety-number code (wrong version or length). */
  | 'not-safety-code';

const payloadSize = 105;
const lowAccount = [1, 21] as const;
const highAccount = [53, 73] as const;

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Compares the 105-byte QR payload scanned from the peer's screen with mine. */
export function compareSafetyQR(mine: Uint8Array, scanned: Uint8Array): SafetyComparison {
  if (scanned.length !== payloadSize || scanned[0] !== 1) return 'not-safety-code';
  const accounts = (p: Uint8Array) => [p.subarray(...lowAccount), p.subarray(...highAccount)];
  const [ml, mh] = accounts(mine);
  const [sl, sh] = accounts(scanned);
  if (!same(ml!, sl!) || !same(mh!, sh!)) return 'other-pair';
  return same(mine, scanned) ? 'match' : 'mismatch';
}
