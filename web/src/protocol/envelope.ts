import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { concat, u32, u64, u8, utf8 } from './bytes.js';
import { cborMap, checkCanonical, decodeMap, encodeCanonical, type CborMap } from './cbor.js';
import { fail } from './errors.js';
import { checkSuite, sealedSize, verifySignature } from './keys.js';
import { aeadOverhead, sha256 } from './primitives.js';

/** The only envelope version this implementation speaks. */
export const Version = 1;
/** A stored, hash-linked conversation message. */
export const KindMessage = 1;
/** An ephemeral frame (typing, read receipt): relayed, never stored. */
export const KindFrame = 2;

/** Bounds an encoded envelope (docs/protocol.md §5.4). */
export const MaxEnvelopeSize = 1536 * 1024;
/** Bounds the plaintext of a message. */
export const MaxPlaintextSize = 64 * 1024;
/** Bounds the plaintext of a frame. */
export const MaxFramePlaintextSize = 1024;
/** Bounds the prev links of an envelope. */
export const MaxPrev = 8;
/** Bounds the key wraps of an envelope. */
export const MaxWraps = 1024;

const maxCIDSize = 64;
const envelopeSigDomain = utf8('parley/envelope/v1');
const messageAADDomain = utf8('parley/message/v1');

/** The chain key sealed with HPKE to one recipient device. */
export interface Wrap {
  /** The recipient's account (20 bytes). */
  account: Uint8Array;
  /** The recipient's device id. */
  device: number;
  /** The recipient's suite. */
  suite: number;
  /** HPKE enc followed by the sealed chain key. */
  sealed: Uint8Array;
}

/** The decoded wire envelope (docs/protocol.md §5.1). */
export interface Envelope {
  /** The format version. */
  version: number;
  /** KindMessage or KindFrame. */
  kind: number;
  /** The 32-byte conversation id. */
  conversation: Uint8Array;
  /** The membership epoch of the sender chain. */
  epoch: bigint;
  /** The sender account (20 bytes). */
  sender: Uint8Array;
  /** The sender device id. */
  device: number;
  /** The 16-byte chain id. */
  chain: Uint8Array;
  /** The message counter (0 for frames). */
  counter: number;
  /** The frame nonce (frames only). */
  nonce?: Uint8Array | undefined;
  /** Binary CIDs of the envelopes the sender had seen (messages only). */
  prev: Uint8Array[];
  /** Key wraps (counter 0 only). */
  wraps: Wrap[];
  /** The AEAD ciphertext. */
  ciphertext: Uint8Array;
  /** The sender device's Ed25519 signature (absent while signing). */
  signature?: Uint8Array | undefined;
}

const nonEmpty = <T>(a: T[]) => (a.length > 0 ? a : undefined);

function toCbor(e: Envelope, withSignature: boolean): CborMap {
  return cborMap([
    [1, e.version],
    [2, e.kind],
    [3, e.conversation],
    [4, e.epoch],
    [5, e.sender],
    [6, e.device],
    [7, e.chain],
    [8, e.counter],
    [9, e.nonce],
    [10, nonEmpty(e.prev)],
    [11, nonEmpty(e.wraps.map((w) => cborMap([[1, w.account], [2, w.device], [3, w.suite], [4, w.sealed]])))],
    [12, e.ciphertext],
    [13, withSignature ? e.signature : undefined],
  ]);
}

/** Returns the deterministic CBOR encoding of an envelope. */
export function encodeEnvelope(e: Envelope): Uint8Array {
  return encodeCanonical(toCbor(e, true));
}

/** Returns the bytes the sender signs: "parley/envelope/v1" || CBOR(envelope without key 13). */
export function envelopeSignedBytes(e: Envelope): Uint8Array {
  return concat(envelopeSigDomain, encodeCanonical(toCbor(e, false)));
}

/** Returns the AEAD associated data of an envelope (docs/protocol.md §4.3). */
export function envelopeAAD(e: Envelope): Uint8Array {
  return concat(messageAADDomain, u8(e.version), u8(e.kind), e.conversation, u64(e.epoch), e.sender, u32(e.device), e.chain, u32(e.counter));
}

/** Verifies the sender device signature with its registered Ed25519 key. */
export async function verifyEnvelopeSignature(e: Envelope, signingKey: Uint8Array): Promise<void> {
  await verifySignature(signingKey, envelopeSignedBytes(e), e.signature ?? new Uint8Array());
}

/** Returns the CID of an encoded envelope: CIDv1, raw codec 0x55, sha2-256. */
export function envelopeCID(encoded: Uint8Array): CID {
  return CID.createV1(0x55, Digest.create(0x12, sha256(encoded)));
}

const envelopeKeys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] as const;
const wrapKeys = [1, 2, 3, 4] as const;

/**
 * Parses and structurally validates an envelope without any key: size, canonical CBOR, field types
 * and sizes, limits and version (docs/protocol.md §5).
 */
export function decodeEnvelope(b: Uint8Array): Envelope {
  if (b.length > MaxEnvelopeSize) fail('ErrOversize', `envelope of ${b.length} bytes`);
  const f = decodeMap('envelope', b, envelopeKeys);
  const byteList = (key: number, max: number) =>
    f.array(key, max).map((v) => (v instanceof Uint8Array ? v : fail('ErrMalformed', `envelope field ${key} element`)));
  const e: Envelope = {
    version: Number(f.uint(1)),
    kind: Number(f.uint(2)),
    conversation: f.bytes(3) ?? new Uint8Array(),
    epoch: f.uint(4),
    sender: f.bytes(5) ?? new Uint8Array(),
    device: f.num(6),
    chain: f.bytes(7) ?? new Uint8Array(),
    counter: f.num(8),
    nonce: f.bytes(9),
    prev: byteList(10, MaxWraps),
    wraps: f.array(11, MaxWraps).map((v) => {
      const w = f.nested(v, 'wrap', wrapKeys);
      return { account: w.bytes(1) ?? new Uint8Array(), device: w.num(2), suite: w.num(3, 8), sealed: w.bytes(4) ?? new Uint8Array() };
    }),
    ciphertext: f.bytes(12) ?? new Uint8Array(),
    signature: f.bytes(13),
  };
  checkCanonical('envelope', b, encodeEnvelope(e));
  validate(e);
  return e;
}

function validate(e: Envelope): void {
  if (e.version !== Version) fail('ErrUnsupportedVersion', `envelope version ${e.version}`);
  const malformed = (what: string): never => fail('ErrMalformed', `envelope ${what}`);
  if (e.conversation.length !== 32) malformed(`conversation id of ${e.conversation.length} bytes`);
  if (e.sender.length !== 20) malformed(`sender of ${e.sender.length} bytes`);
  if (e.device === 0) malformed('device id 0');
  if (e.chain.length !== 16) malformed(`chain id of ${e.chain.length} bytes`);
  if (e.signature?.length !== 64) malformed(`signature of ${e.signature?.length ?? 0} bytes`);
  if (e.prev.length > MaxPrev) fail('ErrOversize', `${e.prev.length} prev links`);
  for (const p of e.prev) {
    if (p.length > maxCIDSize) malformed(`prev link of ${p.length} bytes`);
    try {
      CID.decode(p);
    } catch (err) {
      fail('ErrMalformed', 'envelope prev link', err);
    }
  }
  const ctLen = e.ciphertext.length;
  if (e.kind === KindMessage) {
    if (e.nonce !== undefined) malformed('message with a nonce');
    if (ctLen < aeadOverhead || ctLen > MaxPlaintextSize + aeadOverhead) fail('ErrOversize', `message ciphertext of ${ctLen} bytes`);
    if (e.wraps.length > 0 && e.counter !== 0) malformed(`key wraps on counter ${e.counter}`);
  } else if (e.kind === KindFrame) {
    if (e.nonce?.length !== 12 || e.counter !== 0 || e.prev.length > 0) malformed('frame with a counter, prev links or a bad nonce');
    if (ctLen < aeadOverhead || ctLen > MaxFramePlaintextSize + aeadOverhead) fail('ErrOversize', `frame ciphertext of ${ctLen} bytes`);
  } else {
    malformed(`kind ${e.kind}`);
  }
  for (const w of e.wraps) {
    const s = checkSuite(w.suite);
    if (w.account.length !== 20 || w.device === 0 || w.sealed.length !== sealedSize(s)) malformed(`key wrap for device ${w.device}`);
  }
}
