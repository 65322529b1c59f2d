// HDF5 (.h5, .hdf5): how point-cloud research hands out its data sets: ModelNet40 as PointNet's
// `ply_data_test0.h5` (a dataset `data` of 2048 points per shape, N x 2048 x 3, and `label`),
// ScanObjectNN's real scans, ShapeNetPart; and single clouds saved with h5py. Written from the
// HDF5 file format specification (version 3.0), the parts h5py and the HDF5 library write:
//   - superblocks 0 to 3 (found at byte 0, 512, 1024, ... when a user block comes first);
//   - object headers version 1 and 2, with their continuation blocks;
//   - groups as symbol tables (a B-tree of symbol nodes and a local heap; h5py's default) and as
//     link messages (libver='latest'); groups with dense link storage are refused;
//   - datasets' dataspace, datatype (integers and IEEE floats, either byte order), filter pipeline
//     and layout: compact, contiguous, and chunked with a version 1 B-tree (h5py's default), or
//     (layout version 4) one chunk, implicit, or a fixed array that is not paged;
//   - filters: deflate (gzip), shuffle, Fletcher-32 (checked) and LZF (h5py's); others refused
//     by name.
// The dataset read is the one named like a cloud (`data`, `points`, ...) or the largest array of
// rows of 3 to 16 values; a batch of clouds (N x P x C) is read one cloud at a time, only the
// chunks holding it unpacked, each cloud a model of the file (as an archive's are), named with its
// label when a `label` dataset gives one ("data[17] (label 8)"). The structures are read by
// hdf5Objects.ts, the values by hdf5Values.ts, the filters undone by hdf5Filters.ts. A file over
// LIMITS.maxFileBytes (ScanObjectNN's augmented training split is 1.1 GB) is read by pages
// (parseHdf5Sliced): only its structures and the chunks of the cloud asked for.
import { Bytes, type Dataset, Pages, PagesNeeded, fail, superblock, walk } from './hdf5Objects';
import { readRows } from './hdf5Values';
import { LIMITS, formatBytes, formatCount } from './limits';
import { arrayCloud, batchOf, inBatch } from './npy';
import { quote } from './text';
import { LoadError, type Parsed, type ReadRange } from './types';

/** Bytes a file over LIMITS.maxFileBytes is read by (a page of it at a time, as a parse asks). */
export const HDF5_PAGE_BYTES = 256 * 1024;

/** Names a cloud's dataset goes by, preferred in this order (as .npz arrays: npy.ts). */
const CLOUD_NAMES = ['data', 'points', 'point_cloud', 'pointcloud', 'cloud', 'pc', 'xyz', 'pos', 'positions', 'coords', 'vertices', 'verts'];
const LABEL_NAMES = ['label', 'labels', 'class', 'classes', 'y'];

/** Whether a dataset's shape holds points: rows of 3 to 16 values (or channels first), one cloud
 * or a batch of them. */
function looksLikePoints(shape: readonly number[]): boolean {
  const dims = shape.filter((d, i) => !(d === 1 && i < shape.length - 2));
  if (dims.length < 2 || dims.length > 3) return false;
  const [a, b] = dims.slice(-2) as [number, number];
  return (b >= 3 && b <= 16 && a >= 1) || (a >= 3 && a <= 16 && b > a);
}

/** An HDF5 file's cloud; of a batch of clouds, the one `entry` names (default the first). */
export function parseHdf5(bytes: Uint8Array | Pages, entry?: string): Parsed {
  try {
    return readHdf5(new Bytes(bytes), entry);
  } catch (error) {
    // A structure pointing outside the file that no check above caught reads past a DataView's end.
    if (error instanceof RangeError) throw fail('malformed', `the file is damaged or cut short (a structure points past its end: ${error.message})`);
    throw error;
  }
}

function readHdf5(b: Bytes, entry?: string): Parsed {
  const root = superblock(b);
  const { datasets, skipped } = walk(b, root);
  const numeric = datasets.filter((d) => looksLikePoints(d.shape));
  if (numeric.length === 0) {
    const listed = [...datasets.map((d) => `${quote(d.path)} (${d.shape.join(' x ') || 'a single value'})`), ...skipped];
    throw fail('unsupported', listed.length === 0 ? 'the file holds no datasets' : `no dataset holds points as rows of x, y, z (it holds ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ', ...' : ''})`);
  }
  const base = (d: Dataset) => d.path.slice(d.path.lastIndexOf('/') + 1).toLowerCase();
  const named = CLOUD_NAMES.map((n) => numeric.find((d) => base(d) === n)).find((d) => d !== undefined);
  const size = (d: Dataset) => d.shape.reduce((n, v) => n * v, 1);
  const chosen = named ?? [...numeric].sort((x, y) => size(y) - size(x))[0]!;
  const where = `the dataset ${quote(chosen.path)} `;
  const warnings = numeric.length > 1 ? [`HDF5: read the dataset ${quote(chosen.path)} of ${numeric.map((d) => quote(d.path)).join(', ')}`] : [];
  const batch = batchOf('hdf5', chosen.shape, where);
  if (!batch) {
    const rows = chosen.shape[0] ?? 1;
    const parsed = arrayCloud('hdf5', { shape: chosen.shape, fortran: false, dtype: chosen.dtype, view: readRows(b, chosen, 0, rows, where.trim()) }, where);
    parsed.warnings.unshift(...warnings);
    return parsed;
  }
  // A batch: the first axis (leading axes of length 1 aside) counts the clouds.
  const lead = chosen.shape.length - 3;
  if (lead > 0) throw fail('unsupported', `${where}has shape (${chosen.shape.join(', ')}); save the clouds as N x P x 3 (without the leading axes of length 1)`);
  const labels = labelsOf(b, datasets, batch.count, chosen);
  const names = Array.from({ length: batch.count }, (_, i) => `${chosen.path}[${i}]${labels ? ` (label ${labels[i]})` : ''}`);
  const index = entry === undefined ? 0 : names.indexOf(entry);
  if (index < 0) throw fail('unsupported', `${where}holds no cloud ${quote(entry!, 80)} (it holds ${names[0]} to ${names.at(-1)})`);
  const view = readRows(b, chosen, index, index + 1, where.trim());
  const parsed = inBatch(arrayCloud('hdf5', { shape: batch.cloudShape, fortran: false, dtype: chosen.dtype, view }, where), 'HDF5', chosen.shape, names, index);
  parsed.warnings.splice(1, 0, ...warnings);
  return labels ? { ...parsed, archive: { ...parsed.archive!, labels } } : parsed;
}

/** An HDF5 file too large to hold (over LIMITS.maxFileBytes), read by pages: parsed as a whole
 * file is, and whenever the parse reaches pages not read yet, those are read and it starts again
 * (the structures are small and lie together; a cloud's rows are one or a few chunks, asked for at
 * once). At most LIMITS.maxFileBytes of the file are read for one cloud. */
export async function parseHdf5Sliced(size: number, read: ReadRange, entry?: string, pageBytes = HDF5_PAGE_BYTES): Promise<Parsed> {
  const pages = new Pages(size, pageBytes);
  for (;;) {
    try {
      return parseHdf5(pages, entry);
    } catch (error) {
      if (!(error instanceof PagesNeeded)) throw error;
      if ((pages.held.size + error.pages.length) * pageBytes > LIMITS.maxFileBytes) {
        throw new LoadError('hdf5', 'too-large', `reading its cloud needs more than ${formatBytes(LIMITS.maxFileBytes)} of the file's ${formatBytes(size)} (LIMITS.maxFileBytes); save the clouds in a file of their own, or in a smaller one`);
      }
      for (const page of error.pages) {
        const from = page * pageBytes;
        const to = Math.min(size, from + pageBytes);
        const bytes = await read(from, to);
        if (bytes.length < to - from) throw fail('truncated', `the file could be read only to byte ${formatCount(from + bytes.length)} of ${formatCount(size)}`);
        pages.held.set(page, bytes);
      }
    }
  }
}

/** A batch's labels: a dataset named like labels with one integer per cloud (N or N x 1). */
function labelsOf(b: Bytes, datasets: readonly Dataset[], count: number, cloud: Dataset): number[] | null {
  const folder = cloud.path.slice(0, cloud.path.lastIndexOf('/') + 1);
  const candidates = datasets.filter((d) => LABEL_NAMES.includes(d.path.slice(d.path.lastIndexOf('/') + 1).toLowerCase()) && d.path.startsWith(folder));
  for (const d of candidates) {
    const values = d.shape.reduce((n, v) => n * v, 1);
    if (values !== count || !/[iu]/.test(d.dtype.text)) continue;
    try {
      const view = readRows(b, d, 0, d.shape[0] ?? 1, quote(d.path));
      return Array.from({ length: count }, (_, i) => d.dtype.read(view, i * d.dtype.size));
    } catch (error) {
      if (error instanceof LoadError) return null; // labels are a nicety: the clouds are read without
      throw error;
    }
  }
  return null;
}
