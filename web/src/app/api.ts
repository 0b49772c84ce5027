/** An RFC 9457 problem the API answered with; `code` is the stable machine-readable error. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  /** Records the HTTP status and the problem's code. */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP function the client uses (window.fetch in the app). */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** POSTs body as JSON to the API (with the bearer token when given) and returns the decoded answer. */
export async function post<T>(fetchFn: Fetch, path: string, body?: unknown, accessToken?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const res = await fetchFn(path, { method: 'POST', headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const data = (await res.json().catch(() => ({}))) as T & { code?: string; title?: string; detail?: string };
  if (!res.ok) throw new ApiError(res.status, data.code ?? 'unknown', data.detail ?? data.title ?? `${path}: http ${res.status}`);
  return data;
}

/** Where the API client keeps the session between page loads (localStorage in the app, so a reopened tab stays signed in). */
export interface SessionStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The session the API opened at sign-in (the TokenPair of api/openapi.yaml). */
export interface Session {
  /** The bearer token for API calls. */
  accessToken: string;
  /** The token that rotates the pair. */
  refreshToken: string;
  /** The session id. */
  sessionId: string;
  /** The signed-in account, lowercase. */
  address: string;
  /** When to rotate the pair (ms since the epoch): four fifths into the access token's lifetime; unknown for a pair kept by an older version. */
  renewAt?: number;
}

/** A token pair as the API answers it (sign-in, rotation): a Session with the access token's lifetime in seconds. */
export type IssuedSession = Session & { expiresIn?: number };

/** The Web Locks the client needs (navigator.locks): one holder of a name at a time, across the browser's tabs. */
export interface LockManagerLike {
  request<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Options of an ApiClient. */
export interface ApiOptions {
  /** The clock (default Date.now). */
  now?: () => number;
  /** Serializes rotations across tabs (default navigator.locks where the browser has it). */
  locks?: LockManagerLike;
}

const sessionKey = 'parley.session';

/** What a request sends: a JSON value, or raw bytes with their content type (avatar upload). */
export type RequestBody = { json: unknown } | { raw: Blob | Uint8Array; contentType: string };

/**
 * ApiClient calls the HTTP API with the session's access token. It rotates the pair through
 * POST /v1/auth/refresh before the access token expires, and when the API answers 401 anyway
 * (then repeating the request); a failed rotation ends the session (onSession). Presenting a
 * rotated refresh token revokes the session, so one rotation runs at a time, shared by
 * concurrent calls and, through a Web Lock and the kept session, by the browser's other tabs.
 * Problems (RFC 9457) become ApiError with their code.
 */
export class ApiClient {
  private session: Session | undefined;
  private refreshing: Promise<Session> | undefined;
  private readonly listeners = new Set<(s: Session | undefined) => void>();
  private readonly now: () => number;
  private readonly locks: LockManagerLike | undefined;

  /** Builds a client over fetchFn, restoring a session kept in store. */
  constructor(
    private readonly fetchFn: Fetch,
    private readonly store?: SessionStorageLike,
    opts: ApiOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.locks = opts.locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
    this.session = this.kept();
  }

  /** The session kept in store, if any. */
  private kept(): Session | undefined {
    const kept = this.store?.getItem(sessionKey);
    if (!kept) return undefined;
    try {
      return JSON.parse(kept) as Session;
    } catch {
      this.store?.removeItem(sessionKey);
      return undefined;
    }
  }

  /** The current session, if signed in. */
  get current(): Session | undefined {
    return this.session;
  }

  /** Sets (sign-in, rotation) or clears (sign-out) the session and tells the listeners. */
  setSession(s: IssuedSession | undefined): void {
    const renewAt = s?.expiresIn === undefined ? s?.renewAt : this.now() + s.expiresIn * 800;
    this.session = s && { accessToken: s.accessToken, refreshToken: s.refreshToken, sessionId: s.sessionId, address: s.address, ...(renewAt === undefined ? {} : { renewAt }) };
    if (this.session) this.store?.setItem(sessionKey, JSON.stringify(this.session));
    else this.store?.removeItem(sessionKey);
    for (const l of this.listeners) l(this.session);
  }

  /** Calls fn on every session change; returns a function that stops it. */
  onSession(fn: (s: Session | undefined) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** GET path, decoded from JSON. */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** POST a JSON body (or none) to path. */
  post<T>(path: string, json?: unknown): Promise<T> {
    return this.request<T>('POST', path, json === undefined ? undefined : { json });
  }

  /** PUT a JSON body to path. */
  put<T>(path: string, json: unknown): Promise<T> {
    return this.request<T>('PUT', path, { json });
  }

  /** DELETE path. */
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Returns an access token valid for a while (rotating the pair when it is due), or a new one when force is set. */
  async accessToken(force = false): Promise<string> {
    const token = force && this.session ? (await this.refresh(this.session.accessToken)).accessToken : await this.fresh();
    if (!token) throw new ApiError(401, 'unauthenticated', 'not signed in');
    return token;
  }

  /**
   * The current access token, rotated first when it is due; undefined when signed out. An early
   * rotation that fails for now (network, 5xx) leaves the still valid token in use until the next call.
   */
  private async fresh(): Promise<string | undefined> {
    const s = this.session;
    if (s?.renewAt === undefined || this.now() < s.renewAt) return s?.accessToken;
    try {
      return (await this.refresh(s.accessToken)).accessToken;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
      return s.accessToken;
    }
  }

  /** Sends one request; on a 401 with a session it rotates the tokens and tries once more. */
  async request<T>(method: string, path: string, body?: RequestBody): Promise<T> {
    const used = await this.fresh();
    let res = await this.send(method, path, body, used);
    if (res.status === 401 && used) {
      await this.refresh(used);
      res = await this.send(method, path, body, this.session?.accessToken);
    }
    return decode<T>(res, path);
  }

  /** Raw GET without credentials, e.g. /ipfs/{cid} (the trustless gateway answers raw blocks for this Accept). */
  async fetchBytes(path: string, accept = 'application/vnd.ipld.raw'): Promise<Uint8Array> {
    const res = await this.fetchFn(path, { headers: { accept } });
    if (!res.ok) return decode(res, path);
    return new Uint8Array(await res.arrayBuffer());
  }

  private send(method: string, path: string, body: RequestBody | undefined, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers };
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.contentType;
      init.body = body.raw as BodyInit;
    }
    return this.fetchFn(path, init);
  }

  /**
   * Rotates the token pair unless another call or tab already replaced the stale access token;
   * one rotation runs at a time in this tab and, holding the lock, in the browser, since
   * presenting a rotated refresh token revokes the session.
   */
  private refresh(stale: string): Promise<Session> {
    if (this.session && this.session.accessToken !== stale) return Promise.resolve(this.session);
    const rotate = async (): Promise<Session> => {
      const kept = this.kept();
      if (kept && this.session && kept.sessionId === this.session.sessionId && kept.accessToken !== this.session.accessToken) this.setSession(kept); // another tab rotated it
      const s = this.session;
      if (!s) throw new ApiError(401, 'unauthenticated', 'not signed in');
      if (s.accessToken !== stale) return s;
      try {
        const res = await this.fetchFn('/v1/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: s.refreshToken }),
        });
        this.setSession(await decode<IssuedSession>(res, '/v1/auth/refresh'));
        return this.session!;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) this.setSession(undefined);
        throw err;
      }
    };
    this.refreshing ??= (this.locks ? this.locks.request(sessionKey, rotate) : rotate()).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}

/** Whether the API refused a call for good: a 403 or 404 (e.g. a group this account left) will not change when asked again. */
export function refused(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 403 || err.status === 404);
}

/** Decodes a response: JSON on success (undefined for 204), ApiError from a problem otherwise. */
async function decode<T>(res: Response, path: string): Promise<T> {
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; title?: string; detail?: string };
    throw new ApiError(res.status, p.code ?? 'unknown', p.detail ?? p.title ?? `${path}: http ${res.status}`);
  }
  return data as T;
}
