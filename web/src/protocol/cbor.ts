import { decode, encode, rfc8949EncodeOptions } from 'cborg';
import { equal } from './bytes.js';
import { fail } from './errors.js';

/** A CBOR value as this protocol uses it: unsigned integers, byte strings, arrays and integer-keyed maps. */
export type CborValue = number | bigint | Uint8Array | CborValue[] | CborMap;

/** An integer-keyed CBOR map; entries whose value is undefined are omitted when encoding (Go's omitempty). */
export type CborMap = Map<number, CborValue | undefined>;

/** Encodes a value with RFC 8949 §4.2.1 Core Deterministic Encoding. */
export function encodeCanonical(value: CborValue): Uint8Array {
  return encode(strip(value), rfc8949EncodeOptions);
}

function strip(value: CborValue): unknown {
  if (value instanceof Map) {
    const out = new Map<number, unknown>();
    for (const [k, v] of value) if (v !== undefined) out.set(k, strip(v));
    return out;
  }
  if (Array.isArray(value)) return value.map(strip);
  return value;
}

const decodeOptions = {
  strict: true,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: true,
  tags: [],
};

/**
 * Decodes b as an integer-keyed CBOR map whose keys are all in `keys`; anything else (unknown or
 * duplicate keys, indefinite lengths, tags, trailing bytes) is ErrMalformed. The caller re-encodes
 * the typed value and compares it with b through checkCanonical.
 */
export function decodeMap(what: string, b: Uint8Array, keys: readonly number[]): Fields {
  let v: unknown;
  try {
    v = decode(b, decodeOptions);
  } catch (err) {
    fail('ErrMalformed', `decode ${what}`, err);
  }
  return asFields(what, v, keys);
}

/** Checks that canon, the re-encoding of what was decoded from b, equals b (docs/protocol.md §5.2). */
export function checkCanonical(what: string, b: Uint8Array, canon: Uint8Array): void {
  if (!equal(b, canon)) fail('ErrMalformed', `${what} is not in deterministic encoding`);
}

function asFields(what: string, v: unknown, keys: readonly number[]): Fields {
  if (!(v instanceof Map)) fail('ErrMalformed', `${what} is not a map`);
  for (const k of v.keys()) {
    if (typeof k !== 'number' || !keys.includes(k)) fail('ErrMalformed', `${what} with unknown key ${String(k)}`);
  }
  return new Fields(what, v as Map<number, unknown>);
}

/** Typed access to the fields of a decoded map; a field of the wrong type is ErrMalformed. */
export class Fields {
  /** Wraps a decoded map for the named structure. */
  constructor(
    private readonly what: string,
    private readonly m: Map<number, unknown>,
  ) {}

  /** Returns an unsigned integer field below 2^bits (absent: 0, like Go's zero value). */
  uint(key: number, bits: 8 | 32 | 64 = 64): bigint {
    const v = this.m.get(key);
    if (v === undefined) return 0n;
    const n = typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
    if (typeof n !== 'bigint' || n < 0n || n >= 1n << BigInt(bits)) this.bad(key);
    return n;
  }

  /** Returns an unsigned integer field that fits in a JS number (≤ 32 bits). */
  num(key: number, bits: 8 | 32 = 32): number {
    return Number(this.uint(key, bits));
  }

  /** Returns a byte-string field, or undefined when absent. */
  bytes(key: number): Uint8Array | undefined {
    const v = this.m.get(key);
    if (v === undefined) return undefined;
    if (!(v instanceof Uint8Array)) this.bad(key);
    return v;
  }

  /** Returns an array field of at most max elements (absent: empty). */
  array(key: number, max: number): unknown[] {
    const v = this.m.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > max) this.bad(key);
    return v;
  }

  /** Interprets an array element as a nested map with the given keys. */
  nested(v: unknown, what: string, keys: readonly number[]): Fields {
    return asFields(`${this.what} ${what}`, v, keys);
  }

  private bad(key: number): never {
    fail('ErrMalformed', `${this.what} field ${key} has the wrong type`);
  }
}

/** Builds an integer-keyed map from entries; undefined values are omitted when encoding. */
export function cborMap(entries: [number, CborValue | undefined][]): CborMap {
  return new Map(entries);
}
