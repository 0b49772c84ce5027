// Bringing a signed-in browser online: find this browser's device in the registry (through the
// API's indexed view), prove it to bind the session (POST /v1/auth/device/challenge|verify, the
// message of internal/client DeviceProofMessage), then open the relay and the conversations.
import type { Address } from 'viem';
import { toHex, type Device } from '../protocol/index.js';
import type { ApiClient } from './api.js';
import { IndexedConversations } from './conversations.js';
import type { DeviceCheck } from './registry.js';
import { RelayClient } from './relay.js';

/** Where the API is: its public origin (whose host is the SIWE and device-proof domain) and chain. */
export interface ApiScope {
  /** The API's public origin, e.g. http://127.0.0.1:8080. */
  origin: string;
  /** The chain of sign-in and the DeviceRegistry. */
  chainId: number;
}

/** A device of an account as GET /v1/users/{address}/devices lists it. */
export interface ApiDevice {
  /** The registry's device id. */
  deviceId: number;
  /** The key suite. */
  suite: number;
  /** 0x hex Ed25519 key. */
  signingKey: string;
  /** 0x hex key-agreement key. */
  keyAgreementKey: string;
  /** The self-signature verified. */
  valid: boolean;
  /** Revoked on chain. */
  revoked: boolean;
  /** confirmed (indexed) or pending (relayed, not indexed yet). */
  state: 'confirmed' | 'pending';
  /** The relayed transaction of a pending registration. */
  txHash?: string;
}

/** Finds this browser's device (by its signing key) among the account's registered devices. */
export async function findDevice(api: ApiClient, account: string, device: Device): Promise<ApiDevice | undefined> {
  const { devices } = await api.get<{ devices: ApiDevice[] }>(`/v1/users/${account.toLowerCase()}/devices`);
  const key = toHex(device.keys.signingKey);
  return devices.find((d) => d.signingKey.toLowerCase().replace(/^0x/, '') === key && d.valid && !d.revoked);
}

/** The text a device signs to bind a session (the API's verifyDeviceProof). */
export function deviceProofMessage(domain: string, chainId: number, account: string, deviceId: number, sessionId: string, challenge: string): string {
  return ['parley-device-proof-v1', domain, String(chainId), account.toLowerCase(), String(deviceId), sessionId, challenge].join('\n');
}

/** Binds the current session to the device with a signature over the API's challenge. */
export async function bindDevice(api: ApiClient, scope: ApiScope, account: string, deviceId: number, device: Device): Promise<void> {
  const session = api.current;
  if (!session) throw new Error('bind device: not signed in');
  const { challenge } = await api.post<{ challenge: string }>('/v1/auth/device/challenge', { deviceId });
  const msg = deviceProofMessage(new URL(scope.origin).host, scope.chainId, account, deviceId, session.sessionId, challenge);
  const signature = `0x${toHex(await device.sign(new TextEncoder().encode(msg)))}`;
  await api.post('/v1/auth/device/verify', { deviceId, challenge, signature });
}

/** The relay socket URL of the page: same origin, the access token as a query parameter (browsers cannot set headers). */
export function relayURL(pageOrigin: string, token: string): string {
  const u = new URL('/v1/ws', pageOrigin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('access_token', token);
  return u.toString();
}

/** The relay client and conversation store of a bound device, started; checkDevices confirms the members' devices on chain. */
export async function goOnline(
  api: ApiClient,
  pageOrigin: string,
  account: Address,
  deviceId: number,
  device: Device,
  checkDevices: DeviceCheck,
): Promise<{ relay: RelayClient; conversations: IndexedConversations }> {
  let conversations: IndexedConversations | undefined;
  const relay = new RelayClient({
    url: async (fresh) => relayURL(pageOrigin, await api.accessToken(fresh)),
    onEnvelope: (e) => conversations!.receive(e),
  });
  conversations = new IndexedConversations({ api, relay, account, deviceId, device, checkDevices });
  await conversations.init();
  relay.start();
  addEventListener('online', () => relay.reconnect()); // skip the backoff when the network returns
  return { relay, conversations };
}
