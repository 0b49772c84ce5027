import type { Chain, EIP1193Provider } from 'viem';

/** Why the wallet is not on the expected chain, as the UI explains it. */
export class WrongChainError extends Error {
  override readonly name = 'WrongChainError';

  /** Records the chain the wallet is on and the one Parley needs. */
  constructor(
    readonly current: number,
    readonly wanted: number,
    options?: { cause?: unknown },
  ) {
    super(`wallet is on chain ${current}, parley needs chain ${wanted}`, options);
  }
}

interface RpcError {
  code?: number;
}

/** EIP-1193 / EIP-3085 code of wallet_switchEthereumChain for a chain the wallet does not know. */
const unknownChain = 4902;

/**
 * Makes sure the wallet is on chain: asks it to switch, adding the chain first when the wallet does
 * not know it, with the RPC URL the server publishes (rpcUrl, by default serverRPC) or else the
 * chain's default. Throws WrongChainError when the user declines or the wallet cannot switch.
 */
export async function ensureChain(
  provider: EIP1193Provider,
  chain: Chain,
  rpcUrl: () => Promise<string | undefined> = serverRPC,
): Promise<void> {
  const current = Number.parseInt(await provider.request({ method: 'eth_chainId' }), 16);
  if (current === chain.id) return;
  const chainId = `0x${chain.id.toString(16)}` as const;
  try {
    await provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  } catch (err) {
    if ((err as RpcError).code !== unknownChain) throw new WrongChainError(current, chain.id, { cause: err });
    try {
      const published = await rpcUrl().catch(() => undefined);
      const rpcUrls = published ? [published] : [...chain.rpcUrls.default.http];
      await provider.request({
        method: 'wallet_addEthereumChain',
        params: [{ chainId, chainName: chain.name, nativeCurrency: chain.nativeCurrency, rpcUrls }],
      });
    } catch (addErr) {
      throw new WrongChainError(current, chain.id, { cause: addErr });
    }
  }
  const now = Number.parseInt(await provider.request({ method: 'eth_chainId' }), 16);
  if (now !== chain.id) throw new WrongChainError(now, chain.id);
}

/**
 * The chain's JSON-RPC endpoint as the server publishes it for the browser (GET /app-config.json),
 * for reads without a wallet (a device being linked); undefined when the server names none.
 */
export async function serverRPC(): Promise<string | undefined> {
  const res = await fetch('/app-config.json');
  if (!res.ok) return undefined;
  const config = (await res.json()) as { rpcUrl?: unknown };
  return typeof config.rpcUrl === 'string' && config.rpcUrl !== '' ? config.rpcUrl : undefined;
}
