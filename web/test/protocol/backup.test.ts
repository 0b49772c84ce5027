import { describe, expect, it } from 'vitest';
import { backup, deviceOf, encodeBackupContents, fromHex, restore, toHex, utf8 } from '../../src/protocol/index.js';
import { expectCode, vectors, type Negative } from './vectors.js';

interface Vectors {
  passphrase: string;
  argon2id: { Time: number; MemoryKiB: number; Threads: number };
  salt: string;
  nonce: string;
  contentsCbor: string;
  archive: string;
  invalid: (Negative & { envelope: string })[];
}
const v = vectors<Vectors>('backup.json');
const params = { time: v.argon2id.Time, memoryKiB: v.argon2id.MemoryKiB, threads: v.argon2id.Threads };

describe('backup vectors', () => {
  it('restores the archive and re-encodes the contents exactly', async () => {
    const c = restore(utf8(v.passphrase), fromHex(v.archive));
    expect(toHex(encodeBackupContents(c))).toBe(v.contentsCbor);
    expect(new TextDecoder().decode(c.data)).toBe('history');
    const d = await deviceOf(c);
    expect(d.keys.suite).toBe(2);
  });

  it('seals the archive byte for byte from the recorded salt and nonce', () => {
    const c = restore(utf8(v.passphrase), fromHex(v.archive));
    expect(toHex(backup(utf8(v.passphrase), params, c, fromHex(v.salt), fromHex(v.nonce)))).toBe(v.archive);
  });

  it.each([
    { name: 'wrong passphrase', passphrase: 'wrong horse', archive: v.invalid[0]!.envelope, error: v.invalid[0]!.error },
    { name: 'memory below the minimum', passphrase: v.passphrase, archive: v.invalid[1]!.envelope, error: v.invalid[1]!.error },
  ])('rejects $name with $error', async (n) => {
    await expectCode(() => restore(utf8(n.passphrase), fromHex(n.archive)), n.error);
  });
});
