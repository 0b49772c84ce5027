import { CID } from 'multiformats/cid';
import { erc20Abi, parseEventLogs, toHex, type Account, type Address, type Hex, type PublicClient, type TransactionReceipt, type WalletClient } from 'viem';
import { tipJarAbi } from '../../generated/contracts.js';

const sha2_256 = 0x12;
const ethToken: Address = '0x0000000000000000000000000000000000000000';

/** A tip to send: ETH, or `token` units of an ERC-20 when token is set. */
export interface TipInput {
  /** The TipJar contract. */
  tipJar: Address;
  /** The receiver. */
  to: Address;
  /** Wei, or token units. */
  amount: bigint;
  /** The 32-byte reference (tipRef of the tipped message). */
  ref: Hex;
  /** The ERC-20 token; absent for ETH. */
  token?: Address;
}

/** A Tipped event as the chain recorded it. */
export interface Tip {
  /** The tipper. */
  from: Address;
  /** The receiver. */
  to: Address;
  /** The tipper's reference. */
  ref: Hex;
  /** The ERC-20 token, or the zero address for ETH. */
  token: Address;
  /** Wei or token units. */
  amount: bigint;
  /** True when the ETH push failed and the receiver must withdraw it from the TipJar. */
  credited: boolean;
  /** The transaction. */
  txHash: Hex;
  /** The block it was mined in. */
  block: bigint;
}

/** The account cannot pay for the tip; nothing was sent to the wallet. */
export class InsufficientFundsError extends Error {
  override readonly name = 'InsufficientFundsError';

  /** Records what the account holds and what the tip needs (gas included for ETH). */
  constructor(
    readonly balance: bigint,
    readonly needed: bigint,
    readonly token?: Address,
  ) {
    super(`balance ${balance} is below the ${needed} the tip needs`);
  }
}

/** Returns the TipJar reference of a message: the SHA-256 digest inside its CID (the envelope's hash). */
export function tipRef(cid: string): Hex {
  const mh = CID.parse(cid).multihash;
  if (mh.code !== sha2_256 || mh.digest.length !== 32) throw new Error(`tip ref: cid ${cid} is not sha2-256`);
  return toHex(mh.digest);
}

const addressOf = (a: Account | Address): Address => (typeof a === 'string' ? a : a.address);

async function checkEth(pub: PublicClient, from: Address, t: TipInput): Promise<void> {
  const balance = await pub.getBalance({ address: from });
  if (balance < t.amount) throw new InsufficientFundsError(balance, t.amount);
  const [gas, fees] = await Promise.all([
    pub.estimateContractGas({ account: from, address: t.tipJar, abi: tipJarAbi, functionName: 'tip', args: [t.to, t.ref], value: t.amount }),
    pub.estimateFeesPerGas(),
  ]);
  const needed = t.amount + gas * (fees.maxFeePerGas ?? fees.gasPrice ?? 0n);
  if (balance < needed) throw new InsufficientFundsError(balance, needed);
}

/** Gives the TipJar an allowance of amount when it has less, after checking the token balance. */
async function prepareToken(pub: PublicClient, wallet: WalletClient, account: Account | Address, token: Address, t: TipInput): Promise<void> {
  const from = addressOf(account);
  const [balance, allowance] = await Promise.all([
    pub.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [from] }),
    pub.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [from, t.tipJar] }),
  ]);
  if (balance < t.amount) throw new InsufficientFundsError(balance, t.amount, token);
  if (allowance >= t.amount) return;
  const { request } = await pub.simulateContract({ account, address: token, abi: erc20Abi, functionName: 'approve', args: [t.tipJar, t.amount] });
  const receipt = await pub.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
  if (receipt.status !== 'success') throw new Error(`tip: approve ${receipt.transactionHash} reverted`);
}

/**
 * Sends a tip through the wallet: checks the balance first (InsufficientFundsError, the wallet is
 * not asked), approves the TipJar for an ERC-20 when needed, simulates, then asks the wallet to
 * sign and send. Returns the transaction hash; waitTip follows it.
 */
export async function sendTip(pub: PublicClient, wallet: WalletClient, account: Account | Address, t: TipInput): Promise<Hex> {
  if (t.amount <= 0n) throw new Error('tip: the amount must be above zero');
  if (t.token) {
    await prepareToken(pub, wallet, account, t.token, t);
    const { request } = await pub.simulateContract({ account, address: t.tipJar, abi: tipJarAbi, functionName: 'tipToken', args: [t.token, t.to, t.amount, t.ref] });
    return wallet.writeContract(request);
  }
  await checkEth(pub, addressOf(account), t);
  const { request } = await pub.simulateContract({ account, address: t.tipJar, abi: tipJarAbi, functionName: 'tip', args: [t.to, t.ref], value: t.amount });
  return wallet.writeContract(request);
}

/** Returns the Tipped events of tipJar in a receipt (empty when the transaction reverted). */
export function tipsIn(receipt: TransactionReceipt, tipJar: Address): Tip[] {
  return parseEventLogs({ abi: tipJarAbi, eventName: 'Tipped', logs: receipt.logs })
    .filter((l) => l.address.toLowerCase() === tipJar.toLowerCase())
    .map((l) => ({ ...l.args, txHash: receipt.transactionHash, block: receipt.blockNumber }));
}

/** Waits until the tip transaction is mined and returns its tip; a reverted transaction is an error. */
export async function waitTip(pub: PublicClient, tipJar: Address, hash: Hex): Promise<Tip> {
  const receipt = await pub.waitForTransactionReceipt({ hash });
  const [tip] = tipsIn(receipt, tipJar);
  if (receipt.status !== 'success' || !tip) throw new Error(`tip: transaction ${hash} reverted`);
  return tip;
}


/** What a tip message in a conversation claims: who tipped whom, how much, and in which token. */
export interface TipClaim {
  /** The tipper. */
  from: string;
  /** The receiver. */
  to: string;
  /** Wei or token units. */
  amount: bigint;
  /** The ERC-20 token; absent for ETH. */
  token?: string;
}

/** Returns the tip of a transaction that backs the claim, or undefined (a message can claim anything; the chain decides). */
export function backingTip(tips: Tip[], claim: TipClaim): Tip | undefined {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return tips.find((t) => eq(t.from, claim.from) && eq(t.to, claim.to) && t.amount === claim.amount && eq(t.token, claim.token ?? ethToken));
}
