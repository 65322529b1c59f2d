// The batch mode put together for App.tsx: the batch (useBatch) over the page's own workers, its
// summary against its classes (a taught head's when one is in use, else the model's), the downloads, and a row opened in the viewer through the
// one-file path (the file is read again and classified there, with its attention). Returns the
// side panel and the results, which App lays out in their own places.
import { useCallback, useMemo, useState, type ReactNode, type RefObject } from 'react';
import { batchLabels, describeBatchClasses } from '../../batch/batchClasses';
import { toCsv, toJson } from '../../batch/export';
import { summarise } from '../../batch/summary';
import { listDropped, type Dropped, type FolderListing } from '../../files/folder';
import type { ModelClient } from '../../model/worker/client';
import type { HeadForModel } from '../../model/worker/protocol';
import type { ZooManifest } from '../../model/zoo';
import type { ParseClient } from '../../worker/client';
import { BatchPanel } from './BatchPanel';
import { BatchResults } from './BatchResults';
import { downloadText } from './download';
import { useBatch } from './useBatch';
import './batch.css';

interface Options {
  parseClient: RefObject<ParseClient | null>;
  modelClient: RefObject<ModelClient | null>;
  models: readonly ZooManifest[];
  modelId: string | null;
  up: Parameters<ModelClient['classify']>[1];
  votes: number | null;
  /** The taught head in use; the batch ranks its classes. */
  head: HeadForModel | null;
  /** Opens a file the one-file way (viewer, prediction, attention). */
  /** Opens a file in the viewer (an archive at the model named). */
  openFile: (file: File, archiveEntry?: string) => void;
  /** The one-file path's loading line (a row being opened), shown in the batch panel. */
  loadStatus: ReactNode;
}

export function useBatchMode({ parseClient, modelClient, models, modelId, up, votes, head, openFile, loadStatus }: Options) {
  const batch = useBatch({ parseClient, modelClient, modelId, up, votes, head });
  const { state, run, itemOf, listingFailed } = batch;
  const [opened, setOpened] = useState<number | null>(null);

  // The rows' indices point into the classes the batch ran with: its head's, else its model's.
  // Before a batch (no meta), the ones the next batch would use.
  const batchModel = state.meta?.model || modelId;
  const batchHead = useMemo(() => (state.meta ? (state.meta.head ?? null) : head ? { name: head.name, classes: head.head.classes } : null), [state.meta, head]);
  const modelClasses = useMemo(() => models.find((m) => m.id === batchModel)?.classes ?? [], [models, batchModel]);
  const labels = useMemo(() => batchLabels(batchHead, modelClasses), [batchHead, modelClasses]);
  const summary = useMemo(() => summarise(state.rows, labels), [state.rows, labels]);

  const start = useCallback(
    (listing: FolderListing) => {
      setOpened(null);
      void run(listing);
    },
    [run],
  );

  /** A drop of a folder or several files (WindowDropTarget); read here, after the drop event. */
  const startDropped = useCallback((dropped: Dropped) => void listDropped(dropped).then(start, listingFailed), [start, listingFailed]);

  const openRow = useCallback(
    (id: number) => {
      const item = itemOf(id);
      if (!item) return;
      setOpened(id);
      openFile(item.file, item.archiveEntry);
    },
    [itemOf, openFile],
  );

  const download = (kind: 'csv' | 'json') => {
    const stamp = (state.meta?.started ?? new Date().toISOString()).replace(/[:.]/g, '-');
    if (kind === 'csv') downloadText(`any2point-batch-${stamp}.csv`, toCsv(state.rows, summary?.matching.classOf), 'text/csv');
    else if (state.meta) {
      const json = toJson(state.rows, state.meta, labels, summary?.accuracy ?? null, summary ? summary.confusion : null);
      downloadText(`any2point-batch-${stamp}.json`, `${JSON.stringify(json, null, 2)}\n`, 'application/json');
    }
  };

  return {
    startDropped,
    panel: <BatchPanel state={state} classes={describeBatchClasses(batchHead, modelClasses)} headInUse={batchHead !== null} onListing={start} onCancel={batch.cancel} onDownload={download} loadStatus={loadStatus} />,
    results: state.rows.length > 0 ? <BatchResults rows={state.rows} labels={labels} head={batchHead} summary={summary} selected={opened} onOpen={openRow} /> : null,
  };
}
