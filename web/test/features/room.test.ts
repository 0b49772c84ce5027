import { describe, expect, it } from 'vitest';
import { createRoom, getRoom, openLine, parseRoomLink, roomLink, roomSocketURL, RoomSession, sealLine, type RoomLine, type RoomSocket } from '../../src/features/room/client.js';
import { Room, toBase64Url } from '../../src/protocol/index.js';

const key = new Uint8Array(32).fill(5);
const id = 'abcdefghijklmnopqrstuvwxyz';
const line: RoomLine = { id: 'x1', nick: 'ann', text: 'hello', at: 1 };

describe('room links', () => {
  it('puts the key only in the fragment and reads it back', () => {
    const link = roomLink('http://127.0.0.1:5174/', { id, key });
    const u = new URL(link);
    expect(u.pathname).toBe(`/r/${id}`);
    expect(u.search).toBe('');
    expect(u.hash).toBe(`#k=${toBase64Url(key)}`);
    expect(parseRoomLink(u.pathname, u.hash)).toEqual({ id, key });
  });

  const bad: { name: string; path: string; hash: string }[] = [
    { name: 'no fragment', path: `/r/${id}`, hash: '' },
    { name: 'a short key', path: `/r/${id}`, hash: `#k=${toBase64Url(key.subarray(1))}` },
    { name: 'padding in the key', path: `/r/${id}`, hash: `#k=${toBase64Url(key)}=` },
    { name: 'an id of the wrong alphabet', path: '/r/ABCDEFGHIJKLMNOPQRSTUVWXYZ', hash: `#k=${toBase64Url(key)}` },
    { name: 'another path', path: `/x/${id}`, hash: `#k=${toBase64Url(key)}` },
  ];
  it.each(bad)('refuses $name', ({ path, hash }) => {
    expect(parseRoomLink(path, hash)).toBeUndefined();
  });

  it('derives the socket URL from the page origin', () => {
    expect(roomSocketURL('https://parley.example', id)).toBe(`wss://parley.example/v1/rooms/${id}/ws`);
    expect(roomSocketURL('http://127.0.0.1:8080/', id)).toBe(`ws://127.0.0.1:8080/v1/rooms/${id}/ws`);
  });
});

describe('room lines', () => {
  const room = new Room(key);
  it('round-trips a line', () => {
    expect(openLine(room, sealLine(room, line))).toEqual(line);
  });

  const enc = (s: string) => room.seal(new TextEncoder().encode(s));
  const dropped: { name: string; frame: () => Uint8Array }[] = [
    { name: 'a line of another room', frame: () => sealLine(new Room(new Uint8Array(32).fill(6)), line) },
    { name: 'junk the server injects', frame: () => new Uint8Array([1, 2, 3]) },
    { name: 'plaintext that is not JSON', frame: () => enc('hi') },
    { name: 'an empty text', frame: () => enc(JSON.stringify({ ...line, text: '' })) },
    { name: 'a nickname that is too long', frame: () => enc(JSON.stringify({ ...line, nick: 'n'.repeat(33) })) },
    { name: 'a line without an id', frame: () => enc(JSON.stringify({ nick: 'a', text: 'b', at: 1 })) },
  ];
  it.each(dropped)('drops $name', ({ frame }) => {
    expect(openLine(room, frame())).toBeUndefined();
  });
});

// Against a running parley (make dev): PARLEY_URL=http://127.0.0.1:8080 NODE_OPTIONS=--experimental-websocket npx vitest run test/features/room.test.ts
// (the browser suite has no process: there these stay skipped).
const server = typeof process === 'undefined' ? undefined : process.env.PARLEY_URL;
describe.skipIf(!server || typeof WebSocket === 'undefined')('rooms on a running parley', () => {
  const join = async (link: { id: string; key: Uint8Array }) => {
    const got: { line: RoomLine; mine: boolean }[] = [];
    const s = new RoomSession(link, new WebSocket(roomSocketURL(server!, link.id)) as unknown as RoomSocket, (l, mine) => got.push({ line: l, mine }), () => undefined);
    await s.opened;
    return { s, got };
  };
  const until = async (cond: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('two anonymous sockets exchange lines; a socket with another key sees nothing', async () => {
    const { info, link } = await createRoom((p, i) => fetch(server + p, i), { ttlSeconds: 120, maxMembers: 3 });
    expect(await getRoom((p, i) => fetch(server + p, i), info.id)).toMatchObject({ id: info.id, maxMembers: 3 });
    const [a, b, eve] = await Promise.all([join(link), join(link), join({ id: link.id, key: new Uint8Array(32) })]);
    a.s.send('ann', 'hello bob');
    b.s.send('bob', 'hi ann');
    await until(() => a.got.length === 2 && b.got.length === 2);
    const seen = (p: { got: { line: RoomLine; mine: boolean }[] }) => new Set(p.got.map((g) => `${g.line.nick}: ${g.line.text} (${g.mine ? 'mine' : 'theirs'})`));
    expect(seen(a)).toEqual(new Set(['ann: hello bob (mine)', 'bob: hi ann (theirs)']));
    expect(seen(b)).toEqual(new Set(['bob: hi ann (mine)', 'ann: hello bob (theirs)']));
    expect(eve.got).toEqual([]);
    for (const p of [a, b, eve]) p.s.close();
  });
});
