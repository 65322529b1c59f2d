// NumPy arrays: .npy (one array, as np.save writes it) and .npz (a zip of them, np.savez). What
// people who work with point clouds in Python have at hand. A .npy is a magic string, a version,
// a header that is a Python dict literal ({'descr': '<f4', 'fortran_order': False, 'shape':
// (1024, 3), }), then the values. Read here: float and integer arrays of one cloud, N x C with x,
// y, z in the first three columns and, as in XYZ files, normals or colours in the next three;
// C x N (channels first, as PyTorch code lays points out) is recognised when C is 3 to 16 and N
// larger; leading axes of length 1 (a batch of one) are dropped. A batch of several clouds
// (N x P x C, as training code and the HDF5 datasets keep them) is read a cloud at a time, each a
// model of the file as an archive's are (`inBatch`). Structured arrays and pickled objects are
// refused with what to save instead.
import { LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { FLOAT32_MAX } from './numbers';
import { Origin, storeShifted } from './origin';
import { quote } from './text';
import { LoadError, type Parsed } from './types';
import { unzipEntries } from './zip';
import { inferExtra, useExtraColumns, warnUnreadColumns } from './columns';
import type { PointCloud } from '../types/cloud';

const MAGIC = '\x93NUMPY';

/** Channels first is recognised for 3 to this many channels (x y z, normals, colours, extras). */
const MAX_CHANNELS_FIRST = 16;

/** Names an .npz's cloud goes by, in the order they are preferred when it holds several arrays. */
const CLOUD_NAMES = ['points', 'point_cloud', 'pointcloud', 'cloud', 'pc', 'xyz', 'pos', 'positions', 'coords', 'vertices', 'verts', 'data'];

export interface Dtype {
  text: string;
  size: number;
  read: (view: DataView, at: number) => number;
  /** Holds more digits than float32 keeps, so far-off coordinates are shifted (origin.ts). */
  wide: boolean;
}

export function parseDtype(descr: string): Dtype | undefined {
  const m = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  if (m === null) return undefined;
  const little = m[1] !== '>';
  const size = Number(m[3]);
  const kind = `${m[2]}${size}`;
  const readers: Record<string, (v: DataView, at: number) => number> = {
    f2: (v, at) => half(v.getUint16(at, little)),
    f4: (v, at) => v.getFloat32(at, little),
    f8: (v, at) => v.getFloat64(at, little),
    i1: (v, at) => v.getInt8(at),
    u1: (v, at) => v.getUint8(at),
    i2: (v, at) => v.getInt16(at, little),
    u2: (v, at) => v.getUint16(at, little),
    i4: (v, at) => v.getInt32(at, little),
    u4: (v, at) => v.getUint32(at, little),
    i8: (v, at) => Number(v.getBigInt64(at, little)),
    u8: (v, at) => Number(v.getBigUint64(at, little)),
  };
  const read = readers[kind];
  if (read === undefined) return undefined;
  return { text: descr, size, read, wide: ['f8', 'i4', 'u4', 'i8', 'u8'].includes(kind) };
}

/** IEEE half precision to a number. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const shapeText = (shape: readonly number[]): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

interface Layout {
  points: number;
  columns: number;
  /** Flat index of a point's column. */
  index: (point: number, column: number) => number;
  note?: string;
}

/** How an array's shape holds one cloud (a batch is sliced to one cloud before). */
function layoutOf(format: ArrayFormat, shape: readonly number[], fortran: boolean, where: string): Layout {
  const dims = [...shape];
  while (dims.length > 2 && dims[0] === 1) dims.shift();
  if (dims.length === 0) throw new LoadError(format, 'malformed', `${where}is a single number (shape ()), not a cloud of x, y, z rows`);
  if (dims.length === 1) {
    throw new LoadError(format, 'unsupported', `${where}is a flat array of ${formatCount(dims[0]!)} values; save the points as rows of x, y, z (e.g. a.reshape(-1, 3))`);
  }
  if (dims.length > 3) throw new LoadError(format, 'unsupported', `${where}has shape ${shapeText(shape)}; a cloud is N x 3 (x, y, z rows)`);
  const [a, b] = dims as [number, number];
  const flat = (r: number, c: number): number => (fortran ? r + c * a : r * b + c);
  if (a >= 3 && a <= MAX_CHANNELS_FIRST && b > a) {
    return {
      points: b,
      columns: a,
      index: (p, c) => flat(c, p),
      note: `is read as channels first (shape ${shapeText(shape)}: ${a} rows of ${formatCount(b)} values, x y z first), as PyTorch code lays points out`,
    };
  }
  if (b < 3) throw new LoadError(format, 'malformed', `${where}has shape ${shapeText(shape)}: rows of ${b} value${b === 1 ? '' : 's'}; each point needs x, y, z`);
  return { points: a, columns: b, index: flat };
}

/** One .npy file's cloud; `where` names the array in an .npz ("the array 'points' "). A batch of
 * clouds gives the one `entry` names (`name`[i]; default the first). */
function readArray(bytes: Uint8Array, where = 'the array ', name = 'clouds', entry?: string): Parsed {
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (magic !== MAGIC) throw new LoadError('npy', 'malformed', `${where === 'the array ' ? 'the file ' : where}does not start with NumPy's "\\x93NUMPY" (every .npy file does)`);
  if (bytes.length < 10) throw new LoadError('npy', 'truncated', `${where}ends inside its header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new LoadError('npy', 'unsupported', `${where}is .npy format version ${major}.${bytes[7]}; versions 1 to 3 are read`);
  const headerLength = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : Infinity;
  const dataAt = (major === 1 ? 10 : 12) + headerLength;
  if (dataAt > bytes.length) throw new LoadError('npy', 'truncated', `${where}ends inside its header (${formatCount(bytes.length)} bytes)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(major === 1 ? 10 : 12, dataAt));

  if (/'descr'\s*:\s*\[/.test(header)) {
    throw new LoadError('npy', 'unsupported', `${where}is a structured array (named fields); save x, y, z as a plain N x 3 array, e.g. np.stack([a['x'], a['y'], a['z']], axis=1)`);
  }
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeMatch === undefined) {
    throw new LoadError('npy', 'malformed', `${where}has a header without 'descr', 'fortran_order' and 'shape': ${quote(header.trim(), 80)}`);
  }
  const shape = shapeMatch.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new LoadError('npy', 'malformed', `${where}has shape (${shapeMatch}), not a tuple of sizes`);
  const dtype = parseDtype(descr);
  if (dtype === undefined) {
    const what = descr.includes('O') ? 'Python objects (pickled), which are not read' : `values of type '${descr}'; floats and integers are read`;
    throw new LoadError('npy', 'unsupported', `${where}holds ${what}`);
  }
  const values = shape.reduce((n, d) => n * d, 1);
  if (values === 0) throw new LoadError('npy', 'empty', `${where}has shape ${shapeText(shape)}: no points`);
  const needed = values * dtype.size;
  const have = bytes.length - dataAt;
  if (have < needed) {
    throw new LoadError('npy', 'truncated', `${where}has shape ${shapeText(shape)} of '${descr}' (${formatCount(needed)} bytes of values), but the file ends after ${formatCount(have)}`);
  }
  if (have > needed) {
    throw new LoadError('npy', 'malformed', `${where}has shape ${shapeText(shape)} of '${descr}' (${formatCount(needed)} bytes of values), but ${formatCount(have)} follow the header (${formatCount(have - needed)} more)`);
  }
  const data = new DataView(bytes.buffer, bytes.byteOffset + dataAt, needed);
  const batch = batchOf('npy', shape, where);
  if (!batch) return arrayCloud('npy', { shape, fortran: fortran === 'True', dtype, view: data }, where);
  if (fortran === 'True') throw new LoadError('npy', 'unsupported', `${where}has shape ${shapeText(shape)} in Fortran order: ${formatCount(batch.count)} clouds; save it in C order (np.ascontiguousarray)`);
  const names = Array.from({ length: batch.count }, (_, i) => `${name}[${i}]`);
  const index = entry === undefined ? 0 : names.indexOf(entry);
  if (index < 0) throw new LoadError('npy', 'unsupported', `${where}holds no cloud ${quote(entry!, 80)} (it holds ${names[0]} to ${names.at(-1)})`);
  const cloudBytes = batch.cloudValues * dtype.size;
  const cloud = new DataView(data.buffer, data.byteOffset + index * cloudBytes, cloudBytes);
  return inBatch(arrayCloud('npy', { shape: batch.cloudShape, fortran: false, dtype, view: cloud }, where), 'NumPy', shape, names, index);
}

/** A numeric array as a reader hands it over: its shape, order, value type and values. */
export interface NumericArray {
  shape: readonly number[];
  fortran: boolean;
  dtype: Dtype;
  view: DataView;
}

/** The formats whose arrays are read here (HDF5's datasets too: hdf5.ts). */
export type ArrayFormat = 'npy' | 'hdf5';

/** A batch of clouds, (N, P, C) or (N, C, P) with N > 1 (leading axes of length 1 dropped): how
 * many, and one cloud's shape and number of values; null for any other shape; refused past
 * LIMITS.maxBatchClouds clouds. */
export function batchOf(format: ArrayFormat, shape: readonly number[], where: string): { count: number; cloudShape: number[]; cloudValues: number } | null {
  const dims = [...shape];
  while (dims.length > 3 && dims[0] === 1) dims.shift();
  if (dims.length !== 3 || dims[0]! <= 1) return null;
  if (dims[0]! > LIMITS.maxBatchClouds) {
    throw new LoadError(format, 'too-large', `${where}has shape ${shapeText(shape)}: ${formatCount(dims[0]!)} clouds; the limit is ${formatCount(LIMITS.maxBatchClouds)} clouds a file (LIMITS.maxBatchClouds): split it`);
  }
  return { count: dims[0]!, cloudShape: dims.slice(1), cloudValues: dims[1]! * dims[2]! };
}

/** The cloud `index` of a batch read as one of the file's models: the others named for the File
 * panel, Batch's rows and the CLI's --archive-models (as an archive's models are). */
export function inBatch(parsed: Parsed, label: string, shape: readonly number[], names: string[], index: number): Parsed {
  parsed.warnings.unshift(
    `${label}: the array holds ${formatCount(names.length)} clouds (shape ${shapeText(shape)}); read ${quote(names[index]!, 80)} (pick another under File; Batch gives each its row; the CLI's --archive-models classifies each)`,
  );
  return { ...parsed, archive: { models: names, read: names[index]! } };
}

/** One cloud of x, y, z rows (or channels first) from a numeric array; `where` names the array in
 * messages ("the array 'points' "). */
export function arrayCloud(format: ArrayFormat, array: NumericArray, where: string): Parsed {
  const { shape, dtype, view } = array;
  const label = format === 'npy' ? 'NumPy' : 'HDF5';
  const layout = layoutOf(format, shape, array.fortran, where);
  if (layout.points === 0) throw new LoadError(format, 'empty', `${where}has shape ${shapeText(shape)}: no points`);
  if (layout.points > LIMITS.maxPoints) throw new LoadError(format, 'too-large', `${where}has ${formatCount(layout.points)} points; ${POINT_LIMIT_TEXT}`);
  const { points, columns, index } = layout;
  const value = (p: number, c: number): number => dtype.read(view, index(p, c) * dtype.size);
  const origin = new Origin();
  const positions = new Float32Array(points * 3);
  for (let p = 0; p < points; p++) {
    const x = value(p, 0);
    const y = value(p, 1);
    const z = value(p, 2);
    if (Math.abs(x) > FLOAT32_MAX || Math.abs(y) > FLOAT32_MAX || Math.abs(z) > FLOAT32_MAX) {
      const bad = [x, y, z].findIndex((v) => Math.abs(v) > FLOAT32_MAX && Number.isFinite(v));
      if (bad >= 0) throw new LoadError(format, 'float-range', `${where}point ${p}: ${'xyz'[bad]} = ${[x, y, z][bad]} is out of float32 range (largest magnitude 3.4028235e38)`);
    }
    if (dtype.wide) storeShifted(origin, positions, p, x, y, z);
    else {
      positions[3 * p] = x;
      positions[3 * p + 1] = y;
      positions[3 * p + 2] = z;
    }
  }
  const cloud: PointCloud = { positions, count: points };
  const warnings: string[] = [];
  if (layout.note !== undefined) warnings.push(`${label}: ${where}${layout.note}`);
  if (columns >= 6) {
    const extra = new Float32Array(points * 3);
    for (let p = 0; p < points; p++) for (let c = 0; c < 3; c++) extra[3 * p + c] = value(p, 3 + c);
    useExtraColumns(label, cloud, extra, inferExtra(extra, points), warnings);
  }
  warnUnreadColumns(label, columns, warnings);
  return { kind: 'points', cloud, fileVertexCount: points, warnings, offset: origin.offset };
}

/** An .npz: the one array it holds, or the one named like a cloud. */
function readArchive(bytes: Uint8Array, entry?: string): Parsed {
  const { files } = unzipEntries('npy', bytes, (name) => name.endsWith('.npy'), 'arrays', 'the .npz (zip)');
  const names = Object.keys(files).map((n) => n.replace(/\.npy$/, ''));
  if (names.length === 0) throw new LoadError('npy', 'empty', 'the .npz holds no arrays');
  const chosen = names.length === 1 ? names[0]! : CLOUD_NAMES.find((n) => names.includes(n));
  if (chosen === undefined) {
    throw new LoadError(
      'npy',
      'unsupported',
      `the .npz holds ${names.length} arrays (${names.map((n) => `'${n}'`).join(', ')}) and none is named like a cloud; save the cloud as 'points' (np.savez('cloud.npz', points=xyz))`,
    );
  }
  const parsed = readArray(files[`${chosen}.npy`]!, names.length === 1 ? undefined : `the array '${chosen}' `, chosen, entry);
  if (names.length > 1) parsed.warnings.unshift(`NumPy: read the array '${chosen}' of ${names.map((n) => `'${n}'`).join(', ')}`);
  return parsed;
}

/** A .npy or .npz file's cloud; of a batch of clouds, the one `entry` names (default the first). */
export function parseNpy(bytes: Uint8Array, entry?: string): Parsed {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return readArchive(bytes, entry);
  return readArray(bytes, undefined, 'clouds', entry);
}
