import { backup, DefaultArgon2, restore, utf8, type Argon2Params, type BackupContents } from '../../protocol/index.js';

/** What the web app keeps in a backup's opaque data (docs/protocol.md §9): its conversations and contacts. */
export interface BackupData {
  /** Format marker. */
  app: 'parley-web';
  /** Format version. */
  v: 1;
  /** Messages per peer (lowercase address), oldest first, as the conversation store keeps them. */
  conversations: Record<string, unknown[]>;
  /** The contact list as GET /v1/contacts answered. */
  contacts: unknown[];
}

/** The recovery key a backup carries: fresh seeds (this browser's own keys are non-extractable and cannot be exported). */
export function recoverySeeds(): { signingSeed: Uint8Array; kemSeed: Uint8Array } {
  return { signingSeed: crypto.getRandomValues(new Uint8Array(32)), kemSeed: crypto.getRandomValues(new Uint8Array(32)) };
}

/** Encrypts data for account under passphrase; params default to the protocol's 64 MiB Argon2id. */
export function sealBackup(passphrase: string, account: Uint8Array, data: BackupData, seeds = recoverySeeds(), params: Argon2Params = DefaultArgon2): Uint8Array {
  const contents: BackupContents = { suite: 1, ...seeds, account, deviceId: 0, data: utf8(JSON.stringify(data)) };
  return backup(utf8(passphrase), params, contents);
}

/** Decrypts an archive (ErrBadPassphrase for a wrong passphrase); data is undefined when the archive holds another app's data. */
export function openBackup(passphrase: string, archive: Uint8Array): { contents: BackupContents; data: BackupData | undefined } {
  const contents = restore(utf8(passphrase), archive);
  let data: BackupData | undefined;
  try {
    const v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(contents.data)) as Partial<BackupData>;
    if (v.app === 'parley-web' && v.v === 1 && typeof v.conversations === 'object' && Array.isArray(v.contacts)) data = v as BackupData;
  } catch {
    data = undefined;
  }
  return { contents, data };
}
