import type { Fetch } from '../../app/api.js';
import { ApiError } from '../../app/api.js';
import { fromBase64UrlStrict, isProtocolError, Room, toBase64Url } from '../../protocol/index.js';

/** The server's view of a room: its id, lifetime and member cap (no key). */
export interface RoomInfo {
  /** The server's room id (26 base32 letters). */
  id: string;
  /** When the server forgets the room (RFC 3339). */
  expiresAt: string;
  /** Most sockets in the room at once. */
  maxMembers: number;
}

/** One chat line of a room, as the web app puts it inside the room's encryption. */
export interface RoomLine {
  /** A random id; replays and duplicates are dropped by it. */
  id: string;
  /** The sender's self-chosen nickname (nothing vouches for it). */
  nick: string;
  /** The text. */
  text: string;
  /** The sender's clock, milliseconds since the epoch. */
  at: number;
}

/** A room opened from a link: the server id to route by and the key that never leaves the browser. */
export interface RoomLink {
  /** The server's room id. */
  id: string;
  /** The 32-byte room key from the fragment. */
  key: Uint8Array;
}

const serverId = /^[a-z2-7]{26}$/;
/** Bounds a nickname, in characters. */
export const MaxNick = 32;
/** Bounds a line of text, in characters. */
export const MaxText = 4000;

/** Formats the shareable link: the id in the path, the key in the fragment (browsers never send it). */
export function roomLink(origin: string, l: RoomLink): string {
  return `${origin.replace(/\/$/, '')}/r/${l.id}#k=${toBase64Url(l.key)}`;
}

/** Reads a room link's path and fragment; undefined when it is not a complete room link. */
export function parseRoomLink(pathname: string, hash: string): RoomLink | undefined {
  const m = /^\/r\/([^/]+)$/.exec(pathname);
  const key = hash.startsWith('#k=') ? fromBase64UrlStrict(hash.slice(3)) : undefined;
  if (!m || !serverId.test(m[1]!) || key?.length !== 32) return undefined;
  return { id: m[1]!, key };
}

/** Encrypts a line for the room. */
export function sealLine(room: Room, line: RoomLine): Uint8Array {
  return room.seal(new TextEncoder().encode(JSON.stringify(line)));
}

/** Decrypts a room frame; undefined for anything that is not a well-formed line under this key (dropped silently, §10). */
export function openLine(room: Room, frame: Uint8Array): RoomLine | undefined {
  let pt: Uint8Array;
  try {
    pt = room.open(frame);
  } catch (err) {
    if (isProtocolError(err, 'ErrDecrypt') || isProtocolError(err, 'ErrMalformed') || isProtocolError(err, 'ErrUnsupportedVersion') || isProtocolError(err, 'ErrOversize')) return undefined;
    throw err;
  }
  let v: Partial<RoomLine>;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(pt)) as Partial<RoomLine>;
  } catch {
    return undefined;
  }
  const ok =
    typeof v.id === 'string' && v.id.length > 0 && v.id.length <= 64 &&
    typeof v.nick === 'string' && v.nick.length <= MaxNick &&
    typeof v.text === 'string' && v.text.length > 0 && v.text.length <= MaxText &&
    typeof v.at === 'number' && Number.isFinite(v.at);
  return ok ? { id: v.id!, nick: v.nick!, text: v.text!, at: v.at! } : undefined;
}

async function call<T>(fetchFn: Fetch, path: string, init?: RequestInit): Promise<T> {
  const res = await fetchFn(path, init);
  const data = (await res.json().catch(() => ({}))) as T & { code?: string; detail?: string };
  if (!res.ok) throw new ApiError(res.status, data.code ?? 'unknown', data.detail ?? `${path}: http ${res.status}`);
  return data;
}

/** Creates a room on the server (no sign-in) and draws its key here; the key is never sent. */
export async function createRoom(fetchFn: Fetch, opts: { ttlSeconds?: number; maxMembers?: number } = {}): Promise<{ info: RoomInfo; link: RoomLink }> {
  const info = await call<RoomInfo>(fetchFn, '/v1/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(opts) });
  return { info, link: { id: info.id, key: crypto.getRandomValues(new Uint8Array(32)) } };
}

/** Reads a live room's limits; ApiError 404 once it expired. */
export function getRoom(fetchFn: Fetch, id: string): Promise<RoomInfo> {
  return call<RoomInfo>(fetchFn, `/v1/rooms/${encodeURIComponent(id)}`);
}

/** The WebSocket URL of a room on the page's origin (http → ws, https → wss). */
export function roomSocketURL(origin: string, id: string): string {
  return `${origin.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/rooms/${encodeURIComponent(id)}/ws`;
}

/** The parts of a WebSocket a room session uses (the browser's, or a test's). */
export interface RoomSocket {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
}

/**
 * A live room conversation over its socket: encrypts what this browser sends, decrypts and
 * deduplicates what arrives, drops anything that does not open under the key.
 */
export class RoomSession {
  private readonly room: Room;
  private readonly seen = new Set<string>();
  /** Resolves once the socket is open; rejects when it closes first. */
  readonly opened: Promise<void>;

  /** Starts a session on a socket; onLine gets every new line (mine included), onClose the end. */
  constructor(
    link: RoomLink,
    private readonly socket: RoomSocket,
    private readonly onLine: (line: RoomLine, mine: boolean) => void,
    onClose: (reason: string) => void,
  ) {
    this.room = new Room(link.key);
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      const line = openLine(this.room, new Uint8Array(ev.data));
      if (line) this.accept(line, false);
    };
    this.opened = new Promise((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onclose = (ev) => {
        const reason = ev.reason || `closed (${ev.code})`;
        reject(new Error(`room socket: ${reason}`));
        onClose(reason);
      };
    });
    this.opened.catch(() => undefined);
  }

  /** Encrypts and sends a line under nick; returns it as shown locally. */
  send(nick: string, text: string): RoomLine {
    const line: RoomLine = { id: toBase64Url(crypto.getRandomValues(new Uint8Array(12))), nick: nick.slice(0, MaxNick), text: text.slice(0, MaxText), at: Date.now() };
    this.socket.send(sealLine(this.room, line));
    this.accept(line, true);
    return line;
  }

  /** Leaves the room. */
  close(): void {
    this.socket.close();
  }

  private accept(line: RoomLine, mine: boolean): void {
    if (this.seen.has(line.id)) return;
    this.seen.add(line.id);
    this.onLine(line, mine);
  }
}
