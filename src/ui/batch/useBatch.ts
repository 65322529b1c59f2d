// The batch side of the page: a listing of files goes through the page's own parse worker and
// model worker (the clients the one-file path made; no second model), one file at a time
// (batch/queue.ts). Rows keep the top classes, counts and times, not the clouds; the File handles
// are kept so a row can be opened again (re-read) in the viewer. An archive of several models (a
// Thingiverse set) gets a row for each: its first read names the model it read, and the others are
// queued after the files listed ("set.zip › set/plane.stl"). The table is refreshed at most a few
// times a second, so thousands of files do not re-render it thousands of times.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { upWithFloor } from '../../geometry/upTurn';
import { stopReason } from '../../batch/batchClasses';
import type { BatchMeta } from '../../batch/export';
import { runQueue, type QueueProgress } from '../../batch/queue';
import type { BatchRow } from '../../batch/rows';
import { classNamesOf } from '../../files/companions';
import type { FolderListing } from '../../files/folder';
import type { ArchiveModels } from '../../io/types';
import { describeListing } from '../../files/folder';
import type { ModelClient } from '../../model/worker/client';
import type { HeadForModel } from '../../model/worker/protocol';
import type { ParseClient } from '../../worker/client';
import { WorkerError } from '../../worker/transport';

export interface BatchSettings {
  parseClient: RefObject<ParseClient | null>;
  modelClient: RefObject<ModelClient | null>;
  /** The open model; a batch stops when it changes (its rows would mix two models). */
  modelId: string | null;
  /** What the model worker's classify takes (an axis, or 'auto' where the app finds it). */
  up: Parameters<ModelClient['classify']>[1];
  votes: number | null;
  /** The taught head in use (the one-file path's): the batch ranks its classes; it stops when
   * the head changes, as when the model does. null: the model's own classes. */
  head: HeadForModel | null;
}

/** What one run classifies with, fixed at its start. */
type RunSettings = Pick<BatchSettings, 'up' | 'votes' | 'head'>;

/** One thing a batch classifies: a file, or one model of an archive. */
export interface BatchItem {
  file: File;
  /** The model's path in the archive; undefined for a file (an archive's largest model is read). */
  archiveEntry?: string;
}

/** A row's path for an archive's model: the archive's, then the model's inside it. */
const archiveRowPath = (path: string, entry: string) => `${path} › ${entry}`;

/** What classifying an item gives: the row's values, and an archive's models when it is one. */
type ItemResult = Pick<BatchRow, 'points' | 'leftOut' | 'warnings' | 'top' | 'up' | 'notSure' | 'ms'> & { archive?: ArchiveModels };

export interface BatchState {
  rows: BatchRow[];
  progress: QueueProgress | null;
  running: boolean;
  /** What the listing took and left out. */
  listingNote: string | null;
  /** How the last run ended, when not by finishing (cancelled, model changed). */
  stopped: string | null;
  meta: BatchMeta | null;
}

/** How often, at most, the table sees new rows while a batch runs. */
const PUBLISH_MS = 250;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The one-file path's Cancel replaces the workers; the file under way then fails with 'disposed'. */
const replacedWorker = (e: unknown) => e instanceof WorkerError && e.kind === 'disposed';

export function useBatch(settings: BatchSettings) {
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const rowsRef = useRef<BatchRow[]>([]);
  const itemsRef = useRef<BatchItem[]>([]);
  const runToken = useRef(0);
  /** The head the batch under way ranks with (the same for every file of it). */
  const runHead = useRef<HeadForModel | null>(null);
  const publishTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [state, setState] = useState<BatchState>({ rows: [], progress: null, running: false, listingNote: null, stopped: null, meta: null });

  const publish = useCallback((now: boolean) => {
    const flush = () => {
      publishTimer.current = null;
      setState((s) => ({ ...s, rows: [...rowsRef.current] }));
    };
    if (now) {
      if (publishTimer.current !== null) clearTimeout(publishTimer.current);
      flush();
    } else if (publishTimer.current === null) publishTimer.current = setTimeout(flush, PUBLISH_MS);
  }, []);
  useEffect(() => () => void (publishTimer.current !== null && clearTimeout(publishTimer.current)), []);

  const setRow = (id: number, patch: Partial<BatchRow>) => {
    rowsRef.current[id] = { ...rowsRef.current[id], ...patch };
  };

  /** Reads and classifies one file: the parse worker, then the model worker. The run's up, votes
   * and head are passed in (taken once at its start), so every row matches the run's record. */
  const classifyItem = useCallback(async ({ file, archiveEntry }: BatchItem, token: number, how: RunSettings): Promise<ItemResult> => {
    const { up, votes, head } = how;
    for (let attempt = 0; ; attempt++) {
      const { parseClient, modelClient } = settingsRef.current;
      const parse = parseClient.current;
      const model = modelClient.current;
      if (!parse || !model) throw new Error('The page is closing.');
      try {
        const loaded = await parse.loadFile(file, undefined, false, archiveEntry);
        const { cloud } = loaded.result;
        const result = await model.classify(cloud.positions.subarray(0, cloud.count * 3), upWithFloor(up, loaded.result.floorUp), votes ?? undefined, undefined, head ?? undefined);
        // The file's own time: reading and parsing, and the classifier's run, without the wait
        // for a model still opening (the first file's would otherwise hold the download).
        const ms = loaded.totalMs + result.timings.total;
        // The answer the one-file path shows: calibrated, for the up chosen.
        const { answer } = result;
        const top = answer.top.map(({ label, index, probability }) => ({ label, index, probability }));
        const { leftOut, warnings } = loaded.result;
        // Several objects on a floor (io/objects.ts): the answer is for them together (the warning says so).
        const notSure = answer.notSure || loaded.result.objects !== undefined;
        const { archive } = loaded.result;
        return { points: cloud.count, leftOut, warnings: warnings.length > 0 ? warnings : undefined, top, up: answer.up, notSure, ms, ...(archive ? { archive } : {}) };
      } catch (e) {
        // Once more after a worker was replaced under it, unless the batch itself was stopped.
        if (attempt === 0 && replacedWorker(e) && token === runToken.current) continue;
        throw e;
      }
    }
  }, []);

  const run = useCallback(
    async (listing: FolderListing) => {
      const token = ++runToken.current;
      const { modelId, up, votes, head } = settingsRef.current;
      runHead.current = head;
      itemsRef.current = listing.files.map((f) => ({ file: f.file }));
      rowsRef.current = listing.files.map((f, id) => ({ id, path: f.path, ...(f.label !== undefined ? { folder: f.label } : {}), status: 'queued' }));
      const items = itemsRef.current;
      /** An archive read for the first time: its row names the model read, the others are queued.
       * A data set's cloud whose label a names file beside it names (companions.ts) is scored as
       * a file in that class's folder. */
      const expandArchive = (id: number, archive: ArchiveModels) => {
        const row = rowsRef.current[id]!;
        const item = items[id]!;
        if (item.archiveEntry !== undefined || archive.models.length < 2) return;
        const names = classNamesOf(item.file);
        const folderOf = (k: number): string | undefined => {
          const label = archive.labels?.[k];
          return (names !== undefined && label !== undefined ? names[label] : undefined) ?? row.folder;
        };
        archive.models.forEach((model, k) => {
          const folder = folderOf(k);
          if (model === archive.read) {
            setRow(id, { path: archiveRowPath(row.path, model), ...(folder !== undefined ? { folder } : {}) });
            return;
          }
          items.push({ file: item.file, archiveEntry: model });
          rowsRef.current.push({ id: rowsRef.current.length, path: archiveRowPath(row.path, model), ...(folder !== undefined ? { folder } : {}), status: 'queued' });
        });
      };
      setState({
        rows: [...rowsRef.current],
        progress: null,
        running: listing.files.length > 0,
        listingNote: describeListing(listing),
        stopped: null,
        meta: { model: modelId ?? '', up, votes, started: new Date().toISOString(), ...(head ? { head: { name: head.name, classes: [...head.head.classes] } } : {}) },
      });
      if (listing.files.length === 0) return;
      const outcome = await runQueue(items, (item) => classifyItem(item, token, { up, votes, head }), {
        cancelled: () => token !== runToken.current,
        onStart: (id) => {
          setRow(id, { status: 'running' });
          publish(false);
        },
        onOutcome: (id, result) => {
          if (token !== runToken.current) return;
          if (result.ok) {
            const { archive, ...values } = result.value;
            setRow(id, { status: 'done', ...values });
            if (archive) expandArchive(id, archive);
          } else setRow(id, { status: 'failed', error: message(result.error) });
          publish(false);
        },
        onProgress: (progress) => {
          if (token === runToken.current) setState((s) => ({ ...s, progress }));
        },
      });
      if (!outcome.cancelled && token === runToken.current) {
        publish(true);
        setState((s) => ({ ...s, running: false }));
      }
    },
    [classifyItem, publish],
  );

  /** Stops before the next file; the rows done so far stay. */
  const stop = useCallback(
    (why: string) => {
      if (!state.running) return;
      runToken.current++;
      rowsRef.current = rowsRef.current.map((r) => (r.status === 'running' ? { ...r, status: 'queued' } : r));
      publish(true);
      setState((s) => ({ ...s, running: false, stopped: why }));
    },
    [state.running, publish],
  );

  const cancel = useCallback(() => {
    const done = rowsRef.current.filter((r) => r.status === 'done' || r.status === 'failed').length;
    stop(`Cancelled after ${done} of ${rowsRef.current.length} files.`);
  }, [stop]);

  // A model or head switched mid-batch would classify the rest in other classes.
  const startedWith = state.meta?.model;
  useEffect(() => {
    if (!state.running) return;
    const why = stopReason({ model: startedWith ?? null, head: runHead.current }, { model: settings.modelId, head: settings.head });
    if (why) stop(why);
  }, [settings.modelId, settings.head, startedWith, state.running, stop]);

  /** A folder or files that could not be listed: said where the listing note goes. */
  const listingFailed = useCallback((e: unknown) => {
    setState((s) => ({ ...s, listingNote: `Could not read the folder: ${message(e)}` }));
  }, []);

  /** The file of a row (and the model of an archive it is), to open it again in the viewer. */
  const itemOf = useCallback((id: number): BatchItem | null => itemsRef.current[id] ?? null, []);

  return { state, run, cancel, itemOf, listingFailed };
}
