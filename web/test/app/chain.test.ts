import type { EIP1193Provider } from 'viem';
import { anvil, mainnet } from 'viem/chains';
import { describe, expect, it } from 'vitest';
import { ensureChain, WrongChainError } from '../../src/app/chain.js';

/**
 * A test wallet that follows EIP-1193/EIP-3326/EIP-3085: it knows some chains, switches between them,
 * and rejects as a user would when told to.
 */
function testWallet(opts: { on: number; known: number[]; rejectSwitch?: boolean; rejectAdd?: boolean }) {
  let on = opts.on;
  const known = new Set(opts.known);
  const calls: string[] = [];
  const added: unknown[] = [];
  const userRejected = () => Object.assign(new Error('user rejected'), { code: 4001 });
  const provider = {
    request: async ({ method, params }: { method: string; params?: [{ chainId: string }] }) => {
      calls.push(method);
      if (method === 'wallet_addEthereumChain') added.push(params?.[0]);
      const id = params ? Number.parseInt(params[0].chainId, 16) : 0;
      switch (method) {
        case 'eth_chainId':
          return `0x${on.toString(16)}`;
        case 'wallet_switchEthereumChain':
          if (!known.has(id)) throw Object.assign(new Error('unrecognized chain'), { code: 4902 });
          if (opts.rejectSwitch) throw userRejected();
          on = id;
          return null;
        case 'wallet_addEthereumChain':
          if (opts.rejectAdd) throw userRejected();
          known.add(id);
          on = id;
          return null;
        default:
          throw Object.assign(new Error(`unsupported method ${method}`), { code: 4200 });
      }
    },
  } as unknown as EIP1193Provider;
  return { provider, calls, added };
}

describe('ensureChain', () => {
  it.each([
    { name: 'already on the chain', on: anvil.id, known: [anvil.id], calls: ['eth_chainId'] },
    { name: 'switches to a known chain', on: mainnet.id, known: [mainnet.id, anvil.id], calls: ['eth_chainId', 'wallet_switchEthereumChain', 'eth_chainId'] },
    { name: 'adds an unknown chain', on: mainnet.id, known: [mainnet.id], calls: ['eth_chainId', 'wallet_switchEthereumChain', 'wallet_addEthereumChain', 'eth_chainId'] },
  ])('$name', async ({ on, known, calls }) => {
    const w = testWallet({ on, known });
    await ensureChain(w.provider, anvil, async () => undefined);
    expect(w.calls).toEqual(calls);
  });

  it.each([
    { name: 'the RPC URL the server publishes', published: 'http://127.0.0.1:18545', want: ['http://127.0.0.1:18545'] },
    { name: "the chain's default RPC URL when the server names none", published: undefined, want: [...anvil.rpcUrls.default.http] },
  ])('adds the chain with $name', async ({ published, want }) => {
    const w = testWallet({ on: mainnet.id, known: [mainnet.id] });
    await ensureChain(w.provider, anvil, async () => published);
    expect(w.added).toEqual([expect.objectContaining({ chainId: '0x7a69', rpcUrls: want })]);
  });

  it.each([
    { name: 'the user declines the switch', opts: { on: mainnet.id, known: [mainnet.id, anvil.id], rejectSwitch: true } },
    { name: 'the user declines adding the chain', opts: { on: mainnet.id, known: [mainnet.id], rejectAdd: true } },
  ])('reports the wrong network when $name', async ({ opts }) => {
    const err = await ensureChain(testWallet(opts).provider, anvil, async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongChainError);
    expect(err).toMatchObject({ current: mainnet.id, wanted: anvil.id });
  });
});
