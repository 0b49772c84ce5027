import { useState } from 'preact/hooks';
import type { AppContext, FeatureProps } from '../../app/context.js';
import { fromHex, toHex, type BackupContents } from '../../protocol/index.js';
import '../features.css';
import type { BackupData } from './archive.js';
import type { BackupRequest } from './worker.js';

/** The smallest passphrase the screen accepts. */
const minPassphrase = 12;

type Answer = { archive?: Uint8Array; opened?: { contents: BackupContents; data: BackupData | undefined }; error?: string; code?: string };

/** Runs one Argon2id job in a worker and resolves with its answer. */
function inWorker(req: BackupRequest): Promise<Answer> {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  return new Promise<Answer>((resolve, reject) => {
    w.onmessage = (ev: MessageEvent<Answer>) => resolve(ev.data);
    w.onerror = (ev) => reject(new Error(ev.message || 'backup worker failed'));
    w.postMessage(req);
  }).finally(() => w.terminate());
}

/** Collects what this browser holds: every conversation's messages and the contact list. */
async function collect(app: AppContext): Promise<BackupData> {
  const conversations: Record<string, unknown[]> = {};
  for (const c of app.conversations.list()) {
    await app.conversations.open(c.peer);
    conversations[c.peer] = app.conversations.messages(c.peer);
  }
  const { contacts } = await app.api.get<{ contacts: unknown[] }>('/v1/contacts');
  return { app: 'parley-web', v: 1, conversations, contacts };
}

/** Saves a blob URL as a file through a detached link (the app's router handles clicks on links in the page). */
function save(file: { url: string; name: string }) {
  const a = document.createElement('a');
  a.href = file.url;
  a.download = file.name;
  a.click();
}

function CreateBackup({ app }: { app: AppContext }) {
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState<{ text: string; error?: boolean }>();
  const [download, setDownload] = useState<{ url: string; name: string }>();

  async function create(e: Event) {
    e.preventDefault();
    if (pass.length < minPassphrase) return setStatus({ text: `Use a passphrase of at least ${minPassphrase} characters.`, error: true });
    if (pass !== again) return setStatus({ text: 'The two passphrases differ.', error: true });
    setStatus({ text: 'Encrypting (Argon2id, 64 MiB: this takes a few seconds)…' });
    try {
      const answer = await inWorker({ op: 'seal', passphrase: pass, account: fromHex(app.account), data: await collect(app) });
      if (!answer.archive) throw new Error(answer.error ?? 'no archive');
      if (download) URL.revokeObjectURL(download.url);
      setDownload({ url: URL.createObjectURL(new Blob([answer.archive as BlobPart], { type: 'application/octet-stream' })), name: `parley-backup-${app.account.toLowerCase()}.bin` });
      setStatus({ text: `Backup ready (${answer.archive.length} bytes). Keep the file and the passphrase apart.` });
      setPass('');
      setAgain('');
    } catch (err) {
      setStatus({ text: `The backup failed: ${(err as Error).message}`, error: true });
    }
  }

  return (
    <form onSubmit={(e) => void create(e)} aria-label="Create an encrypted backup">
      <h3>Create a backup</h3>
      <p>Your conversations on this browser and your contacts, encrypted with a passphrase. Nobody can open it without the passphrase, and it cannot be reset.</p>
      <input type="password" autocomplete="new-password" value={pass} aria-label="Backup passphrase" placeholder="Passphrase" onInput={(e) => setPass(e.currentTarget.value)} />
      <input type="password" autocomplete="new-password" value={again} aria-label="Repeat the backup passphrase" placeholder="Repeat the passphrase" onInput={(e) => setAgain(e.currentTarget.value)} />
      <button type="submit">Create encrypted backup</button>
      {download && (
        <button type="button" onClick={() => save(download)}>
          Download backup file
        </button>
      )}
      {status && <p role={status.error ? 'alert' : 'status'} class={status.error ? 'error' : ''}>{status.text}</p>}
    </form>
  );
}

function RestoreBackup() {
  const [file, setFile] = useState<File>();
  const [pass, setPass] = useState('');
  const [status, setStatus] = useState<{ text: string; error?: boolean }>();
  const [summary, setSummary] = useState<{ account: string; conversations: number; messages: number; contacts: number }>();

  async function open(e: Event) {
    e.preventDefault();
    if (!file) return setStatus({ text: 'Choose the backup file first.', error: true });
    setStatus({ text: 'Decrypting (this takes a few seconds)…' });
    setSummary(undefined);
    try {
      const answer = await inWorker({ op: 'open', passphrase: pass, archive: new Uint8Array(await file.arrayBuffer()) });
      if (!answer.opened) {
        setStatus({ text: answer.code === 'ErrBadPassphrase' ? 'Wrong passphrase, or the file is damaged.' : `Not a Parley backup: ${answer.error}`, error: true });
        return;
      }
      const { contents, data } = answer.opened;
      const convs = Object.values(data?.conversations ?? {});
      setSummary({ account: `0x${toHex(contents.account)}`, conversations: convs.length, messages: convs.reduce((n, c) => n + c.length, 0), contacts: data?.contacts.length ?? 0 });
      setStatus({ text: 'Backup opened.' });
    } catch (err) {
      setStatus({ text: `Restore failed: ${(err as Error).message}`, error: true });
    }
  }

  return (
    <form onSubmit={(e) => void open(e)} aria-label="Restore a backup">
      <h3>Restore a backup</h3>
      <label>
        Backup file <input type="file" accept=".bin,application/octet-stream" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
      </label>
      <input type="password" autocomplete="current-password" value={pass} aria-label="Passphrase of the backup" placeholder="Passphrase" onInput={(e) => setPass(e.currentTarget.value)} />
      <button type="submit">Restore backup</button>
      {status && <p role={status.error ? 'alert' : 'status'} class={status.error ? 'error' : ''}>{status.text}</p>}
      {summary && (
        <dl aria-label="Restored backup">
          <dt>Account</dt>
          <dd class="mono">{summary.account}</dd>
          <dt>Conversations</dt>
          <dd>{summary.conversations} ({summary.messages} messages)</dd>
          <dt>Contacts</dt>
          <dd>{summary.contacts}</dd>
        </dl>
      )}
    </form>
  );
}

/** /backup: an encrypted backup of this browser's conversations and contacts (docs/protocol.md §9), and opening one. */
export default function BackupScreen({ app }: FeatureProps) {
  return (
    <section class="feature" aria-labelledby="backup-title">
      <h2 id="backup-title">Encrypted backup</h2>
      {app ? <CreateBackup app={app} /> : <p>Sign in to create a backup.</p>}
      <RestoreBackup />
    </section>
  );
}
