import type { Address, Hex } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { post, type Fetch } from './api.js';

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
  const { nonce } = await post<{ nonce: string }>(fetchFn, '/v1/auth/nonce');
  const message = signInMessage(scope, address, nonce, now());
  const signature = await sign(message);
  return post<TokenPair>(fetchFn, '/v1/auth/verify', { message, signature });
}
