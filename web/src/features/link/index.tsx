import { useEffect, useRef, useState } from 'preact/hooks';
import { createPublicClient, http, toHex, type Address } from 'viem';
import type { AppContext, BaseContext, FeatureProps } from '../../app/context.js';
import { loadOrCreateDevice } from '../../app/devicestore.js';
import { serverRPC } from '../../app/chain.js';
import { authorizeAddDevice, relayAddDevice } from '../../app/registry.js';
import {
  LinkChannel,
  LinkLifetime,
  LinkRole,
  LinkType,
  newLinkHello,
  newLinkInvite,
  verifyLinkHello,
  type DeviceKeys,
  type DeviceRegistration,
  type LinkMessage,
} from '../../protocol/index.js';
import '../features.css';
import { QRImage, QRScanner } from '../qr/components.js';
import { createRoom, roomSocketURL } from '../room/client.js';
import { isActiveDevice, linkCode, linkOffer, parseLinkCode, signedFromHello } from './flow.js';

/** The text frame the new device sends once it joined the meeting room; the old device then sends its offer. */
const ready = 'ready';

/** Opens the meeting room's socket; binary frames are link frames, text is the ready signal. */
function meet(roomId: string, onFrame: (f: Uint8Array) => void, onText: (t: string) => void, onClose: () => void): WebSocket {
  const ws = new WebSocket(roomSocketURL(location.origin, roomId));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (ev) => (typeof ev.data === 'string' ? onText(ev.data) : onFrame(new Uint8Array(ev.data as ArrayBuffer)));
  ws.onclose = onClose;
  return ws;
}

type OldState =
  | { step: 'idle' }
  | { step: 'waiting'; code: string }
  | { step: 'confirm'; code: string; confirmation: string; keys: DeviceKeys; registration: DeviceRegistration; hello: LinkMessage }
  | { step: 'registering' }
  | { step: 'done'; text: string };

/** The registered device: shows the QR code, sends the offer, checks the codes, authorizes with the wallet. */
function OldDevice({ app }: { app: AppContext }) {
  const [state, setState] = useState<OldState>({ step: 'idle' });
  const [error, setError] = useState('');
  const conn = useRef<{ ws: WebSocket; channel: LinkChannel } | undefined>(undefined);
  useEffect(() => () => conn.current?.ws.close(), []);

  async function start() {
    setError('');
    const { info } = await createRoom((p, i) => fetch(p, i), { ttlSeconds: LinkLifetime / 1000, maxMembers: 2 });
    const inv = newLinkInvite(app.device.device);
    const channel = new LinkChannel(inv, LinkRole.OldDevice, Date.now() + LinkLifetime);
    const offer = await linkOffer(app.wallet.publicClient, app.registry, app.account);
    const ws = meet(
      info.id,
      (frame) =>
        void (async () => {
          const hello = channel.open(frame);
          const { keys, registration } = await verifyLinkHello(offer, hello);
          setState({ step: 'confirm', code: '', confirmation: channel.confirmationCode(keys), keys, registration, hello });
        })().catch((err: Error) => setError(`The new device's answer was refused: ${err.message}`)),
      (text) => text === ready && ws.send(channel.seal(offer)),
      () => undefined,
    );
    conn.current = { ws, channel };
    setState({ step: 'waiting', code: linkCode(inv, info.id) });
  }

  async function authorize(s: Extract<OldState, { step: 'confirm' }>) {
    setState({ step: 'registering' });
    try {
      const signed = signedFromHello(s.registration, s.hello);
      const pub = app.wallet.publicClient;
      const auth = await authorizeAddDevice(pub, app.wallet.walletClient, app.account, app.registry, signed, (await pub.getBlock()).timestamp + 1800n);
      const res = await relayAddDevice((p, i) => fetch(p, i), await app.api.accessToken(), signed, auth);
      const contacts = await app.api.get<unknown>('/v1/contacts');
      const { ws, channel } = conn.current!;
      ws.send(channel.seal({ type: LinkType.Data, data: new TextEncoder().encode(JSON.stringify({ contacts })) }));
      ws.send(channel.seal({ type: LinkType.Done }));
      setState({ step: 'done', text: `Device ${s.registration.deviceId} is registered (${res.state}${res.txHash ? `, transaction ${res.txHash.slice(0, 10)}…` : ''}).` });
    } catch (err) {
      setError(`Registration failed: ${(err as Error).message}`);
      setState({ step: 'idle' });
    }
  }

  return (
    <section aria-labelledby="link-old-title">
      <h3 id="link-old-title">Add a new device to this account</h3>
      {state.step === 'idle' && (
        <button type="button" onClick={() => void start().catch((err: Error) => setError(err.message))}>
          Show a device link code
        </button>
      )}
      {state.step === 'waiting' && (
        <>
          <p>On the new device, open /link and scan this code (valid 5 minutes), or paste the text below.</p>
          <QRImage payload={state.code} alt="Device link QR code" />
          <input type="text" readOnly value={state.code} aria-label="Device link code" onFocus={(e) => e.currentTarget.select()} />
          <p role="status">Waiting for the new device…</p>
        </>
      )}
      {state.step === 'confirm' && (
        <>
          <p>
            Confirmation code: <strong class="mono" data-code={state.confirmation}>{state.confirmation}</strong>
          </p>
          <p>Does the new device show the same code? Only then register it; your wallet will ask you to sign.</p>
          <div class="row">
            <button type="button" onClick={() => void authorize(state)}>The codes match: register the device</button>
            <button
              type="button"
              onClick={() => {
                conn.current?.ws.close();
                setState({ step: 'idle' });
              }}
            >
              The codes differ: cancel
            </button>
          </div>
        </>
      )}
      {state.step === 'registering' && <p role="status">Waiting for your wallet…</p>}
      {state.step === 'done' && <p role="status" class="ok">{state.text}</p>}
      {error && <p role="alert" class="error">{error}</p>}
    </section>
  );
}

/** The device being linked (no wallet here): reads the code, checks the old key on chain, answers with its own keys. */
function NewDevice({ base }: { base: BaseContext }) {
  const [status, setStatus] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState('');
  const [text, setText] = useState('');
  const ws = useRef<WebSocket | undefined>(undefined);
  useEffect(() => () => ws.current?.close(), []);

  function join(code: string) {
    setError('');
    let parsed: ReturnType<typeof parseLinkCode>;
    try {
      parsed = parseLinkCode(code);
    } catch {
      setError('That is not a device link code.');
      return;
    }
    const channel = new LinkChannel(parsed.invite, LinkRole.NewDevice, Date.now() + LinkLifetime);
    // The server's RPC endpoint (the chain's default one when it names none): no wallet here.
    const pub = serverRPC()
      .catch(() => undefined)
      .then((rpc) => createPublicClient({ chain: base.chain, transport: http(rpc) }));
    let account: Address | undefined;
    let received = 0;
    const onFrame = async (frame: Uint8Array) => {
      const m = channel.open(frame);
      if (m.type === LinkType.Offer) {
        account = toHex(m.account!);
        if (!(await isActiveDevice(await pub, base.registry, account, parsed.invite.oldSigningKey))) throw new Error('the code does not come from an active device of that account');
        const device = await loadOrCreateDevice(indexedDB, account);
        const hello = await newLinkHello(device, m);
        setConfirmation(channel.confirmationCode(device.keys));
        ws.current!.send(channel.seal(hello));
        setStatus(`Check that your other device shows the same code, and register this device there (device ${m.deviceId} of ${account}).`);
      } else if (m.type === LinkType.Data) {
        received += m.data!.length;
      } else {
        ws.current!.close();
        setStatus(`Linked: this browser is a device of ${account}. ${received} bytes of contacts and history arrived.`);
      }
    };
    ws.current = meet(
      parsed.roomId,
      (f) => void onFrame(f).catch((err: Error) => setError(`Linking failed: ${err.message}`)),
      () => undefined,
      () => undefined,
    );
    ws.current.onopen = () => {
      ws.current!.send(ready);
      setStatus('Connected to your other device…');
    };
  }

  return (
    <section aria-labelledby="link-new-title">
      <h3 id="link-new-title">Link this browser to your account</h3>
      <p>On a device that is already registered, open “Link a device” and show the code. This browser needs no wallet.</p>
      <QRScanner label="Device link code" binary={false} onScan={(c) => join(c.text)} />
      <form
        aria-label="Enter a device link code"
        onSubmit={(e) => {
          e.preventDefault();
          join(text);
        }}
      >
        <input type="text" value={text} aria-label="Paste the device link code" placeholder="parley-link:1:…" onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Link this device</button>
      </form>
      {confirmation && (
        <p>
          Confirmation code: <strong class="mono" data-code={confirmation}>{confirmation}</strong>
        </p>
      )}
      {status && <p role="status">{status}</p>}
      {error && <p role="alert" class="error">{error}</p>}
    </section>
  );
}

/** /link: a registered device shows a code; a new browser (signed out) scans it and joins the account (docs/protocol.md §8). */
export default function LinkScreen({ app, base }: FeatureProps) {
  return (
    <section class="feature" aria-labelledby="link-title">
      <h2 id="link-title">Link a device</h2>
      {app ? <OldDevice app={app} /> : <NewDevice base={base} />}
    </section>
  );
}
