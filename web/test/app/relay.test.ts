import { describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64 } from '../../src/app/base64.js';
import { RelayClient, RelayClosedError, RelayError, RetryLater, type PushedEnvelope, type RelayConfig, type SocketLike, type WireFrame } from '../../src/app/relay.js';

/** A socket the test plays the relay on: it sees what the client writes and pushes frames. */
class Socket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  written: WireFrame[] = [];
  closed = false;
  /** Whether the relay behind it answers heartbeat pings (as api/relay does: a pong with the ping's id). */
  answers = false;
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.closed) throw new Error('closed');
    const f = JSON.parse(data) as WireFrame;
    this.written.push(f);
    if (this.answers && f.type === 'ping') queueMicrotask(() => this.push({ type: 'pong', id: f.id! }));
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.onclose?.({}));
  }
  push(f: WireFrame) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  hello() {
    this.push({ type: 'hello', hello: { device: { account: '0xabc', device: 1 }, ttl_seconds: 60, max_pending: 10, dropped: 0, max_frame_size: 1 << 20 } });
  }
}

/** Polls cond until it holds or the deadline passes (no fixed sleeps). */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function setup(onEnvelope: (e: PushedEnvelope) => Promise<void> = async () => undefined, extra: Partial<RelayConfig> = {}) {
  const sockets: Socket[] = [];
  const urls: [string, boolean][] = [];
  const client = new RelayClient({
    url: async (fresh) => {
      urls.push([`ws://relay/v1/ws?n=${urls.length}`, fresh]);
      return urls.at(-1)![0];
    },
    open: (url) => {
      const s = new Socket(url);
      sockets.push(s);
      return s;
    },
    onEnvelope,
    minBackoff: 1,
    maxBackoff: 5,
    ...extra,
  });
  return { client, sockets, urls };
}

const env = (n: number) => new Uint8Array([n, n, n]);

describe('RelayClient', () => {
  it('is open after hello and acks envelopes only after the handler stored them, in order', async () => {
    const handled: number[] = [];
    let release!: () => void;
    let entered = false;
    const gate = new Promise<void>((r) => (release = r));
    const { client, sockets } = setup(async (e) => {
      entered = true;
      if (e.seq === 1) await gate;
      handled.push(e.seq);
    });
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    client.start();
    await until(() => sockets.length === 1);
    const s = sockets[0]!;
    s.hello();
    expect(client.state).toBe('open');
    s.push({ type: 'envelope', seq: 1, cid: 'c1', envelope: toBase64(env(1)) });
    s.push({ type: 'envelope', seq: 2, cid: 'c2', envelope: toBase64(env(2)) });
    await until(() => entered);
    expect(s.written.filter((f) => f.type === 'ack')).toEqual([]); // nothing acked while the first is being stored
    release();
    await until(() => s.written.some((f) => f.type === 'ack'));
    expect(handled).toEqual([1, 2]);
    expect(s.written.filter((f) => f.type === 'ack').flatMap((f) => f.seqs)).toEqual([1, 2]);
    expect(states).toContain('open');
    client.stop();
  });

  it('still acks an envelope the handler rejects (undecryptable ones are dropped, as the Go client does)', async () => {
    const failures: unknown[] = [];
    const { client, sockets } = setup(
      async () => {
        throw new Error('ErrDecrypt');
      },
      { onHandlerError: (e) => failures.push(e) },
    );
    client.start();
    await until(() => sockets.length === 1);
    sockets[0]!.hello();
    sockets[0]!.push({ type: 'envelope', seq: 7, cid: 'c7', envelope: toBase64(env(7)) });
    await until(() => sockets[0]!.written.some((f) => f.type === 'ack'));
    expect(failures).toHaveLength(1);
    client.stop();
  });

  it('leaves an envelope whose handler failed for now unacked, dials again, and handles it before the ones behind it', async () => {
    const seen: number[] = [];
    let fail = true;
    const { client, sockets, urls } = setup(async (e) => {
      seen.push(e.seq);
      if (fail) {
        fail = false;
        throw new RetryLater('the API could not be asked');
      }
    });
    client.start();
    await until(() => sockets.length === 1);
    sockets[0]!.hello();
    sockets[0]!.push({ type: 'envelope', seq: 1, cid: 'c1', envelope: toBase64(env(1)) });
    sockets[0]!.push({ type: 'envelope', seq: 2, cid: 'c2', envelope: toBase64(env(2)) });
    await until(() => sockets.length === 2);
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets[0]!.written.filter((f) => f.type === 'ack')).toEqual([]);
    expect(seen).toEqual([1]); // 2 waits for 1
    expect(urls[1]![1]).toBe(false);
    sockets[1]!.hello();
    sockets[1]!.push({ type: 'envelope', seq: 1, cid: 'c1', envelope: toBase64(env(1)) });
    sockets[1]!.push({ type: 'envelope', seq: 2, cid: 'c2', envelope: toBase64(env(2)) });
    await until(() => sockets[1]!.written.some((f) => f.type === 'ack'));
    expect(seen).toEqual([1, 1, 2]);
    expect(sockets[1]!.written.filter((f) => f.type === 'ack').flatMap((f) => f.seqs)).toEqual([1, 2]);
    client.stop();
  });

  it('matches sends to their sent and error answers', async () => {
    const { client, sockets } = setup();
    client.start();
    await until(() => sockets.length === 1);
    const s = sockets[0]!;
    s.hello();
    const ok = client.send('0xpeer', [{ account: '0xpeer', device: 2 }], env(9));
    const bad = client.send('0xpeer', [], env(8));
    await until(() => s.written.filter((f) => f.type === 'send').length === 2);
    const [f1, f2] = s.written.filter((f) => f.type === 'send');
    expect(fromBase64(f1!.envelope!)).toEqual(env(9));
    expect(f1!.to).toEqual([{ account: '0xpeer', device: 2 }]);
    s.push({ type: 'error', id: f2!.id!, code: 'devices_mismatch', message: 'recipients differ', missing: [{ account: '0xpeer', device: 3 }] });
    s.push({ type: 'sent', id: f1!.id!, cid: 'bafy-ok' });
    expect(await ok).toBe('bafy-ok');
    const err = await bad.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayError);
    expect(err).toMatchObject({ code: 'devices_mismatch', missing: [{ account: '0xpeer', device: 3 }] });
    client.stop();
  });

  it('fails pending sends when the socket drops, reconnects, and redelivers unacked envelopes to the handler', async () => {
    const seen: string[] = [];
    const { client, sockets, urls } = setup(async (e) => void seen.push(e.cid));
    client.start();
    await until(() => sockets.length === 1);
    sockets[0]!.hello();
    const pending = client.send('0xpeer', [], env(1));
    await until(() => sockets[0]!.written.some((f) => f.type === 'send'));
    sockets[0]!.close();
    await expect(pending).rejects.toBeInstanceOf(RelayClosedError);
    await until(() => sockets.length === 2);
    expect(urls[1]![1]).toBe(false); // it had said hello: the token is still good
    sockets[1]!.hello();
    sockets[1]!.push({ type: 'envelope', seq: 1, cid: 'again', envelope: toBase64(env(1)) });
    await until(() => seen.includes('again'));
    client.stop();
    expect(client.state).toBe('offline');
  });

  it('asks for a fresh token after a socket that closed before hello (an expired access token)', async () => {
    const { client, sockets, urls } = setup();
    client.start();
    await until(() => sockets.length === 1);
    sockets[0]!.close();
    await until(() => urls.length === 2);
    expect(urls[1]![1]).toBe(true);
    client.stop();
  });

  it('replaces a socket silent for two heartbeats, and keeps one whose relay answers the pings', async () => {
    const { client, sockets, urls } = setup(undefined, { heartbeat: 20 });
    const errors: RelayError[] = [];
    client.on('error', (e) => errors.push(e));
    client.start();
    await until(() => sockets.length === 1);
    sockets[0]!.hello();
    await until(() => sockets.length === 2); // the first said nothing after hello
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets[0]!.written.some((f) => f.type === 'ping')).toBe(true);
    expect(urls[1]![1]).toBe(false); // it had said hello: the token is still good
    vi.useFakeTimers(); // from the heartbeat hello starts
    try {
      sockets[1]!.answers = true;
      sockets[1]!.hello();
      await vi.advanceTimersByTimeAsync(300); // fifteen heartbeats
    } finally {
      vi.useRealTimers();
    }
    expect(sockets[1]!.written.filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(14);
    expect(sockets).toHaveLength(2);
    expect(client.state).toBe('open');
    expect(errors).toEqual([]); // the pings' answers are no errors
    client.stop();
  });

  it('emits notifications, chain events and ephemeral frames', async () => {
    const { client, sockets } = setup();
    const got: unknown[] = [];
    client.on('notification', (n) => got.push(n.kind));
    client.on('chain', (c) => got.push(c.kind));
    client.on('frame', (b) => got.push(b[0]));
    client.start();
    await until(() => sockets.length === 1);
    const s = sockets[0]!;
    s.hello();
    s.push({ type: 'notification', notification: { id: 1, kind: 'chat_request', data: {}, created_at: '2026-01-01T00:00:00Z' } });
    s.push({ type: 'chain', chain: { kind: 'tip', chain_id: 31337, block: 5, final: false } });
    s.push({ type: 'frame', envelope: toBase64(env(4)) });
    expect(got).toEqual(['chat_request', 'tip', 4]);
    client.sendFrame('0xpeer', env(5));
    expect(s.written.at(-1)).toMatchObject({ type: 'frame', peer: '0xpeer', envelope: toBase64(env(5)) });
    client.stop();
  });
});
