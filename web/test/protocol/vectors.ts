import { expect } from 'vitest';
import { Device, fromHex, isProtocolError, type DeviceKeys, type ErrorCode, type Suite } from '../../src/protocol/index.js';

// The vector files shared with the Go tests, bundled by Vite so the tests run in Node and in a browser.
const files = import.meta.glob('../../../testdata/protocol/*.json', { eager: true, import: 'default' });

/** Returns a vector file of testdata/protocol by name. */
export function vectors<T>(file: string): T {
  const v = files[`../../../testdata/protocol/${file}`];
  if (v === undefined) throw new Error(`no vector file ${file}`);
  return v as T;
}

/** A device as the vectors describe it. */
export interface DeviceInput {
  suite: Suite;
  signingSeed: string;
  kemSeed: string;
  signingKey: string;
  kemPublicKey: string;
  keyAgreementKey: string;
}

/** Rebuilds a vector device from its seeds. */
export function deviceOf(d: DeviceInput): Promise<Device> {
  return Device.fromSeeds(d.suite, fromHex(d.signingSeed), fromHex(d.kemSeed));
}

/** The public keys of a vector device, as recorded. */
export function keysOf(d: DeviceInput): DeviceKeys {
  return { suite: d.suite, signingKey: fromHex(d.signingKey), kemPublicKey: fromHex(d.kemPublicKey) };
}

/** A negative vector: an input and the error name it must be rejected with. */
export interface Negative {
  name: string;
  error: ErrorCode;
}

/** Asserts that run throws (or rejects with) a ProtocolError named code. */
export async function expectCode(run: () => unknown, code: ErrorCode): Promise<void> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err, `want ${code}`).toBeDefined();
  expect(isProtocolError(err, code), `got ${String(err)}, want ${code}`).toBe(true);
}
