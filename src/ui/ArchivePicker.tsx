// An archive of several models (io/archive.ts: a Thingiverse set of parts, a download with
// variants): the one read is shown, the largest at first; any other can be picked, and the
// archive is read again for it.
import type { ArchiveModels } from '../io/types';

interface Props {
  archive: ArchiveModels;
  onModel: (entry: string) => void;
}

export function ArchivePicker({ archive, onModel }: Props) {
  return (
    <label className="archive-models" data-testid="archive-models" data-count={archive.models.length}>
      <span>
        Model in the archive <span className="muted">({archive.models.length}; the model knows one shape at a time)</span>
      </span>
      <select value={archive.read} data-testid="archive-model" onChange={(e) => onModel(e.target.value)}>
        {archive.models.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
