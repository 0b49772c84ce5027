// Shared pieces of the screens: profiles by address (cached), avatars, error text, async state.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { UserRejectedRequestError } from 'viem';
import { ApiError, type ApiClient } from '../app/api.js';
import { WrongChainError } from '../app/chain.js';

/** A profile as the API serves it (api/openapi.yaml Profile). */
export interface Profile {
  address: string;
  username?: string;
  displayName: string;
  bio: string;
  discoverable: boolean;
  avatarCid?: string;
  ensName?: string;
}

const profiles = new Map<string, Promise<Profile | undefined>>();
let self = '';

/** Sets the signed-in account, whose profile comes from /v1/me/profile (it exists before being filled in). */
export function setSelf(address: string): void {
  self = address.toLowerCase();
}

/** Fetches a profile by address or username once per page (hidden or missing profiles are undefined). */
export function profileOf(api: ApiClient, handle: string): Promise<Profile | undefined> {
  const key = handle.toLowerCase();
  let p = profiles.get(key);
  if (!p) {
    p = api.get<Profile>(key === self ? '/v1/me/profile' : `/v1/users/${encodeURIComponent(key)}`).catch(() => undefined);
    profiles.set(key, p);
  }
  return p;
}

const profileListeners = new Set<() => void>();

/** Forgets a cached profile (after editing one's own) and reloads it where it is shown. */
export function forgetProfile(handle: string): void {
  profiles.delete(handle.toLowerCase());
  for (const fn of profileListeners) fn();
}

/** Returns the profile of address, loading it (undefined until then). */
export function useProfile(api: ApiClient, address: string | undefined): Profile | undefined {
  const [p, setP] = useState<Profile | undefined>(undefined);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    profileListeners.add(bump);
    return () => profileListeners.delete(bump);
  }, []);
  useEffect(() => {
    let live = true;
    setP(undefined);
    if (address) void profileOf(api, address).then((v) => live && setP(v));
    return () => {
      live = false;
    };
  }, [api, address, version]);
  return p;
}

/** Shortens an address for display: 0x1234…abcd. */
export function short(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** The name to show for a person: display name, else @username, else the short address. */
export function nameOf(p: Profile | undefined, address: string): string {
  return p?.displayName || (p?.username ? `@${p.username}` : short(address));
}

/** A round avatar: the IPFS image when there is one, else initials. */
export function Avatar({ profile, address, size = 40 }: { profile: Profile | undefined; address: string; size?: number }) {
  const name = nameOf(profile, address);
  if (profile?.avatarCid) return <img class="avatar" src={`/ipfs/${profile.avatarCid}`} alt="" width={size} height={size} />;
  return (
    <span class="avatar initials" aria-hidden="true" style={{ width: `${size}px`, height: `${size}px`, background: `hsl(${parseInt(address.slice(2, 6), 16) % 360} 45% 45%)` }}>
      {(name.startsWith('0x') ? name.slice(2) : name.replace(/^@/, '')).slice(0, 1).toUpperCase()}
    </span>
  );
}

/** A person's name, loaded from their profile. */
export function Name({ api, address }: { api: ApiClient; address: string }) {
  return <>{nameOf(useProfile(api, address), address)}</>;
}

/** Turns a failure into the sentence the user sees. */
export function explain(err: unknown, chainName = 'the Parley network'): string {
  if (err instanceof WrongChainError) return `Your wallet is on chain ${err.current}. Switch it to ${chainName} (chain ${err.wanted}) and try again.`;
  if (err instanceof UserRejectedRequestError || (err as { code?: number }).code === 4001) return 'The request was rejected in the wallet.';
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
}

/** An alert paragraph for an error message, nothing when there is none. */
export function ErrorText({ error }: { error: string | undefined }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : null;
}

/** A titled screen section. */
export function Screen({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="screen" aria-labelledby="screen-title">
      <header class="screen-head">
        <h2 id="screen-title">{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** Runs an action, tracking busy and error state for a form. */
export function useAction(): { busy: boolean; error: string | undefined; run: (fn: () => Promise<void>) => Promise<void>; setError: (e: string | undefined) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}
