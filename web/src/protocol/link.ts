import { concat, fromBase64UrlStrict, toBase64Url, u64, u8, utf8 } from './bytes.js';
import { cborMap, checkCanonical, decodeMap, encodeCanonical } from './cbor.js';
import { fail } from './errors.js';
import { checkSuite, importKEMPublicKey, keyAgreementKey, type Device, type DeviceKeys } from './keys.js';
import { aeadOpen, aeadOverhead, aeadSeal, hkdf32, hmacSHA256, sha256 } from './primitives.js';
import { signRegistration, verifyRegistration, type DeviceRegistration } from './registration.js';

/** How long a linking secret stays valid, in milliseconds. */
export const LinkLifetime = 5 * 60 * 1000;
/** Bounds the plaintext of one link frame. */
export const MaxLinkPlaintextSize = 256 << 10;

const linkQRPrefix = 'parley-link:1:';
const linkDomain = utf8('parley/link/v1');
const linkChannelDomain = utf8('parley/link-channel/v1');
const linkConfirmDomain = utf8('parley/link-confirm/v1');

/** The side of a link channel; its value is the direction byte of the frames that side sends. */
export enum LinkRole {
  /** The device being linked: scans the QR code, sends its hello. */
  NewDevice = 1,
  /** The registered device: shows the QR code, sends the offer, history and done. */
  OldDevice = 2,
}

/** Device-linking message types (docs/protocol.md §8.3). */
export enum LinkType {
  /** Old → new, frame 0. */
  Offer = 1,
  /** New → old, its only frame. */
  Hello = 2,
  /** Old → new, one chunk of history. */
  Data = 3,
  /** Old → new, last frame. */
  Done = 4,
}

/** The plaintext of one link frame; absent fields are zero values, as in Go. */
export interface LinkMessage {
  /** The message type. */
  type: LinkType;
  /** The registry's chain id (offer). */
  chainId?: bigint;
  /** The DeviceRegistry address (offer). */
  registry?: Uint8Array;
  /** The account the new device joins (offer). */
  account?: Uint8Array;
  /** The id the new device registers under (offer). */
  deviceId?: number;
  /** The new device's suite (hello). */
  suite?: number;
  /** The new device's Ed25519 key (hello). */
  signingKey?: Uint8Array;
  /** The new device's full HPKE public key (hello). */
  kemPublicKey?: Uint8Array;
  /** The new device's registration signature (hello). */
  deviceSig?: Uint8Array;
  /** A chunk of history (data). */
  data?: Uint8Array;
}

/** What the old device's QR code carries. */
export interface LinkInvite {
  /** The 32-byte one-time secret. */
  secret: Uint8Array;
  /** The old device's Ed25519 key, which the new device checks on chain. */
  oldSigningKey: Uint8Array;
}

/** Draws a one-time secret for the old device. */
export function newLinkInvite(old: Device, secret: Uint8Array = crypto.getRandomValues(new Uint8Array(32))): LinkInvite {
  return { secret, oldSigningKey: old.keys.signingKey };
}

/** Returns the QR text "parley-link:1:" || base64url-nopad(secret || oldSigningKey). */
export function linkQR(inv: LinkInvite): string {
  return linkQRPrefix + toBase64Url(concat(inv.secret, inv.oldSigningKey));
}

/** Parses a linking QR text; anything else is ErrMalformed. */
export function parseLinkQR(qr: string): LinkInvite {
  if (!qr.startsWith(linkQRPrefix)) fail('ErrMalformed', `link qr without the ${linkQRPrefix} prefix`);
  const b = fromBase64UrlStrict(qr.slice(linkQRPrefix.length));
  if (b?.length !== 64) fail('ErrMalformed', 'link qr payload');
  return { secret: b.slice(0, 32), oldSigningKey: b.slice(32) };
}

/** Returns the channel id both devices meet under: SHA-256(domain || secret)[0:16]. */
export function linkChannelId(inv: LinkInvite): Uint8Array {
  return sha256(concat(linkChannelDomain, inv.secret)).slice(0, 16);
}

/** Derives the channel key: HKDF-SHA256(ikm = secret, salt = "parley/link/v1", info = oldSigningKey). */
export function linkKey(inv: LinkInvite): Uint8Array {
  return hkdf32(inv.secret, linkDomain, inv.oldSigningKey);
}

const present = (b: Uint8Array | undefined) => (b && b.length > 0 ? b : undefined);
const nonZero = <T extends number | bigint>(n: T | undefined) => (n ? n : undefined);

/** Returns the canonical CBOR of a link message (zero fields omitted). */
export function encodeLinkMessage(m: LinkMessage): Uint8Array {
  return encodeCanonical(
    cborMap([
      [1, m.type],
      [2, nonZero(m.chainId)],
      [3, present(m.registry)],
      [4, present(m.account)],
      [5, nonZero(m.deviceId)],
      [6, nonZero(m.suite)],
      [7, present(m.signingKey)],
      [8, present(m.kemPublicKey)],
      [9, present(m.deviceSig)],
      [10, present(m.data)],
    ]),
  );
}

function validate(m: LinkMessage): void {
  const bare = (except: keyof LinkMessage | undefined) =>
    (['chainId', 'registry', 'account', 'deviceId', 'suite', 'signingKey', 'kemPublicKey', 'deviceSig', 'data'] as const).every(
      (k) => k === except || !m[k],
    );
  let ok = false;
  switch (m.type) {
    case LinkType.Offer:
      ok = !!m.chainId && m.registry?.length === 20 && m.account?.length === 20 && !!m.deviceId && !m.suite && !m.signingKey && !m.kemPublicKey && !m.deviceSig && !m.data;
      break;
    case LinkType.Hello:
      ok = !m.chainId && !m.registry && !m.account && !m.deviceId && m.signingKey?.length === 32 && !!m.kemPublicKey?.length && m.deviceSig?.length === 64 && !m.data;
      if (ok) checkSuite(m.suite ?? 0);
      break;
    case LinkType.Data:
      ok = !!m.data?.length && bare('data');
      break;
    case LinkType.Done:
      ok = bare(undefined);
      break;
  }
  if (!ok) fail('ErrMalformed', `link message of type ${m.type} with wrong fields`);
}

/** Decodes and validates the plaintext of a link frame. */
export function decodeLinkMessage(pt: Uint8Array): LinkMessage {
  const f = decodeMap('link message', pt, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const m: LinkMessage = {
    type: Number(f.uint(1)),
    chainId: f.uint(2),
    registry: f.bytes(3),
    account: f.bytes(4),
    deviceId: f.num(5),
    suite: f.num(6, 8),
    signingKey: f.bytes(7),
    kemPublicKey: f.bytes(8),
    deviceSig: f.bytes(9),
    data: f.bytes(10),
  };
  checkCanonical('link message', pt, encodeLinkMessage(m));
  validate(m);
  return m;
}

function offerRegistration(offer: LinkMessage, keys: DeviceKeys): DeviceRegistration {
  return {
    chainId: offer.chainId!,
    registry: offer.registry!,
    account: offer.account!,
    deviceId: offer.deviceId!,
    suite: keys.suite,
    signingKey: keys.signingKey,
    keyAgreementKey: keyAgreementKey(keys),
  };
}

/** Builds the new device's hello for an offer: its keys and its registration signature over the offer. */
export async function newLinkHello(d: Device, offer: LinkMessage): Promise<LinkMessage> {
  validate(offer);
  if (offer.type !== LinkType.Offer) fail('ErrMalformed', 'hello needs an offer');
  const deviceSig = await signRegistration(d, offerRegistration(offer, d.keys));
  return { type: LinkType.Hello, suite: d.keys.suite, signingKey: d.keys.signingKey, kemPublicKey: d.keys.kemPublicKey, deviceSig };
}

/** Checks a hello against the offer; returns the new device's keys and the registration to authorize. */
export async function verifyLinkHello(offer: LinkMessage, hello: LinkMessage): Promise<{ keys: DeviceKeys; registration: DeviceRegistration }> {
  if (offer.type !== LinkType.Offer || hello.type !== LinkType.Hello) fail('ErrMalformed', 'verify hello');
  validate(offer);
  validate(hello);
  const keys: DeviceKeys = { suite: checkSuite(hello.suite ?? 0), signingKey: hello.signingKey!, kemPublicKey: hello.kemPublicKey! };
  await importKEMPublicKey(keys.suite, keys.kemPublicKey);
  const registration = offerRegistration(offer, keys);
  await verifyRegistration(registration, hello.deviceSig!);
  return { keys, registration };
}

function linkNonce(dir: LinkRole, counter: number): Uint8Array {
  return concat(u8(dir), new Uint8Array(3), u64(BigInt(counter)));
}

function allowed(dir: LinkRole, counter: number, t: LinkType): boolean {
  if (dir === LinkRole.NewDevice) return counter === 0 && t === LinkType.Hello;
  return counter === 0 ? t === LinkType.Offer : t === LinkType.Data || t === LinkType.Done;
}

/**
 * One side of a device-linking channel (docs/protocol.md §8.2). Counters are implicit, so a replayed,
 * reordered, reflected or dropped frame fails with ErrDecrypt.
 */
export class LinkChannel {
  private key: Uint8Array | undefined;
  private sent = 0;
  private received = 0;

  /** Opens one side; every frame after `expires` (ms) is refused with ErrStaleKey. */
  constructor(
    inv: LinkInvite,
    private readonly role: LinkRole,
    private readonly expires: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = linkKey(inv);
  }

  private usable(): Uint8Array {
    if (!this.key) fail('ErrStaleKey', 'link channel closed');
    if (this.now() >= this.expires) fail('ErrStaleKey', 'link secret expired');
    return this.key;
  }

  /** Encrypts the next frame this side sends, enforcing the message sequence. */
  seal(m: LinkMessage): Uint8Array {
    const key = this.usable();
    validate(m);
    if (!allowed(this.role, this.sent, m.type)) fail('ErrMalformed', `link message type ${m.type} as frame ${this.sent}`);
    const pt = encodeLinkMessage(m);
    if (pt.length > MaxLinkPlaintextSize) fail('ErrOversize', `link message of ${pt.length} bytes`);
    const frame = aeadSeal(key, linkNonce(this.role, this.sent), pt, linkDomain);
    this.sent++;
    this.closeAfter(m.type);
    return frame;
  }

  /** Decrypts the next frame from the other side. */
  open(frame: Uint8Array): LinkMessage {
    const key = this.usable();
    if (frame.length > MaxLinkPlaintextSize + aeadOverhead) fail('ErrOversize', `link frame of ${frame.length} bytes`);
    const peer = this.role === LinkRole.NewDevice ? LinkRole.OldDevice : LinkRole.NewDevice;
    const m = decodeLinkMessage(aeadOpen(key, linkNonce(peer, this.received), frame, linkDomain, `link frame ${this.received}`));
    if (!allowed(peer, this.received, m.type)) fail('ErrMalformed', `link message type ${m.type} as frame ${this.received}`);
    this.received++;
    this.closeAfter(m.type);
    return m;
  }

  private closeAfter(t: LinkType): void {
    if (t === LinkType.Done) {
      this.key?.fill(0);
      this.key = undefined;
    }
  }

  /** Returns the 6-digit confirmation code over the new device's keys; ErrStaleKey once closed. */
  confirmationCode(newDevice: DeviceKeys): string {
    if (!this.key) fail('ErrStaleKey', 'link channel closed');
    const mac = hmacSHA256(this.key, concat(linkConfirmDomain, u8(newDevice.suite), newDevice.signingKey, keyAgreementKey(newDevice)));
    return (new DataView(mac.buffer).getUint32(0) % 1_000_000).toString().padStart(6, '0');
  }
}
