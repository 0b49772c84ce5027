import { concat, fromBase64UrlStrict, toBase64Url, u8, utf8 } from './bytes.js';
import { cborMap, checkCanonical, decodeMap, encodeCanonical } from './cbor.js';
import { MaxPlaintextSize } from './envelope.js';
import { fail } from './errors.js';
import { aeadOpen, aeadOverhead, aeadSeal, hkdf32, sha256 } from './primitives.js';

/** The only room message version this implementation speaks. */
export const RoomVersion = 1;
/** Bounds an encoded room message. */
export const MaxRoomMessageSize = MaxPlaintextSize + 64;

const roomIdDomain = utf8('parley/room-id/v1');
const roomDomain = utf8('parley/room/v1');

/** The wire form of a room message. */
export interface RoomMessage {
  /** RoomVersion. */
  version: number;
  /** The 12-byte nonce. */
  nonce: Uint8Array;
  /** The AEAD output. */
  ciphertext: Uint8Array;
}

const encodeRoomMessage = (m: RoomMessage) =>
  encodeCanonical(
    cborMap([
      [1, m.version],
      [2, m.nonce],
      [3, m.ciphertext],
    ]),
  );

/** Checks the shape of a room message without the key (what a relay can check). */
export function decodeRoomMessage(b: Uint8Array): RoomMessage {
  if (b.length > MaxRoomMessageSize) fail('ErrOversize', `room message of ${b.length} bytes`);
  const f = decodeMap('room message', b, [1, 2, 3]);
  const m = { version: Number(f.uint(1)), nonce: f.bytes(2) ?? new Uint8Array(), ciphertext: f.bytes(3) ?? new Uint8Array() };
  checkCanonical('room message', b, encodeRoomMessage(m));
  if (m.version !== RoomVersion) fail('ErrUnsupportedVersion', `room message version ${m.version}`);
  if (m.nonce.length !== 12 || m.ciphertext.length < aeadOverhead) fail('ErrMalformed', 'room message nonce or ciphertext size');
  return m;
}

/** An anonymous room (docs/protocol.md §10): whoever holds the key reads and writes. */
export class Room {
  /** The 16-byte room id the server routes by. */
  readonly idBytes: Uint8Array;
  private readonly messageKey: Uint8Array;

  /** Rebuilds a room from its 32-byte key. */
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) fail('ErrMalformed', `room key of ${key.length} bytes`);
    this.idBytes = sha256(concat(roomIdDomain, key)).slice(0, 16);
    this.messageKey = hkdf32(key, undefined, roomDomain);
  }

  /** Creates a room with a random key. */
  static create(): Room {
    return new Room(crypto.getRandomValues(new Uint8Array(32)));
  }

  /** Opens a room link "https://<host>/r/<roomId>#k=<roomKey>"; a mismatching id is ErrMalformed. */
  static fromLink(link: string): Room {
    let u: URL;
    try {
      u = new URL(link);
    } catch (err) {
      fail('ErrMalformed', 'room link', err);
    }
    const at = u.pathname.indexOf('/r/');
    if (at < 0 || !u.hash.startsWith('#k=')) fail('ErrMalformed', 'room link without /r/<id>#k=<key>');
    const key = fromBase64UrlStrict(u.hash.slice(3));
    if (key?.length !== 32) fail('ErrMalformed', 'room key in link');
    const r = new Room(key);
    if (u.pathname.slice(at + 3) !== r.id) fail('ErrMalformed', 'room id does not match the key');
    return r;
  }

  /** The room id as base64url without padding. */
  get id(): string {
    return toBase64Url(this.idBytes);
  }

  /** Returns the shareable link under origin; the key is in the fragment. */
  link(origin: string): string {
    return `${origin.replace(/\/$/, '')}/r/${this.id}#k=${toBase64Url(this.key)}`;
  }

  private aad(version: number): Uint8Array {
    return concat(roomDomain, u8(version), this.idBytes);
  }

  /** Encrypts a room message; nonce defaults to 12 random bytes. */
  seal(plaintext: Uint8Array, nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(12))): Uint8Array {
    if (plaintext.length > MaxPlaintextSize) fail('ErrOversize', `room plaintext of ${plaintext.length} bytes`);
    const ciphertext = aeadSeal(this.messageKey, nonce, plaintext, this.aad(RoomVersion));
    return encodeRoomMessage({ version: RoomVersion, nonce, ciphertext });
  }

  /** Decrypts a room message: ErrOversize, ErrMalformed, ErrUnsupportedVersion or ErrDecrypt. */
  open(b: Uint8Array): Uint8Array {
    const m = decodeRoomMessage(b);
    return aeadOpen(this.messageKey, m.nonce, m.ciphertext, this.aad(m.version), 'room message');
  }
}
