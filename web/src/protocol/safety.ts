import { compare, concat, u32, u8, utf8 } from './bytes.js';
import { keyAgreementKey, type DeviceKeys } from './keys.js';
import { sha512 } from './primitives.js';

const safetyNumberDomain = utf8('parley/safety-number/v1');

/** One side of a safety-number comparison: an account and its active devices. */
export interface Party {
  /** The account address (20 bytes). */
  account: Uint8Array;
  /** The active device keys, in any order. */
  devices: DeviceKeys[];
}

function fingerprint(p: Party): Uint8Array {
  const entries = p.devices.map((d) => concat(u8(d.suite), d.signingKey, keyAgreementKey(d))).sort(compare);
  return sha512(concat(safetyNumberDomain, p.account, u32(entries.length), ...entries));
}

function digits(fp: Uint8Array): string[] {
  return Array.from({ length: 6 }, (_, i) => {
    const n = fp.slice(i * 5, i * 5 + 5).reduce((acc, b) => acc * 256n + BigInt(b), 0n);
    return (n % 100000n).toString().padStart(5, '0');
  });
}

/**
 * Returns the 60-digit safety number of two parties (12 groups of 5, lower account first) and the
 * 105-byte QR payload (docs/protocol.md §7). Both sides compute the same values.
 */
export function safetyNumber(a: Party, b: Party): { digits: string; qr: Uint8Array } {
  const [lo, hi] = compare(a.account, b.account) > 0 ? [b, a] : [a, b];
  const fl = fingerprint(lo);
  const fh = fingerprint(hi);
  return {
    digits: [...digits(fl), ...digits(fh)].join(' '),
    qr: concat(Uint8Array.of(1), lo.account, fl.slice(0, 32), hi.account, fh.slice(0, 32)),
  };
}
