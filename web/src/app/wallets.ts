import type { EIP1193Provider } from 'viem';

/** What an EIP-6963 wallet announces about itself. */
export interface WalletInfo {
  /** A per-session unique id of the wallet. */
  uuid: string;
  /** The human-readable name, such as "MetaMask". */
  name: string;
  /** A data: URI of the wallet's icon. */
  icon: string;
  /** The reverse-DNS id, such as "io.metamask". */
  rdns: string;
}

/** A wallet found by EIP-6963 discovery. */
export interface Wallet {
  /** The wallet's announcement. */
  info: WalletInfo;
  /** Its EIP-1193 provider. */
  provider: EIP1193Provider;
}

interface AnnounceDetail {
  info?: Partial<WalletInfo>;
  provider?: EIP1193Provider;
}

/**
 * Collects the wallets announced with EIP-6963 on target (the window in the app). It listens for
 * `eip6963:announceProvider`, asks every wallet to announce itself, and reports each new or re-announced
 * wallet (keyed by uuid) to onChange. Returns a function that stops listening.
 */
export function discoverWallets(target: EventTarget, onChange: (wallets: Wallet[]) => void): () => void {
  const byId = new Map<string, Wallet>();
  const onAnnounce = (ev: Event) => {
    const detail = (ev as CustomEvent<AnnounceDetail>).detail;
    const info = detail?.info;
    if (!info?.uuid || !info.name || !detail.provider || typeof detail.provider.request !== 'function') return;
    byId.set(info.uuid, {
      info: { uuid: info.uuid, name: info.name, icon: info.icon ?? '', rdns: info.rdns ?? '' },
      provider: detail.provider,
    });
    onChange([...byId.values()]);
  };
  target.addEventListener('eip6963:announceProvider', onAnnounce);
  target.dispatchEvent(new Event('eip6963:requestProvider'));
  return () => target.removeEventListener('eip6963:announceProvider', onAnnounce);
}
