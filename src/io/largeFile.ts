// A file too large to hold (over LIMITS.maxFileBytes), read a slice at a time by the formats that
// can be: a binary PLY of vertices alone (largePly.ts: Gaussian-splat captures), an E57 scan
// (e57.ts, parseE57Sliced: terrestrial scans run to gigabytes) and a LAS file (las.ts,
// parseLasSliced: aerial surveys; a LAZ one up to LIMITS.maxLazBytes), a PCD (largePcd.ts:
// mapping clouds), a point list as text (largeText.ts: scans exported as XYZ / TXT / PTS) and an
// HDF5 data set (hdf5.ts, parseHdf5Sliced: by pages, the cloud asked for). Others are refused for
// their size.
import { parseE57Sliced } from './e57';
import { finish } from './finish';
import { parseHdf5Sliced } from './hdf5';
import { type LargePlyOptions, loadLargePly } from './largePly';
import { parseLasSliced } from './las';
import { parsePcdSliced } from './largePcd';
import { isLaz, lazReady } from './laz';
import { parseXyzSliced } from './largeText';
import { LIMITS, largeScanRefusal } from './limits';
import { chooseFormat } from './sniff';
import { LoadError, type LoadResult, type ReadRange } from './types';

/** Loads a file of `size` bytes over LIMITS.maxFileBytes through `read`, as loadFile would if it
 * could hold the file (one point in k past each reader's cap); of a file of several clouds (an HDF5
 * batch), the one `archiveEntry` names. */
export async function loadLargeFile(name: string, size: number, read: ReadRange, options: LargePlyOptions & { archiveEntry?: string } = {}): Promise<LoadResult> {
  const head = await read(0, Math.min(size, 1024 * 1024));
  const { entry, warnings } = chooseFormat(name, head);
  if (entry.id !== 'e57' && entry.id !== 'las' && entry.id !== 'xyz' && entry.id !== 'pcd' && entry.id !== 'hdf5') return loadLargePly(name, size, read, options);
  if (size > LIMITS.maxLargeScanBytes) throw new LoadError(entry.id, 'too-large', largeScanRefusal(size));
  if (entry.id === 'las' && isLaz(head)) await lazReady();
  const sliced = {
    e57: parseE57Sliced,
    las: parseLasSliced,
    xyz: parseXyzSliced,
    pcd: parsePcdSliced,
    hdf5: (bytes: number, range: ReadRange) => parseHdf5Sliced(bytes, range, options.archiveEntry),
  }[entry.id];
  const parsed = await sliced(size, read, options.onRead);
  parsed.warnings.unshift(...warnings);
  return finish(entry.id, parsed, { meshSamples: LIMITS.defaultMeshSamples, seed: 0, keepEveryPoint: options.keepEveryPoint === true });
}
