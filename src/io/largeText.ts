// A point list as text (XYZ / TXT / CSV / PTS / ASC) too large to hold (over LIMITS.maxFileBytes),
// as scanners and CloudCompare export scans: read a slice at a time, its first lines kept whole (a
// header row, a point count, comments) and then one row in k, k chosen from the file's size and
// its first rows' length so that about MAX_ROWS rows are kept (doubled on the way if the rows turn
// out shorter); the rows kept are read by the XYZ reader as any other file, and its messages name
// the file's own line numbers. Only the rows read are checked.
import type { FormatId } from './formats';
import { formatLabel } from './formats';
import { LIMITS, SLICE_BYTES, countOf, formatBytes, formatCount } from './limits';
import { decodeText, firstBinaryByte, hexByte } from './text';
import { parseXyz } from './xyz';
import { LoadError, type LoadErrorReason, type Parsed, type ReadRange } from './types';

/** Rows kept, about. */
export const MAX_ROWS = 4_000_000;
/** Lines kept whole at the start. */
const HEAD_LINES = 64;

/** The rows a sliced text reader keeps: each row's bytes with '\n' after it, each row's line
 * number in the file, the file's line count and the step. */
export interface KeptRows {
  text: Uint8Array;
  lineNumbers: number[];
  lines: number;
  step: number;
}

interface KeepOptions {
  /** Where the rows start (after a header read apart); line numbers count from `firstLine` there. */
  from?: number;
  firstLine?: number;
  /** Lines kept whole at the start (a header row, comments); the rest one in k. */
  headLines?: number;
  sliceBytes?: number;
  maxRows?: number;
  onRead?: (loaded: number) => void;
  format?: FormatId;
}

/** Reads the text from `from` to `size` a slice at a time and keeps its first `headLines` lines
 * and then one row in k (about `maxRows`; k from the first megabyte's row length, doubled if rows
 * turn out shorter). `head` is the file's first megabyte (or less), read already. */
export async function keepRows(head: Uint8Array, size: number, read: ReadRange, options: KeepOptions = {}): Promise<KeptRows> {
  const { from: bodyAt = 0, firstLine = 1, headLines = HEAD_LINES, sliceBytes = SLICE_BYTES, maxRows = MAX_ROWS, onRead, format = 'xyz' } = options;
  const sample = head.subarray(Math.min(bodyAt, head.length));
  const newlines = sample.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
  let step = Math.max(1, Math.ceil((size - bodyAt) / (sample.length / Math.max(1, newlines)) / maxRows));
  // The rows kept, as bytes (a line each, '\n' after it), where each starts, and its line number.
  let kept = new Uint8Array(1 << 20);
  let used = 0;
  const starts: number[] = [];
  const lineNumbers: number[] = [];
  const append = (bytes: Uint8Array): void => {
    if (used + bytes.length + 1 > kept.length) {
      const grown = new Uint8Array(Math.max(2 * kept.length, used + bytes.length + 1));
      grown.set(kept.subarray(0, used));
      kept = grown;
    }
    kept.set(bytes, used);
    used += bytes.length;
    kept[used++] = 0x0a;
  };
  /** Keeps every other row kept (after the first lines), for twice the step. */
  const thin = (): void => {
    const old = kept.slice(0, used);
    const oldStarts = starts.splice(0);
    const oldLines = lineNumbers.splice(0);
    used = 0;
    oldStarts.forEach((start, r) => {
      const line = oldLines[r]! - firstLine + 1;
      if (line > headLines && (line - headLines) % (2 * step) !== 0) return;
      starts.push(used);
      lineNumbers.push(oldLines[r]!);
      append(old.subarray(start, (oldStarts[r + 1] ?? old.length) - 1));
    });
    step *= 2;
  };
  const tooLong = (at: number): LoadError =>
    new LoadError(format, 'too-large', `line ${formatCount(at)} is longer than ${formatCount(LIMITS.maxLineBytes)} bytes (${formatBytes(LIMITS.maxLineBytes)}, LIMITS.maxLineBytes); no row of a point or mesh file is that long`);
  let line = 0;
  const take = (bytes: Uint8Array): void => {
    line++;
    if (bytes.length > LIMITS.maxLineBytes) throw tooLong(firstLine + line - 1);
    if (line > headLines && (line - headLines) % step !== 0) return;
    starts.push(used);
    lineNumbers.push(firstLine + line - 1);
    append(bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes);
    if (starts.length > headLines + 2 * maxRows) thin();
  };
  let carry = new Uint8Array();
  for (let start = bodyAt; start < size; start += sliceBytes) {
    const slice = await read(start, Math.min(size, start + sliceBytes));
    if (slice.length < Math.min(sliceBytes, size - start)) throw new LoadError(format, 'truncated', `the file could be read only to byte ${formatCount(start + slice.length)} of ${formatCount(size)}`);
    let at = 0;
    for (let end = slice.indexOf(0x0a); end >= 0; end = slice.indexOf(0x0a, at)) {
      let bytes = slice.subarray(at, end);
      if (carry.length > 0) {
        bytes = new Uint8Array([...carry, ...bytes]);
        carry = new Uint8Array();
      }
      take(bytes);
      at = end + 1;
    }
    const rest = slice.subarray(at);
    carry = carry.length === 0 ? rest.slice() : new Uint8Array([...carry, ...rest]);
    if (carry.length > LIMITS.maxLineBytes) throw tooLong(firstLine + line);
    onRead?.(Math.min(size, start + sliceBytes));
  }
  if (carry.length > 0) take(carry);
  return { text: kept.subarray(0, used), lineNumbers, lines: line, step };
}

/** The kept rows of the body's first `count` rows, under `header` (made for how many there are),
 * read by `parse`: a LoadError's "line L" and "<item> N" (a row's index) become the file's own, and
 * so do the warnings'. The body starts at the file's line `firstLine`. */
export function parseKeptRows(rows: KeptRows, options: { count?: number; firstLine?: number; header?: (kept: number) => Uint8Array; item?: string }, parse: (bytes: Uint8Array) => Parsed): Parsed {
  const { count = Infinity, firstLine = 1, header = () => new Uint8Array(), item } = options;
  let kept = rows.lineNumbers.findIndex((line) => line - firstLine >= count);
  if (kept < 0) kept = rows.lineNumbers.length;
  let end = 0;
  for (let k = 0; k < kept; k++) end = rows.text.indexOf(0x0a, end) + 1;
  const head = header(kept);
  const small = new Uint8Array(head.length + end);
  small.set(head);
  small.set(rows.text.subarray(0, end), head.length);
  // The small file's line L holds kept row L - smallFirst; kept row r is the file's line lineNumbers[r].
  const smallFirst = head.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0) + 1;
  const remap = (text: string): string => {
    let out = text.replace(/\bline (\d+)/g, (_, l: string) => `line ${rows.lineNumbers[Number(l) - smallFirst] ?? l}`);
    if (item) out = out.replace(new RegExp(`\\b${item} (\\d+)`, 'g'), (_, r: string) => `${item} ${(rows.lineNumbers[Number(r)] ?? firstLine + Number(r)) - firstLine}`);
    return out;
  };
  let parsed: Parsed;
  try {
    parsed = parse(small);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    const prefix = `${formatLabel(error.format as FormatId)}: `;
    throw new LoadError(error.format, error.reason as LoadErrorReason, remap(error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message));
  }
  parsed.warnings = parsed.warnings.map(remap);
  return parsed;
}

export async function parseXyzSliced(size: number, read: ReadRange, onRead?: (loaded: number) => void, sliceBytes = SLICE_BYTES, maxRows = MAX_ROWS): Promise<Parsed> {
  const head = await read(0, Math.min(size, 1024 * 1024));
  if ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe)) {
    throw new LoadError('xyz', 'too-large', `the file is ${formatBytes(size)} of UTF-16 text; a point list over ${formatBytes(LIMITS.maxFileBytes)} is read as UTF-8 (or ASCII) only`);
  }
  // Bytes no text has are refused from the first megabyte, before the rest is read.
  const binary = firstBinaryByte(head);
  if (binary >= 0) throw new LoadError('xyz', 'malformed', `the file is binary (byte ${hexByte(head[binary]!)} at offset ${formatCount(binary)}), not XYZ text`);
  const kept = await keepRows(head, size, read, { sliceBytes, maxRows, ...(onRead ? { onRead } : {}) });
  const { lines: line, step } = kept;
  const parsed = parseKeptRows(kept, {}, (bytes) => parseXyz(decodeText(bytes)));
  if (step > 1) parsed.warnings.unshift(`the file has ${countOf(line, 'line')}; one row in ${step} read (about ${formatCount(maxRows)}), and only the rows read are checked`);
  return parsed;
}
