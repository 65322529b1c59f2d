// A file of several models: an archive (io/archive.ts: a Thingiverse set of parts, a download with
// variants; the largest read first) or a batch of clouds (a NumPy or HDF5 data set: io/npy.ts,
// io/hdf5.ts; the first read first). The one read is shown; any other can be picked, and the file
// is read again for it.
import type { ArchiveModels } from '../io/types';

interface Props {
  archive: ArchiveModels;
  /** A batch of clouds (NumPy, HDF5) rather than an archive of model files. */
  batch: boolean;
  onModel: (entry: string) => void;
}

export function ArchivePicker({ archive, batch, onModel }: Props) {
  return (
    <label className="archive-models" data-testid="archive-models" data-count={archive.models.length}>
      <span>
        {batch ? 'Cloud in the data set' : 'Model in the archive'} <span className="muted">({archive.models.length.toLocaleString('en-US')}; the model knows one shape at a time)</span>
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
