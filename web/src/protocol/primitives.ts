import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { fail } from './errors.js';

export { sha256, sha512 };

/** Size of the ChaCha20-Poly1305 tag every ciphertext carries. */
export const aeadOverhead = 16;

/** HMAC-SHA256(key, msg). */
export function hmacSHA256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac(sha256, key, msg);
}

/** HKDF-SHA256 with a 32-byte output. */
export function hkdf32(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array): Uint8Array {
  return hkdf(sha256, ikm, salt, info, 32);
}

/** ChaCha20-Poly1305 seal (RFC 8439). */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/** ChaCha20-Poly1305 open; an authentication failure is ErrDecrypt. */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array, what: string): Uint8Array {
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(ciphertext);
  } catch (err) {
    fail('ErrDecrypt', `open ${what}`, err);
  }
}

/** The key and nonce of one message of a sender chain. */
export interface MessageKey {
  /** The 32-byte ChaCha20-Poly1305 key. */
  key: Uint8Array;
  /** The 12-byte nonce. */
  nonce: Uint8Array;
}

/** Returns the message key of chain key ck and the next chain key (docs/protocol.md §4.2). */
export function ratchet(ck: Uint8Array): [MessageKey, Uint8Array] {
  const key = hmacSHA256(ck, Uint8Array.of(0x01));
  const next = hmacSHA256(ck, Uint8Array.of(0x02));
  const nonce = hmacSHA256(ck, Uint8Array.of(0x03)).slice(0, 12);
  return [{ key, nonce }, next];
}

/** The label of a chain's frame key: frameKey = HMAC(ck0, label). */
export const frameKeyLabel = new TextEncoder().encode('parley/frame-key/v1');
