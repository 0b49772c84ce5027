import type { CID } from 'multiformats/cid';
import { CID as CIDClass } from 'multiformats/cid';
import { compare, concat, equal, toHex, u32, u64, u8, utf8 } from './bytes.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeAAD,
  envelopeCID,
  envelopeSignedBytes,
  KindFrame,
  KindMessage,
  MaxEnvelopeSize,
  MaxFramePlaintextSize,
  MaxPlaintextSize,
  MaxPrev,
  MaxWraps,
  Version,
  verifyEnvelopeSignature,
  type Envelope,
  type Wrap,
} from './envelope.js';
import { fail } from './errors.js';
import { checkSuite, importKEMPublicKey, suiteKEM, type Device, type DeviceKeys, type Suite } from './keys.js';
import { aeadOpen, aeadSeal, frameKeyLabel, hmacSHA256, ratchet, type MessageKey } from './primitives.js';

const day = 24 * 60 * 60 * 1000;

/** Rotation and receiver-state limits of a Session; durations are in milliseconds. */
export interface SessionLimits {
  /** Messages after which a sender chain rotates. */
  maxMessages: number;
  /** Age after which a sender chain rotates. */
  maxChainAge: number;
  /** The largest counter jump a receiver accepts within one chain. */
  maxSkip: number;
  /** How long skipped message keys and superseded chains are kept. */
  skippedKeyTTL: number;
  /** Bound on the skipped message keys kept in total. */
  maxSkippedKeys: number;
  /** Bound on the closed chains kept as replay markers. */
  maxClosedChains: number;
}

/** Session defaults (docs/protocol.md §4.4–4.5). */
export const Defaults: Readonly<SessionLimits> = {
  maxMessages: 1000,
  maxChainAge: 7 * day,
  maxSkip: 1000,
  skippedKeyTTL: 7 * day,
  maxSkippedKeys: 5000,
  maxClosedChains: 1024,
};

const wrapInfoDomain = utf8('parley/chain-key/v1');

/** One device of a conversation member (this account's other devices included). */
export interface Member {
  /** The member's account (20 bytes). */
  account: Uint8Array;
  /** The device id in the registry. */
  deviceId: number;
  /** The device's public keys, checked against the registry by the caller. */
  keys: DeviceKeys;
}

/** Configures a Session. */
export interface SessionConfig {
  /** The 32-byte conversation id. */
  conversationId: Uint8Array;
  /** This device's account (20 bytes). */
  account: Uint8Array;
  /** This device's id. */
  deviceId: number;
  /** This device's private keys. */
  device: Device;
  /** The current membership epoch. */
  epoch: bigint;
  /** Every current device of every member; this device may be listed and is skipped. */
  members: Member[];
  /** Randomness for chain ids, chain keys and frame nonces (default crypto.getRandomValues). */
  random?: (n: number) => Uint8Array;
  /** The clock in milliseconds (default Date.now). */
  now?: () => number;
  /** Overrides of Defaults. */
  limits?: Partial<SessionLimits>;
}

/** An opened envelope. */
export interface Message {
  /** The sender's account. */
  sender: Uint8Array;
  /** The sender's device id. */
  deviceId: number;
  /** KindMessage or KindFrame. */
  kind: number;
  /** The membership epoch of the sender chain. */
  epoch: bigint;
  /** The chain id. */
  chain: Uint8Array;
  /** The message index in the chain. */
  counter: number;
  /** The decrypted content. */
  plaintext: Uint8Array;
  /** The envelope's CID (messages only). */
  cid?: CID;
  /** The envelope's prev links. */
  prev: CID[];
}

/** Returns the HPKE info of a chain-key wrap (docs/protocol.md §4.1). */
export function wrapInfo(
  conversation: Uint8Array,
  epoch: bigint,
  sender: { account: Uint8Array; device: number },
  chain: Uint8Array,
  to: { account: Uint8Array; device: number },
  suite: Suite,
): Uint8Array {
  return concat(wrapInfoDomain, conversation, u64(epoch), sender.account, u32(sender.device), chain, to.account, u32(to.device), u8(suite));
}

/**
 * Seals a chain key to one recipient with HPKE base mode; `ekm` fixes the ephemeral key pair (suite 1
 * test vectors only). Returns enc || ciphertext.
 */
export async function sealChainKey(suite: Suite, recipient: CryptoKey, info: Uint8Array, ck: Uint8Array, ekm?: CryptoKeyPair): Promise<Uint8Array> {
  const { enc, ct } = await (await suiteKEM(suite)).hpke.seal({ recipientPublicKey: recipient, info, ...(ekm ? { ekm } : {}) }, ck);
  return concat(new Uint8Array(enc), new Uint8Array(ct));
}

/** Opens a chain-key wrap addressed to device d; any failure is ErrDecrypt. */
export async function openChainKey(d: Device, info: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  const k = await suiteKEM(d.keys.suite);
  try {
    const ck = new Uint8Array(await k.hpke.open({ recipientKey: d.kem, enc: sealed.slice(0, k.encSize), info }, sealed.slice(k.encSize)));
    if (ck.length === 32) return ck;
  } catch (err) {
    fail('ErrDecrypt', 'open chain key wrap', err);
  }
  fail('ErrDecrypt', 'chain key wrap of the wrong size');
}

interface Recipient extends Member {
  kem: CryptoKey;
}

interface SendChain {
  id: Uint8Array;
  ck: Uint8Array;
  frameKey: Uint8Array;
  counter: number;
  epoch: bigint;
  created: number;
  wraps: Wrap[]; // carried while counter is 0
}

interface SkippedKey {
  key?: MessageKey; // erased once stale
  at: number;
}

interface RecvChain {
  sender: string;
  epoch: bigint;
  ck: Uint8Array;
  next: number;
  frameKey: Uint8Array;
  skipped: Map<number, SkippedKey>;
  superseded?: number;
  closed?: number;
}

const deviceRef = (account: Uint8Array, device: number) => `${toHex(account)}/${device}`;

/**
 * A session's saved state (Session.snapshot), opaque to callers. It holds only structured-cloneable
 * values (Uint8Array, Map, bigint), so it can go into IndexedDB as is. It holds chain keys: keep it
 * where the device keys are.
 */
export interface SessionState {
  /** The format of the saved state. */
  readonly format: 1;
  /** The saved fields. */
  readonly data: unknown;
}

interface SavedFields {
  epoch: bigint;
  members: Member[];
  send: SendChain | undefined;
  rotateDue: boolean;
  recv: Map<string, RecvChain>;
  heads: Uint8Array[];
  linked: Uint8Array[];
}

/**
 * Session is one device's state in one conversation: its sender chain, the receiver chains of the
 * other devices and the DAG heads. It follows internal/protocol.Session. Concurrent calls run one
 * after the other in call order, and every failure leaves the state unchanged.
 */
export class Session {
  private readonly cfg: Required<Omit<SessionConfig, 'limits'>> & { limits: SessionLimits };
  private readonly self: string;
  private members = new Map<string, Recipient>();
  private send: SendChain | undefined;
  private rotateDue = true;
  private readonly recv = new Map<string, RecvChain>();
  private heads: CID[] = [];
  private linked: CID[] = [];
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(cfg: SessionConfig) {
    if (cfg.deviceId === 0) fail('ErrMalformed', 'session needs a device id');
    this.cfg = {
      ...cfg,
      random: cfg.random ?? ((n) => crypto.getRandomValues(new Uint8Array(n))),
      now: cfg.now ?? Date.now,
      limits: { ...Defaults, ...cfg.limits },
    };
    this.self = deviceRef(cfg.account, cfg.deviceId);
  }

  /** Creates a session; the first seal starts a sender chain. */
  static async create(cfg: SessionConfig): Promise<Session> {
    const s = new Session(cfg);
    await s.applyMembers(cfg.epoch, cfg.members);
    return s;
  }

  /**
   * Recreates a saved session (snapshot) for the same conversation and device; cfg.epoch and
   * cfg.members are taken from the state.
   */
  static async restore(cfg: Omit<SessionConfig, 'epoch' | 'members'>, state: SessionState): Promise<Session> {
    if (state.format !== 1) fail('ErrMalformed', `session state format ${String(state.format)}`);
    const f = structuredClone(state.data) as SavedFields;
    const s = new Session({ ...cfg, epoch: f.epoch, members: f.members });
    await s.applyMembers(f.epoch, f.members);
    s.send = f.send;
    s.rotateDue = f.rotateDue;
    for (const [k, v] of f.recv) s.recv.set(k, v);
    s.heads = f.heads.map((b) => CIDClass.decode(b));
    s.linked = f.linked.map((b) => CIDClass.decode(b));
    return s;
  }

  /** Returns a copy of the state after every earlier call, for restore after a reload. */
  snapshot(): Promise<SessionState> {
    return this.serial(async () => {
      const data: SavedFields = {
        epoch: this.cfg.epoch,
        members: this.memberList(),
        send: this.send,
        rotateDue: this.rotateDue,
        recv: this.recv,
        heads: this.heads.map((c) => c.bytes),
        linked: this.linked.map((c) => c.bytes),
      };
      return { format: 1, data: structuredClone(data) };
    });
  }

  /** The other member devices after every earlier call: the ones chains are wrapped to and envelopes verified against. */
  devices(): Promise<Member[]> {
    return this.serial(async () => this.memberList());
  }

  private memberList(): Member[] {
    return [...this.members.values()].map(({ account, deviceId, keys }) => ({ account, deviceId, keys }));
  }

  /** Runs fn after every earlier call has finished, so awaits inside a call never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Applies a membership change: the next seal starts a new chain; chains of removed devices are dropped. */
  setMembers(epoch: bigint, members: Member[]): Promise<void> {
    return this.serial(() => this.applyMembers(epoch, members));
  }

  private async applyMembers(epoch: bigint, members: Member[]): Promise<void> {
    if (members.length > MaxWraps + 1) fail('ErrOversize', `${members.length} member devices`);
    const next = new Map<string, Recipient>();
    for (const m of members) {
      const ref = deviceRef(m.account, m.deviceId);
      if (ref === this.self) continue;
      const suite = checkSuite(m.keys.suite);
      next.set(ref, { ...m, kem: await importKEMPublicKey(suite, m.keys.kemPublicKey) });
    }
    for (const [ref, c] of this.recv) {
      if (!next.has(c.sender) || (c.closed !== undefined && c.epoch < epoch)) this.recv.delete(ref);
    }
    this.cfg.epoch = epoch;
    this.members = next;
    this.rotateDue = true;
  }

  /** The current membership epoch. */
  get epoch(): bigint {
    return this.cfg.epoch;
  }

  /** Makes the next seal start a new sender chain. */
  rotate(): void {
    this.rotateDue = true;
  }

  /** Returns the CIDs the next message will link as prev. */
  currentHeads(): CID[] {
    return [...this.heads];
  }

  /** Encrypts a message for every member device; returns the signed envelope and its CID. */
  seal(plaintext: Uint8Array): Promise<{ envelope: Uint8Array; cid: CID }> {
    return this.serial(() => this.sealMessage(plaintext));
  }

  private async sealMessage(plaintext: Uint8Array): Promise<{ envelope: Uint8Array; cid: CID }> {
    if (plaintext.length > MaxPlaintextSize) fail('ErrOversize', `plaintext of ${plaintext.length} bytes`);
    const c = await this.currentChain();
    const env = this.header(KindMessage, c);
    env.counter = c.counter;
    env.prev = this.heads.map((h) => h.bytes);
    const [mk, next] = ratchet(c.ck);
    env.ciphertext = aeadSeal(mk.key, mk.nonce, plaintext, envelopeAAD(env));
    const b = await this.sign(env);
    c.ck = next;
    c.counter++;
    c.wraps = [];
    const cid = envelopeCID(b);
    this.heads = [cid];
    return { envelope: b, cid };
  }

  /** Encrypts an ephemeral frame under the current chain's frame key (docs/protocol.md §6). */
  sealFrame(plaintext: Uint8Array): Promise<Uint8Array> {
    return this.serial(() => this.sealEphemeral(plaintext));
  }

  private async sealEphemeral(plaintext: Uint8Array): Promise<Uint8Array> {
    if (plaintext.length > MaxFramePlaintextSize) fail('ErrOversize', `frame of ${plaintext.length} bytes`);
    const c = await this.currentChain();
    const env = this.header(KindFrame, c);
    env.nonce = this.cfg.random(12);
    env.ciphertext = aeadSeal(c.frameKey, env.nonce, plaintext, envelopeAAD(env));
    return this.sign(env);
  }

  private async currentChain(): Promise<SendChain> {
    const now = this.cfg.now();
    const c = this.send;
    const { maxMessages, maxChainAge } = this.cfg.limits;
    if (this.rotateDue || !c || c.counter >= maxMessages || now - c.created >= maxChainAge) return this.startChain(now);
    return c;
  }

  private async startChain(now: number): Promise<SendChain> {
    const fresh = this.cfg.random(48);
    const id = fresh.slice(0, 16);
    const ck = fresh.slice(16);
    const epoch = this.cfg.epoch;
    const sender = { account: this.cfg.account, device: this.cfg.deviceId };
    const recipients = [...this.members.values()].sort((a, b) => compare(a.account, b.account) || a.deviceId - b.deviceId);
    const wraps = await Promise.all(
      recipients.map(async (r) => {
        const to = { account: r.account, device: r.deviceId };
        const sealed = await sealChainKey(r.keys.suite, r.kem, wrapInfo(this.cfg.conversationId, epoch, sender, id, to, r.keys.suite), ck);
        return { account: r.account, device: r.deviceId, suite: r.keys.suite, sealed };
      }),
    );
    const c = { id, ck, frameKey: hmacSHA256(ck, frameKeyLabel), counter: 0, epoch, created: now, wraps };
    this.send = c;
    this.rotateDue = false;
    return c;
  }

  private header(kind: number, c: SendChain): Envelope {
    return {
      version: Version,
      kind,
      conversation: this.cfg.conversationId,
      epoch: c.epoch,
      sender: this.cfg.account,
      device: this.cfg.deviceId,
      chain: c.id,
      counter: 0,
      prev: [],
      wraps: c.counter === 0 ? c.wraps : [],
      ciphertext: new Uint8Array(),
    };
  }

  private async sign(env: Envelope): Promise<Uint8Array> {
    env.signature = await this.cfg.device.sign(envelopeSignedBytes(env));
    const b = encodeEnvelope(env);
    if (b.length > MaxEnvelopeSize) fail('ErrOversize', `envelope of ${b.length} bytes`);
    return b;
  }

  /**
   * Verifies and decrypts an envelope from another member device (docs/protocol.md §4.5). It throws a
   * ProtocolError and leaves the session unchanged on any failure.
   */
  open(b: Uint8Array): Promise<Message> {
    return this.serial(() => this.openEnvelope(b));
  }

  private async openEnvelope(b: Uint8Array): Promise<Message> {
    const env = decodeEnvelope(b);
    if (!equal(env.conversation, this.cfg.conversationId)) fail('ErrWrongConversation', 'wrong conversation');
    const from = deviceRef(env.sender, env.device);
    if (from === this.self) fail('ErrDuplicate', 'own envelope');
    const m = this.members.get(from) ?? fail('ErrUnknownSender', `sender ${from}`);
    await verifyEnvelopeSignature(env, m.keys.signingKey);
    const now = this.cfg.now();
    this.expire(now);
    const ref = `${from}/${toHex(env.chain)}`;
    const msg: Message = { sender: env.sender, deviceId: env.device, kind: env.kind, epoch: env.epoch, chain: env.chain, counter: env.counter, plaintext: new Uint8Array(), prev: [] };
    const known = this.recv.get(ref);
    if (known?.closed !== undefined) fail('ErrStaleKey', 'chain closed');
    const c = known ?? (await this.unwrap(env, from));
    let commit = () => {};
    if (env.kind === KindFrame) {
      msg.plaintext = aeadOpen(c.frameKey, env.nonce!, env.ciphertext, envelopeAAD(env), 'frame');
    } else {
      [msg.plaintext, commit] = this.openInChain(c, env, now);
    }
    commit();
    if (!known) {
      this.supersede(from, now);
      this.recv.set(ref, c);
    }
    if (env.kind === KindFrame) return msg;
    this.evictSkipped();
    const cid = envelopeCID(b);
    msg.cid = cid;
    msg.prev = env.prev.map((p) => CIDClass.decode(p));
    this.heads = this.heads.filter((h) => !msg.prev.some((p) => p.equals(h)));
    this.linked = [...this.linked, ...msg.prev].slice(-64);
    if (!this.linked.some((l) => l.equals(cid))) this.heads.push(cid);
    this.heads = this.heads.slice(-MaxPrev);
    return msg;
  }

  private async unwrap(env: Envelope, from: string): Promise<RecvChain> {
    if (env.wraps.length === 0) fail('ErrUnknownChain', 'unknown sender chain');
    if (env.epoch < this.cfg.epoch) fail('ErrStaleKey', `new chain from epoch ${env.epoch}, current ${this.cfg.epoch}`);
    const w = env.wraps.find((w) => w.device === this.cfg.deviceId && equal(w.account, this.cfg.account)) ?? fail('ErrNotRecipient', 'no key wrap for this device');
    const own = this.cfg.device.keys.suite;
    if (w.suite < own) fail('ErrDowngrade', `wrap with suite ${w.suite} to a suite ${own} device`);
    if (w.suite !== own) fail('ErrMalformed', `wrap with suite ${w.suite} to a suite ${own} device`);
    const info = wrapInfo(this.cfg.conversationId, env.epoch, { account: env.sender, device: env.device }, env.chain, { account: this.cfg.account, device: this.cfg.deviceId }, own);
    const ck = await openChainKey(this.cfg.device, info, w.sealed);
    return { sender: from, epoch: env.epoch, ck, next: 0, frameKey: hmacSHA256(ck, frameKeyLabel), skipped: new Map() };
  }

  /** Decrypts a message in its chain; returns the plaintext and the state change to apply on success. */
  private openInChain(c: RecvChain, env: Envelope, now: number): [Uint8Array, () => void] {
    const ctr = env.counter;
    const aad = envelopeAAD(env);
    if (ctr < c.next) {
      const sk = c.skipped.get(ctr) ?? fail('ErrDuplicate', `counter ${ctr} already received`);
      const key = sk.key ?? fail('ErrStaleKey', `key of skipped counter ${ctr} expired`);
      return [aeadOpen(key.key, key.nonce, env.ciphertext, aad, 'message'), () => c.skipped.delete(ctr)];
    }
    if (ctr - c.next > this.cfg.limits.maxSkip) fail('ErrTooManySkipped', `counter jump of ${ctr - c.next}`);
    let ck = c.ck;
    const skipped: MessageKey[] = [];
    for (let i = c.next; i < ctr; i++) {
      let mk: MessageKey;
      [mk, ck] = ratchet(ck);
      skipped.push(mk);
    }
    const [mk, next] = ratchet(ck);
    const pt = aeadOpen(mk.key, mk.nonce, env.ciphertext, aad, 'message');
    return [
      pt,
      () => {
        skipped.forEach((key, i) => c.skipped.set(c.next + i, { key, at: now }));
        c.ck = next;
        c.next = ctr + 1;
      },
    ];
  }

  /** Marks the open chains of a sender device as superseded by a newer one. */
  private supersede(from: string, now: number): void {
    for (const c of this.recv.values()) if (c.sender === from && c.superseded === undefined) c.superseded = now;
  }

  /**
   * Closes chains superseded at least a TTL ago, turns skipped keys older than the TTL into stale
   * markers, forgets markers after another TTL and the oldest closed chains beyond the cap.
   */
  private expire(now: number): void {
    const ttl = this.cfg.limits.skippedKeyTTL;
    for (const c of this.recv.values()) {
      if (c.closed === undefined && c.superseded !== undefined && now - c.superseded >= ttl) {
        c.skipped.clear();
        c.ck = new Uint8Array(32);
        c.frameKey = new Uint8Array(32);
        c.closed = now;
      }
      for (const [ctr, sk] of c.skipped) {
        if (now - sk.at >= 2 * ttl) c.skipped.delete(ctr);
        else if (now - sk.at >= ttl) delete sk.key;
      }
    }
    const closed = [...this.recv].filter(([, c]) => c.closed !== undefined).sort(([, a], [, b]) => a.closed! - b.closed!);
    for (const [ref] of closed.slice(0, Math.max(0, closed.length - this.cfg.limits.maxClosedChains))) this.recv.delete(ref);
  }

  /** Erases the oldest live skipped keys beyond the cap, keeping their counters as stale markers. */
  private evictSkipped(): void {
    const live = [...this.recv.values()].flatMap((c) => [...c.skipped.values()].filter((sk) => sk.key !== undefined));
    live.sort((a, b) => a.at - b.at);
    for (const sk of live.slice(0, Math.max(0, live.length - this.cfg.limits.maxSkippedKeys))) delete sk.key;
  }
}
