import { Device, generateDeviceKeyPairs, type DeviceKeyPairs } from '../protocol/index.js';

const dbName = 'parley';
const storeName = 'devices';

/** What is kept per account: non-extractable WebCrypto key pairs (structured-cloned by IndexedDB). */
interface StoredDevice extends DeviceKeyPairs {
  account: string;
}

function openDB(idb: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(storeName, { keyPath: 'account' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error('open indexeddb', { cause: req.error }));
  });
}

function run<T>(db: IDBDatabase, mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = op(db.transaction(storeName, mode).objectStore(storeName));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error('indexeddb request', { cause: req.error }));
  });
}

/**
 * Returns this browser's device for account, creating it on first use: a suite-1 device whose
 * Ed25519 and X25519 private keys are non-extractable and live only in IndexedDB.
 */
export async function loadOrCreateDevice(idb: IDBFactory, account: string): Promise<Device> {
  const db = await openDB(idb);
  try {
    const key = account.toLowerCase();
    const stored = await run<StoredDevice | undefined>(db, 'readonly', (s) => s.get(key));
    if (stored) return await Device.fromCryptoKeys(stored);
    const pairs = await generateDeviceKeyPairs();
    await run(db, 'readwrite', (s) => s.put({ account: key, ...pairs } satisfies StoredDevice));
    return await Device.fromCryptoKeys(pairs);
  } finally {
    db.close();
  }
}
