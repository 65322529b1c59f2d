// PCD (Point Cloud Library) header: fields, their sizes, types and counts, the point count and
// the data encoding. Checked against LIMITS and the file length before three.js reads the body.
import { LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { quote, toCount } from './text';
import { LoadError } from './types';

export type PcdEncoding = 'ascii' | 'binary' | 'binary_compressed';

export interface PcdHeader {
  fields: string[];
  sizes: number[];
  types: string[];
  counts: number[];
  width: number;
  height: number;
  points: number;
  encoding: PcdEncoding;
  /** Bytes of one point in binary data (sum of size * count). */
  rowBytes: number;
  /** Values per point in ASCII data (sum of count). */
  rowValues: number;
  /** Byte offset of the first data byte. */
  bodyOffset: number;
  /** The header text up to and including the DATA line. */
  text: string;
}

const MAX_HEADER_BYTES = 64 * 1024;
const KEYS = ['VERSION', 'FIELDS', 'SIZE', 'TYPE', 'COUNT', 'WIDTH', 'HEIGHT', 'VIEWPOINT', 'POINTS', 'DATA'];

function malformed(detail: string): LoadError {
  return new LoadError('pcd', 'malformed', detail);
}

function counts(values: string[] | undefined, key: string, n: number): number[] | undefined {
  if (values === undefined) return undefined;
  if (values.length !== n) throw malformed(`${key} lists ${values.length} values for ${n} fields`);
  return values.map((v) => {
    const c = toCount(v);
    if (c === null || c === 0) throw malformed(`${key} value ${quote(v)} is not a positive integer`);
    return c;
  });
}

/** Where the DATA line ends (the first body byte), or -1. */
function findBody(bytes: Uint8Array): { text: string; bodyOffset: number } | undefined {
  const end = Math.min(bytes.length, MAX_HEADER_BYTES);
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (bytes[i] !== 0x0a) continue;
    const line = new TextDecoder('latin1').decode(bytes.subarray(lineStart, i)).trim();
    if (/^DATA\b/i.test(line)) return { text: new TextDecoder('latin1').decode(bytes.subarray(0, i + 1)), bodyOffset: i + 1 };
    lineStart = i + 1;
  }
  return undefined;
}

export function tooManyPoints(count: number): LoadError {
  return new LoadError('pcd', 'too-large', `header declares ${formatCount(count)} points; ${POINT_LIMIT_TEXT}`);
}

/** The header of a PCD file. A point count over `pointLimit` (LIMITS.maxPoints) is refused; the
 * readers that keep one point in k of a binary or ASCII file ask for no limit. */
export function parsePcdHeader(bytes: Uint8Array, pointLimit: number = LIMITS.maxPoints): PcdHeader {
  const found = findBody(bytes);
  if (found === undefined) {
    if (bytes.length < MAX_HEADER_BYTES) throw new LoadError('pcd', 'truncated', `the file ends before the DATA line`);
    throw malformed(`no DATA line in the first ${formatCount(MAX_HEADER_BYTES)} bytes`);
  }
  const values = new Map<string, string[]>();
  for (const raw of found.text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    const upper = key!.toUpperCase();
    if (!KEYS.includes(upper)) throw malformed(`unknown header line ${quote(line)}`);
    values.set(upper, rest);
  }

  const fields = values.get('FIELDS');
  if (fields === undefined || fields.length === 0) throw malformed('the header has no FIELDS line');
  for (const axis of ['x', 'y', 'z']) {
    if (!fields.includes(axis)) throw malformed(`FIELDS has no '${axis}' (found: ${fields.join(' ')})`);
  }
  const n = fields.length;
  const sizes = counts(values.get('SIZE'), 'SIZE', n);
  const types = values.get('TYPE');
  if (sizes === undefined || types === undefined) throw malformed('the header needs SIZE and TYPE lines');
  if (types.length !== n) throw malformed(`TYPE lists ${types.length} values for ${n} fields`);
  const fieldCounts = counts(values.get('COUNT'), 'COUNT', n) ?? fields.map(() => 1);
  types.forEach((type, i) => {
    const size = sizes[i]!;
    const ok = type === 'F' ? size === 4 || size === 8 : (type === 'I' || type === 'U') && (size === 1 || size === 2 || size === 4);
    if (!ok) throw new LoadError('pcd', 'unsupported', `field '${fields[i]}' has TYPE ${type} with SIZE ${size}`);
  });
  for (const axis of ['x', 'y', 'z']) {
    if (fieldCounts[fields.indexOf(axis)] !== 1) throw malformed(`field '${axis}' must have COUNT 1`);
  }

  const width = toCount(values.get('WIDTH')?.[0]);
  const height = toCount(values.get('HEIGHT')?.[0]) ?? 1;
  const declared = values.has('POINTS') ? toCount(values.get('POINTS')?.[0]) : width === null ? null : width * height;
  if (declared === null) throw malformed('the header needs POINTS, or WIDTH and HEIGHT, as integers');
  if (declared > pointLimit) throw tooManyPoints(declared);
  if (declared === 0) throw new LoadError('pcd', 'empty', 'header declares 0 points');

  const encoding = values.get('DATA')?.[0];
  if (encoding !== 'ascii' && encoding !== 'binary' && encoding !== 'binary_compressed') {
    throw new LoadError('pcd', 'unsupported', `DATA ${quote(encoding ?? '')} (expected ascii, binary or binary_compressed)`);
  }
  const rowBytes = sizes.reduce((sum, size, i) => sum + size * fieldCounts[i]!, 0);
  const rowValues = fieldCounts.reduce((sum, c) => sum + c, 0);
  return {
    fields,
    sizes,
    types,
    counts: fieldCounts,
    width: width ?? declared,
    height,
    points: declared,
    encoding,
    rowBytes,
    rowValues,
    bodyOffset: found.bodyOffset,
    text: found.text,
  };
}

/** The header as three.js's PCDLoader can read it: one space between values, "\n" line ends
 * (it splits on single spaces and locates the body by the DATA line's first whitespace). */
export function canonicalHeader(h: PcdHeader): string {
  return [
    'VERSION 0.7',
    `FIELDS ${h.fields.join(' ')}`,
    `SIZE ${h.sizes.join(' ')}`,
    `TYPE ${h.types.join(' ')}`,
    `COUNT ${h.counts.join(' ')}`,
    `WIDTH ${h.width}`,
    `HEIGHT ${h.height}`,
    `POINTS ${h.points}`,
    `DATA ${h.encoding}`,
    '',
  ].join('\n');
}
