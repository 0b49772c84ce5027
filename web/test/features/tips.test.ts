import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256, sha512 } from 'multiformats/hashes/sha2';
import { createPublicClient, createTestClient, createWalletClient, erc20Abi, getAddress, http, parseEther, toHex, zeroAddress, type Abi, type Address, type Hex, type PublicClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { anvil as anvilChain } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backingTip, InsufficientFundsError, sendTip, tipRef, waitTip, type Tip, type TipClaim } from '../../src/features/tips/tip.js';
import { tipJarAbi } from '../../src/generated/contracts.js';
import { bytecode, startAnvil, type Anvil } from '../app/anvil.js';

const devnet = (addressIndex: number) => mnemonicToAccount('test test test test test test test test test test test junk', { addressIndex });
const [deployer, tipper, receiver, poor] = [devnet(0), devnet(3), devnet(4), devnet(5)];

let node: Anvil;
let pub: PublicClient;
let tipJar: Address;
let token: Address;
const wallet = (account: ReturnType<typeof devnet>) => createWalletClient({ account, chain: anvilChain, transport: http(node.rpcUrl) });

/** PermitToken from contracts/test/utils/Mocks.sol (forge build output). */
function permitToken(): { abi: Abi; bytecode: Hex } {
  const path = fileURLToPath(new URL('../../../contracts/out/Mocks.sol/PermitToken.json', import.meta.url));
  const out = JSON.parse(readFileSync(path, 'utf8')) as { abi: Abi; bytecode: { object: Hex } };
  return { abi: out.abi, bytecode: out.bytecode.object };
}

async function deploy(abi: Abi, code: Hex): Promise<Address> {
  const hash = await wallet(deployer).deployContract({ abi, bytecode: code, account: deployer, chain: anvilChain });
  return (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
}

beforeAll(async () => {
  node = await startAnvil();
  pub = createPublicClient({ chain: anvilChain, transport: http(node.rpcUrl), pollingInterval: 50 });
  tipJar = await deploy(tipJarAbi, bytecode('TipJar'));
  const t = permitToken();
  token = await deploy(t.abi, t.bytecode);
  const hash = await wallet(deployer).writeContract({ address: token, abi: t.abi, functionName: 'mint', args: [tipper.address, 1000n], chain: anvilChain });
  await pub.waitForTransactionReceipt({ hash });
  // The poor account holds less than a tip plus its gas.
  await createTestClient({ chain: anvilChain, mode: 'anvil', transport: http(node.rpcUrl) }).setBalance({ address: poor.address, value: parseEther('0.01') });
});
afterAll(() => node?.stop());

describe('tip reference', () => {
  it('is the sha2-256 digest inside a message CID', async () => {
    const envelope = new TextEncoder().encode('an encoded envelope');
    const cid = CID.create(1, raw.code, await sha256.digest(envelope));
    expect(tipRef(cid.toString())).toBe(toHex(await crypto.subtle.digest('SHA-256', envelope).then((d) => new Uint8Array(d))));
  });

  it('refuses a CID of another hash function', async () => {
    const cid = CID.create(1, raw.code, await sha512.digest(new Uint8Array([1])));
    expect(() => tipRef(cid.toString())).toThrow(/not sha2-256/);
  });
});

describe('tips on anvil through the TipJar', () => {
  const ref = toHex(new Uint8Array(32).fill(9));

  it('tips ETH: the receiver gets it and the event carries the reference', async () => {
    const before = await pub.getBalance({ address: receiver.address });
    const hash = await sendTip(pub, wallet(tipper), tipper, { tipJar, to: receiver.address, amount: parseEther('0.5'), ref });
    const tip = await waitTip(pub, tipJar, hash);
    expect(tip).toMatchObject({ from: tipper.address, to: receiver.address, ref, token: zeroAddress, amount: parseEther('0.5'), credited: false, txHash: hash });
    expect((await pub.getBalance({ address: receiver.address })) - before).toBe(parseEther('0.5'));
  });

  it('tips an ERC-20: approves the TipJar first, then tipToken', async () => {
    const hash = await sendTip(pub, wallet(tipper), tipper, { tipJar, to: receiver.address, amount: 300n, ref, token });
    const tip = await waitTip(pub, tipJar, hash);
    expect(tip).toMatchObject({ token: getAddress(token), amount: 300n, to: receiver.address });
    expect(await pub.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [receiver.address] })).toBe(300n);
  });

  const refused: { name: string; from: ReturnType<typeof devnet>; amount: bigint; token?: () => Address; balance: bigint }[] = [
    { name: 'ETH above the balance', from: poor, amount: parseEther('1'), balance: parseEther('0.01') },
    { name: 'ETH within the balance but not with gas', from: poor, amount: parseEther('0.01'), balance: parseEther('0.01') },
    { name: 'tokens above the token balance', from: tipper, amount: 701n, token: () => token, balance: 700n },
  ];
  it.each(refused)('refuses $name before asking the wallet', async ({ from, amount, token: tok, balance }) => {
    const nonce = await pub.getTransactionCount({ address: from.address });
    const err = await sendTip(pub, wallet(from), from, { tipJar, to: receiver.address, amount, ref, ...(tok ? { token: tok() } : {}) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientFundsError);
    expect((err as InsufficientFundsError).balance).toBe(balance);
    expect(await pub.getTransactionCount({ address: from.address })).toBe(nonce);
  });
});

describe('tip claims in messages', () => {
  const tip: Tip = { from: tipper.address, to: receiver.address, ref: `0x${'00'.repeat(32)}`, token: zeroAddress, amount: 5n, credited: false, txHash: '0x01', block: 1n };
  const cases: { name: string; claim: TipClaim; backed: boolean }[] = [
    { name: 'the same tip, addresses in another case', claim: { from: tipper.address.toLowerCase(), to: receiver.address.toUpperCase().replace('0X', '0x'), amount: 5n }, backed: true },
    { name: 'a larger amount than sent', claim: { from: tipper.address, to: receiver.address, amount: 6n }, backed: false },
    { name: 'another sender', claim: { from: receiver.address, to: receiver.address, amount: 5n }, backed: false },
    { name: 'another receiver', claim: { from: tipper.address, to: tipper.address, amount: 5n }, backed: false },
    { name: 'a token tip claimed for an ETH one', claim: { from: tipper.address, to: receiver.address, amount: 5n, token: deployer.address }, backed: false },
  ];
  it.each(cases)('$name → backed $backed', ({ claim, backed }) => {
    expect(backingTip([tip], claim)).toBe(backed ? tip : undefined);
  });
});
