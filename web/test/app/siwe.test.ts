import { verifyMessage } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { parseSiweMessage } from 'viem/siwe';
import { describe, expect, it } from 'vitest';
import { signInMessage } from '../../src/app/siwe.js';

// anvil's first funded devnet account.
const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const scope = { domain: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080', chainId: 31337 };

describe('sign-in message', () => {
  it('binds the domain, origin, chain, nonce and time the API checks (api/siwe.go)', () => {
    const issuedAt = new Date('2026-01-02T03:04:05.000Z');
    const msg = parseSiweMessage(signInMessage(scope, account.address, 'abcdef0123456789', issuedAt));
    expect(msg).toMatchObject({
      domain: scope.domain,
      address: account.address,
      uri: scope.origin,
      version: '1',
      chainId: 31337,
      nonce: 'abcdef0123456789',
      issuedAt,
    });
  });

  it('is signed with EIP-191 by the account', async () => {
    const message = signInMessage(scope, account.address, 'abcdef0123456789', new Date());
    const signature = await account.signMessage({ message });
    expect(await verifyMessage({ address: account.address, message, signature })).toBe(true);
    expect(await verifyMessage({ address: account.address, message: message.replace('31337', '1'), signature })).toBe(false);
  });
});
