// A file too large to hold (over LIMITS.maxFileBytes), read a slice at a time by the formats that
// can be: a binary PLY of vertices alone (largePly.ts: Gaussian-splat captures), an E57 scan
// (e57.ts, parseE57Sliced: terrestrial scans run to gigabytes) and a LAS file (las.ts,
// parseLasSliced: aerial surveys; a LAZ one up to LIMITS.maxLazBytes), a PCD (largePcd.ts:
// mapping clouds), a point list as text (largeText.ts: scans exported as XYZ / TXT / PTS) and an
// HDF5 data set (hdf5.ts, parseHdf5Sliced: by pages, the cloud asked for). Others are refused for
// their size.
import { parseBlendSliced } from './blendLarge';
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
import type { FormatId } from './formats';
import { LoadError, type LoadResult, type Parsed, type ReadRange } from './types';

/** The sliced readers, by format; `entry` names the cloud of a file of several (an HDF5 batch). */
type Sliced = (size: number, read: ReadRange, how: { onRead?: (loaded: number) => void; entry?: string }) => Promise<Parsed>;
const SLICED: Partial<Record<FormatId, Sliced>> = {
  e57: (size, read, { onRead }) => parseE57Sliced(size, read, onRead),
  las: (size, read, { onRead }) => parseLasSliced(size, read, onRead),
  xyz: (size, read, { onRead }) => parseXyzSliced(size, read, onRead),
  pcd: (size, read, { onRead }) => parsePcdSliced(size, read, onRead),
  hdf5: (size, read, { entry }) => parseHdf5Sliced(size, read, entry),
  blend: (size, read) => parseBlendSliced(size, read),
};

/** Loads a file of `size` bytes over LIMITS.maxFileBytes through `read`, as loadFile would if it
 * could hold the file (one point in k past each reader's cap); of a file of several clouds (an HDF5
 * batch), the one `archiveEntry` names. */
export async function loadLargeFile(name: string, size: number, read: ReadRange, options: LargePlyOptions & { archiveEntry?: string } = {}): Promise<LoadResult> {
  const head = await read(0, Math.min(size, 1024 * 1024));
  const { entry, warnings } = chooseFormat(name, head);
  const sliced = SLICED[entry.id];
  if (sliced === undefined) return loadLargePly(name, size, read, options);
  if (size > LIMITS.maxLargeScanBytes) throw new LoadError(entry.id, 'too-large', largeScanRefusal(size));
  if (entry.id === 'las' && isLaz(head)) await lazReady();
  const parsed = await sliced(size, read, { ...(options.onRead ? { onRead: options.onRead } : {}), ...(options.archiveEntry === undefined ? {} : { entry: options.archiveEntry }) });
  parsed.warnings.unshift(...warnings);
  return finish(entry.id, parsed, { meshSamples: LIMITS.defaultMeshSamples, seed: 0, keepEveryPoint: options.keepEveryPoint === true });
}
