// The app shell: EIP-6963 wallet discovery, chain check, Sign-In with Ethereum against the API,
// this browser's device keys (non-extractable WebCrypto keys in IndexedDB) and their registration
// in the DeviceRegistry, gaslessly through the API's relayer or by a transaction.
import { createPublicClient, createWalletClient, custom, UserRejectedRequestError, type Address, type WalletClient } from 'viem';
import { anvil } from 'viem/chains';
import { ApiError } from './app/api.js';
import { ensureChain, WrongChainError } from './app/chain.js';
import { loadOrCreateDevice } from './app/devicestore.js';
import { addDevice, addedDevices, authorizeAddDevice, relayAddDevice, signDeviceRegistration, type RegistryAt } from './app/registry.js';
import { signIn, type TokenPair } from './app/siwe.js';
import { discoverWallets, type Wallet } from './app/wallets.js';
import { deployments } from './generated/contracts.js';
import { equal, toHex, type Device } from './protocol/index.js';

const chain = anvil;
const registry: RegistryAt = { chainId: chain.id, address: deployments[chain.id].deviceRegistry };

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
  const pub = createPublicClient({ chain, transport: custom(wallet.provider) });
  const registered = (await addedDevices(pub, registry, address)).some((d) => equal(d.signingKey, device.keys.signingKey));
  el('device-state').textContent = registered ? 'registered' : 'not registered yet';
  el('register').hidden = registered;
  const register = (gasless: boolean) => () =>
    registerDevice(wallet, client, address, device, session, gasless).catch((err: unknown) => status(explain(err), true));
  el('register-gasless').onclick = register(true);
  el('register-tx').onclick = register(false);
  status('Signed in.');
}

async function registerDevice(wallet: Wallet, client: WalletClient, address: Address, device: Device, session: TokenPair, gasless: boolean): Promise<void> {
  const pub = createPublicClient({ chain, transport: custom(wallet.provider) });
  status('Confirm the device registration in your wallet…');
  const signed = await signDeviceRegistration(pub, registry, address, device);
  if (gasless) {
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 600);
    const auth = await authorizeAddDevice(pub, client, address, registry, signed, deadline);
    const got = await relayAddDevice(window.fetch.bind(window), session.accessToken, signed, auth);
    el('device-state').textContent = `${got.state} (device ${signed.registration.deviceId})`;
  } else {
    await addDevice(pub, client, address, registry, signed);
    el('device-state').textContent = `registered (device ${signed.registration.deviceId})`;
  }
  el('register').hidden = true;
  status('Device registration sent.');
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
