import type { EIP1193Provider } from 'viem';
import { describe, expect, it } from 'vitest';
import { discoverWallets, type Wallet } from '../../src/app/wallets.js';

/** Announces a wallet the way EIP-6963 wallets do: now and on every request event. */
function installWallet(target: EventTarget, uuid: string, name: string, valid = true) {
  const provider = { request: async () => null } as unknown as EIP1193Provider;
  const announce = () =>
    target.dispatchEvent(
      new CustomEvent('eip6963:announceProvider', {
        detail: Object.freeze({ info: { uuid, name, icon: 'data:image/svg+xml,', rdns: `test.${name}` }, provider: valid ? provider : {} }),
      }),
    );
  target.addEventListener('eip6963:requestProvider', announce);
  announce();
}

describe('EIP-6963 discovery', () => {
  it.each([
    { name: 'wallet installed before discovery', before: ['a'], after: [], want: ['a'] },
    { name: 'wallet announcing after discovery', before: [], after: ['b'], want: ['b'] },
    { name: 'two wallets', before: ['a'], after: ['b'], want: ['a', 'b'] },
    { name: 'no wallet', before: [], after: [], want: [] },
  ])('$name', ({ before, after, want }) => {
    const target = new EventTarget();
    for (const n of before) installWallet(target, `uuid-${n}`, n);
    let seen: Wallet[] = [];
    const stop = discoverWallets(target, (w) => (seen = w));
    for (const n of after) installWallet(target, `uuid-${n}`, n);
    expect(seen.map((w) => w.info.name)).toEqual(want);
    stop();
  });

  it('ignores announcements without a provider and stops listening when asked', () => {
    const target = new EventTarget();
    let seen: Wallet[] = [];
    const stop = discoverWallets(target, (w) => (seen = w));
    installWallet(target, 'uuid-bad', 'bad', false);
    expect(seen).toEqual([]);
    stop();
    installWallet(target, 'uuid-late', 'late');
    expect(seen).toEqual([]);
  });

  it('keeps one entry per uuid when a wallet re-announces', () => {
    const target = new EventTarget();
    installWallet(target, 'uuid-a', 'a');
    let seen: Wallet[] = [];
    discoverWallets(target, (w) => (seen = w));
    target.dispatchEvent(new Event('eip6963:requestProvider'));
    expect(seen.map((w) => w.info.uuid)).toEqual(['uuid-a']);
  });
});
