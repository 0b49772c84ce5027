// The app shell: wallet connection and Sign-In with Ethereum, this browser's device (registration
// and session binding), then the signed-in AppContext and the routed screens.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createPublicClient, createWalletClient, custom, getAddress, type Address } from 'viem';
import { anvil } from 'viem/chains';
import { ApiClient } from '../app/api.js';
import { bindDevice, findDevice, goOnline, type ApiScope } from '../app/boot.js';
import { ensureChain } from '../app/chain.js';
import { AppCtx, BaseCtx, type AppContext, type BaseContext } from '../app/context.js';
import { loadOrCreateDevice } from '../app/devicestore.js';
import { authorizeAddDevice, addDevice, registryCheck, relayAddDevice, signDeviceRegistration } from '../app/registry.js';
import { signIn } from '../app/siwe.js';
import { discoverWallets, type Wallet } from '../app/wallets.js';
import { deployments } from '../generated/contracts.js';
import type { Device } from '../protocol/index.js';
import { ErrorText, explain, setSelf } from './common.js';
import { isPublic, Routes } from './routes.js';
import { navigate, onLinkClick, usePath } from './router.js';

const chain = anvil;
const scope: ApiScope = { origin: import.meta.env.VITE_PARLEY_PUBLIC_URL || location.origin, chainId: chain.id };
const lastWalletKey = 'parley.wallet';

/** The signed-in account before its device is online. */
interface Pending {
  wallet: Wallet;
  account: Address;
  device: Device;
}

/** The root component. */
export function App() {
  const api = useMemo(() => new ApiClient(window.fetch.bind(window), localStorage), []);
  const base = useMemo<BaseContext>(
    () => ({ api, chain, registry: { chainId: chain.id, address: deployments[chain.id].deviceRegistry }, tipJar: deployments[chain.id].tipJar, navigate }),
    [api],
  );
  const path = usePath();
  const [wallets, setWallets] = useState<Wallet[]>([]);
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [app, setApp] = useState<AppContext | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);

  const signOut = async () => {
    await api.post('/v1/auth/logout').catch(() => undefined);
    localStorage.removeItem(lastWalletKey);
    api.setSession(undefined);
  };

  // Sign-out (or a failed token rotation) ends the app.
  useEffect(
    () =>
      api.onSession((s) => {
        if (s) return;
        setApp((a) => {
          a?.relay.stop();
          void a?.conversations.close();
          return undefined;
        });
        setPending(undefined);
      }),
    [api],
  );

  /** Once the device is registered: bind the session to it and go online. */
  const online = async (p: Pending, deviceId: number) => {
    setStatus('Proving this device to the server…');
    setSelf(p.account);
    await bindDevice(api, scope, p.account, deviceId, p.device);
    const publicClient = createPublicClient({ chain, transport: custom(p.wallet.provider) });
    const { relay, conversations } = await goOnline(api, location.origin, p.account, deviceId, p.device, registryCheck(publicClient, base.registry));
    if (location.pathname === '/') {
      const profile = await api.get<{ displayName: string }>('/v1/me/profile').catch(() => undefined);
      navigate(profile?.displayName ? '/chat' : '/welcome', true);
    }
    const walletClient = createWalletClient({ account: p.account, chain, transport: custom(p.wallet.provider) });
    setApp({ ...base, account: p.account, wallet: { info: p.wallet.info, provider: p.wallet.provider, publicClient, walletClient }, device: { id: deviceId, device: p.device }, relay, conversations, signOut });
    setPending(undefined);
    setStatus('');

  };

  /** After sign-in: this browser's device, registered or not yet. */
  const withDevice = async (wallet: Wallet, account: Address) => {
    const device = await loadOrCreateDevice(indexedDB, account);
    const p = { wallet, account, device };
    const found = await findDevice(api, account, device);
    if (found?.state === 'confirmed') return online(p, found.deviceId);
    setPending(p);
    setStatus(found ? 'This device’s registration is waiting for the chain…' : 'Register this browser as one of your devices to chat.');
    if (found) await waitConfirmed(p);
  };

  const waitConfirmed = async (p: Pending) => {
    for (;;) {
      const d = await findDevice(api, p.account, p.device);
      if (d?.state === 'confirmed') return online(p, d.deviceId);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  const connect = async (wallet: Wallet) => {
    setError(undefined);
    setStatus(`Connecting to ${wallet.info.name}…`);
    const client = createWalletClient({ chain, transport: custom(wallet.provider) });
    const [first] = await client.requestAddresses();
    if (!first) throw new Error('the wallet shared no account');
    const account = getAddress(first);
    await ensureChain(wallet.provider, chain);
    if (api.current?.address !== account.toLowerCase()) {
      setStatus('Sign the message in your wallet to sign in…');
      const session = await signIn(window.fetch.bind(window), { domain: new URL(scope.origin).host, origin: scope.origin, chainId: chain.id }, account, (message) =>
        client.signMessage({ account, message }),
      );
      api.setSession(session);
    }
    localStorage.setItem(lastWalletKey, wallet.info.rdns || wallet.info.name);
    await withDevice(wallet, account);
  };

  const attempt = (fn: () => Promise<void>) => () =>
    fn().catch((err: unknown) => {
      setStatus('');
      setError(explain(err, chain.name));
    });

  // Wallet discovery; a returning user whose session is kept reconnects without prompts.
  useEffect(
    () =>
      discoverWallets(window, (ws) => {
        setWallets(ws);
        const last = localStorage.getItem(lastWalletKey);
        const w = ws.find((x) => (x.info.rdns || x.info.name) === last);
        if (!w || !api.current) return;
        void (async () => {
          const accounts = (await w.provider.request({ method: 'eth_accounts' })) as string[];
          const account = accounts[0] && getAddress(accounts[0]);
          if (account && account.toLowerCase() === api.current?.address) await attempt(() => withDevice(w, account))();
        })();
      }),
    [],
  );

  const register = (gasless: boolean) =>
    attempt(async () => {
      const p = pending!;
      const walletClient = createWalletClient({ account: p.account, chain, transport: custom(p.wallet.provider) });
      const pub = createPublicClient({ chain, transport: custom(p.wallet.provider) });
      setStatus('Confirm the device registration in your wallet…');
      const signed = await signDeviceRegistration(pub, base.registry, p.account, p.device);
      if (gasless) {
        const deadline = BigInt(Math.floor(Date.now() / 1000) + 600);
        const auth = await authorizeAddDevice(pub, walletClient, p.account, base.registry, signed, deadline);
        await relayAddDevice(window.fetch.bind(window), await api.accessToken(), signed, auth);
      } else {
        await addDevice(pub, walletClient, p.account, base.registry, signed);
      }
      setStatus('Waiting for the registration to be indexed…');
      await waitConfirmed(p);
    });

  return (
    <BaseCtx.Provider value={base}>
      <AppCtx.Provider value={app}>
        <div class="app" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
          {app || isPublic(path) ? (
            <Routes app={app} base={base} path={path} />
          ) : (
            <main class="welcome">
              <header>
                <h1>Parley</h1>
                <p>End-to-end encrypted chat for Ethereum accounts.</p>
              </header>
              {pending ? (
                <section aria-labelledby="register-title">
                  <h2 id="register-title">Register this device</h2>
                  <p>
                    Signed in as <code aria-label="Account address">{pending.account}</code>.
                  </p>
                  <div class="row">
                    <button type="button" onClick={register(true)}>
                      Register this device (sign only, no gas)
                    </button>
                    <button type="button" onClick={register(false)}>
                      Register this device by transaction
                    </button>
                  </div>
                </section>
              ) : (
                <section aria-labelledby="wallets-title">
                  <h2 id="wallets-title">Connect a wallet</h2>
                  {wallets.length === 0 ? (
                    <p>No wallet found. Install MetaMask (or another EIP-6963 wallet) and reload this page.</p>
                  ) : (
                    <ul class="wallets" aria-label="Wallets found in this browser">
                      {wallets.map((w) => (
                        <li key={w.info.uuid}>
                          <button type="button" onClick={attempt(() => connect(w))}>
                            {w.info.icon && <img src={w.info.icon} alt="" width={24} height={24} />}
                            Connect {w.info.name}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              )}
              <p role="status" aria-live="polite">
                {status}
              </p>
              <ErrorText error={error} />
            </main>
          )}
        </div>
      </AppCtx.Provider>
    </BaseCtx.Provider>
  );
}
