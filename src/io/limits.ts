// Explicit limits. Every "too large" error quotes the limit it hit, by these names.

export const LIMITS = {
  /** Files above this are refused before parsing (256 MiB). A 200 MB file is read. */
  maxFileBytes: 256 * 1024 * 1024,
  /** Binary PLYs of vertices alone (Gaussian splats: 248 bytes a splat) over maxFileBytes are read
   * a slice at a time, keeping only the properties the reader uses (largePly.ts), up to this (4 GiB). */
  maxLargePlyBytes: 4 * 1024 * 1024 * 1024,
  /** E57, LAS, PCD and XYZ (text) scans over maxFileBytes are read a slice at a time (largeFile.ts), one
   * point in k past their reader's cap, up to this (16 GiB): terrestrial and aerial scans run to
   * gigabytes. HDF5 data sets too (by pages: the structures and the cloud asked for), and Blender
   * files (by parts: their packed images and sounds passed over). */
  maxLargeScanBytes: 16 * 1024 * 1024 * 1024,
  /** A LAZ file is decoded whole inside laz-perf's WebAssembly memory (2 GiB at most, the file and
   * the decoder's state in it), so it is read up to this (1.5 GiB); a plain LAS file to maxLargeScanBytes. */
  maxLazBytes: 1.5 * 1024 * 1024 * 1024,
  /** A STEP file is parsed whole into its instances, about 9 times its size in memory, so it is
   * read up to this (128 MiB: assemblies of many parts run to tens of megabytes). */
  maxStepBytes: 128 * 1024 * 1024,
  /** Longest line a text file (or a text body) may have: 1 MiB. Real lines are under 1 KiB; the
   * longest a fixture has is a 100,000-character comment. Checked on the bytes before decoding. */
  maxLineBytes: 1024 * 1024,
  /** Longest list a PLY or OFF face may declare: a polygon of a million corners is not a face. */
  maxListLength: 1_000_000,
  /** Points (or mesh vertices) a file may declare or contain. */
  maxPoints: 10_000_000,
  /** Mesh faces a file may declare or contain. */
  maxFaces: 20_000_000,
  /** Clouds a batch (NumPy, HDF5: N x P x C) may hold, each a model of the file (ScanObjectNN's
   * largest split holds 11,416; ModelNet40's files 2,048). */
  maxBatchClouds: 100_000,
  /** Points sampled from a mesh surface when the caller does not say. */
  defaultMeshSamples: 100_000,
  /** Clouds with fewer points load with a warning: too few to describe a shape. */
  warnBelowPoints: 64,
} as const;

export type Limits = typeof LIMITS;

/** Bytes the sliced readers of files over maxFileBytes read at a time (64 MiB). */
export const SLICE_BYTES = 64 * 1024 * 1024;

/** 10000000 -> "10,000,000" (same in every locale, so messages can be tested). */
export function formatCount(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** 268435456 -> "256 MiB", 1536 -> "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(value) : String(Math.round(value * 10) / 10);
  return `${shown} ${units[unit]}`;
}

/** "the limit is 10,000,000 points (LIMITS.maxPoints)": the tail of every point-count refusal. */
export const POINT_LIMIT_TEXT = `the limit is ${formatCount(LIMITS.maxPoints)} points (LIMITS.maxPoints)`;

export const FACE_LIMIT_TEXT = `the limit is ${formatCount(LIMITS.maxFaces)} faces (LIMITS.maxFaces)`;

/** (1, 'face') -> "1 face"; (3, 'face') -> "3 faces"; (2, 'vertex', 'vertices') -> "2 vertices". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** "the file is 268,435,457 bytes (256 MiB); the limit is 268,435,456 bytes (256 MiB,
 * LIMITS.maxFileBytes)": exact bytes on both sides, so one byte over never reads "256 MiB; the
 * limit is 256 MiB". */
export function fileSizeRefusal(bytes: number): string {
  return (
    `the file is ${formatCount(bytes)} bytes (${formatBytes(bytes)}); ` +
    `the limit is ${formatCount(LIMITS.maxFileBytes)} bytes (${formatBytes(LIMITS.maxFileBytes)}, LIMITS.maxFileBytes)`
  );
}

/** The refusal of an E57 or LAS scan over even LIMITS.maxLargeScanBytes (largeFile.ts reads those below). */
export function largeScanRefusal(bytes: number): string {
  return `${fileSizeRefusal(bytes)}; E57, LAS, PCD and XYZ scans, HDF5 data sets and Blender files are read up to ${formatBytes(LIMITS.maxLargeScanBytes)} (LIMITS.maxLargeScanBytes)`;
}

/** The largest file of a format (by its name) that is read: PLY, E57 and LAS past maxFileBytes, a slice
 * at a time (largeFile.ts); the refusal of one larger. */
export function largestRead(format: string | undefined): { bytes: number; refusal: (bytes: number) => string } {
  if (format === 'ply') return { bytes: LIMITS.maxLargePlyBytes, refusal: largePlyRefusal };
  if (format === 'e57' || format === 'las' || format === 'xyz' || format === 'pcd' || format === 'hdf5' || format === 'blend') return { bytes: LIMITS.maxLargeScanBytes, refusal: largeScanRefusal };
  return { bytes: LIMITS.maxFileBytes, refusal: fileSizeRefusal };
}

/** The refusal of a binary PLY over even LIMITS.maxLargePlyBytes (largePly.ts reads those below). */
export function largePlyRefusal(bytes: number): string {
  return (
    `${fileSizeRefusal(bytes)}; PLYs of vertices alone (Gaussian splats, scans) are read up to ` +
    `${formatBytes(LIMITS.maxLargePlyBytes)} (LIMITS.maxLargePlyBytes)`
  );
}

/** Every step-th of `count` points is read, so that at most LIMITS.maxPoints are. */
export function stepFor(count: number): number {
  return Math.max(1, Math.ceil(count / LIMITS.maxPoints));
}

/** The warning of a file of `count` points (vertices) read one in `step`. */
export function readOneInK(count: number, step: number, noun = 'point', plural = `${noun}s`): string {
  return `the file holds ${countOf(count, noun, plural)}; one in ${step} read (at most ${formatCount(LIMITS.maxPoints)}, LIMITS.maxPoints)`;
}

/** `head`, then every step-th of the `count` records of `recordBytes` bytes in `body`. */
export function everyKthRecord(head: Uint8Array, body: Uint8Array, recordBytes: number, count: number, step: number): Uint8Array {
  const n = Math.ceil(count / step);
  const out = new Uint8Array(head.length + n * recordBytes);
  out.set(head);
  for (let i = 0, at = head.length; i < count; i += step, at += recordBytes) out.set(body.subarray(i * recordBytes, (i + 1) * recordBytes), at);
  return out;
}
