import { describe, expect, it } from 'vitest';
import { fromHex, importKEMPublicKey, openChainKey, sealChainKey, toHex, x25519KeyPair, type Suite } from '../../src/protocol/index.js';
import { deviceOf, expectCode, vectors, type DeviceInput } from './vectors.js';

interface Wrap {
  name: string;
  recipient: DeviceInput;
  info: string;
  chainKey: string;
  ephemeralRandom: string;
  sealed: string;
}
const v = vectors<Wrap[]>('keywrap.json');

describe('key wrap vectors', () => {
  it.each(v)('$name: opens to the chain key', async (x) => {
    const d = await deviceOf(x.recipient);
    expect(toHex(await openChainKey(d, fromHex(x.info), fromHex(x.sealed)))).toBe(x.chainKey);
  });

  it.each(v)('$name: a wrap under other info is ErrDecrypt', async (x) => {
    const d = await deviceOf(x.recipient);
    const info = fromHex(x.info);
    info[info.length - 2]! ^= 1;
    await expectCode(() => openChainKey(d, info, fromHex(x.sealed)), 'ErrDecrypt');
  });

  it.each(v.filter((x) => x.recipient.suite === 1))('$name: seals byte for byte with the recorded ephemeral key', async (x) => {
    const pk = await importKEMPublicKey(1, fromHex(x.recipient.kemPublicKey));
    const sealed = await sealChainKey(1, pk, fromHex(x.info), fromHex(x.chainKey), await x25519KeyPair(fromHex(x.ephemeralRandom)));
    expect(toHex(sealed)).toBe(x.sealed);
  });

  it.each(v)('$name: a fresh seal round-trips', async (x) => {
    const d = await deviceOf(x.recipient);
    const suite = x.recipient.suite as Suite;
    const pk = await importKEMPublicKey(suite, fromHex(x.recipient.kemPublicKey));
    const sealed = await sealChainKey(suite, pk, fromHex(x.info), fromHex(x.chainKey));
    expect(sealed.length).toBe(x.sealed.length / 2);
    expect(toHex(await openChainKey(d, fromHex(x.info), sealed))).toBe(x.chainKey);
  });
});
