import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQR, qrSvg, type QRPayload } from '../../src/features/qr/qr.js';
import { compareSafetyQR } from '../../src/features/safety/compare.js';
import { Device, linkQR, newLinkInvite, safetyNumber, type Party } from '../../src/protocol/index.js';

/** Rasterizes payload's QR code as RGBA pixels, scale pixels per module, with a white quiet zone. */
function raster(payload: QRPayload, scale = 4, invert = false): { data: Uint8ClampedArray; width: number; height: number } {
  const m = QRCode.create(typeof payload === 'string' ? payload : [{ data: payload, mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;
  const side = (m.size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - 4;
      const my = Math.floor(y / scale) - 4;
      const dark = mx >= 0 && my >= 0 && mx < m.size && my < m.size && m.get(my, mx) === 1;
      data.fill(dark !== invert ? 0 : 255, (y * side + x) * 4, (y * side + x) * 4 + 3);
      data[(y * side + x) * 4 + 3] = 255;
    }
  }
  return { data, width: side, height: side };
}

const seeded = (n: number) => Device.fromSeeds(1, new Uint8Array(32).fill(n), new Uint8Array(32).fill(n + 1));
const account = (n: number) => new Uint8Array(20).fill(n);

describe('QR codes', () => {
  it('round-trips a device-link invite as text', async () => {
    const text = linkQR(newLinkInvite(await seeded(1)));
    expect(decodeQR(raster(text))?.text).toBe(text);
  });

  it('round-trips the 105 binary bytes of a safety number, also from a dark-mode (inverted) screen', async () => {
    const qr = safetyNumber({ account: account(1), devices: [(await seeded(1)).keys] }, { account: account(2), devices: [(await seeded(3)).keys] }).qr;
    expect(qr.length).toBe(105);
    expect(decodeQR(raster(qr))?.bytes).toEqual(qr);
    expect(decodeQR(raster(qr, 3, true))?.bytes).toEqual(qr);
  });

  it('finds nothing in a blank picture', () => {
    const side = 64;
    expect(decodeQR({ data: new Uint8ClampedArray(side * side * 4).fill(255), width: side, height: side })).toBeUndefined();
  });

  it('renders an SVG with dark modules', async () => {
    const svg = await qrSvg(new Uint8Array([1, 2, 3]));
    expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 29 29"/);
    expect(svg).toContain('<path');
  });
});

describe('safety-number comparison', async () => {
  const [a1, b1, b2, c1] = await Promise.all([seeded(1), seeded(3), seeded(5), seeded(7)]);
  const alice: Party = { account: account(1), devices: [a1.keys] };
  const bob: Party = { account: account(2), devices: [b1.keys] };
  const mine = safetyNumber(alice, bob).qr;
  const cases: { name: string; scanned: Uint8Array; want: string }[] = [
    { name: 'the peer computes the same code from its side', scanned: safetyNumber(bob, alice).qr, want: 'match' },
    { name: 'the peer sees another device of bob', scanned: safetyNumber(alice, { ...bob, devices: [b1.keys, b2.keys] }).qr, want: 'mismatch' },
    { name: 'a code of two other accounts', scanned: safetyNumber(alice, { account: account(3), devices: [c1.keys] }).qr, want: 'other-pair' },
    { name: 'a code of another version', scanned: Uint8Array.of(2, ...mine.subarray(1)), want: 'not-safety-code' },
    { name: 'a truncated code', scanned: mine.subarray(0, 104), want: 'not-safety-code' },
    { name: 'a text code', scanned: new TextEncoder().encode('parley-link:1:abc'), want: 'not-safety-code' },
  ];
  it.each(cases)('$name → $want', ({ scanned, want }) => {
    expect(compareSafetyQR(mine, scanned)).toBe(want);
  });
});
