// The "Open" panel: the file picker, the drop hint, the formats read, and the loading status.
import { ACCEPTED_EXTENSIONS } from '../io/formats';
import { FilePickerButton } from './DropZone';

export function OpenPanel({ loading, onFile }: { loading: string | null; onFile: (file: File) => void }) {
  return (
    <section className="panel" aria-labelledby="open-title">
      <h2 id="open-title">Open</h2>
      <FilePickerButton onFile={onFile} />
      <p className="hint">or drop a file anywhere on this page</p>
      <p className="hint muted">{ACCEPTED_EXTENSIONS.join(' ')}</p>
      <p className="status" role="status" data-testid="status">
        {loading ? `Loading ${loading}…` : ''}
      </p>
    </section>
  );
}
