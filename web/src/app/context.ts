// The AppContext: everything a screen needs once the user is signed in (API client, account,
// wallet, this device, the relay connection and the conversation store), and the BaseContext the
// routes without an account (anonymous rooms) get. Screens read it with useApp()/useBase() or
// take it as props (FeatureProps).
//
// Feature screens live in web/src/features/<name>/index.tsx. The router (src/ui/routes.tsx)
// imports every such module and mounts its default export, or else its first exported function
// component, at the path of its folder (routes.tsx lists them: groups → /groups, safety →
// /safety/:peer, link → /link, backup → /backup, room → /r/:roomId). The component receives
// FeatureProps.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Address, Chain, EIP1193Provider, PublicClient, WalletClient } from 'viem';
import type { Device } from '../protocol/index.js';
import type { ApiClient } from './api.js';
import type { ChatMessage, ConversationStore } from './conversations.js';
import type { RegistryAt } from './registry.js';
import type { RelayClient } from './relay.js';
import type { WalletInfo } from './wallets.js';

export type { ApiClient } from './api.js';
export { ApiError } from './api.js';
export type { ChatMessage, ConversationStore, ConversationSummary, DeliveryState, MessageBody } from './conversations.js';
export type { ChainEvent, Notification, RelayClient, RelayEvents, RelayState } from './relay.js';

/** The connected wallet: its EIP-6963 announcement, EIP-1193 provider and viem clients on the app's chain. */
export interface WalletHandle {
  /** What the wallet announced (name, icon, rdns). */
  info: WalletInfo;
  /** The raw EIP-1193 provider. */
  provider: EIP1193Provider;
  /** Reads (balances, contract calls, receipts) through the wallet's RPC. */
  publicClient: PublicClient;
  /** Writes (signatures, transactions) with the account below. */
  walletClient: WalletClient;
}

/** This browser's device: its registry id and private keys (non-extractable, in IndexedDB). */
export interface ThisDevice {
  /** The DeviceRegistry's device id; 0 while the device is not registered yet. */
  id: number;
  /** The device's keys; device.keys holds the public half. */
  device: Device;
}

/** What every route gets, signed in or not. */
export interface BaseContext {
  /** The HTTP API client; unauthenticated until sign-in (enough for /v1/rooms). */
  api: ApiClient;
  /** The chain Parley runs on (anvil 31337 in dev). */
  chain: Chain;
  /** The DeviceRegistry on that chain. */
  registry: RegistryAt;
  /** The TipJar address on that chain. */
  tipJar: Address;
  /** Moves to an app path (history API), e.g. navigate('/chat/0xabc…'). */
  navigate: (path: string) => void;
}

/** The signed-in app: the base plus the account, its wallet, this device, the relay and the conversations. */
export interface AppContext extends BaseContext {
  /** The signed-in account, checksummed. */
  account: Address;
  /** The wallet that signed in. */
  wallet: WalletHandle;
  /** This browser's registered device. */
  device: ThisDevice;
  /** The live relay connection (/v1/ws): events, typing and receipts. */
  relay: RelayClient;
  /** Direct conversations: history, sending, delivery state, typing. */
  conversations: ConversationStore;
  /** Signs out: revokes the session and returns to the start screen. */
  signOut: () => Promise<void>;
}

/** Props of a routed screen: the contexts and the path parameters (e.g. { peer } for /safety/:peer). */
export interface FeatureProps {
  /** The signed-in app; undefined on routes that work without an account (/r/:roomId). */
  app: AppContext | undefined;
  /** Always set. */
  base: BaseContext;
  /** Path parameters by name, URI-decoded. */
  params: Record<string, string>;
}

/**
 * Props of the TipButton that web/src/features/tips/index.tsx exports (named export TipButton):
 * the chat header renders it for the open conversation. A sent tip should also be posted into the
 * conversation with app.conversations.send(peer, { kind: 'tip', txHash, amount, token?, note? }).
 */
export interface TipButtonProps {
  /** The signed-in app. */
  app: AppContext;
  /** The other account of the conversation, lowercase 0x. */
  peer: string;
  /** The CID of the newest sent or received message, if any (a tip's ref). */
  lastCid: string | undefined;
}

/** Props of the TipStatus that web/src/features/tips/index.tsx exports: the chat renders it for a tip message. */
export interface TipStatusProps {
  /** The signed-in app. */
  app: AppContext;
  /** The tip message (body.kind 'tip'). */
  message: ChatMessage;
}

/** The Preact context carrying the BaseContext. */
export const BaseCtx = createContext<BaseContext | undefined>(undefined);

/** The Preact context carrying the AppContext once signed in. */
export const AppCtx = createContext<AppContext | undefined>(undefined);

/** Returns the BaseContext; throws outside the app shell. */
export function useBase(): BaseContext {
  const b = useContext(BaseCtx);
  if (!b) throw new Error('useBase outside the app shell');
  return b;
}

/** Returns the AppContext; throws when nobody is signed in (routes that need it are only mounted after sign-in). */
export function useApp(): AppContext {
  const a = useContext(AppCtx);
  if (!a) throw new Error('useApp before sign-in');
  return a;
}

/** Returns the AppContext when signed in, else undefined. */
export function useMaybeApp(): AppContext | undefined {
  return useContext(AppCtx);
}
