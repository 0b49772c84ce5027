// The app shell: EIP-6963 wallet discovery, chain check, Sign-In with Ethereum against the API and
// this browser's device keys (non-extractable WebCrypto keys in IndexedDB).
import { createWalletClient, custom, UserRejectedRequestError, type Address } from 'viem';
import { anvil } from 'viem/chains';
import { ensureChain, WrongChainError } from './app/chain.js';
import { loadOrCreateDevice } from './app/devicestore.js';
import { ApiError, signIn } from './app/siwe.js';
import { discoverWallets, type Wallet } from './app/wallets.js';
import { toHex } from './protocol/index.js';

const chain = anvil;

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`missing element #${id}`);
  return e as T;
}

function status(text: string, isError = false): void {
  const s = el('status');
  s.textContent = text;
  s.classList.toggle('error', isError);
}

/** Turns a failure into the sentence the user sees. */
function explain(err: unknown): string {
  if (err instanceof WrongChainError) return `Your wallet is on chain ${err.current}. Switch it to ${chain.name} (chain ${err.wanted}) and try again.`;
  if (err instanceof UserRejectedRequestError || (err as { code?: number }).code === 4001) return 'The request was rejected in the wallet.';
  if (err instanceof ApiError) return `The server refused the sign-in (${err.code}): ${err.message}`;
  return `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
}

async function connect(wallet: Wallet): Promise<void> {
  status(`Connecting to ${wallet.info.name}…`);
  const client = createWalletClient({ chain, transport: custom(wallet.provider) });
  const [address] = await client.requestAddresses();
  if (!address) throw new Error('the wallet shared no account');
  await ensureChain(wallet.provider, chain);
  status('Sign the message in your wallet to sign in…');
  const scope = { domain: location.host, origin: location.origin, chainId: chain.id };
  const session = await signIn(window.fetch.bind(window), scope, address, (message) => client.signMessage({ account: address as Address, message }));
  sessionStorage.setItem('parley.session', JSON.stringify(session));
  const device = await loadOrCreateDevice(indexedDB, address);
  el('address').textContent = address;
  el('device-key').textContent = toHex(device.keys.signingKey);
  el('account').hidden = false;
  status('Signed in.');
}

function render(wallets: Wallet[]): void {
  el('no-wallet').hidden = wallets.length > 0;
  el('wallets').replaceChildren(
    ...wallets.map((w) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      const icon = document.createElement('img');
      icon.src = w.info.icon;
      icon.alt = '';
      button.append(icon, `Connect ${w.info.name}`);
      button.addEventListener('click', () => connect(w).catch((err: unknown) => status(explain(err), true)));
      li.append(button);
      return li;
    }),
  );
}

discoverWallets(window, render);
