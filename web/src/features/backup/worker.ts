// Runs Argon2id (64 MiB, seconds of CPU) off the page's main thread so the UI stays responsive.
import { openBackup, sealBackup, type BackupData } from './archive.js';

/** A request to the backup worker. */
export type BackupRequest = { op: 'seal'; passphrase: string; account: Uint8Array; data: BackupData } | { op: 'open'; passphrase: string; archive: Uint8Array };

self.onmessage = (ev: MessageEvent<BackupRequest>) => {
  const r = ev.data;
  try {
    self.postMessage(r.op === 'seal' ? { archive: sealBackup(r.passphrase, r.account, r.data) } : { opened: openBackup(r.passphrase, r.archive) });
  } catch (err) {
    self.postMessage({ error: (err as Error).message, code: (err as { code?: string }).code });
  }
};
