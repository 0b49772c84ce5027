import { useEffect, useState } from 'preact/hooks';
import { formatEther, parseEther, UserRejectedRequestError, type Address, type Hex } from 'viem';
import { WrongChainError, ensureChain } from '../../app/chain.js';
import type { AppContext, ChatMessage, TipButtonProps } from '../../app/context.js';
import '../features.css';
import { backingTip, InsufficientFundsError, sendTip, tipRef, tipsIn, type Tip } from './tip.js';

const zeroRef: Hex = `0x${'00'.repeat(32)}`;

/** Turns a failed tip into the sentence the user reads. */
function explain(err: unknown): string {
  if (err instanceof InsufficientFundsError) return `Not enough ETH: you have ${formatEther(err.balance)} ETH and this tip needs ${formatEther(err.needed)} ETH with gas. The wallet was not asked.`;
  if (err instanceof WrongChainError) return `Your wallet is on another network (${err.current}); switch it to chain ${err.wanted}.`;
  if (err instanceof UserRejectedRequestError || (err as { code?: number }).code === 4001) return 'You rejected the transaction in the wallet. No tip was sent.';
  return `The tip failed: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`;
}

/**
 * A tip button for a chat with peer: asks for an amount in ETH, checks the balance, sends the
 * TipJar transaction through the wallet, and posts a tip message in the conversation so both
 * sides see it (TipStatus then follows it to confirmation). The TipJar ref is lastCid's digest.
 */
export function TipButton({ app, peer, lastCid }: TipButtonProps) {
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('0.01');
  const [state, setState] = useState<{ text: string; error?: boolean }>();
  const [busy, setBusy] = useState(false);

  async function send(e: Event) {
    e.preventDefault();
    let wei: bigint;
    try {
      wei = parseEther(amount.trim());
    } catch {
      setState({ text: 'Enter an amount in ETH, like 0.01.', error: true });
      return;
    }
    if (wei <= 0n) {
      setState({ text: 'The amount must be above zero.', error: true });
      return;
    }
    setBusy(true);
    try {
      setState({ text: 'Checking your balance…' });
      await ensureChain(app.wallet.provider, app.chain);
      const ref = lastCid && !lastCid.startsWith('local:') ? tipRef(lastCid) : zeroRef;
      setState({ text: 'Confirm the tip in your wallet…' });
      const txHash = await sendTip(app.wallet.publicClient, app.wallet.walletClient, app.account, { tipJar: app.tipJar, to: peer as Address, amount: wei, ref });
      setState({ text: `Tip pending: ${formatEther(wei)} ETH (transaction ${txHash.slice(0, 10)}…).` });
      await app.conversations.send(peer, { kind: 'tip', txHash, amount: wei.toString() });
      setOpen(false);
      setState(undefined);
    } catch (err) {
      setState({ text: explain(err), error: true });
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label="Send a tip">
        Tip
      </button>
    );
  }
  return (
    <form class="tip-dialog" onSubmit={(e) => void send(e)} aria-label="Tip in ETH">
      <label>
        Tip amount in ETH{' '}
        <input type="text" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} disabled={busy} />
      </label>
      <div class="row">
        <button type="submit" disabled={busy}>Send tip</button>
        <button type="button" onClick={() => setOpen(false)} disabled={busy}>Cancel tip</button>
      </div>
      {state && (
        <p role={state.error ? 'alert' : 'status'} class={state.error ? 'error' : ''}>
          {state.text}
        </p>
      )}
    </form>
  );
}

type Status = { kind: 'pending' } | { kind: 'confirmed'; tip: Tip; indexed: boolean; final: boolean } | { kind: 'invalid'; why: string };

/**
 * Shows a tip message of the conversation with its on-chain state: pending until the transaction
 * is mined, confirmed once the chain holds a Tipped event that backs what the message claims (the
 * indexer's event through the relay marks it indexed, then final), invalid otherwise.
 */
export function TipStatus({ app, message }: { app: AppContext; message: ChatMessage }) {
  const body = message.body;
  const [status, setStatus] = useState<Status>({ kind: 'pending' });
  const txHash = body.kind === 'tip' ? (body.txHash as Hex) : undefined;

  useEffect(() => {
    if (body.kind !== 'tip' || !txHash) return;
    let live = true;
    const claim = { from: message.sender, to: message.mine ? message.peer : app.account, amount: BigInt(body.amount), ...(body.token ? { token: body.token } : {}) };
    const check = async (indexed: boolean, final: boolean) => {
      const receipt = await app.wallet.publicClient.waitForTransactionReceipt({ hash: txHash });
      const tip = backingTip(tipsIn(receipt, app.tipJar), claim);
      if (!live) return;
      setStatus((s) =>
        tip
          ? { kind: 'confirmed', tip, indexed: indexed || (s.kind === 'confirmed' && s.indexed), final: final || (s.kind === 'confirmed' && s.final) }
          : { kind: 'invalid', why: 'the transaction does not carry this tip' },
      );
    };
    void check(false, false).catch((err: Error) => live && setStatus({ kind: 'invalid', why: err.message }));
    const off = app.relay.on('chain', (ev) => {
      if (ev.kind === 'tip' && ev.tx_hash?.toLowerCase() === txHash.toLowerCase()) void check(true, ev.final).catch(() => undefined);
    });
    return () => {
      live = false;
      off();
    };
  }, [txHash]);

  if (body.kind !== 'tip') return null;
  const eth = `${formatEther(BigInt(body.amount))} ETH`;
  const who = message.mine ? 'You tipped' : 'Tipped you';
  const label =
    status.kind === 'pending'
      ? 'pending'
      : status.kind === 'invalid'
        ? `not confirmed: ${status.why}`
        : `confirmed${status.final ? ', final' : status.indexed ? ', indexed' : ''}${status.tip.credited ? ' (credited: withdraw it from the TipJar)' : ''}`;
  return (
    <span class="tip" data-tip-state={status.kind} aria-label={`${who} ${eth}, ${label}`}>
      <span aria-hidden="true">Ξ</span> {who} {eth} · <span class={status.kind === 'confirmed' ? 'ok' : status.kind === 'invalid' ? 'bad' : ''}>{label}</span>
    </span>
  );
}
