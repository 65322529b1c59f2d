// The "Open" panel: the file picker, the drop hint, the formats read (by name), and the loading status
// (the stage, bytes read, and a Cancel button).
import { ACCEPTED_EXTENSIONS, FORMATS } from '../io/formats';
import { FilePickerButton } from './DropZone';
import { formatBytes } from './numbers';
import type { LoadingState } from './useLoadedFile';

function statusText({ fileName, progress }: LoadingState): string {
  if (progress?.stage === 'read') {
    const share = progress.total > 0 ? ` ${Math.floor((progress.loaded / progress.total) * 100)} %` : '';
    return `Reading ${fileName}…${share} (${formatBytes(progress.loaded)})`;
  }
  if (progress?.stage === 'parse') return `Parsing ${fileName}…`;
  if (progress?.stage === 'view') return `Preparing the view of ${fileName}…`;
  return `Loading ${fileName}…`;
}

interface Props {
  loading: LoadingState | null;
  onFile: (file: File) => void;
  onCancel: () => void;
}

/** The file being loaded and its Cancel button (also under the batch panel, for a row opened in the
 * viewer). The button sits beside the text, at the row's top, not below it: the text changes with
 * every progress report and wraps to one line or two, which moved a button below it up and down
 * while the load ran, so a click (a person's, or Playwright's under load) could land on the text. */
export function LoadStatus({ loading, onCancel }: Pick<Props, 'loading' | 'onCancel'>) {
  return (
    <div className="load-status">
      <p className="status" role="status" data-testid="status" data-stage={loading?.progress?.stage ?? ''}>
        {loading ? statusText(loading) : ''}
      </p>
      {loading && (
        <button type="button" data-testid="cancel-load" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

export function OpenPanel({ loading, onFile, onCancel }: Props) {
  return (
    <section className="panel" aria-labelledby="open-title">
      <h2 id="open-title">Open</h2>
      <FilePickerButton onFile={onFile} />
      <p className="hint">or drop a file anywhere on this page</p>
      {/* The formats by name (their 40-odd extensions in the tooltip). */}
      <p className="hint muted" title={ACCEPTED_EXTENSIONS.join(' ')}>
        {FORMATS.map((f) => f.label).join(', ')}
      </p>
      <LoadStatus loading={loading} onCancel={onCancel} />
    </section>
  );
}
