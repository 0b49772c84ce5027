import { h, render } from 'preact';
import { HttpRequestError } from 'viem';
import { describe, expect, it } from 'vitest';
import { ApiClient, type Fetch } from '../../src/app/api.js';
import { toBase64 } from '../../src/app/base64.js';
import { groupKey, IndexedConversations } from '../../src/app/conversations.js';
import type { DeviceCheck } from '../../src/app/registry.js';
import { RelayClient, type SocketLike, type WireFrame } from '../../src/app/relay.js';
import { conversationSafetyNumber } from '../../src/features/safety/compare.js';
import { decodeEnvelope, Device, envelopeCID, equal, fromHex, safetyNumber, toHex } from '../../src/protocol/index.js';
import { short } from '../../src/ui/common.js';
import { Delivery } from '../../src/ui/Delivery.js';

const randomAddress = () => `0x${toHex(crypto.getRandomValues(new Uint8Array(20)))}`;

/** Polls cond until it holds or the deadline passes. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The relay's delivery semantics in memory: a send is stored per recipient account and answered
 * with its CID; queued envelopes are pushed to a connected device and dropped only on ack, so a
 * device that was away gets them on its next socket; frames go to connected devices only.
 */
class LoopbackRelay {
  private readonly queues = new Map<string, { seq: number; cid: string; envelope: string }[]>();
  private readonly sockets = new Map<string, SocketLike & { push(f: WireFrame): void }>();
  private seq = 0;
  /** Envelopes by CID, as the IPFS node keeps them. */
  readonly blocks = new Map<string, Uint8Array>();
  /** Accounts whose next envelope is stored but never pushed (the relay's TTL or cap dropped it). */
  readonly dropNext = new Set<string>();
  /** Every frame written by a device, by account. */
  readonly written = new Map<string, WireFrame[]>();
  /** Groups by id: their epoch and member accounts (the API's tables). */
  readonly groups = new Map<string, { epoch: number; members: string[]; read?: boolean }>();
  /** The CID a lying relay names beside the next envelope it stores, instead of the envelope's own. */
  lieCID: string | undefined;
  /** Set: the next send's answer is held back until release() (receipts may overtake it). */
  holdSent = false;
  /** Sends the held answers. */
  release: () => void = () => {};

  open(account: string): SocketLike {
    const relay = this;
    const socket = {
      onopen: null,
      onmessage: null as SocketLike['onmessage'],
      onclose: null as SocketLike['onclose'],
      onerror: null,
      closed: false,
      send(data: string) {
        relay.receive(account, JSON.parse(data) as WireFrame, socket);
      },
      close() {
        if (socket.closed) return;
        socket.closed = true;
        if (relay.sockets.get(account) === socket) relay.sockets.delete(account);
        queueMicrotask(() => socket.onclose?.({}));
      },
      push(f: WireFrame) {
        if (!socket.closed) queueMicrotask(() => socket.onmessage?.({ data: JSON.stringify(f) }));
      },
    };
    this.sockets.set(account, socket);
    socket.push({ type: 'hello', hello: { device: { account, device: 1 }, ttl_seconds: 60, max_pending: 100, dropped: 0, max_frame_size: 1 << 20 } });
    for (const q of this.queues.get(account) ?? []) socket.push({ type: 'envelope', seq: q.seq, cid: q.cid, envelope: q.envelope });
    return socket;
  }

  private receive(from: string, f: WireFrame, socket: { push(f: WireFrame): void }) {
    (this.written.get(from) ?? this.written.set(from, []).get(from)!).push(f);
    const group = f.group === undefined ? undefined : this.groups.get(f.group);
    if (f.type === 'send') {
      const bytes = Uint8Array.from(atob(f.envelope!), (c) => c.charCodeAt(0));
      if (group && decodeEnvelope(bytes).epoch < BigInt(group.epoch)) return socket.push({ type: 'error', id: f.id!, code: 'stale_epoch' });
      const cid = envelopeCID(bytes).toString();
      const named = this.lieCID ?? cid;
      this.lieCID = undefined;
      this.blocks.set(cid, bytes);
      for (const to of new Set(f.to!.map((d) => d.account.toLowerCase()))) {
        if (this.dropNext.delete(to)) continue;
        const item = { seq: ++this.seq, cid: named, envelope: f.envelope! };
        (this.queues.get(to) ?? this.queues.set(to, []).get(to)!).push(item);
        this.sockets.get(to)?.push({ type: 'envelope', ...item });
      }
      if (this.holdSent) {
        this.holdSent = false;
        this.release = () => socket.push({ type: 'sent', id: f.id!, cid });
      } else socket.push({ type: 'sent', id: f.id!, cid });
    } else if (f.type === 'ack') {
      this.queues.set(from, (this.queues.get(from) ?? []).filter((q) => !f.seqs!.includes(q.seq)));
    } else if (f.type === 'frame') {
      for (const to of group ? group.members.filter((m) => m !== from) : [f.peer!.toLowerCase()]) this.sockets.get(to)?.push({ type: 'frame', envelope: f.envelope! });
    }
  }

  /** Pushes an API notification to a connected account. */
  notify(to: string, kind: string, data: unknown) {
    this.sockets.get(to)?.push({ type: 'notification', notification: { id: ++this.seq, kind, data, created_at: new Date().toISOString() } });
  }

  /** How many envelopes the account has not acked yet. */
  pending(account: string): number {
    return this.queues.get(account)?.length ?? 0;
  }

  /** Pushes an envelope again (a redelivery after a lost ack). */
  redeliver(to: string, cid: string, envelope: Uint8Array) {
    this.sockets.get(to)?.push({ type: 'envelope', seq: ++this.seq, cid, envelope: toBase64(envelope) });
  }
}

/** GET /v1/users/{a}/devices from the test's registry, and /ipfs/{cid} raw blocks from the relay's store. */
function directory(devices: Map<string, Device>, relay: LoopbackRelay): Fetch {
  return async (path, init) => {
    const ipfs = /^\/ipfs\/(\w+)$/.exec(path);
    if (ipfs) {
      const b = relay.blocks.get(ipfs[1]!);
      const raw = new Headers(init?.headers).get('accept') === 'application/vnd.ipld.raw';
      return b && raw ? new Response(b.slice()) : new Response('not acceptable', { status: raw ? 404 : 406 });
    }
    if (path === '/v1/groups') return Response.json({ groups: [...relay.groups.keys()].map((id) => ({ id })) });
    const g = /^\/v1\/groups\/([0-9a-f-]{36})$/.exec(path);
    const group = g && relay.groups.get(g[1]!);
    if (group) {
      group.read = true; // this epoch's members were read
      return Response.json({ id: g[1], name: 'Club', epoch: group.epoch, members: group.members.map((address) => ({ address, role: 'member' })) });
    }
    const m = /^\/v1\/users\/(0x[0-9a-f]{40})\/devices$/.exec(path);
    const d = m && devices.get(m[1]!);
    if (!d) return new Response(JSON.stringify({ code: 'not_found' }), { status: 404 });
    return Response.json({
      devices: [{ deviceId: 1, suite: 1, signingKey: `0x${toHex(d.keys.signingKey)}`, keyAgreementKey: `0x${toHex(d.keys.kemPublicKey)}`, valid: true, revoked: false, final: true, state: 'confirmed' }],
    });
  };
}

async function user(account: string, device: Device, relay: LoopbackRelay, fetchFn: Fetch, checkDevices?: DeviceCheck) {
  const api = new ApiClient(fetchFn);
  let store: IndexedConversations | undefined;
  const client = new RelayClient({ url: async () => `ws://loopback/${account}`, open: () => relay.open(account), onEnvelope: (e) => store!.receive(e), minBackoff: 1 });
  store = new IndexedConversations({ api, relay: client, account, deviceId: 1, device, checkDevices });
  await store.init();
  client.start();
  await client.whenOpen();
  return { store, client };
}

type User = Awaited<ReturnType<typeof user>>;

/** Stops the users' relay clients and closes their stores. */
async function stop(...users: User[]): Promise<void> {
  for (const u of users) u.client.stop();
  await Promise.all(users.map((u) => u.store.close()));
}

/** A device with random seeds. */
const newDevice = () => Device.fromSeeds(1, crypto.getRandomValues(new Uint8Array(32)), crypto.getRandomValues(new Uint8Array(32)));

/** Alice and Bob, one device each, online through one loopback relay. */
async function pair() {
  const alice = randomAddress();
  const bob = randomAddress();
  const devices = new Map([
    [alice, await newDevice()],
    [bob, await newDevice()],
  ]);
  const relay = new LoopbackRelay();
  const fetchFn = directory(devices, relay);
  return { alice, bob, devices, relay, fetchFn, a: await user(alice, devices.get(alice)!, relay, fetchFn), b: await user(bob, devices.get(bob)!, relay, fetchFn) };
}

/** Alice, Bob and Carol online, and the id and conversation key of a group (its members set by the test). */
async function trio() {
  const p = await pair();
  const carol = randomAddress();
  p.devices.set(carol, await newDevice());
  const c = await user(carol, p.devices.get(carol)!, p.relay, p.fetchFn);
  const id = crypto.randomUUID();
  return { ...p, carol, c, id, key: groupKey(id) };
}

describe('conversation store (IndexedDB, browser only)', () => {
  it('delivers both ways with receipts, keeps history and sessions across a reload, and stores a redelivery once', async () => {
    const { alice, bob, devices, relay, fetchFn, a, ...rest } = await pair();
    let { b } = rest;

    const one = await a.store.send(bob, { kind: 'text', text: 'one' });
    expect(one.state).toBe('sent');
    await until(() => b.store.messages(alice).some((m) => m.key === one.key));
    expect(b.store.messages(alice)[0]).toMatchObject({ mine: false, sender: alice, body: { kind: 'text', text: 'one' } });
    await until(() => a.store.messages(bob)[0]!.state === 'delivered');
    b.store.markRead(alice);
    await until(() => a.store.messages(bob)[0]!.state === 'read');

    // Bob's page closes; Alice sends on the same chain (no key wraps after the first message).
    b.client.stop();
    await b.store.close();
    const two = await a.store.send(bob, { kind: 'text', text: 'two' });
    b = await user(bob, devices.get(bob)!, relay, fetchFn);
    await until(() => b.store.messages(alice).some((m) => m.key === two.key));
    expect(b.store.messages(alice).map((m) => (m.body.kind === 'text' ? m.body.text : ''))).toEqual(['one', 'two']);

    // A redelivered envelope (its ack was lost) is not stored twice.
    const written = relay.written.get(alice)!.filter((f) => f.type === 'send');
    relay.redeliver(bob, two.key, Uint8Array.from(atob(written.at(-1)!.envelope!), (c) => c.charCodeAt(0)));
    const reply = await b.store.send(alice, { kind: 'text', text: 'three' });
    await until(() => a.store.messages(bob).some((m) => m.key === reply.key));
    expect(b.store.messages(alice).filter((m) => m.key === two.key)).toHaveLength(1);
    await b.store.open(alice);
    expect(b.store.messages(alice).map((m) => m.key)).toEqual([one.key, two.key, reply.key]);

    // The relay drops one envelope; the next links to it, and Bob fetches it from IPFS by CID.
    relay.dropNext.add(bob);
    const lost = await a.store.send(bob, { kind: 'text', text: 'lost' });
    const after = await a.store.send(bob, { kind: 'text', text: 'after' });
    await until(() => b.store.messages(alice).some((m) => m.key === after.key));
    expect(b.store.messages(alice).some((m) => m.key === lost.key)).toBe(false);
    expect(await b.store.loadOlder(alice)).toBe(1);
    expect(b.store.messages(alice).find((m) => m.key === lost.key)?.body).toEqual({ kind: 'text', text: 'lost' });
    expect(await b.store.loadOlder(alice)).toBe(0);

    await stop(a, b);
  });

  it('applies a receipt that arrives before the relay answered the send: the message has its CID from sealing on', async () => {
    const { alice, bob, relay, a, b } = await pair();
    relay.holdSent = true;
    const sending = a.store.send(bob, { kind: 'text', text: 'quick reader' });
    await until(() => b.store.messages(alice).length === 1);
    const key = b.store.messages(alice)[0]!.key;
    b.store.markRead(alice);
    await until(() => relay.written.get(bob)?.some((f) => f.type === 'frame') === true);
    await until(() => a.store.messages(bob).find((m) => m.key === key)?.state === 'read'); // Alice's page took in the receipts first
    relay.release();
    const sent = await sending;
    expect(sent).toMatchObject({ key, state: 'read' });
    await until(() => a.store.messages(bob).find((m) => m.key === sent.key)?.state === 'read');
    await stop(a, b);
  });

  it('knows envelopes by their own CID, never the one the relay names: a new one under a stored CID is shown, a stored one under a made-up CID is not shown again after a reload', async () => {
    const { alice, bob, devices, relay, fetchFn, a, ...rest } = await pair();
    let { b } = rest;
    const one = await a.store.send(bob, { kind: 'text', text: 'one' });
    await until(() => b.store.messages(alice).some((m) => m.key === one.key));

    // The relay names Alice's next envelope by the CID of the one Bob already has.
    relay.lieCID = one.key;
    const two = await a.store.send(bob, { kind: 'text', text: 'two' });
    await until(() => b.store.messages(alice).some((m) => m.key === two.key));

    // Bob's page reloads; the relay pushes the first envelope again under a CID it made up.
    b.client.stop();
    await b.store.close();
    b = await user(bob, devices.get(bob)!, relay, fetchFn);
    const first = relay.blocks.get(one.key)!;
    relay.redeliver(bob, envelopeCID(new TextEncoder().encode('not the envelope')).toString(), first);
    const three = await a.store.send(bob, { kind: 'text', text: 'three' });
    await until(() => b.store.messages(alice).some((m) => m.key === three.key)); // envelopes are handled in order
    expect(b.store.messages(alice).map((m) => m.key)).toEqual([one.key, two.key, three.key]);
    await b.store.open(alice);
    expect(b.store.messages(alice).map((m) => m.key)).toEqual([one.key, two.key, three.key]);

    await stop(a, b);
  });

  it('opens the peer\'s new chain after reloads: a direct conversation stays at epoch 0 (docs/protocol.md §4)', async () => {
    const { alice, bob, devices, relay, fetchFn, ...rest } = await pair();
    let { a, b } = rest;
    const hi = await b.store.send(alice, { kind: 'text', text: 'hi' });
    await until(() => b.store.messages(alice).some((m) => m.key === hi.key && m.state === 'delivered'));
    /** Reloads a page; its saved session re-reads the devices when the conversation is next used (here by loadOlder). */
    const reload = async (u: typeof a, account: string, peer: string) => {
      u.client.stop();
      await u.store.close();
      const next = await user(account, devices.get(account)!, relay, fetchFn);
      await next.store.loadOlder(peer);
      return next;
    };
    b = await reload(b, bob, alice);
    b = await reload(b, bob, alice);
    a = await reload(a, alice, bob);
    // Alice's next message starts a new sender chain; Bob must not refuse it as being from an older epoch.
    const answer = await a.store.send(bob, { kind: 'text', text: 'hello after our reloads' });
    await until(() => b.store.messages(alice).some((m) => m.key === answer.key));

    await stop(a, b);
  });

  it('shows the safety number of the keys the conversation encrypts to, also when the directory lies only once', async () => {
    const { alice, bob, devices, relay, fetchFn, a, b } = await pair();
    const mallory = await newDevice();
    // Alice's page reloads; the directory swaps in a key of Mallory's for Bob while her conversation reads his devices, then tells the truth.
    a.client.stop();
    await a.store.close();
    let lie = true;
    const lying: Fetch = (path, init) => (lie && path === `/v1/users/${bob}/devices` ? directory(new Map([[bob, mallory]]), relay)(path, init) : fetchFn(path, init));
    const a2 = await user(alice, devices.get(alice)!, relay, lying);
    await a2.store.send(bob, { kind: 'text', text: 'for bob, sealed for mallory' });
    lie = false;

    const truth = safetyNumber({ account: fromHex(alice), devices: [devices.get(alice)!.keys] }, { account: fromHex(bob), devices: [devices.get(bob)!.keys] });
    expect((await conversationSafetyNumber(b.store, bob, alice)).digits).toBe(truth.digits);
    // Alice's number shows the key her messages went to, so comparing with Bob's reveals the swap.
    const seen = await conversationSafetyNumber(a2.store, alice, bob);
    expect(seen.digits).toBe(safetyNumber({ account: fromHex(alice), devices: [devices.get(alice)!.keys] }, { account: fromHex(bob), devices: [mallory.keys] }).digits);
    expect(seen.digits).not.toBe(truth.digits);

    await stop(a2, b);
  });

  it('refuses a removed member\'s message sealed for a newer epoch than the group had when it was last read', async () => {
    const { alice, bob, carol, relay, a, b, c, id, key } = await trio();
    relay.groups.set(id, { epoch: 1, members: [alice, bob, carol] });
    const hi = await c.store.send(key, { kind: 'text', text: 'hi all' });
    await until(() => a.store.messages(key).some((m) => m.key === hi.key));

    // Carol is removed at epoch 2 and Alice hears nothing of it; the relay still passes on what
    // Carol seals for epoch 2 (her own reading of the group moves her session there).
    relay.groups.set(id, { epoch: 2, members: [alice, bob] });
    const sneaky = await c.store.send(key, { kind: 'text', text: 'still here' });
    const after = await b.store.send(key, { kind: 'text', text: 'after' });
    await until(() => a.store.messages(key).some((m) => m.key === after.key)); // envelopes are handled in order
    expect(a.store.messages(key).some((m) => m.key === sneaky.key)).toBe(false);

    await stop(a, b, c);
  });

  it('gets again an envelope whose lookup failed for now (the network, the chain), and drops one of a group it left without holding the rest', async () => {
    const { alice, bob, carol, devices, relay, fetchFn, a, b, c, id, key } = await trio();
    relay.groups.set(id, { epoch: 1, members: [alice, bob, carol] });
    const hi = await c.store.send(key, { kind: 'text', text: 'hi all' });
    await until(() => a.store.messages(key).some((m) => m.key === hi.key));

    // Alice's page reloads while the API is unreachable once, then refuses her the group she left.
    a.client.stop();
    await a.store.close();
    let down = true;
    const aliceFetch: Fetch = async (path, init) => {
      if (down && path.startsWith('/v1/users/')) {
        down = false;
        throw new TypeError('Failed to fetch');
      }
      if (path === `/v1/groups/${id}`) return new Response(JSON.stringify({ code: 'not_found' }), { status: 404 });
      if (path === '/v1/groups') return Response.json({ groups: [] });
      return fetchFn(path, init);
    };
    // Then the chain read of Alice's devices fails once: a viem error, neither a network TypeError nor an ApiError.
    let chainDown = true;
    const chain: DeviceCheck = async (account, listed) => {
      if (chainDown && account === alice) {
        chainDown = false;
        throw new HttpRequestError({ url: 'http://127.0.0.1:8545', details: 'fetch failed' });
      }
      return listed;
    };
    const a2 = await user(alice, devices.get(alice)!, relay, aliceFetch, chain);
    const direct = await b.store.send(alice, { kind: 'text', text: 'sent while the API was down' });
    await until(() => a2.store.messages(bob).some((m) => m.key === direct.key));
    expect(down).toBe(false);
    expect(chainDown).toBe(false);
    const left = await c.store.send(key, { kind: 'text', text: 'after alice left' });
    const next = await b.store.send(alice, { kind: 'text', text: 'behind the group message' });
    await until(() => a2.store.messages(bob).some((m) => m.key === next.key));
    expect(a2.store.messages(key).some((m) => m.key === left.key)).toBe(false);
    await until(() => relay.pending(alice) === 0); // every one acked

    await stop(a2, b, c);
  });

  it('encrypts to and trusts only the listed devices the chain confirms', async () => {
    const { alice, bob, devices, relay, fetchFn, a, b } = await pair();
    const mallory = await newDevice();
    a.client.stop();
    await a.store.close();
    // The directory lists Mallory's key as Bob's device; the chain (here: the test's registry) has Bob's own.
    const lying: Fetch = (path, init) => (path === `/v1/users/${bob}/devices` ? directory(new Map([[bob, mallory]]), relay)(path, init) : fetchFn(path, init));
    const chain: DeviceCheck = async (account, listed) => listed.filter((m) => equal(m.keys.signingKey, devices.get(account)!.keys.signingKey));
    const a2 = await user(alice, devices.get(alice)!, relay, lying, chain);
    expect((await a2.store.devices(bob)).map((m) => toHex(m.keys.signingKey))).toEqual([toHex(devices.get(alice)!.keys.signingKey)]);

    await stop(a2, b);
  });

  it('shows typing until the message arrives, and again while the next one is typed', async () => {
    const { alice, bob, a, b } = await pair();
    a.store.typing(bob);
    await until(() => b.store.isTyping(alice));
    const sent = await a.store.send(bob, { kind: 'text', text: 'typed' });
    await until(() => b.store.messages(alice).some((m) => m.key === sent.key));
    expect(b.store.isTyping(alice)).toBe(false);
    // Typing the next message right away (well within the rate limit of typing frames) shows again.
    a.store.typing(bob);
    await until(() => b.store.isTyping(alice));

    await stop(a, b);
  });

  it('talks in a group: found by its conversation id, sender shown, typing by member, a new epoch resealed after stale_epoch or taken from the notification', async () => {
    const { alice, bob, carol, relay, fetchFn, a, b, c, id, key } = await trio();
    relay.groups.set(id, { epoch: 1, members: [alice, bob] });

    const hello = await a.store.send(key, { kind: 'text', text: 'hello group' });
    const frame = relay.written.get(alice)!.find((f) => f.type === 'send');
    expect([frame?.group, frame?.peer]).toEqual([id, undefined]);
    await until(() => b.store.messages(key).some((m) => m.key === hello.key));
    expect(b.store.messages(key)[0]).toMatchObject({ peer: key, mine: false, sender: alice });
    expect(b.store.list().map((x) => x.peer)).toEqual([key]);
    b.store.typing(key);
    await until(() => a.store.isTyping(key));
    expect(a.store.typers(key)).toEqual([bob]);

    // Carol joins: a new epoch. Alice's send is refused as stale, she re-reads the members and reseals.
    relay.groups.set(id, { epoch: 2, members: [alice, bob, carol] });
    const again = await a.store.send(key, { kind: 'text', text: 'welcome carol' });
    expect(again.state).toBe('sent');
    expect(relay.written.get(alice)!.filter((f) => f.type === 'send')).toHaveLength(3); // hello, the stale one, the resealed one
    await until(() => c.store.messages(key).some((m) => m.key === again.key) && b.store.messages(key).some((m) => m.key === again.key));

    // Read receipts per member: Bob's counts for him alone, Carol's then completes it.
    const line = document.createElement('div');
    const shown = () => {
      render(h(Delivery, { api: new ApiClient(fetchFn), m: a.store.messages(key).find((m) => m.key === again.key)! }), line);
      return line.querySelector('[aria-label^="Delivery: "]')?.getAttribute('aria-label');
    };
    b.store.markRead(key);
    await until(() => shown() === 'Delivery: Read by 1 of 2');
    await until(() => line.querySelector('ul[aria-label="Receipts"]')?.textContent === `${short(bob)}: read${short(carol)}: delivered`);
    c.store.markRead(key);
    await until(() => shown() === 'Delivery: Read by everyone');
    expect(a.store.messages(key).find((m) => m.key === again.key)?.state).toBe('read');
    render(null, line);
    const reply = await c.store.send(key, { kind: 'text', text: 'thanks' });
    await until(() => a.store.messages(key).some((m) => m.key === reply.key && m.sender === carol));

    // Carol leaves: the API's group_epoch notification moves Alice's session on before she sends
    // (the store announces a change once it re-read the group at the new epoch).
    relay.groups.set(id, { epoch: 3, members: [alice, bob] });
    let changes = 0;
    const off = a.store.subscribe(() => relay.groups.get(id)!.read && changes++);
    relay.notify(alice, 'group_epoch', { groupId: id, epoch: 3, reason: 'left' });
    await until(() => changes > 0);
    off();
    const sends = relay.written.get(alice)!.filter((f) => f.type === 'send').length;
    const bye = await a.store.send(key, { kind: 'text', text: 'bye carol' });
    expect(relay.written.get(alice)!.filter((f) => f.type === 'send')).toHaveLength(sends + 1); // no stale round
    await until(() => b.store.messages(key).some((m) => m.key === bye.key));

    await stop(a, b, c);
  });
});
