// An injected EIP-1193 wallet, announced through EIP-6963, for one browser context: the page
// side forwards every request to Node over a Playwright binding, and Node answers with a devnet
// key (viem's privateKeyToAccount) and anvil. Used only by the tests: MetaMask cannot be
// installed in a test browser.
import type { BrowserContext } from 'playwright-core';
import { createPublicClient, createWalletClient, http, type Hex, type TypedDataDefinition } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { anvil } from 'viem/chains';

/** anvil's funded devnet keys by index (the mnemonic "test test … junk"). */
export const devnetKeys: Hex[] = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
];

/** What the person does in the wallet, changeable while the test runs. */
export interface WalletControl {
  /** Methods the person rejects (EIP-1193 error 4001), e.g. personal_sign. */
  reject: Set<string>;
  /** The chain the wallet is on; wallet_switchEthereumChain to anvil moves it there unless rejected. */
  chainId: number;
}

/** The wallet's EIP-6963 name: the app shows "Connect Parley Test Wallet". */
export const walletName = 'Parley Test Wallet';

/** An EIP-1193 error, passed to the page as data. */
interface RpcError {
  code: number;
  message: string;
}

/** A transaction as eth_sendTransaction gets it: quantities in hex. */
interface TxParams {
  to?: Hex;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** Installs the wallet of privateKey into every page of context; returns its address. */
export async function installWallet(context: BrowserContext, privateKey: Hex, rpcURL: string, control: WalletControl = { reject: new Set(), chainId: anvil.id }): Promise<Hex> {
  const account = privateKeyToAccount(privateKey);
  const transport = http(rpcURL);
  const pub = createPublicClient({ chain: anvil, transport });
  const wallet = createWalletClient({ account, chain: anvil, transport });

  const handle = async (method: string, params: unknown[]): Promise<unknown> => {
    if (control.reject.has(method)) throw { code: 4001, message: 'User rejected the request.' } satisfies RpcError;
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return [account.address];
      case 'eth_chainId':
        return hex(control.chainId);
      case 'net_version':
        return String(anvil.id);
      case 'personal_sign':
        return account.signMessage({ message: { raw: params[0] as Hex } });
      case 'eth_signTypedData_v4': {
        const typed = JSON.parse(params[1] as string) as TypedDataDefinition & { types: Record<string, unknown> };
        const { EIP712Domain: _, ...types } = typed.types;
        return account.signTypedData({ ...typed, types } as TypedDataDefinition);
      }
      case 'eth_sendTransaction': {
        const tx = params[0] as TxParams;
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        });
      }
      case 'wallet_switchEthereumChain':
        if ((params[0] as { chainId: string }).chainId.toLowerCase() !== hex(anvil.id)) throw { code: 4902, message: 'unknown chain' } satisfies RpcError;
        control.chainId = anvil.id;
        return null;
      case 'wallet_addEthereumChain':
        return null;
      default:
        // Reads (eth_call, eth_getBalance, receipts, …) go to anvil as they are.
        return pub.request({ method, params } as Parameters<typeof pub.request>[0]);
    }
  };

  const binding = 'parleyTestWallet';
  await context.exposeBinding(binding, async (_source, method: string, params: unknown[]) => {
    try {
      return { result: await handle(method, params ?? []) };
    } catch (err) {
      const e = err as Partial<RpcError> & { shortMessage?: string };
      return { error: { code: e.code ?? -32603, message: e.shortMessage ?? e.message ?? String(err) } };
    }
  });
  await context.addInitScript(
    ({ binding, name }) => {
      type Reply = { result?: unknown; error?: { code: number; message: string } };
      const call = (window as unknown as Record<string, (m: string, p: unknown) => Promise<Reply>>)[binding]!;
      const listeners = new Map<string, Array<(...args: unknown[]) => void>>();
      const provider = {
        isParleyTestWallet: true,
        async request({ method, params }: { method: string; params?: unknown }) {
          const reply = await call(method, params ?? []);
          if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
          return reply.result;
        },
        on(event: string, fn: (...args: unknown[]) => void) {
          listeners.set(event, [...(listeners.get(event) ?? []), fn]);
          return provider;
        },
        removeListener(event: string, fn: (...args: unknown[]) => void) {
          listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== fn));
          return provider;
        },
      };
      const icon = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#3a6"/></svg>');
      const info = Object.freeze({ uuid: crypto.randomUUID(), name, icon, rdns: 'chat.parley.testwallet' });
      const detail = Object.freeze({ info, provider });
      const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
      window.addEventListener('eip6963:requestProvider', announce);
      announce();
    },
    { binding, name: walletName },
  );
  return account.address;
}
