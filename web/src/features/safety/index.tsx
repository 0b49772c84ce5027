import { useEffect, useState } from 'preact/hooks';
import { isAddress } from 'viem';
import type { FeatureProps } from '../../app/context.js';
import '../features.css';
import { QRImage, QRScanner } from '../qr/components.js';
import { compareSafetyQR, conversationSafetyNumber, type SafetyComparison } from './compare.js';

const verdicts: Record<SafetyComparison, { text: string; ok: boolean }> = {
  match: { text: 'Safety numbers match. Nobody is in the middle, as long as this code came from their screen.', ok: true },
  mismatch: { text: 'Safety numbers do NOT match. One of you sees a device the other does not: check with them before trusting this chat.', ok: false },
  'other-pair': { text: 'That code is for two other people, not for you and this contact.', ok: false },
  'not-safety-code': { text: 'That QR code is not a Parley safety number.', ok: false },
};

/** The verdict of the last comparison, announced to screen readers. */
function Verdict({ result }: { result: SafetyComparison | undefined }) {
  if (!result) return null;
  const v = verdicts[result];
  return (
    <p role="alert" class={v.ok ? 'ok' : 'bad'} data-result={result}>
      {v.ok ? '✓ ' : '✗ '}
      {v.text}
    </p>
  );
}

/** /safety/:peer: the 60 digits and QR code of me and peer; compare by scanning their code or typing their digits. */
export default function SafetyScreen({ app, params }: FeatureProps) {
  const peer = params.peer ?? '';
  const [number, setNumber] = useState<{ digits: string; qr: Uint8Array }>();
  const [error, setError] = useState('');
  const [result, setResult] = useState<SafetyComparison>();
  const [typed, setTyped] = useState('');

  useEffect(() => {
    if (!app || !isAddress(peer)) return;
    setNumber(undefined);
    setResult(undefined);
    conversationSafetyNumber(app.conversations, app.account, peer).then(setNumber, (err: Error) => setError(`Could not load the devices: ${err.message}`));
  }, [app, peer]);

  if (!app) return <p role="alert">Sign in to see safety numbers.</p>;
  if (!isAddress(peer)) return <p role="alert">That is not an Ethereum address.</p>;

  function compareTyped(e: Event) {
    e.preventDefault();
    if (!number) return;
    const norm = (s: string) => s.replace(/\D/g, '');
    setResult(norm(typed) === norm(number.digits) ? 'match' : 'mismatch');
  }

  return (
    <section class="feature" aria-labelledby="safety-title">
      <h2 id="safety-title">Safety number</h2>
      <p>
        With <span class="mono">{peer}</span>. Compare it with theirs in person or over a call: if both screens show the same number, nobody
        (not even the Parley server) has slipped a key in between.
      </p>
      {error && <p role="alert" class="error">{error}</p>}
      {number ? (
        <>
          <div class="digits" role="group" aria-label="Safety number digits" data-digits={number.digits}>
            {number.digits.split(' ').map((g, i) => (
              <span key={i}>{g}</span>
            ))}
          </div>
          <QRImage payload={number.qr} alt="Safety number QR code" />
          <h3>Compare with theirs</h3>
          <QRScanner label="Safety code" binary onScan={(code) => setResult(compareSafetyQR(number.qr, code.bytes))} />
          <form onSubmit={compareTyped} aria-label="Compare typed digits">
            <input type="text" inputMode="numeric" value={typed} aria-label="Their safety number digits" placeholder="Or type their 60 digits" onInput={(e) => setTyped(e.currentTarget.value)} />
            <button type="submit">Compare digits</button>
          </form>
          <Verdict result={result} />
        </>
      ) : (
        !error && <p role="status">Computing the safety number…</p>
      )}
    </section>
  );
}
