// Taught heads kept in the browser (IndexedDB), so they are there after a reload and offline.
// A head is stored as the text of its head file (headFile.ts), exactly what "download" gives: the
// page validates it with the same parser as a file the user loads, so a head saved by an older
// version of the app meets the same clear version error instead of a half-read object.
//
// Our own thin wrapper over IndexedDB rather than a library: two object stores and five calls,
// each one transaction; the wrapper is smaller than the adapter a key-value library would need
// for listing and ordering.

export interface SavedHead {
  /** Key in the store (random). */
  id: string;
  /** When it was saved (ms since the epoch); the list is newest first. */
  savedAt: number;
  /** The head file's text (headFile.ts). */
  text: string;
}

export interface HeadStore {
  list(): Promise<SavedHead[]>;
  get(id: string): Promise<SavedHead | null>;
  save(text: string): Promise<SavedHead>;
  remove(id: string): Promise<void>;
  /** The head the app classifies with (restored after a reload); null: the model's own head. */
  activeId(): Promise<string | null>;
  setActive(id: string | null): Promise<void>;
  close(): void;
}

const VERSION = 1;
const HEADS = 'heads';
const SETTINGS = 'settings';
const ACTIVE_KEY = 'active-head';

export const DEFAULT_DB = 'any2point-teach';

/** An IDBRequest as a promise. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when the transaction commits (a write is only kept then). */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

function openDb(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(HEADS)) db.createObjectStore(HEADS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(SETTINGS)) db.createObjectStore(SETTINGS);
    };
    let refused = false;
    request.onsuccess = () => {
      const db = request.result;
      // Refused already (blocked): the caller has no handle to close it, so close it here.
      if (refused) return db.close();
      // A newer version of the app in another tab wants to upgrade: let it, rather than block it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(new Error(`The browser's storage (IndexedDB) could not be opened: ${request.error?.message ?? 'unknown error'}`));
    // Another tab holds an older version open: say so rather than wait forever.
    request.onblocked = () => {
      refused = true;
      reject(new Error("The browser's storage is held by another tab of this app with an older version; close it and reload."));
    };
  });
}

const newId = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

export async function openHeadStore(name = DEFAULT_DB, factory: IDBFactory = indexedDB): Promise<HeadStore> {
  const db = await openDb(factory, name);
  const read = <T>(store: string, get: (s: IDBObjectStore) => IDBRequest<T>) => done(get(db.transaction(store, 'readonly').objectStore(store)));
  const write = async (stores: string[], change: (tx: IDBTransaction) => void) => {
    const tx = db.transaction(stores, 'readwrite');
    change(tx);
    await committed(tx);
  };
  return {
    async list() {
      const all = (await read(HEADS, (s) => s.getAll())) as SavedHead[];
      return all.sort((a, b) => b.savedAt - a.savedAt || a.id.localeCompare(b.id));
    },
    async get(id) {
      return ((await read(HEADS, (s) => s.get(id))) as SavedHead | undefined) ?? null;
    },
    async save(text) {
      const head: SavedHead = { id: newId(), savedAt: Date.now(), text };
      await write([HEADS], (tx) => tx.objectStore(HEADS).add(head));
      // Ask the browser not to evict the store under storage pressure (a no-op where refused).
      void navigator.storage?.persist?.().catch(() => false);
      return head;
    },
    async remove(id) {
      // The active head goes with it, in the same transaction.
      await write([HEADS, SETTINGS], (tx) => {
        tx.objectStore(HEADS).delete(id);
        const settings = tx.objectStore(SETTINGS);
        const active = settings.get(ACTIVE_KEY);
        active.onsuccess = () => {
          if (active.result === id) settings.delete(ACTIVE_KEY);
        };
      });
    },
    async activeId() {
      return ((await read(SETTINGS, (s) => s.get(ACTIVE_KEY))) as string | undefined) ?? null;
    },
    async setActive(id) {
      await write([SETTINGS], (tx) => {
        if (id === null) tx.objectStore(SETTINGS).delete(ACTIVE_KEY);
        else tx.objectStore(SETTINGS).put(id, ACTIVE_KEY);
      });
    },
    close() {
      db.close();
    },
  };
}
