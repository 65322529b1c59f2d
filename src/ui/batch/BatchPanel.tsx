// The batch mode's side panel: pick a folder (the browser's directory picker, else a webkitdirectory
// input) or many files, the progress (n of N, time left, Cancel), what the listing left out, and
// the downloads; and which classes the files are classified into (a taught head's or the model's).
import { useRef, useState, type ReactNode } from 'react';
import type { QueueProgress } from '../../batch/queue';
import { directoryPicker, isPickerAbort, listDirectoryHandle, listFileList, type FolderListing } from '../../files/folder';
import { ACCEPT } from '../../io/formats';
import { formatCount } from '../numbers';
import type { BatchState } from './useBatch';

interface Props {
  state: BatchState;
  /** The classes the batch ranks, in words (batch/batchClasses.ts). */
  classes: string;
  /** They are a taught head's. */
  headInUse: boolean;
  onListing: (listing: FolderListing) => void;
  onCancel: () => void;
  onDownload: (kind: 'csv' | 'json') => void;
  /** The loading line of a row opened in the viewer. */
  loadStatus: ReactNode;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function progressText({ done, total, leftMs }: QueueProgress): string {
  const left = leftMs === null ? '' : ` · about ${formatDuration(leftMs)} left`;
  return `${formatCount(done)} of ${formatCount(total)}${left}`;
}

function finishedText(state: BatchState): string {
  const { rows, progress } = state;
  const failed = rows.filter((r) => r.status === 'failed').length;
  const done = rows.filter((r) => r.status === 'done').length;
  const speed = progress && progress.elapsedMs > 0 ? ` (${((progress.done / progress.elapsedMs) * 1000).toFixed(2)} files/s)` : '';
  const time = progress ? ` in ${formatDuration(progress.elapsedMs)}${speed}` : '';
  return `${formatCount(done)} classified${failed ? `, ${formatCount(failed)} failed` : ''}${time}.`;
}

export function BatchPanel({ state, classes, headInUse, onListing, onCancel, onDownload, loadStatus }: Props) {
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const hasResults = state.rows.some((r) => r.status === 'done' || r.status === 'failed');

  const fromInput = (input: HTMLInputElement) => {
    const files = Array.from(input.files ?? []);
    // Cleared so picking the same folder again still fires a change.
    input.value = '';
    if (files.length === 0) return;
    setPickError(null);
    void listFileList(files).then(onListing, (e: unknown) => setPickError(`Could not read the folder: ${e instanceof Error ? e.message : String(e)}`));
  };

  const pickFolder = async () => {
    setPickError(null);
    const picker = directoryPicker();
    if (!picker) {
      folderInput.current?.click();
      return;
    }
    try {
      onListing(await listDirectoryHandle(await picker({ mode: 'read' })));
    } catch (e) {
      if (!isPickerAbort(e)) setPickError(`Could not read the folder: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <section className="panel batch-panel" aria-labelledby="batch-title">
      <h2 id="batch-title">Classify many files</h2>
      <div className="batch-pick">
        <button type="button" className="primary" onClick={() => void pickFolder()}>
          Choose a folder…
        </button>
        <button type="button" onClick={() => filesInput.current?.click()}>
          Choose files…
        </button>
      </div>
      <input ref={folderInput} type="file" hidden multiple {...{ webkitdirectory: '' }} data-testid="batch-folder-input" onChange={(e) => fromInput(e.currentTarget)} />
      <input ref={filesInput} type="file" hidden multiple accept={ACCEPT} data-testid="batch-files-input" onChange={(e) => fromInput(e.currentTarget)} />
      <p className="hint">or drop a folder or several files anywhere on this page.</p>
      <p className="hint" data-testid="batch-classes" data-head={headInUse}>
        Classified into {classes}.
      </p>
      <p className="hint muted">Files in sub-folders named after classes (chair/, table/, …) are scored: accuracy and a confusion matrix.</p>
      {pickError && (
        <p className="batch-warning" role="alert">
          {pickError}
        </p>
      )}
      {state.listingNote && (
        <p className="hint" data-testid="batch-listing">
          {state.listingNote}
        </p>
      )}
      {state.progress && (
        <div className="batch-progress" data-testid="batch-progress" data-done={state.progress.done} data-total={state.progress.total} data-running={state.running}>
          <progress max={state.progress.total} value={state.progress.done} aria-label="Files classified" />
          <p className="status" role="status">
            {state.running ? progressText(state.progress) : (state.stopped ?? finishedText(state))}
          </p>
          {state.running && (
            <button type="button" data-testid="batch-cancel" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      )}
      {!state.progress && state.stopped && <p className="status">{state.stopped}</p>}
      <div className="batch-downloads">
        <button type="button" data-testid="batch-csv" disabled={!hasResults} onClick={() => onDownload('csv')}>
          Download CSV
        </button>
        <button type="button" data-testid="batch-json" disabled={!hasResults} onClick={() => onDownload('json')}>
          Download JSON
        </button>
      </div>
      {loadStatus}
    </section>
  );
}
