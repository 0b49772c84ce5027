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
