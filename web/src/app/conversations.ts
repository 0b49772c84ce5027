// Conversations of this device: one protocol Session per conversation key — a peer's address
// (direct: wraps to every registered unrevoked device of both accounts) or group:<uuid> (a
// group: every device of its members, at the group's epoch) — message history, delivery state
// and typing, all kept in IndexedDB so a reload continues where it left off. The Go client
// (internal/client) is the reference for what goes on the wire: text messages are the UTF-8 text
// itself, so the terminal chat reads them.
import { sha256 } from '@noble/hashes/sha2.js';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { getAddress, type Address } from 'viem';
import {
  compare,
  concat,
  decodeEnvelope,
  envelopeCID,
  fromHex,
  isProtocolError,
  KindMessage,
  ProtocolError,
  Session,
  SuiteX25519,
  toHex,
  utf8,
  type Device,
  type Member,
  type Message,
  type SessionState,
} from '../protocol/index.js';
import { refused, type ApiClient } from './api.js';
import { applyReceipt, type DeliveryState, type GroupReceipts, type ReceiptKind } from './receipts.js';
import type { DeviceCheck } from './registry.js';
import { RelayClosedError, RelayError, RetryLater, type ConversationTarget, type DeviceRef, type Notification, type PushedEnvelope, type RelayClient } from './relay.js';

export type { DeliveryState, GroupReceipts } from './receipts.js';

/** What a message says: text, or a tip announcement (the tips feature sends it). */
export type MessageBody = { kind: 'text'; text: string } | { kind: 'tip'; txHash: string; amount: string; token?: string; note?: string };

/** One message of a conversation, as stored and shown. */
export interface ChatMessage {
  /** The envelope's CID once sealed; a local id ("local:…") before. */
  key: string;
  /** The conversation's key: the other account, lowercase, or group:<uuid> (see groupKey). */
  peer: string;
  /** Whether this account sent it (from any of its devices). */
  mine: boolean;
  /** The sender's account, lowercase. */
  sender: string;
  /** The content. */
  body: MessageBody;
  /** When this device sent or received it (ms since the epoch). */
  at: number;
  /** Delivery state of my messages; received ones are 'delivered'. */
  state: DeliveryState;
  /** Why sending failed, for state 'failed'. */
  error?: string;
  /** Who of the members has my group message and has read it (messages of mine in a group). */
  receipts?: GroupReceipts;
  /** The CIDs of the envelopes it links as prev (received messages), for loading older history. */
  links?: string[];
}

/** A conversation as the list shows it. */
export interface ConversationSummary {
  /** The conversation's key: the other account, lowercase, or group:<uuid>. */
  peer: string;
  /** The last message, if any. */
  last?: ChatMessage;
  /** Received messages not read yet. */
  unread: number;
  /** The peer is typing (until typingUntil). */
  typing: boolean;
}

/** Conversations, each named by its key (a peer's address or group:<uuid>): the interface screens use (ConversationStore below implements it). */
export interface ConversationStore {
  /** Conversations with at least one message, newest first. */
  list(): ConversationSummary[];
  /** The history with peer, oldest first (loaded from IndexedDB by open()). */
  messages(peer: string): ChatMessage[];
  /** Loads the history with peer from IndexedDB; resolves when messages(peer) has it. */
  open(peer: string): Promise<void>;
  /** Sends text to peer; resolves with the stored message once the relay made it durable (state 'sent'). */
  send(peer: string, body: MessageBody): Promise<ChatMessage>;
  /** Tells peer's online devices that I am typing (rate-limited, ephemeral). */
  typing(peer: string): void;
  /** Marks everything received from peer as read and tells peer's devices (ephemeral receipt). */
  markRead(peer: string): void;
  /** Whether someone in the conversation is typing right now. */
  isTyping(peer: string): boolean;
  /** Who is typing in the conversation right now (lowercase accounts). */
  typers(peer: string): string[];
  /** The devices of the conversation with peer, this one included: the keys its messages are encrypted to and verified against (for safety numbers). */
  devices(peer: string): Promise<Member[]>;
  /** Fetches envelopes this device lacks that peer's messages link to (/ipfs/{cid}, verified), up to limit. */
  loadOlder(peer: string, limit?: number): Promise<number>;
  /** Calls fn after any change (a message, a state, typing); returns a function that stops it. */
  subscribe(fn: () => void): () => void;
  /** Closes the local database (sign-out). */
  close(): Promise<void>;
}

/** The direct conversation id: SHA-256("parley/direct/v1" || lower address || higher address) (wire.DirectConversationID). */
export function directConversationId(a: string, b: string): Uint8Array {
  let x = fromHex(a);
  let y = fromHex(b);
  if (compare(x, y) > 0) [x, y] = [y, x];
  return sha256(concat(utf8('parley/direct/v1'), x, y));
}

/** The group conversation id: SHA-256("parley/group/v1" || the group UUID's 16 bytes) (wire.GroupConversationID). */
export function groupConversationId(group: string): Uint8Array {
  const hex = group.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`${group} is not a group id`);
  return sha256(concat(utf8('parley/group/v1'), fromHex(hex)));
}

const groupPrefix = 'group:';

/** The conversation key of a group: group:<uuid>, lowercase. */
export function groupKey(group: string): string {
  return `${groupPrefix}${group.toLowerCase()}`;
}

/** The group id of a conversation key, or undefined for a direct one (a peer's address). */
export function groupOf(key: string): string | undefined {
  return key.startsWith(groupPrefix) ? key.slice(groupPrefix.length) : undefined;
}

/** Whether key names a conversation: a lowercase account address or group:<uuid> (e.g. from a /chat/ URL). */
export function isConversationKey(key: string): boolean {
  return /^(0x[0-9a-f]{40}|group:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(key);
}

/** The id of the conversation key names, as account me sees it. */
export function conversationId(me: string, key: string): Uint8Array {
  const group = groupOf(key);
  return group ? groupConversationId(group) : directConversationId(me, key);
}

/** The ephemeral frames this app sends (JSON, ≤ 1 KiB): typing, delivered and read receipts. */
export type FrameBody = { t: 'typing' } | { t: 'delivered'; cids: string[] } | { t: 'read'; cids: string[] };

const tipPrefix = '{"parley":"tip"';

/** Formats 20 address bytes as a lowercase 0x address. */
function hexAddress(b: Uint8Array): Address {
  return `0x${toHex(b)}`;
}

/** Encodes a message body: text as its UTF-8 bytes (what the Go chat sends), others as tagged JSON. */
export function encodeBody(b: MessageBody): Uint8Array {
  if (b.kind === 'text') return utf8(b.text);
  const { kind: _kind, ...rest } = b;
  return utf8(JSON.stringify({ parley: 'tip', ...rest }));
}

/** Decodes a message body; anything that is not a tagged app message is text. */
export function decodeBody(p: Uint8Array): MessageBody {
  const text = new TextDecoder().decode(p);
  if (text.startsWith(tipPrefix)) {
    try {
      const v = JSON.parse(text) as { txHash?: unknown; amount?: unknown; token?: unknown; note?: unknown };
      if (typeof v.txHash === 'string' && typeof v.amount === 'string') {
        const tip: MessageBody = { kind: 'tip', txHash: v.txHash, amount: v.amount };
        if (typeof v.token === 'string') tip.token = v.token;
        if (typeof v.note === 'string') tip.note = v.note;
        return tip;
      }
    } catch {
      // plain text that happens to look like JSON
    }
  }
  return { kind: 'text', text };
}

interface Schema extends DBSchema {
  messages: { key: string; value: ChatMessage; indexes: { byPeer: [string, number] } };
  sessions: { key: string; value: { peer: string; state: SessionState } };
  reads: { key: string; value: { peer: string; at: number } };
}

/** An account's device directory: its registered, unrevoked suite-1 devices (GET /v1/users/{a}/devices). */
export async function fetchMembers(api: ApiClient, account: string): Promise<Member[]> {
  const out = await api.get<{ devices: { deviceId: number; suite: number; signingKey: string; keyAgreementKey: string; valid: boolean; revoked: boolean; state: string }[] }>(
    `/v1/users/${account.toLowerCase()}/devices`,
  );
  return out.devices
    .filter((d) => d.valid && !d.revoked && d.state === 'confirmed' && d.suite === SuiteX25519)
    .map((d) => ({
      account: fromHex(account),
      deviceId: d.deviceId,
      keys: { suite: SuiteX25519, signingKey: fromHex(d.signingKey), kemPublicKey: fromHex(d.keyAgreementKey) },
    }));
}

/** What a ConversationStore needs. */
export interface ConversationDeps {
  /** The API (device directory, /ipfs). */
  api: ApiClient;
  /** The relay socket. */
  relay: RelayClient;
  /** This account. */
  account: string;
  /** This device's registry id. */
  deviceId: number;
  /** This device's keys. */
  device: Device;
  /** Confirms the devices the API lists against the chain (registryCheck); without it the API's list is taken as it is. */
  checkDevices?: DeviceCheck;
  /** The clock (default Date.now). */
  now?: () => number;
}

interface Conv {
  /** The conversation key. */
  peer: string;
  id: Uint8Array;
  session: Session;
  epoch: bigint;
  to: DeviceRef[];
  sending: Promise<unknown>;
}

const typingHint = 5_000;

/**
 * IndexedConversations is the ConversationStore of the app. Received envelopes come through
 * receive (the relay's envelope handler): decrypted, stored together with the session state, and
 * only then acknowledged by the relay client. A message I send is known by its envelope's CID from
 * the moment it is sealed, so a reader's receipt that overtakes the relay's answer finds it.
 */
export class IndexedConversations implements ConversationStore {
  private readonly me: string;
  private readonly convs = new Map<string, Promise<Conv>>();
  /** Conversation key → hex conversation id (see idOf), so matching an envelope hashes nothing twice. */
  private readonly ids = new Map<string, string>();
  private readonly history = new Map<string, ChatMessage[]>();
  /** Conversation key → typing account → until when. */
  private readonly typingUntil = new Map<string, Map<string, number>>();
  private readonly lastTypingSent = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly db: Promise<IDBPDatabase<Schema>>;

  /** Opens the store of this account and device. */
  constructor(private readonly deps: ConversationDeps) {
    this.me = deps.account.toLowerCase();
    this.now = deps.now ?? Date.now;
    const name = `parley-chat-${this.me}-${deps.deviceId}`;
    this.db = openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('messages', { keyPath: 'key' }).createIndex('byPeer', ['peer', 'at']);
        db.createObjectStore('sessions', { keyPath: 'peer' });
        db.createObjectStore('reads', { keyPath: 'peer' });
      },
    });
    deps.relay.on('frame', (b) => void this.receiveFrame(b).catch(() => undefined));
    deps.relay.on('notification', (n) => void this.groupChanged(n).catch(() => undefined));
  }

  /** Loads every conversation's messages (for the list); call once after construction. */
  async init(): Promise<void> {
    const db = await this.db;
    const all = await db.getAll('messages');
    all.sort((a, b) => a.at - b.at);
    for (const m of all) {
      let h = this.history.get(m.peer);
      if (!h) this.history.set(m.peer, (h = []));
      h.push(m);
    }
    for (const m of all) if (m.mine && m.state === 'sending') await this.update(m, { state: 'failed', error: 'the page closed before it was sent' });
    this.changed();
  }

  /** Closes the database. */
  async close(): Promise<void> {
    (await this.db).close();
  }

  list(): ConversationSummary[] {
    return [...this.history.entries()]
      .filter(([, h]) => h.length > 0)
      .map(([peer, h]) => ({ peer, last: h[h.length - 1]!, unread: h.filter((m) => !m.mine && m.state !== 'read').length, typing: this.isTyping(peer) }))
      .sort((a, b) => (b.last?.at ?? 0) - (a.last?.at ?? 0));
  }

  messages(peer: string): ChatMessage[] {
    return this.history.get(peer.toLowerCase()) ?? [];
  }

  async open(peer: string): Promise<void> {
    const p = peer.toLowerCase();
    const db = await this.db;
    const stored = await db.getAllFromIndex('messages', 'byPeer', IDBKeyRange.bound([p, 0], [p, Number.MAX_SAFE_INTEGER]));
    this.history.set(p, stored);
    this.changed();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  isTyping(peer: string): boolean {
    return this.typers(peer).length > 0;
  }

  typers(peer: string): string[] {
    const now = this.now();
    return [...(this.typingUntil.get(peer.toLowerCase()) ?? [])].filter(([, until]) => until > now).map(([who]) => who);
  }

  send(peer: string, body: MessageBody): Promise<ChatMessage> {
    const p = peer.toLowerCase();
    const local: ChatMessage = { key: `local:${crypto.randomUUID()}`, peer: p, mine: true, sender: this.me, body, at: this.now(), state: 'sending' };
    this.append(local);
    this.lastTypingSent.delete(p); // the message ends the peer's typing line: the next keystroke announces again
    return this.conversation(p).then((conv) => {
      const run = conv.sending.then(() => this.deliver(conv, local));
      conv.sending = run.catch(() => undefined);
      return run;
    }, async (err: unknown) => this.fail(local, err));
  }

  typing(peer: string): void {
    const p = peer.toLowerCase();
    const last = this.lastTypingSent.get(p) ?? 0;
    if (this.now() - last < typingHint / 2) return;
    this.lastTypingSent.set(p, this.now());
    void this.sendFrame(p, { t: 'typing' });
  }

  markRead(peer: string): void {
    const p = peer.toLowerCase();
    const unread = this.messages(p).filter((m) => !m.mine && m.state !== 'read');
    if (unread.length === 0) return;
    void Promise.all(unread.map((m) => this.update(m, { state: 'read' }))).then(() => this.changed());
    void this.sendFrame(p, { t: 'read', cids: unread.map((m) => m.key).slice(-32) });
  }

  async devices(peer: string): Promise<Member[]> {
    const conv = await this.conversation(peer.toLowerCase());
    const self: Member = { account: fromHex(this.me), deviceId: this.deps.deviceId, keys: this.deps.device.keys };
    return [self, ...(await conv.session.devices())];
  }

  async loadOlder(peer: string, limit = 20): Promise<number> {
    const p = peer.toLowerCase();
    const conv = await this.conversation(p);
    const have = new Set(this.messages(p).map((m) => m.key));
    const wanted: string[] = [];
    for (const m of this.messages(p)) for (const prev of m.links ?? []) if (!have.has(prev) && !wanted.includes(prev)) wanted.push(prev);
    let loaded = 0;
    while (wanted.length > 0 && loaded < limit) {
      const cid = wanted.shift()!;
      let bytes: Uint8Array;
      try {
        bytes = await this.deps.api.fetchBytes(`/ipfs/${cid}`);
      } catch {
        continue;
      }
      if (envelopeCID(bytes).toString() !== cid) continue; // not what the link names
      const msg = await this.openIn(conv, bytes, decodeEnvelope(bytes).epoch).catch(() => undefined);
      if (!msg) continue;
      const stored = await this.store(conv, msg, cid);
      loaded++;
      for (const prev of stored.links ?? []) if (!have.has(prev)) wanted.push(prev);
    }
    if (loaded) await this.open(p);
    return loaded;
  }

  /**
   * Handles one pushed envelope (RelayConfig.onEnvelope): skips one already stored, opens it in
   * its conversation and stores message and session state; the relay client acks afterwards.
   * Envelopes are known by their own CID, never by the one the relay names beside them: a relay
   * could otherwise hide a new message under a stored CID, or replay an old one under a new CID.
   * Only a verdict about the envelope itself drops it: it does not decode or open (a protocol
   * error), or the API refuses its group (403/404, one this account left). Anything else (the
   * network, the API or the chain failing for now, IndexedDB) rejects with RetryLater: it comes again.
   */
  async receive(e: PushedEnvelope): Promise<void> {
    try {
      await this.receiveEnvelope(e);
    } catch (err) {
      throw err instanceof ProtocolError || refused(err) ? err : new RetryLater(err instanceof Error ? err.message : String(err));
    }
  }

  private async receiveEnvelope(e: PushedEnvelope): Promise<void> {
    const cid = envelopeCID(e.envelope).toString();
    const db = await this.db;
    if (await db.getKey('messages', cid)) return;
    const env = decodeEnvelope(e.envelope);
    if (env.kind !== KindMessage) return;
    const peer = await this.keyOf(env.sender, env.wraps.map((w) => w.account), env.conversation);
    if (!peer) return; // none of my conversations
    const conv = await this.conversation(peer);
    let msg: Message;
    try {
      msg = await this.openIn(conv, e.envelope, env.epoch);
    } catch (err) {
      if (isProtocolError(err, 'ErrDuplicate')) return;
      throw err;
    }
    const stored = await this.store(conv, msg, cid);
    if (!stored.mine) void this.sendFrame(peer, { t: 'delivered', cids: [cid] });
  }

  /**
   * Opens an envelope of the given epoch, re-reading the members first when it is a group's newer
   * epoch (the membership changed: a removed member must not count as one until a notification
   * arrives) and once when the sender device is new.
   */
  private async openIn(conv: Conv, bytes: Uint8Array, epoch: bigint): Promise<Message> {
    if (groupOf(conv.peer) && epoch > conv.epoch) await this.refresh(conv);
    try {
      return await conv.session.open(bytes);
    } catch (err) {
      if (!isProtocolError(err, 'ErrUnknownSender')) throw err;
      await this.refresh(conv);
      return conv.session.open(bytes);
    }
  }

  /** Stores a received (or own other device's) message with the session state in one transaction. */
  private async store(conv: Conv, msg: Message, cid: string): Promise<ChatMessage> {
    const sender = hexAddress(msg.sender);
    const mine = sender === this.me;
    const m: ChatMessage = {
      key: cid,
      peer: conv.peer,
      mine,
      sender,
      body: decodeBody(msg.plaintext),
      at: this.now(),
      state: mine ? 'sent' : 'delivered',
      links: msg.prev.map((c) => c.toString()),
    };
    if (mine) Object.assign(m, this.receiptsOf(conv));
    const state = await conv.session.snapshot();
    const db = await this.db;
    const tx = db.transaction(['messages', 'sessions'], 'readwrite');
    await Promise.all([tx.objectStore('messages').put(m), tx.objectStore('sessions').put({ peer: conv.peer, state }), tx.done]);
    this.append(m);
    return m;
  }

  private async deliver(conv: Conv, local: ChatMessage): Promise<ChatMessage> {
    const plaintext = encodeBody(local.body);
    let m = local;
    try {
      let { envelope, cid } = await conv.session.seal(plaintext);
      await this.saveSession(conv);
      m = await this.rekey(conv, m, cid.toString());
      for (let refreshed = 0; ; ) {
        try {
          await this.deps.relay.send(this.target(conv.peer), conv.to, envelope);
          break;
        } catch (err) {
          if (err instanceof RelayClosedError) continue; // the relay client reconnects; send the same envelope again
          if (err instanceof RelayError && err.code === 'duplicate') break;
          if (err instanceof RelayError && (err.code === 'devices_mismatch' || err.code === 'stale_epoch') && refreshed < 2) {
            refreshed++;
            await this.refresh(conv);
            ({ envelope, cid } = await conv.session.seal(plaintext));
            await this.saveSession(conv);
            m = await this.rekey(conv, m, cid.toString());
            continue;
          }
          throw err;
        }
      }
      const db = await this.db;
      m = this.current(m);
      if (m.state !== 'sending') return m; // receipts moved it further already
      const sent: ChatMessage = { ...m, state: 'sent' };
      this.replace(m.key, sent);
      await db.put('messages', sent);
      return sent;
    } catch (err) {
      return this.fail(this.current(m), err);
    }
  }

  /** Stores my message still sending under the CID of its (re)sealed envelope, with the receipts it starts with. */
  private async rekey(conv: Conv, m: ChatMessage, cid: string): Promise<ChatMessage> {
    const next: ChatMessage = { ...m, key: cid, ...this.receiptsOf(conv) };
    const db = await this.db;
    const tx = db.transaction('messages', 'readwrite');
    await Promise.all([tx.store.delete(m.key), tx.store.put(next), tx.done]);
    this.replace(m.key, next);
    return next;
  }

  /** The shown version of a message (receipts may have changed it), else m. */
  private current(m: ChatMessage): ChatMessage {
    return this.messages(m.peer).find((x) => x.key === m.key) ?? m;
  }

  private async fail(local: ChatMessage, err: unknown): Promise<ChatMessage> {
    const failed: ChatMessage = { ...local, state: 'failed', error: err instanceof Error ? err.message : String(err) };
    await (await this.db).put('messages', failed);
    this.replace(local.key, failed);
    throw err;
  }

  private async sendFrame(peer: string, body: FrameBody): Promise<void> {
    if (this.deps.relay.state !== 'open') return;
    const conv = await this.conversation(peer);
    const env = await conv.session.sealFrame(utf8(JSON.stringify(body)));
    await this.saveSession(conv);
    this.deps.relay.sendFrame(this.target(peer), env);
  }

  /** Opens a typing or receipt frame and applies it. */
  private async receiveFrame(b: Uint8Array): Promise<void> {
    const env = decodeEnvelope(b);
    const peer = await this.keyOf(env.sender, env.wraps.map((w) => w.account), env.conversation);
    if (!peer) return;
    const conv = await this.conversation(peer);
    const msg = await this.openIn(conv, b, env.epoch);
    if (env.wraps.length > 0) await this.saveSession(conv);
    const frame = JSON.parse(new TextDecoder().decode(msg.plaintext)) as FrameBody;
    const from = hexAddress(msg.sender);
    const fromMe = from === this.me;
    if (frame.t === 'typing' && !fromMe) {
      let typing = this.typingUntil.get(peer);
      if (!typing) this.typingUntil.set(peer, (typing = new Map()));
      typing.set(from, this.now() + typingHint);
      setTimeout(() => this.changed(), typingHint + 50);
    } else if ((frame.t === 'delivered' || frame.t === 'read') && Array.isArray(frame.cids)) {
      await this.receipt(peer, frame.t, new Set(frame.cids), from);
    }
    this.changed();
  }

  /**
   * Applies a receipt from account from to the conversation's messages: from another device of
   * mine, a read receipt marks received messages read; from someone else it moves my messages it
   * names forward (a read one also my earlier messages: they were read up to it), per member in a
   * group. The new states are computed and shown at once, so receipts arriving together all count.
   */
  private async receipt(peer: string, kind: ReceiptKind, cids: Set<string>, from: string): Promise<void> {
    const db = await this.db;
    const h = this.messages(peer);
    const last = kind === 'read' ? h.findLastIndex((m) => cids.has(m.key)) : -1;
    const changed: ChatMessage[] = [];
    h.forEach((m, i) => {
      let patch: Partial<ChatMessage> | undefined;
      if (from === this.me) patch = kind === 'read' && !m.mine && m.state !== 'read' && cids.has(m.key) ? { state: 'read' } : undefined;
      else if (m.mine && (cids.has(m.key) || i <= last)) patch = applyReceipt(m, kind, from);
      if (patch) changed.push({ ...m, ...patch });
    });
    if (changed.length === 0) return;
    for (const m of changed) this.replace(m.key, m);
    const tx = db.transaction('messages', 'readwrite');
    await Promise.all([...changed.map((m) => tx.store.put(m)), tx.done]);
  }

  /** The receipts a new message of mine starts with: in a group, none yet from the other accounts it is encrypted to. */
  private receiptsOf(conv: Conv): { receipts?: GroupReceipts } {
    if (!groupOf(conv.peer)) return {};
    const audience = [...new Set(conv.to.map((d) => d.account.toLowerCase()))].filter((a) => a !== this.me);
    return { receipts: { audience, delivered: [], read: [] } };
  }

  /**
   * Finds the key of an envelope's conversation id: a known conversation, the direct one with the
   * sender or an account it is wrapped to (my own other device), else one of my groups (GET
   * /v1/groups); undefined when it is none of them.
   */
  private async keyOf(sender: Uint8Array, wrapAccounts: Uint8Array[], conversation: Uint8Array): Promise<string | undefined> {
    const id = toHex(conversation);
    const is = (key: string) => this.idOf(key) === id;
    const known = [...this.convs.keys(), ...this.history.keys()].find(is);
    if (known) return known;
    const direct = [sender, ...wrapAccounts].map(hexAddress).find(is);
    if (direct) return direct;
    const { groups } = await this.deps.api.get<{ groups: { id: string }[] }>('/v1/groups');
    return groups.map((g) => groupKey(g.id)).find(is);
  }

  /** The hex conversation id of a key, computed once per key; '' for what is not a conversation key (a stray history entry). */
  private idOf(key: string): string {
    let id = this.ids.get(key);
    if (id === undefined) {
      try {
        id = toHex(conversationId(this.me, key));
      } catch {
        id = '';
      }
      this.ids.set(key, id);
    }
    return id;
  }

  /** The relay's address of a conversation: the peer, or the group. */
  private target(key: string): ConversationTarget {
    const group = groupOf(key);
    return group ? { group } : key;
  }

  /** Returns the conversation with peer: its saved session, or a new one over the current devices. */
  private conversation(peer: string): Promise<Conv> {
    let c = this.convs.get(peer);
    if (!c) {
      c = this.load(peer);
      this.convs.set(peer, c);
      c.catch(() => this.convs.delete(peer));
    }
    return c;
  }

  private async load(peer: string): Promise<Conv> {
    const id = conversationId(this.me, peer);
    const base = { conversationId: id, account: fromHex(this.me), deviceId: this.deps.deviceId, device: this.deps.device };
    const saved = await (await this.db).get('sessions', peer);
    if (saved) {
      const session = await Session.restore(base, saved.state);
      const conv: Conv = { peer, id, session, epoch: session.epoch, to: [], sending: Promise.resolve() };
      await this.refresh(conv); // devices may have changed while the page was closed
      return conv;
    }
    const { epoch, members } = await this.members(peer);
    const session = await Session.create({ ...base, epoch, members });
    return { peer, id, session, epoch, to: this.recipients(members), sending: Promise.resolve() };
  }

  /** The devices of the conversation's accounts — this one and the peer, or the group's members — and the group's epoch (0 for a direct one). */
  private async members(key: string): Promise<{ epoch: bigint; members: Member[] }> {
    const group = groupOf(key);
    let epoch = 0n;
    let accounts = key === this.me ? [this.me] : [this.me, key];
    if (group) {
      const g = await this.deps.api.get<{ epoch: number; members: { address: string }[] }>(`/v1/groups/${encodeURIComponent(group)}`);
      epoch = BigInt(g.epoch);
      accounts = g.members.map((m) => m.address.toLowerCase());
    }
    const check = this.deps.checkDevices ?? (async (_: string, listed: Member[]) => listed);
    return { epoch, members: (await Promise.all(accounts.map(async (a) => check(a, await fetchMembers(this.deps.api, a))))).flat() };
  }

  private recipients(members: Member[]): DeviceRef[] {
    return members
      .filter((m) => !(hexAddress(m.account) === this.me && m.deviceId === this.deps.deviceId))
      .map((m) => ({ account: getAddress(hexAddress(m.account)), device: m.deviceId }));
  }

  /**
   * Moves a group's open session to the group's new epoch when the API announces a membership
   * change (group_epoch), so the next message or frame needs no stale_epoch round first.
   */
  private async groupChanged(n: Notification): Promise<void> {
    if (n.kind !== 'group_epoch') return;
    const { groupId, epoch } = (n.data ?? {}) as { groupId?: string; epoch?: number };
    const c = groupId === undefined ? undefined : this.convs.get(groupKey(groupId));
    if (!c || epoch === undefined) return;
    const conv = await c;
    if (conv.epoch >= BigInt(epoch)) return;
    await this.refresh(conv);
    this.changed();
  }

  /**
   * Re-reads the members' devices and a group's epoch; the next seal starts a chain wrapped to the
   * new set. A direct conversation stays at epoch 0 (docs/protocol.md §4): a count of one side's
   * changes would make the other side's new chains look stale. A session saved by a version that
   * counted them returns to 0 here.
   */
  private async refresh(conv: Conv): Promise<void> {
    const { epoch, members } = await this.members(conv.peer);
    conv.epoch = epoch;
    await conv.session.setMembers(conv.epoch, members);
    conv.to = this.recipients(members);
    await this.saveSession(conv);
  }

  private async saveSession(conv: Conv): Promise<void> {
    const state = await conv.session.snapshot();
    await (await this.db).put('sessions', { peer: conv.peer, state });
  }

  private append(m: ChatMessage): void {
    let h = this.history.get(m.peer);
    if (!h) this.history.set(m.peer, (h = []));
    h.push(m);
    if (!m.mine) this.typingUntil.get(m.peer)?.delete(m.sender);
    this.changed();
  }

  private replace(key: string, m: ChatMessage): void {
    const h = this.history.get(m.peer) ?? [];
    const i = h.findIndex((x) => x.key === key);
    if (i >= 0) h[i] = m;
    this.history.set(m.peer, [...h]);
    this.changed();
  }

  private async update(m: ChatMessage, patch: Partial<ChatMessage>): Promise<void> {
    const next = { ...m, ...patch };
    await (await this.db).put('messages', next);
    this.replace(m.key, next);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
