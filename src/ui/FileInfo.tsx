// What was loaded. Counts carry their plain value in data-value for tests.
import type { LoadedFile } from '../worker/client';
import { formatLabel } from '../io/formats';
import { ArchivePicker } from './ArchivePicker';
import { ObjectPicker } from './ObjectPicker';
import type { ObjectAnswer } from './useObjectAnswers';
import { formatBytes, formatCoordinate, formatCount, formatMs } from './numbers';

export interface LoadedEntry extends LoadedFile {
  /** The file itself (its name and size are shown; it is read again to keep every point, or not). */
  file: File;
  /** Read with the loaders' clean-up off (stray pieces, a floor and walls kept). */
  keptEveryPoint: boolean;
}

const AXES = ['x', 'y', 'z'] as const;

interface Props {
  entry: LoadedEntry;
  onKeepEveryPoint: (keep: boolean) => void;
  /** Reads another model of the archive shown. */
  onArchiveModel: (entry: string) => void;
  /** The object of several on a floor shown alone (1-based), or null: the whole file. */
  object: number | null;
  onObject: (object: number | null) => void;
  /** Each object's answer alone (useObjectAnswers). */
  objectAnswers?: readonly (ObjectAnswer | undefined)[] | null;
}

export function FileInfo({ entry, onKeepEveryPoint, onArchiveModel, object, onObject, objectAnswers }: Props) {
  const { result } = entry;
  // The file's own coordinates: a far-off shape is held relative to an origin (io/origin.ts).
  const shift = result.offset ?? [0, 0, 0];
  const min = result.bounds.min.map((v, i) => v + shift[i]!);
  const max = result.bounds.max.map((v, i) => v + shift[i]!);
  return (
    <section className="panel" aria-labelledby="file-info-title" data-testid="file-info">
      <h2 id="file-info-title">File</h2>
      <p className="file-name" data-testid="file-name" title={entry.file.name}>
        {entry.file.name}
      </p>
      {result.archive && result.archive.models.length > 1 && <ArchivePicker archive={result.archive} batch={result.format === 'npy' || result.format === 'hdf5'} onModel={onArchiveModel} />}
      <dl className="facts">
        <dt>Format</dt>
        <dd data-testid="format" data-value={result.format}>
          {formatLabel(result.format)} {result.kind === 'mesh' ? 'mesh' : 'point cloud'} · {formatBytes(entry.file.size)}
        </dd>
        <dt>{result.kind === 'mesh' ? 'Sampled points' : 'Points'}</dt>
        <dd data-testid="point-count" data-value={result.cloud.count}>
          {formatCount(result.cloud.count)}
        </dd>
        {result.kind === 'mesh' && (
          <>
            <dt>Vertices</dt>
            <dd data-testid="vertex-count" data-value={result.vertexCount}>
              {formatCount(result.vertexCount)}
            </dd>
            <dt>Faces</dt>
            <dd data-testid="face-count" data-value={result.faceCount}>
              {formatCount(result.faceCount)}
            </dd>
          </>
        )}
        <dt>Colours</dt>
        <dd data-testid="has-colors">{result.cloud.colors ? 'from the file' : 'none'}</dd>
        <dt>Load time</dt>
        <dd data-testid="load-time" data-value={entry.totalMs.toFixed(1)}>
          {formatMs(entry.totalMs)}
        </dd>
        <dt>Parsing</dt>
        <dd data-testid="parse-time" data-value={entry.parseMs.toFixed(1)}>
          {formatMs(entry.parseMs)} <span className="muted">in the worker</span>
        </dd>
      </dl>
      <table className="bounds" data-testid="bounds">
        <caption>Bounds</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">min</th>
            <th scope="col">max</th>
            <th scope="col">size</th>
          </tr>
        </thead>
        <tbody>
          {AXES.map((axis, i) => (
            <tr key={axis}>
              <th scope="row">{axis}</th>
              <td>{formatCoordinate(min[i]!)}</td>
              <td>{formatCoordinate(max[i]!)}</td>
              <td>{formatCoordinate(result.bounds.max[i]! - result.bounds.min[i]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.warnings.length > 0 && (
        <div className="warnings" data-testid="warnings">
          <h3>Warnings</h3>
          <ul>
            {result.warnings.map((warning, i) => (
              <li key={i}>{warning}</li>
            ))}
          </ul>
        </div>
      )}
      {result.objects && <ObjectPicker objects={result.objects} total={result.cloud.count} onFloor={result.floorUp !== undefined} object={object} onObject={onObject} answers={objectAnswers ?? undefined} />}
      {/* Offered when the clean-up left points out, and kept once chosen, so it can be undone: the
          file is read again either way. */}
      {(result.leftOut !== undefined || entry.keptEveryPoint) && (
        <button
          type="button"
          className="keep-every-point"
          data-testid="keep-every-point"
          aria-pressed={entry.keptEveryPoint}
          onClick={() => onKeepEveryPoint(!entry.keptEveryPoint)}
        >
          {entry.keptEveryPoint ? 'Leave out stray pieces, the floor and walls again' : 'Keep every point of the file'}
        </button>
      )}
    </section>
  );
}
