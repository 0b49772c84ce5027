import { describe, expect, it } from 'vitest';
import { fromHex, safetyNumber, toHex, type Party } from '../../src/protocol/index.js';
import { keysOf, vectors, type DeviceInput } from './vectors.js';

const v = vectors<{ accountA: string; devicesA: DeviceInput[]; accountB: string; devicesB: DeviceInput[]; digits: string; qr: string }>('safety.json');
const a: Party = { account: fromHex(v.accountA), devices: v.devicesA.map(keysOf) };
const b: Party = { account: fromHex(v.accountB), devices: v.devicesB.map(keysOf) };

describe('safety number vectors', () => {
  it.each([
    { name: 'a then b', x: a, y: b },
    { name: 'b then a', x: b, y: a },
    { name: 'devices reordered', x: { ...a, devices: [...a.devices].reverse() }, y: b },
  ])('$name gives the recorded digits and QR payload', ({ x, y }) => {
    const got = safetyNumber(x, y);
    expect(got.digits).toBe(v.digits);
    expect(toHex(got.qr)).toBe(v.qr);
    expect(got.qr.length).toBe(105);
  });

  it('changes when a device is removed', () => {
    expect(safetyNumber({ ...a, devices: a.devices.slice(0, 1) }, b).digits).not.toBe(v.digits);
  });
});
