import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import type { XWing } from '@hpke/hybridkem-x-wing';
import { concat, equal, fromBase64UrlStrict, utf8 } from './bytes.js';
import { fail, ProtocolError } from './errors.js';
import { sha256 } from './primitives.js';

/** Key suites (docs/protocol.md §2): 1 = X25519, 2 = X-Wing (ML-KEM-768 + X25519). */
export type Suite = 1 | 2;

/** Suite 1: Ed25519 with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305. */
export const SuiteX25519: Suite = 1;
/** Suite 2: Ed25519 with the X-Wing hybrid KEM; the chain holds a SHA-256 commitment to the public key. */
export const SuiteXWing: Suite = 2;

/** Returns s as a Suite, or throws ErrUnsupportedSuite. */
export function checkSuite(s: number): Suite {
  if (s !== SuiteX25519 && s !== SuiteXWing) fail('ErrUnsupportedSuite', `suite ${s}`);
  return s;
}

/** Size of the HPKE encapsulation (enc) of each suite's KEM. */
const encSizes: Record<Suite, number> = { 1: 32, 2: 1120 };

/** The HPKE pieces of one suite: the KEM, the full cipher suite and the encapsulation size. */
export interface SuiteKEM {
  /** The KEM. */
  kem: DhkemX25519HkdfSha256 | XWing;
  /** The cipher suite (KEM, HKDF-SHA256, ChaCha20-Poly1305). */
  hpke: CipherSuite;
  /** Size of enc. */
  encSize: number;
}

const kems = new Map<Suite, Promise<SuiteKEM>>();

async function newXWing(): Promise<XWing> {
  // X-Wing (ML-KEM-768) is loaded on first use, so the app's first bundle carries only suite 1.
  const { XWing } = await import('@hpke/hybridkem-x-wing');
  return new XWing();
}

/** Returns the HPKE pieces of suite s. */
export function suiteKEM(s: Suite): Promise<SuiteKEM> {
  let k = kems.get(s);
  if (!k) {
    // Suite 1 uses @hpke/core's DHKEM on WebCrypto X25519, so browser keys can be non-extractable.
    k = (s === SuiteXWing ? newXWing() : Promise.resolve(new DhkemX25519HkdfSha256())).then((kem) => ({
      kem,
      hpke: new CipherSuite({ kem, kdf: new HkdfSha256(), aead: new Chacha20Poly1305() }),
      encSize: encSizes[s],
    }));
    kems.set(s, k);
  }
  return k;
}

/** Size of Wrap.sealed for a suite: the HPKE encapsulation, the 32-byte chain key and the tag. */
export function sealedSize(s: Suite): number {
  return encSizes[s] + 32 + 16;
}

/** The public keys of a device as other devices see them. */
export interface DeviceKeys {
  /** The key suite. */
  suite: Suite;
  /** The 32-byte Ed25519 public key. */
  signingKey: Uint8Array;
  /** The serialized HPKE public key: 32 bytes (X25519) or 1216 bytes (X-Wing). */
  kemPublicKey: Uint8Array;
}

const xwingCommitmentDomain = utf8('parley/x-wing-commitment/v1');

/** Returns the 32-byte on-chain key-agreement key: the X25519 key, or the X-Wing key's commitment. */
export function keyAgreementKey(k: DeviceKeys): Uint8Array {
  return k.suite === SuiteXWing ? sha256(concat(xwingCommitmentDomain, k.kemPublicKey)) : k.kemPublicKey.slice(0, 32);
}

/** Parses a serialized HPKE public key of suite s; a key that does not parse is ErrMalformed. */
export async function importKEMPublicKey(s: Suite, key: Uint8Array): Promise<CryptoKey> {
  const want = s === SuiteXWing ? 1216 : 32;
  if (key.length !== want) fail('ErrMalformed', `kem public key of ${key.length} bytes for suite ${s}`);
  try {
    return await (await suiteKEM(s)).kem.deserializePublicKey(key);
  } catch (err) {
    fail('ErrMalformed', 'kem public key', err);
  }
}

/**
 * Checks that keys received off chain match what the DeviceRegistry holds for the device, binding a
 * full X-Wing key to its on-chain commitment; a mismatch is ErrStaleKey.
 */
export async function checkOnChain(k: DeviceKeys, suite: number, signingKey: Uint8Array, kak: Uint8Array): Promise<void> {
  checkSuite(k.suite);
  await importKEMPublicKey(k.suite, k.kemPublicKey);
  if (k.suite !== suite || !equal(k.signingKey, signingKey) || !equal(keyAgreementKey(k), kak)) {
    fail('ErrStaleKey', 'device keys differ from the registry');
  }
}

const ed25519PKCS8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const x25519PKCS8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);

/** Views bytes as a WebCrypto BufferSource (TypeScript types Uint8Array over any ArrayBufferLike). */
const bs = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

/** A WebCrypto key pair whose public half is known as raw bytes. */
interface RawKeyPair {
  pair: CryptoKeyPair;
  publicKey: Uint8Array;
}

/**
 * Imports a 32-byte Ed25519 seed or X25519 scalar into WebCrypto. The private key is extractable only
 * when asked; the public key is always derived through a short-lived extractable copy.
 */
async function importRaw(alg: 'Ed25519' | 'X25519', raw: Uint8Array, extractable: boolean): Promise<RawKeyPair> {
  const pkcs8 = concat(alg === 'Ed25519' ? ed25519PKCS8 : x25519PKCS8, raw);
  const usages: KeyUsage[] = alg === 'Ed25519' ? ['sign'] : ['deriveBits'];
  const tmp = await crypto.subtle.importKey('pkcs8', bs(pkcs8), { name: alg }, true, usages);
  const jwk = await crypto.subtle.exportKey('jwk', tmp);
  const publicKey = fromBase64UrlStrict(jwk.x ?? '') ?? fail('ErrMalformed', `${alg} public key`);
  const privateKey = extractable ? tmp : await crypto.subtle.importKey('pkcs8', bs(pkcs8), { name: alg }, false, usages);
  const pub = await crypto.subtle.importKey('raw', bs(publicKey), { name: alg }, true, alg === 'Ed25519' ? ['verify'] : []);
  return { pair: { privateKey, publicKey: pub }, publicKey };
}

/** Returns the X25519 key pair of a 32-byte scalar, for use as HPKE's ephemeral key (`ekm`) in tests. */
export async function x25519KeyPair(scalar: Uint8Array): Promise<CryptoKeyPair> {
  return (await importRaw('X25519', scalar, false)).pair;
}

/** Verifies an Ed25519 signature (RFC 8032); a wrong length is ErrMalformed, a failure ErrBadSignature. */
export async function verifySignature(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<void> {
  if (sig.length !== 64) fail('ErrMalformed', `signature of ${sig.length} bytes`);
  let ok = false;
  try {
    const key = await crypto.subtle.importKey('raw', bs(publicKey), { name: 'Ed25519' }, false, ['verify']);
    ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, bs(sig), bs(msg));
  } catch (err) {
    throw new ProtocolError('ErrBadSignature', 'bad signature', { cause: err });
  }
  if (!ok) fail('ErrBadSignature', 'bad signature');
}

/** The WebCrypto key pairs of a suite-1 device. */
export interface DeviceKeyPairs {
  /** The Ed25519 pair. */
  signing: CryptoKeyPair;
  /** The X25519 pair. */
  x25519: CryptoKeyPair;
}

/**
 * Creates the key pairs of a new suite-1 device with non-extractable private keys: they can be kept
 * in IndexedDB (structured clone) but never read back as bytes.
 */
export async function generateDeviceKeyPairs(): Promise<DeviceKeyPairs> {
  const signing = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const x25519 = (await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
  return { signing, x25519 };
}

/** The seeds a device can be rebuilt from (kept only by devices that allow a backup or linking). */
export interface DeviceSeeds {
  /** The 32-byte Ed25519 seed. */
  signingSeed: Uint8Array;
  /** The 32-byte KEM private key (X25519 scalar or X-Wing seed). */
  kemSeed: Uint8Array;
}

/** Device holds one device's private keys as WebCrypto (or, for X-Wing, @hpke) key objects. */
export class Device {
  private constructor(
    /** The device's public keys. */
    readonly keys: DeviceKeys,
    private readonly signing: CryptoKey,
    /** The KEM key pair, used to open chain-key wraps. */
    readonly kem: CryptoKeyPair,
    /** The seeds, when the device was built from them; undefined for non-extractable devices. */
    readonly seeds: DeviceSeeds | undefined,
  ) {}

  /** Rebuilds a device from its seeds (docs/protocol.md §2); the seeds stay available for a backup. */
  static async fromSeeds(suite: number, signingSeed: Uint8Array, kemSeed: Uint8Array): Promise<Device> {
    const s = checkSuite(suite);
    if (signingSeed.length !== 32 || kemSeed.length !== 32) fail('ErrMalformed', 'device seeds must be 32 bytes');
    const ed = await importRaw('Ed25519', signingSeed, false);
    const kem = s === SuiteXWing ? await (await newXWing()).generateKeyPairDerand(kemSeed) : (await importRaw('X25519', kemSeed, false)).pair;
    const kemPublicKey = new Uint8Array(await (await suiteKEM(s)).kem.serializePublicKey(kem.publicKey));
    const seeds = { signingSeed: signingSeed.slice(), kemSeed: kemSeed.slice() };
    return new Device({ suite: s, signingKey: ed.publicKey, kemPublicKey }, ed.pair.privateKey, kem, seeds);
  }

  /** Rebuilds a suite-1 device from stored WebCrypto key pairs (for example out of IndexedDB). */
  static async fromCryptoKeys({ signing, x25519 }: DeviceKeyPairs): Promise<Device> {
    const signingKey = new Uint8Array(await crypto.subtle.exportKey('raw', signing.publicKey));
    const kemPublicKey = new Uint8Array(await crypto.subtle.exportKey('raw', x25519.publicKey));
    return new Device({ suite: SuiteX25519, signingKey, kemPublicKey }, signing.privateKey, x25519, undefined);
  }

  /** Signs msg with the device's Ed25519 key. */
  async sign(msg: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, this.signing, bs(msg)));
  }
}
