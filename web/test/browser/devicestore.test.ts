import { describe, expect, it } from 'vitest';
import { loadOrCreateDevice } from '../../src/app/devicestore.js';
import { toHex } from '../../src/protocol/index.js';

describe('device keys in IndexedDB (browser only)', () => {
  it('creates a device once per account and loads the same non-extractable keys back', async () => {
    const account = `0x${crypto.getRandomValues(new Uint8Array(20)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '')}`;
    const first = await loadOrCreateDevice(indexedDB, account);
    const again = await loadOrCreateDevice(indexedDB, account.toUpperCase().replace('0X', '0x'));
    expect(toHex(again.keys.signingKey)).toBe(toHex(first.keys.signingKey));
    expect(toHex(again.keys.kemPublicKey)).toBe(toHex(first.keys.kemPublicKey));
    expect(again.kem.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', again.kem.privateKey)).rejects.toThrow();
    const other = await loadOrCreateDevice(indexedDB, '0x0000000000000000000000000000000000000001');
    expect(toHex(other.keys.signingKey)).not.toBe(toHex(first.keys.signingKey));
  });
});
