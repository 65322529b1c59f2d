/// <reference lib="webworker" />
// The worker that parses files off the main thread: one handler per request of protocol.ts.
// It reads the File itself (the page never holds a huge file's bytes), reports its stages, and
// picks the points the viewer draws, so the page only receives arrays it can use as they are.
import { LIMITS, LoadError, loadWhenReady, loadersReady } from '../io/index';
import { type SidecarFiles, sidecarPath } from '../io/gltf';
import { formatCount } from '../io/limits';
import { loadLargeFile } from '../io/largeFile';
import { serialiseLoadError } from './failure';
import type { ParseApi, ParseProgress } from './protocol';
import { shownPoints } from './shownPoints';
import { loadResultTransferables } from './transfer';
import { serve, withTransfer } from './transport';

declare const self: DedicatedWorkerGlobalScope;

/** Reads a Blob chunk by chunk into one buffer, reporting bytes read (a few times a second at most). */
async function readBlob(file: Blob, progress: (p: ParseProgress) => void): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let loaded = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A file that grew since its size was taken: the bytes past the size are not part of it.
    const take = Math.min(value.length, bytes.length - loaded);
    bytes.set(value.subarray(0, take), loaded);
    loaded += take;
    if (performance.now() - reported > 100) {
      reported = performance.now();
      progress({ stage: 'read', loaded, total: bytes.length });
    }
  }
  return loaded === bytes.length ? bytes : bytes.subarray(0, loaded);
}

/** The bytes of the last file read that holds several models (an archive, a batch of clouds), by
 * its name, size and date: Batch reads each of its models in turn and the File panel's picker
 * reads another, so the file is read from disk once, not once a model. (Checked against the size:
 * a buffer handed to the page would be empty.) */
let lastSeveral: { key: string; bytes: Uint8Array } | null = null;

/** A .gltf's companion files (its separate buffers, from the same folder) as its reader looks them
 * up: by the uri's file name. At most LIMITS.maxFileBytes in all are read. */
async function companionFiles(companions: { name: string; file: Blob }[]): Promise<SidecarFiles | undefined> {
  if (companions.length === 0) return undefined;
  const total = companions.reduce((n, c) => n + c.file.size, 0);
  if (total > LIMITS.maxFileBytes) {
    throw new LoadError('gltf', 'too-large', `its separate files hold ${formatCount(total)} bytes in all; the limit is ${formatCount(LIMITS.maxFileBytes)} bytes (LIMITS.maxFileBytes)`);
  }
  const byName = new Map<string, Uint8Array>();
  for (const c of companions) byName.set(c.name, new Uint8Array(await c.file.arrayBuffer()));
  return (uri) => byName.get(sidecarPath('', uri).split('/').pop() ?? '');
}

serve<ParseApi>(
  self,
  {
    async load(payload, { progress }) {
      const keepEveryPoint = payload.keepEveryPoint === true;
      let result;
      let start;
      if ('file' in payload && payload.file.size > LIMITS.maxFileBytes) {
        // Too large to hold: a scan is read a slice at a time, an HDF5 file by pages (io/largeFile.ts).
        const { file } = payload;
        start = performance.now();
        const read = async (from: number, to: number) => new Uint8Array(await file.slice(from, to).arrayBuffer());
        const onRead = (loaded: number) => progress({ stage: 'read', loaded, total: file.size });
        result = await loadLargeFile(payload.name, file.size, read, { keepEveryPoint, onRead, ...(payload.archiveEntry === undefined ? {} : { archiveEntry: payload.archiveEntry }) });
      } else {
        const key = 'file' in payload ? `${payload.name}\0${payload.file.size}\0${payload.file instanceof File ? payload.file.lastModified : ''}` : null;
        const kept = payload.archiveEntry !== undefined && key !== null && lastSeveral?.key === key && lastSeveral.bytes.length === (payload as { file: Blob }).file.size ? lastSeveral.bytes : null;
        const bytes = kept ?? ('file' in payload ? await readBlob(payload.file, progress) : new Uint8Array(payload.bytes));
        const sidecar = await companionFiles(payload.companions ?? []);
        progress({ stage: 'parse' });
        await loadersReady(bytes); // the decoders' first load is not the parse's time
        start = performance.now();
        result = await loadWhenReady(payload.name, bytes, { keepEveryPoint, ...(sidecar ? { sidecar } : {}), ...(payload.archiveEntry === undefined ? {} : { archiveEntry: payload.archiveEntry }) });
        lastSeveral = result.archive && result.archive.models.length > 1 && key !== null ? { key, bytes } : null;
      }
      const ms = performance.now() - start;
      progress({ stage: 'view' });
      const shown = shownPoints(result.cloud);
      const transfer = new Set<Transferable>(loadResultTransferables(result));
      if (shown.indices) {
        transfer.add(shown.indices.buffer);
        for (const array of [shown.cloud.positions, shown.cloud.colors]) if (array) transfer.add(array.buffer);
      }
      return withTransfer({ result, ms, shown }, [...transfer]);
    },
  },
  { serialise: serialiseLoadError },
);
