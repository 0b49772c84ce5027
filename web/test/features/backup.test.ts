import { describe, expect, it } from 'vitest';
import { openBackup, sealBackup, type BackupData } from '../../src/features/backup/archive.js';
import { backup, deviceOf, isProtocolError, utf8 } from '../../src/protocol/index.js';

// Small Argon2id parameters keep the test fast; the app uses DefaultArgon2 (64 MiB).
const fast = { time: 1, memoryKiB: 64, threads: 1 };
const account = new Uint8Array(20).fill(7);
const data: BackupData = { app: 'parley-web', v: 1, conversations: { '0xabc': [{ key: 'bafk…', body: { kind: 'text', text: 'hi' } }] }, contacts: [{ address: '0xabc', nickname: 'bob' }] };

describe('backup archives', () => {
  it('restores the history, the contacts and a usable recovery key', async () => {
    const archive = sealBackup('correct horse battery staple', account, data, undefined, fast);
    const { contents, data: back } = openBackup('correct horse battery staple', archive);
    expect(back).toEqual(data);
    expect(contents.account).toEqual(account);
    const device = await deviceOf(contents);
    expect(device.keys.signingKey.length).toBe(32);
  });

  it('refuses a wrong passphrase with ErrBadPassphrase', () => {
    const archive = sealBackup('one passphrase', account, data, undefined, fast);
    let err: unknown;
    try {
      openBackup('another passphrase', archive);
    } catch (e) {
      err = e;
    }
    expect(isProtocolError(err, 'ErrBadPassphrase')).toBe(true);
  });

  it('opens an archive of another app without inventing data', () => {
    const seeds = new Uint8Array(32).fill(1);
    const archive = backup(utf8('pw'), fast, { suite: 1, signingSeed: seeds, kemSeed: seeds, account, deviceId: 3, data: utf8('not json') });
    const { contents, data: back } = openBackup('pw', archive);
    expect(contents.deviceId).toBe(3);
    expect(back).toBeUndefined();
  });

  it('draws fresh recovery seeds for every backup', () => {
    const a = openBackup('pw', sealBackup('pw', account, data, undefined, fast)).contents;
    const b = openBackup('pw', sealBackup('pw', account, data, undefined, fast)).contents;
    expect(a.signingSeed).not.toEqual(b.signingSeed);
  });
});
