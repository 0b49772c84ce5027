import { describe, expect, it } from 'vitest';
import {
  encodeLinkMessage,
  fromHex,
  LinkChannel,
  LinkLifetime,
  LinkRole,
  LinkType,
  linkChannelId,
  linkKey,
  linkQR,
  newLinkHello,
  parseLinkQR,
  toHex,
  verifyLinkHello,
  type LinkMessage,
} from '../../src/protocol/index.js';
import { deviceOf, expectCode, vectors, type DeviceInput, type Negative } from './vectors.js';

interface Vectors {
  oldDevice: DeviceInput;
  newDevice: DeviceInput;
  secret: string;
  qr: string;
  channelId: string;
  key: string;
  frames: { from: 'old' | 'new'; counter: number; plaintextCbor: string; frame: string }[];
  confirmationCode: string;
  invalid: (Negative & { to: 'old' | 'new'; afterFrames: number; frame: string })[];
  invalidQr: (Negative & { input: string })[];
}
const v = vectors<Vectors>('link.json');
const now = 1_700_000_000_000;
const role = { old: LinkRole.OldDevice, new: LinkRole.NewDevice };
const open = (side: 'old' | 'new') => new LinkChannel(parseLinkQR(v.qr), role[side], now + LinkLifetime, () => now);

describe('device-linking vectors', () => {
  it('parses the QR code and derives the channel id and key', async () => {
    const inv = parseLinkQR(v.qr);
    expect(toHex(inv.secret)).toBe(v.secret);
    expect(toHex(inv.oldSigningKey)).toBe(v.oldDevice.signingKey);
    expect(linkQR(inv)).toBe(v.qr);
    expect(toHex(linkChannelId(inv))).toBe(v.channelId);
    expect(toHex(linkKey(inv))).toBe(v.key);
  });

  it('seals every frame byte for byte, including the hello signed by the new device', async () => {
    const sides = { old: open('old'), new: open('new') };
    const newDevice = await deviceOf(v.newDevice);
    let offer: LinkMessage | undefined;
    for (const f of v.frames) {
      const to = f.from === 'old' ? sides.new : sides.old;
      const m = to.open(fromHex(f.frame));
      expect(toHex(encodeLinkMessage(m))).toBe(f.plaintextCbor);
      if (m.type === LinkType.Offer) offer = m;
      const mine = m.type === LinkType.Hello ? await newLinkHello(newDevice, offer!) : m;
      expect(toHex(sides[f.from].seal(mine))).toBe(f.frame);
    }
  });

  it('verifies the hello, agrees on the confirmation code and closes after done', async () => {
    const sides = { old: open('old'), new: open('new') };
    const got: LinkMessage[] = [];
    for (const f of v.frames) got.push((f.from === 'old' ? sides.new : sides.old).open(fromHex(f.frame)));
    const { keys, registration } = await verifyLinkHello(got[0]!, got[1]!);
    expect(registration.deviceId).toBe(2);
    expect(toHex(keys.signingKey)).toBe(v.newDevice.signingKey);
    expect(sides.old.confirmationCode(keys)).toBe(v.confirmationCode);
    await expectCode(() => sides.new.confirmationCode(keys), 'ErrStaleKey');
    await expectCode(() => sides.new.open(fromHex(v.frames[3]!.frame)), 'ErrStaleKey');
  });

  it('refuses frames after the lifetime', async () => {
    const c = new LinkChannel(parseLinkQR(v.qr), LinkRole.NewDevice, now, () => now);
    await expectCode(() => c.open(fromHex(v.frames[0]!.frame)), 'ErrStaleKey');
  });

  it.each(v.invalid)('rejects frame $name with $error', async (n) => {
    const c = open(n.to);
    const sent = v.frames.filter((f) => f.from !== n.to);
    const offer = open('new').open(fromHex(v.frames[0]!.frame));
    for (const f of sent.slice(0, n.afterFrames)) c.open(fromHex(f.frame));
    await expectCode(async () => {
      const m = c.open(fromHex(n.frame));
      if (m.type === LinkType.Hello) await verifyLinkHello(offer, m);
    }, n.error);
  });

  it.each(v.invalidQr)('rejects QR $name with $error', async (n) => {
    await expectCode(() => parseLinkQR(n.input), n.error);
  });
});
