import { argon2id } from '@noble/hashes/argon2.js';
import { concat, u32, u8, utf8 } from './bytes.js';
import { cborMap, decodeMap, encodeCanonical } from './cbor.js';
import { fail, ProtocolError } from './errors.js';
import { Device } from './keys.js';
import { aeadOpen, aeadOverhead, aeadSeal } from './primitives.js';

const backupAADDomain = utf8('parley/backup/v1');
/** Bounds an encoded backup archive. */
export const MaxBackupSize = 64 << 20;
const backupVersion = 1;

/** Argon2id parameters of a backup; they travel in the archive header. */
export interface Argon2Params {
  /** Passes. */
  time: number;
  /** Memory in KiB. */
  memoryKiB: number;
  /** Parallelism. */
  threads: number;
}

/** The setting for new backups (RFC 9106 second recommended option, 64 MiB). */
export const DefaultArgon2: Argon2Params = { time: 3, memoryKiB: 64 << 10, threads: 4 };

function checkParams(p: Argon2Params): void {
  if (p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 || p.memoryKiB < 8 * p.threads || p.memoryKiB > 1 << 20) {
    fail('ErrMalformed', `argon2id parameters t=${p.time} m=${p.memoryKiB} p=${p.threads} out of range`);
  }
}

/** What a backup restores: the device seeds and opaque application data. */
export interface BackupContents {
  /** The device key suite. */
  suite: number;
  /** The Ed25519 seed. */
  signingSeed: Uint8Array;
  /** The KEM private key. */
  kemSeed: Uint8Array;
  /** The owning account (20 bytes). */
  account: Uint8Array;
  /** The device id. */
  deviceId: number;
  /** Opaque application data such as history (may be empty). */
  data: Uint8Array;
}

/** Returns the canonical CBOR of backup contents (key 6 omitted when data is empty). */
export function encodeBackupContents(c: BackupContents): Uint8Array {
  return encodeCanonical(
    cborMap([
      [1, c.suite],
      [2, c.signingSeed],
      [3, c.kemSeed],
      [4, c.account],
      [5, c.deviceId],
      [6, c.data.length > 0 ? c.data : undefined],
    ]),
  );
}

/** Rebuilds the device of restored contents. */
export async function deviceOf(c: BackupContents): Promise<Device> {
  return Device.fromSeeds(c.suite, c.signingSeed, c.kemSeed);
}

interface Header extends Argon2Params {
  salt: Uint8Array;
}

const aadOf = (h: Header) => concat(backupAADDomain, u8(backupVersion), u32(h.time), u32(h.memoryKiB), u8(h.threads), h.salt);
const keyOf = (pass: Uint8Array, h: Header) => argon2id(pass, h.salt, { t: h.time, m: h.memoryKiB, p: h.threads, dkLen: 32 });

/** Encrypts contents under an Argon2id key of passphrase (docs/protocol.md §9); salt and nonce default to random. */
export function backup(
  passphrase: Uint8Array,
  p: Argon2Params,
  c: BackupContents,
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
  nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(12)),
): Uint8Array {
  checkParams(p);
  const h = { ...p, salt };
  const ciphertext = aeadSeal(keyOf(passphrase, h), nonce, encodeBackupContents(c), aadOf(h));
  return encodeCanonical(
    cborMap([
      [1, backupVersion],
      [2, p.time],
      [3, p.memoryKiB],
      [4, p.threads],
      [5, salt],
      [6, nonce],
      [7, ciphertext],
    ]),
  );
}

/** Decrypts an archive: ErrOversize, ErrMalformed, ErrUnsupportedVersion or ErrBadPassphrase. */
export function restore(passphrase: Uint8Array, archive: Uint8Array): BackupContents {
  if (archive.length > MaxBackupSize) fail('ErrOversize', `backup of ${archive.length} bytes`);
  const f = decodeMap('backup', archive, [1, 2, 3, 4, 5, 6, 7]);
  if (f.uint(1) !== BigInt(backupVersion)) fail('ErrUnsupportedVersion', `backup version ${f.uint(1)}`);
  const h: Header = { time: f.num(2), memoryKiB: f.num(3), threads: f.num(4, 8), salt: f.bytes(5) ?? new Uint8Array() };
  checkParams(h);
  const nonce = f.bytes(6) ?? new Uint8Array();
  const ciphertext = f.bytes(7) ?? new Uint8Array();
  if (h.salt.length !== 16 || nonce.length !== 12 || ciphertext.length < aeadOverhead) fail('ErrMalformed', 'backup salt, nonce or ciphertext size');
  let pt: Uint8Array;
  try {
    pt = aeadOpen(keyOf(passphrase, h), nonce, ciphertext, aadOf(h), 'backup');
  } catch (err) {
    throw new ProtocolError('ErrBadPassphrase', 'wrong passphrase or corrupted backup', { cause: err });
  }
  const c = decodeMap('backup contents', pt, [1, 2, 3, 4, 5, 6]);
  return {
    suite: c.num(1, 8),
    signingSeed: c.bytes(2) ?? new Uint8Array(),
    kemSeed: c.bytes(3) ?? new Uint8Array(),
    account: c.bytes(4) ?? new Uint8Array(),
    deviceId: c.num(5),
    data: c.bytes(6) ?? new Uint8Array(),
  };
}
