import { describe, expect, it } from 'vitest';
import { fromHex, keyAgreementKey, registrationSignedBytes, rotationSignedBytes, signRegistration, toHex, verifyRegistration, verifyRotation } from '../../src/protocol/index.js';
import { deviceOf, expectCode, keysOf, vectors, type DeviceInput, type Negative } from './vectors.js';

interface Valid {
  name: string;
  device: DeviceInput;
  chainId: number;
  registry: string;
  account: string;
  deviceId: number;
  signedBytes: string;
  signature: string;
  rotation: { newKeyAgreementKey: string; signedBytes: string; signature: string };
}
interface Invalid extends Negative {
  suite: number;
  deviceId: number;
  chainId: number;
  signature: string;
}
const v = vectors<{ valid: Valid[]; invalid: Invalid[] }>('registration.json');

const regOf = (x: Valid) => ({
  chainId: BigInt(x.chainId),
  registry: fromHex(x.registry),
  account: fromHex(x.account),
  deviceId: x.deviceId,
  suite: x.device.suite,
  signingKey: fromHex(x.device.signingKey),
  keyAgreementKey: fromHex(x.device.keyAgreementKey),
});

describe('registration vectors', () => {
  it.each(v.valid)('$name: derives keys, signed bytes and signature', async (x) => {
    const d = await deviceOf(x.device);
    expect(toHex(d.keys.signingKey)).toBe(x.device.signingKey);
    expect(toHex(d.keys.kemPublicKey)).toBe(x.device.kemPublicKey);
    expect(toHex(keyAgreementKey(d.keys))).toBe(x.device.keyAgreementKey);
    expect(toHex(keyAgreementKey(keysOf(x.device)))).toBe(x.device.keyAgreementKey);
    const reg = regOf(x);
    expect(toHex(registrationSignedBytes(reg))).toBe(x.signedBytes);
    expect(toHex(await signRegistration(d, reg))).toBe(x.signature);
    await verifyRegistration(reg, fromHex(x.signature));
  });

  it.each(v.valid)('$name: rotation signed bytes and signature', async (x) => {
    const rot = { ...regOf(x), keyAgreementKey: fromHex(x.rotation.newKeyAgreementKey) };
    expect(toHex(rotationSignedBytes(rot))).toBe(x.rotation.signedBytes);
    await verifyRotation(rot, fromHex(x.device.signingKey), fromHex(x.rotation.signature));
    // A registration signature never verifies as a rotation.
    await expectCode(() => verifyRotation(rot, fromHex(x.device.signingKey), fromHex(x.signature)), 'ErrBadSignature');
  });

  it.each(v.invalid)('rejects $name with $error', async (n) => {
    const first = v.valid[0]!;
    const reg = { ...regOf(first), suite: n.suite, deviceId: n.deviceId, chainId: BigInt(n.chainId) };
    await expectCode(() => verifyRegistration(reg, fromHex(n.signature)), n.error);
  });
});
