import { concat, u256, u32, u8, utf8 } from './bytes.js';
import { fail } from './errors.js';
import { checkSuite, verifySignature, type Device, type Suite } from './keys.js';

const registrationDomain = utf8('parley/device-registration/v1');
const rotationDomain = utf8('parley/key-agreement-rotation/v1');

/** What a device signs before its DeviceAdded transaction (docs/protocol.md §3.1). */
export interface DeviceRegistration {
  /** The EIP-155 chain id of the registry's chain. */
  chainId: bigint;
  /** The DeviceRegistry address (20 bytes). */
  registry: Uint8Array;
  /** The wallet that owns the device (20 bytes). */
  account: Uint8Array;
  /** The per-account device id, from 1. */
  deviceId: number;
  /** The device's key suite. */
  suite: number;
  /** The device's Ed25519 public key. */
  signingKey: Uint8Array;
  /** The on-chain key-agreement key (X25519 key or X-Wing commitment). */
  keyAgreementKey: Uint8Array;
}

/** What a device signs before its KeyAgreementKeyRotated transaction (docs/protocol.md §3.2). */
export type KeyRotation = Omit<DeviceRegistration, 'signingKey'>;

function binding(domain: Uint8Array, r: KeyRotation): Uint8Array {
  return concat(domain, u256(r.chainId), r.registry, r.account, u32(r.deviceId), u8(r.suite));
}

/** Returns the 162 bytes the registration signature covers. */
export function registrationSignedBytes(r: DeviceRegistration): Uint8Array {
  return concat(binding(registrationDomain, r), r.signingKey, r.keyAgreementKey);
}

/** Returns the bytes the rotation signature covers. */
export function rotationSignedBytes(r: KeyRotation): Uint8Array {
  return concat(binding(rotationDomain, r), r.keyAgreementKey);
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

function validate(r: KeyRotation, signingKey?: Uint8Array): Suite {
  const suite = checkSuite(r.suite);
  if (r.deviceId === 0 || isZero(r.keyAgreementKey) || (signingKey !== undefined && isZero(signingKey))) {
    fail('ErrMalformed', 'registration with zero device id or key');
  }
  if (r.registry.length !== 20 || r.account.length !== 20 || r.keyAgreementKey.length !== 32) {
    fail('ErrMalformed', 'registration field of the wrong size');
  }
  return suite;
}

/** Signs a registration of device d; reg.signingKey must be the device's. */
export async function signRegistration(d: Device, reg: DeviceRegistration): Promise<Uint8Array> {
  validate(reg, reg.signingKey);
  return d.sign(registrationSignedBytes(reg));
}

/** Verifies a DeviceAdded self-signature: ErrUnsupportedSuite, ErrMalformed or ErrBadSignature. */
export async function verifyRegistration(reg: DeviceRegistration, sig: Uint8Array): Promise<void> {
  validate(reg, reg.signingKey);
  await verifySignature(reg.signingKey, registrationSignedBytes(reg), sig);
}

/** Signs a key-agreement rotation with the device's registered signing key. */
export async function signRotation(d: Device, rot: KeyRotation): Promise<Uint8Array> {
  validate(rot);
  return d.sign(rotationSignedBytes(rot));
}

/** Verifies a KeyAgreementKeyRotated signature against the device's registered signing key. */
export async function verifyRotation(rot: KeyRotation, signingKey: Uint8Array, sig: Uint8Array): Promise<void> {
  validate(rot);
  await verifySignature(signingKey, rotationSignedBytes(rot), sig);
}
