// Delimited point lists: .xyz / .txt / .csv / .pts / .asc, one point per row, "x y z [extra...]"
// separated by spaces, tabs, commas or semicolons; '#', '//' and '%' comment lines; an optional
// header row of column names; an optional first row holding only the point count.
//
// Our own reader, not three.js's XYZLoader: that one reads six columns as 0..255 colours
// (CGAL's .xyz files hold normals there), drops rows of any other width, and splits on
// whitespace only (no CSV).
import { Float32Builder } from './buffers';
import { LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { quote } from './text';
import { DECIMAL_COMMA, beyondFloat32, toNumber, tokenMessage, wordColumn } from './numbers';
import { tokenError } from './tokenError';
import type { PointCloud } from '../types/cloud';
import { type Extra, inferExtra, useExtraColumns, warnUnreadColumns } from './columns';
import { Origin } from './origin';
import { LoadError, type Parsed } from './types';

const SEPARATOR = /\s*[,;]\s*|\s+/;


const COLOR_NAMES = [['r', 'red'], ['g', 'green'], ['b', 'blue']];
const NORMAL_NAMES = [['nx', 'normal_x'], ['ny', 'normal_y'], ['nz', 'normal_z']];

/** A header row's word: a name, not something that tried to be a number ("0x1f", "1.5abc"). */
const NAME = /^["']?[A-Za-z_]/;

/** A row that is numbers only when read with decimal commas ("0,1234 5,678 9,1", "1,5;2,5;3,5"):
 * split on commas it would be twice as many wrong columns. Returns the first such token's word
 * index in the row split on blanks and semicolons, or -1. */
function decimalCommaWord(line: string): number {
  if (!/\d,\d/.test(line) || !/[\s;]/.test(line)) return -1;
  const words = line.split(/\s*;\s*|\s+/);
  let first = -1;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (DECIMAL_COMMA.test(w)) {
      if (first < 0) first = k;
    } else if (toNumber(w) === null) {
      return -1;
    }
  }
  return first;
}

function bad(line: string, lineNo: number, word: number, token: string): LoadError {
  return tokenError('xyz', lineNo, wordColumn(line, word, SEPARATOR), token);
}

function isComment(line: string): boolean {
  return line.startsWith('#') || line.startsWith('//') || line.startsWith('%');
}

/** What columns 4..6 hold, from the header's names when there is one. */
function extraFromNames(names: string[]): Extra | undefined {
  const lower = names.map((n) => n.toLowerCase().replace(/^["']|["']$/g, ''));
  const matches = (table: string[][]): boolean => table.every((alts, k) => alts.includes(lower[3 + k] ?? ''));
  if (matches(COLOR_NAMES)) return 'colors255'; // refined to 0..1 below if every value is <= 1
  if (matches(NORMAL_NAMES)) return 'normals';
  return undefined;
}

export function parseXyz(text: string): Parsed {
  const lines = text.split('\n');
  const warnings: string[] = [];
  const positions = new Float32Builder(Math.min(LIMITS.maxPoints, lines.length) * 3);
  const origin = new Origin();
  let extra: Float32Builder | undefined;
  let columns = 0;
  let firstDataLine = 0;
  let names: string[] | undefined;
  let rows = 0;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '' || isComment(line)) continue;
    const lineNo = i + 1;
    const comma = decimalCommaWord(line);
    if (comma >= 0) {
      const token = line.split(/\s*;\s*|\s+/)[comma]!;
      throw new LoadError('xyz', 'malformed', `${tokenMessage(lineNo, wordColumn(raw, comma, /\s*;\s*|\s+/), token)}; the row reads as numbers only with decimal commas`);
    }
    const words = line.split(SEPARATOR);
    const values = words.map(toNumber);
    if (rows === 0) {
      if (names === undefined && values.every((v) => v === null) && words.every((w) => NAME.test(w))) {
        names = words; // a header row of column names
        continue;
      }
      if (names !== undefined && words.every((w) => NAME.test(w))) {
        throw new LoadError('xyz', 'malformed', `line ${lineNo} is not numbers: ${quote(line)}`);
      }
      const first = values.findIndex((v) => v === null);
      if (first >= 0) throw bad(raw, lineNo, first, words[first]!);
      if (values.length === 1 && Number.isInteger(values[0])) continue; // a point-count row (.pts)
      if (values.length < 3) {
        throw new LoadError('xyz', 'malformed', `line ${lineNo} has ${values.length} value${values.length === 1 ? '' : 's'}; each row needs at least x y z`);
      }
      columns = values.length;
      firstDataLine = lineNo;
      if (columns >= 6) extra = new Float32Builder(Math.min(LIMITS.maxPoints, lines.length) * 3);
    }
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (v === null || beyondFloat32(v)) throw bad(raw, lineNo, k, words[k]!);
    }
    if (values.length !== columns) {
      throw new LoadError('xyz', 'malformed', `line ${lineNo} has ${values.length} values but line ${firstDataLine} has ${columns}`);
    }
    if (rows === LIMITS.maxPoints) {
      throw new LoadError('xyz', 'too-large', `the file has more than ${formatCount(LIMITS.maxPoints)} rows; ${POINT_LIMIT_TEXT}`);
    }
    const [x, y, z] = values as [number, number, number];
    origin.see(x, y, z);
    positions.push3(x - origin.x, y - origin.y, z - origin.z);
    if (extra !== undefined) extra.push3(values[3]!, values[4]!, values[5]!);
    rows++;
  }
  if (rows === 0) throw new LoadError('xyz', 'empty', 'the file has no rows of numbers');

  const cloud: PointCloud = { positions: positions.finish(), count: rows };
  if (extra !== undefined) {
    const values = extra.finish();
    let kind = (names && extraFromNames(names)) ?? inferExtra(values, rows);
    if (kind === 'colors255' && names !== undefined && values.every((v) => v <= 1)) kind = 'colors1';
    useExtraColumns('XYZ', cloud, values, kind, warnings);
  }
  warnUnreadColumns('XYZ', columns, warnings);
  return { kind: 'points', cloud, fileVertexCount: rows, warnings, offset: origin.offset };
}
