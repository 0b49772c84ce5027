// The browser side of the relay's WebSocket (GET /v1/ws, frames of internal/client/wire): one
// socket per device, reconnected with capped, jittered backoff. Pushed envelopes go one at a time,
// in sequence order, to the envelope handler (the conversation store), and are acknowledged only
// after the handler resolved, i.e. after the message is stored locally; a socket that drops before
// that gets them again on reconnect (the relay drains from the start of the queue), and the
// handler deduplicates by CID.
import { fromBase64, toBase64 } from './base64.js';

/** The connection state the UI shows. */
export type RelayState = 'connecting' | 'open' | 'offline';

/** One device of one account (wire.DeviceRef). */
export interface DeviceRef {
  /** The account address (0x…). */
  account: string;
  /** The registry device id. */
  device: number;
}

/** An account event stored by the API (wire.Notification): chat_request, group_epoch, … */
export interface Notification {
  /** Increases per notification. */
  id: number;
  /** The event's kind, e.g. chat_request. */
  kind: string;
  /** The event's JSON document. */
  data: unknown;
  /** When it happened (RFC 3339). */
  created_at: string;
}

/** An indexed chain event of the account (wire.ChainEvent): tip, device_added, device_revoked, key_rotated. */
export interface ChainEvent {
  /** tip, device_added, device_revoked or key_rotated. */
  kind: string;
  /** The chain id. */
  chain_id: number;
  /** The block number. */
  block: number;
  /** The transaction, when known. */
  tx_hash?: string;
  /** The log index within it. */
  log_index?: number;
  /** The device owner or the tip's receiver. */
  account?: string;
  /** The device of a key change. */
  device_id?: number;
  /** Whether the block was final when indexed. */
  final: boolean;
}

/** The relay's hello (wire.Hello). */
export interface Hello {
  /** This device. */
  device: DeviceRef;
  /** How long unacknowledged envelopes are kept, in seconds. */
  ttl_seconds: number;
  /** How many are kept. */
  max_pending: number;
  /** How many were dropped since the last connection. */
  dropped: number;
  /** The largest frame the relay reads. */
  max_frame_size: number;
}

/** Every frame of the protocol (wire.Frame); type says which fields are set. Envelopes are base64. */
export interface WireFrame {
  type: 'hello' | 'send' | 'sent' | 'envelope' | 'ack' | 'frame' | 'notification' | 'chain' | 'error' | 'ping' | 'pong';
  id?: string;
  peer?: string;
  group?: string;
  to?: DeviceRef[];
  envelope?: string;
  cid?: string;
  seq?: number;
  seqs?: number[];
  notification?: Notification;
  chain?: ChainEvent;
  hello?: Hello;
  code?: string;
  message?: string;
  missing?: DeviceRef[];
  stale?: DeviceRef[];
}

/** The id of heartbeat probes; sends are numbered, so it names no send. */
const probeId = 'heartbeat';

/** Where a send or frame goes: a peer's address (direct conversation) or a group by its id. */
export type ConversationTarget = string | { group: string };

/** The frame fields naming a conversation: peer, or group instead of it. */
function target(to: ConversationTarget): Pick<WireFrame, 'peer' | 'group'> {
  return typeof to === 'string' ? { peer: to } : { group: to.group };
}

/** A frame the relay rejected; code is a wire.Code* value (devices_mismatch, duplicate, not_member, …). */
export class RelayError extends Error {
  override readonly name = 'RelayError';

  /** Records the relay's answer. */
  constructor(
    readonly code: string,
    message: string,
    readonly cid?: string,
    readonly missing: DeviceRef[] = [],
    readonly stale: DeviceRef[] = [],
  ) {
    super(`relay: ${code}: ${message}`);
  }
}

/** Thrown by the envelope handler when it failed for now (the API could not be asked): the envelope stays unacked and comes again. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/** The socket ended before the relay answered; the caller may send again on the next one. */
export class RelayClosedError extends Error {
  override readonly name = 'RelayClosedError';
}

/** A pushed envelope: its per-device sequence number, CID and encoded bytes. */
export interface PushedEnvelope {
  /** The relay's sequence number (acknowledged after handling). */
  seq: number;
  /** The CID the relay names for it; only the relay's word (the conversation store computes its own). */
  cid: string;
  /** The encoded envelope. */
  envelope: Uint8Array;
}

/** Events of a RelayClient and their payloads. */
export interface RelayEvents {
  /** The connection state changed. */
  state: RelayState;
  /** The relay said hello (a new socket). */
  hello: Hello;
  /** An ephemeral frame (typing, read receipt) arrived; the bytes are an encoded envelope. */
  frame: Uint8Array;
  /** An account event: chat request, group change, device change, tip. */
  notification: Notification;
  /** An indexed chain event. */
  chain: ChainEvent;
  /** An error frame not tied to a send. */
  error: RelayError;
}

/** The subset of the DOM WebSocket the client uses, so tests can pass Node's. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Configures a RelayClient. */
export interface RelayConfig {
  /** Returns the socket URL; fresh says the last attempt failed before hello (rotate the token). */
  url: (fresh: boolean) => Promise<string>;
  /** Opens a socket (default: new WebSocket(url)). */
  open?: (url: string) => SocketLike;
  /** Handles one pushed envelope; the relay is acked once it resolves, or rejects other than with RetryLater (undecryptable is dropped). */
  onEnvelope: (e: PushedEnvelope) => Promise<void>;
  /** First reconnect delay in ms (default 250). */
  minBackoff?: number;
  /** Longest reconnect delay in ms (default 10 000). */
  maxBackoff?: number;
  /** Heartbeat in ms (default 30 000, the relay's ping interval): a probe goes out each beat; a socket that answers none for a beat is replaced. */
  heartbeat?: number;
  /** Reports handler failures (default console.warn is avoided: silent). */
  onHandlerError?: (err: unknown, e: PushedEnvelope) => void;
}

type Listener<K extends keyof RelayEvents> = (v: RelayEvents[K]) => void;

interface Waiter {
  resolve: (cid: string) => void;
  reject: (err: Error) => void;
}

/**
 * RelayClient keeps the device's relay socket open until stop(): connects, reconnects with
 * backoff, handles pushed envelopes in order and acks them after the handler stored them,
 * correlates sends with their sent/error answers, and emits events.
 */
export class RelayClient {
  private readonly listeners = new Map<keyof RelayEvents, Set<Listener<never>>>();
  private readonly waiters = new Map<string, Waiter>();
  private socket: SocketLike | undefined;
  private stopped = true;
  private nextId = 0;
  private attempt = 0;
  /** Receives failed for now in a row (RetryLater), for the backoff before dialing again. */
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  /** When the current socket last said anything (ms since the epoch). */
  private heard = 0;
  private handling: Promise<void> = Promise.resolve();
  private acks: number[] = [];
  private queued = 0;
  private ready: { promise: Promise<void>; resolve: () => void };
  private current: RelayState = 'offline';

  /** Builds a client; call start to connect. */
  constructor(private readonly cfg: RelayConfig) {
    this.ready = deferred();
  }

  /** The connection state. */
  get state(): RelayState {
    return this.current;
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof RelayEvents>(event: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => set.delete(fn as Listener<never>);
  }

  /** Connects and keeps reconnecting until stop. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect(false);
  }

  /** Closes the socket and stops reconnecting; pending sends fail with RelayClosedError. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'bye');
    this.dropSocket();
  }

  /** Reconnects now (e.g. when the browser comes back online), skipping the backoff. */
  reconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.redial(this.socket, 4000, 'reconnect');
  }

  /** Resolves once a socket is open (after its hello). */
  whenOpen(): Promise<void> {
    return this.ready.promise;
  }

  /**
   * Sends an envelope to a conversation (a peer's address, or { group } for a group's), addressed
   * to the devices in to, and resolves with its CID once the relay made it durable. Rejects with
   * RelayError (the relay refused) or RelayClosedError (the socket ended first; send again).
   */
  async send(to: ConversationTarget, devices: DeviceRef[], envelope: Uint8Array): Promise<string> {
    await this.whenOpen();
    const id = String(++this.nextId);
    const answer = new Promise<string>((resolve, reject) => this.waiters.set(id, { resolve, reject }));
    this.write({ type: 'send', id, ...target(to), to: devices, envelope: toBase64(envelope) });
    return answer;
  }

  /** Relays an ephemeral frame envelope to the conversation's online devices; dropped when offline. */
  sendFrame(to: ConversationTarget, envelope: Uint8Array): void {
    if (this.current === 'open') this.write({ type: 'frame', ...target(to), envelope: toBase64(envelope) });
  }

  private emit<K extends keyof RelayEvents>(event: K, v: RelayEvents[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as Listener<K>)(v);
  }

  private setState(s: RelayState): void {
    if (s === this.current) return;
    this.current = s;
    this.emit('state', s);
  }

  private write(f: WireFrame): void {
    try {
      this.socket?.send(JSON.stringify(f));
    } catch {
      // the close handler fails the waiters
    }
  }

  private async connect(fresh: boolean): Promise<void> {
    this.setState('connecting');
    let url: string;
    try {
      url = await this.cfg.url(fresh);
    } catch {
      this.retry(true);
      return;
    }
    if (this.stopped) return;
    let ws: SocketLike;
    try {
      ws = this.cfg.open ? this.cfg.open(url) : (new WebSocket(url) as unknown as SocketLike);
    } catch {
      this.retry(true);
      return;
    }
    this.socket = ws;
    let greeted = false;
    ws.onmessage = (ev) => {
      if (this.socket !== ws) return;
      this.heard = Date.now();
      let f: WireFrame;
      try {
        f = JSON.parse(String(ev.data)) as WireFrame;
      } catch {
        ws.close(4002, 'bad frame');
        return;
      }
      if (f.type === 'hello' && f.hello) {
        greeted = true;
        this.attempt = 0;
        this.keepAlive(ws);
        this.setState('open');
        this.ready.resolve();
        this.emit('hello', f.hello);
        return;
      }
      this.handle(f);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.dropSocket();
      this.retry(!greeted);
    };
    ws.onerror = () => ws.close();
  }

  /**
   * Probes the relay every heartbeat and replaces the socket when nothing came back for a whole
   * beat after a probe (silent since the frame before it, two beats): a connection that died
   * without a close (a sleeping laptop, a dropped NAT mapping) would hold every send and push
   * until the browser's TCP timeout. Browsers cannot send WebSocket pings, so the probe is a
   * ping frame; the relay answers it with a pong, and any frame counts. Measuring from the probe
   * keeps a background tab, whose timers the browser slows down, from giving up healthy sockets.
   */
  private keepAlive(ws: SocketLike): void {
    let probed = 0;
    clearInterval(this.beat);
    this.beat = setInterval(() => {
      if (this.socket !== ws) return;
      if (this.heard < probed) {
        this.redial(ws, 4001, 'silent', this.attempt++);
        return;
      }
      probed = Date.now();
      this.write({ type: 'ping', id: probeId });
    }, this.cfg.heartbeat ?? 30_000);
  }

  /** Forgets the socket: fails the pending sends and drops unsent acks (the relay pushes those again). */
  private dropSocket(): void {
    clearInterval(this.beat);
    this.socket = undefined;
    for (const w of this.waiters.values()) w.reject(new RelayClosedError('relay connection closed'));
    this.waiters.clear();
    this.acks = [];
    if (this.current === 'open') this.ready = deferred();
    this.setState(this.stopped ? 'offline' : 'connecting');
  }

  /** Closes ws with code and reason, forgets it and dials again: at once, or after the backoff of attempt. */
  private redial(ws: SocketLike | undefined, code: number, reason: string, attempt?: number): void {
    ws?.close(code, reason);
    this.dropSocket();
    if (attempt === undefined) void this.connect(false);
    else this.retry(false, attempt);
  }

  /** Dials again after the backoff of the given attempt (0 the first). */
  private retry(failedBeforeHello: boolean, attempt = this.attempt++): void {
    if (this.stopped) return;
    const min = this.cfg.minBackoff ?? 250;
    const max = this.cfg.maxBackoff ?? 10_000;
    const delay = Math.min(max, min * 2 ** attempt) * (0.5 + Math.random() / 2);
    if (attempt >= 2) this.setState('offline');
    this.timer = setTimeout(() => void this.connect(failedBeforeHello), delay);
  }

  private handle(f: WireFrame): void {
    switch (f.type) {
      case 'sent':
      case 'error': {
        const w = f.id ? this.waiters.get(f.id) : undefined;
        const err = f.type === 'error' ? new RelayError(f.code ?? 'unknown', f.message ?? '', f.cid, f.missing, f.stale) : undefined;
        if (w) {
          this.waiters.delete(f.id!);
          if (err) w.reject(err);
          else w.resolve(f.cid ?? '');
        } else if (err) this.emit('error', err);
        return;
      }
      case 'envelope':
        if (f.envelope !== undefined && f.seq !== undefined) this.enqueue({ seq: f.seq, cid: f.cid ?? '', envelope: fromBase64(f.envelope) });
        return;
      case 'frame':
        if (f.envelope !== undefined) this.emit('frame', fromBase64(f.envelope));
        return;
      case 'notification':
        if (f.notification) this.emit('notification', f.notification);
        return;
      case 'chain':
        if (f.chain) this.emit('chain', f.chain);
        return;
    }
  }

  /**
   * Runs the handler for e after the earlier ones, then acks (batched while more are queued). A
   * handler failing with RetryLater leaves e unacked and dials again after a growing backoff: the
   * relay pushes e and what followed it again; those queued behind it on this socket wait for that.
   */
  private enqueue(e: PushedEnvelope): void {
    const socket = this.socket;
    this.queued++;
    this.handling = this.handling.then(async () => {
      let later = false;
      if (this.socket === socket) {
        try {
          await this.cfg.onEnvelope(e);
          this.failures = 0;
        } catch (err) {
          this.cfg.onHandlerError?.(err, e);
          later = err instanceof RetryLater;
        }
      }
      this.queued--;
      if (this.socket !== socket) return; // pushed again on the next socket
      if (later) {
        if (this.acks.length) this.write({ type: 'ack', seqs: this.acks });
        this.redial(socket, 4003, 'receive failed for now', this.failures++);
        return;
      }
      this.acks.push(e.seq);
      if (this.queued === 0 || this.acks.length >= 64) {
        this.write({ type: 'ack', seqs: this.acks });
        this.acks = [];
      }
    });
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
