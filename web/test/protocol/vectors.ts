import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Device, fromHex, isProtocolError, type DeviceKeys, type ErrorCode, type Suite } from '../../src/protocol/index.js';

const dir = fileURLToPath(new URL('../../../testdata/protocol/', import.meta.url));

/** Reads a vector file shared with the Go tests (testdata/protocol). */
export function vectors<T>(file: string): T {
  return JSON.parse(readFileSync(dir + file, 'utf8')) as T;
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
