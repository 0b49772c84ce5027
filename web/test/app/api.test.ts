import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, refused, type Fetch, type LockManagerLike } from '../../src/app/api.js';

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, code, detail }), { status, headers: { 'content-type': 'application/problem+json' } });

/** An API that accepts one access token at a time and rotates refresh tokens like api/auth.go (a reused one revokes). */
function server() {
  let access = 'a1';
  let refresh = 'r1';
  const used = new Set<string>();
  const calls: string[] = [];
  const fetchFn: Fetch = async (path, init) => {
    calls.push(`${init?.method ?? 'GET'} ${path}`);
    if (path === '/v1/auth/refresh') {
      const { refreshToken } = JSON.parse(String(init?.body)) as { refreshToken: string };
      if (used.has(refreshToken)) return problem(401, 'refresh_reused', 'the refresh token was used before');
      if (refreshToken !== refresh) return problem(401, 'refresh_invalid', 'unknown refresh token');
      used.add(refreshToken);
      const n = used.size + 1;
      access = `a${n}`;
      refresh = `r${n}`;
      return Response.json({ accessToken: access, refreshToken: refresh, tokenType: 'Bearer', expiresIn: 900, sessionId: 's', address: '0xabc' });
    }
    const auth = new Headers(init?.headers).get('authorization');
    if (auth !== `Bearer ${access}`) return problem(401, 'unauthenticated', 'the access token is invalid or expired');
    if (path === '/v1/missing') return problem(404, 'not_found', 'no such thing');
    if (init?.method === 'DELETE') return new Response(null, { status: 204 });
    return Response.json({ path, body: init?.body ? JSON.parse(String(init.body)) : null });
  };
  return { fetchFn, calls, expire: () => (access = 'expired-by-server') };
}

function memoryStore() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

const session = { accessToken: 'a1', refreshToken: 'r1', sessionId: 's', address: '0xabc' };

/** The browser's Web Locks where there are any (Chromium), else one exclusive lock per name in this process (Node). */
function navigatorLocks(): LockManagerLike {
  const real = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (real) return real;
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(fn);
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
}

describe('ApiClient', () => {
  it('sends the bearer token and JSON bodies, and decodes 204 as undefined', async () => {
    const s = server();
    const api = new ApiClient(s.fetchFn);
    api.setSession(session);
    expect(await api.put('/v1/me/profile', { displayName: 'A' })).toEqual({ path: '/v1/me/profile', body: { displayName: 'A' } });
    expect(await api.delete('/v1/contacts/0x1')).toBeUndefined();
  });

  it('rotates an expired access token once and repeats the request; the new pair is kept', async () => {
    const s = server();
    const store = memoryStore();
    const api = new ApiClient(s.fetchFn, store);
    api.setSession(session);
    s.expire();
    expect(await api.get('/v1/me/profile')).toMatchObject({ path: '/v1/me/profile' });
    expect(s.calls).toEqual(['GET /v1/me/profile', 'POST /v1/auth/refresh', 'GET /v1/me/profile']);
    expect(JSON.parse(store.m.get('parley.session')!)).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
  });

  it('concurrent 401s share one rotation (a second rotation with the same token would revoke the session)', async () => {
    const s = server();
    const store = memoryStore();
    const api = new ApiClient(s.fetchFn, store);
    api.setSession({ ...session, accessToken: 'stale' });
    const got = await Promise.all([api.get('/v1/a'), api.get('/v1/b'), api.get('/v1/c')]);
    expect(got.map((g) => (g as { path: string }).path)).toEqual(['/v1/a', '/v1/b', '/v1/c']);
    expect(s.calls.filter((c) => c.endsWith('/v1/auth/refresh'))).toHaveLength(1);
    expect(api.current?.accessToken).toBe('a2');
    expect(JSON.parse(store.m.get('parley.session')!)).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
    // A new client restores the kept session.
    expect(new ApiClient(s.fetchFn, store).current?.refreshToken).toBe('r2');
  });

  it('a refused rotation signs out and surfaces the problem code', async () => {
    const s = server();
    const api = new ApiClient(s.fetchFn, memoryStore());
    const seen: unknown[] = [];
    api.onSession((x) => seen.push(x));
    api.setSession({ ...session, accessToken: 'stale', refreshToken: 'bogus' });
    const err = await api.get('/v1/me/profile').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'refresh_invalid' });
    expect(api.current).toBeUndefined();
    expect(seen.at(-1)).toBeUndefined();
  });

  it.each([
    { name: 'problem with code', path: '/v1/missing', status: 404, code: 'not_found', message: 'no such thing' },
  ])('turns an RFC 9457 problem into ApiError: $name', async ({ path, status, code, message }) => {
    const s = server();
    const api = new ApiClient(s.fetchFn);
    api.setSession(session);
    await expect(api.get(path)).rejects.toMatchObject({ status, code, message });
  });

  it('rotates before the access token expires (four fifths into its lifetime), so a tab left open asks with a valid token', async () => {
    const s = server();
    let now = 1_000_000;
    const api = new ApiClient(s.fetchFn, memoryStore(), { now: () => now });
    api.setSession({ ...session, expiresIn: 900 });
    await api.get('/v1/a');
    now += 719_000; // 11 min 59 s
    expect(await api.accessToken()).toBe('a1');
    now += 2_000; // past 12 min: less than a fifth left
    expect(await api.accessToken()).toBe('a2'); // the relay dials with this one
    await api.get('/v1/b');
    expect(s.calls).toEqual(['GET /v1/a', 'POST /v1/auth/refresh', 'GET /v1/b']); // no 401 round
    now += 13 * 60_000;
    await Promise.all([api.get('/v1/c'), api.get('/v1/d'), api.accessToken()]);
    expect(s.calls.filter((c) => c.endsWith('/v1/auth/refresh'))).toHaveLength(2); // one rotation for all three
  });

  it('an early rotation that fails for now keeps using the still valid token and rotates on the next call', async () => {
    const s = server();
    let now = 1_000_000;
    let down: 'network' | 'unavailable' | undefined;
    const fetchFn: Fetch = async (path, init) => {
      if (path === '/v1/auth/refresh' && down === 'network') throw new TypeError('Failed to fetch');
      if (path === '/v1/auth/refresh' && down === 'unavailable') return problem(503, 'unavailable', 'try later');
      return s.fetchFn(path, init);
    };
    const api = new ApiClient(fetchFn, memoryStore(), { now: () => now });
    api.setSession({ ...session, expiresIn: 900 });
    now += 721_000; // past four fifths
    down = 'network';
    expect(await api.get('/v1/a')).toMatchObject({ path: '/v1/a' });
    down = 'unavailable';
    expect(await api.accessToken()).toBe('a1');
    expect(api.current?.accessToken).toBe('a1');
    down = undefined;
    expect(await api.accessToken()).toBe('a2');
    expect(s.calls).toEqual(['GET /v1/a', 'POST /v1/auth/refresh']);
  });

  it('two tabs sharing the kept session rotate it once: the other adopts the new pair instead of reusing the old refresh token', async () => {
    const s = server();
    const store = memoryStore();
    const locks = navigatorLocks();
    const tab1 = new ApiClient(s.fetchFn, store, { locks });
    tab1.setSession(session);
    const tab2 = new ApiClient(s.fetchFn, store, { locks });
    s.expire();
    // Both find their access token expired at once; then tab 2 again after tab 1 rotated once more.
    await Promise.all([tab1.get('/v1/a'), tab2.get('/v1/b')]);
    expect(s.calls.filter((c) => c.endsWith('/v1/auth/refresh'))).toHaveLength(1);
    s.expire();
    await tab1.get('/v1/c');
    expect(await tab2.get('/v1/d')).toMatchObject({ path: '/v1/d' });
    expect(tab2.current).toMatchObject({ accessToken: 'a3', refreshToken: 'r3' });
    expect(s.calls.filter((c) => c.endsWith('/v1/auth/refresh'))).toHaveLength(2);
  });

  it('accessToken(true) rotates; without a session it is unauthenticated', async () => {
    const s = server();
    const api = new ApiClient(s.fetchFn);
    await expect(api.accessToken()).rejects.toMatchObject({ code: 'unauthenticated' });
    api.setSession(session);
    expect(await api.accessToken(true)).toBe('a2');
  });
});

describe('refused', () => {
  it.each([
    { name: 'a network failure (fetch rejects with TypeError)', err: new TypeError('Failed to fetch'), want: false },
    { name: 'rate limited', err: new ApiError(429, 'rate_limited', 'slow down'), want: false },
    { name: 'unavailable', err: new ApiError(503, 'unavailable', 'try later'), want: false },
    { name: 'not a member any more', err: new ApiError(403, 'forbidden', 'not a member'), want: true },
    { name: 'no such group', err: new ApiError(404, 'not_found', 'no such group'), want: true },
    { name: 'anything else', err: new Error('undecryptable'), want: false },
  ])('$name: $want', ({ err, want }) => {
    expect(refused(err)).toBe(want);
  });
});
