import type { Address, Hex } from 'viem';
import { createSiweMessage } from 'viem/siwe';

/** The session the API opens on sign-in (api/openapi.yaml TokenPair). */
export interface TokenPair {
  /** The bearer token for API calls. */
  accessToken: string;
  /** The token that rotates the pair. */
  refreshToken: string;
  /** Always "Bearer". */
  tokenType: string;
  /** The access token's lifetime in seconds. */
  expiresIn: number;
  /** The session id. */
  sessionId: string;
  /** The signed-in account, lowercase. */
  address: string;
}

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

async function call<T>(fetchFn: Fetch, path: string, body?: unknown): Promise<T> {
  const res = await fetchFn(path, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as T & { code?: string; title?: string; detail?: string };
  if (!res.ok) throw new ApiError(res.status, data.code ?? 'unknown', data.detail ?? data.title ?? `${path}: http ${res.status}`);
  return data;
}

/** Where the sign-in message is bound: the page's host and origin, and the chain. */
export interface SiweScope {
  /** The host the user sees, e.g. "127.0.0.1:8080". */
  domain: string;
  /** The origin, e.g. "http://127.0.0.1:8080". */
  origin: string;
  /** The EIP-155 chain id. */
  chainId: number;
}

/** Builds the EIP-4361 message the wallet signs to sign in. */
export function signInMessage(scope: SiweScope, address: Address, nonce: string, issuedAt: Date): string {
  return createSiweMessage({
    domain: scope.domain,
    address,
    statement: 'Sign in to Parley.',
    uri: scope.origin,
    version: '1',
    chainId: scope.chainId,
    nonce,
    issuedAt,
  });
}

/**
 * Signs in with Ethereum: asks the API for a nonce (POST /v1/auth/nonce), has the wallet sign the
 * EIP-4361 message (personal_sign through `sign`), and exchanges it for a session
 * (POST /v1/auth/verify).
 */
export async function signIn(
  fetchFn: Fetch,
  scope: SiweScope,
  address: Address,
  sign: (message: string) => Promise<Hex>,
  now: () => Date = () => new Date(),
): Promise<TokenPair> {
  const { nonce } = await call<{ nonce: string }>(fetchFn, '/v1/auth/nonce');
  const message = signInMessage(scope, address, nonce, now());
  const signature = await sign(message);
  return call<TokenPair>(fetchFn, '/v1/auth/verify', { message, signature });
}
