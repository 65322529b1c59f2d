// OFF (Object File Format) and its COFF / NOFF / CNOFF / STOFF variants: a keyword, the counts,
// one vertex per line, then one face per line ("n i0 ... i(n-1) [colour]"). three.js has no OFF
// loader, so this one is ours. 4OFF (4D) and nOFF (n-D) are refused as unsupported.
import { Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { quote, toCount } from './text';
import { checkedNumber } from './tokenError';
import { Origin, storeShifted } from './origin';
import { LoadError, type Parsed } from './types';

interface Variant {
  texture: boolean;
  colors: boolean;
  normals: boolean;
}

const KEYWORD = /^(ST)?(C)?(N)?(4)?(n)?OFF$/;
/** The keyword with the vertex count run onto it, as many of ModelNet40's files write it
 * ("OFF490 518 0"). */
const KEYWORD_AND_COUNT = /^((?:ST)?C?N?OFF)(\d+)$/;

/** Significant lines: comments ('#' to the end of the line) and blank lines removed. */
class Lines {
  private readonly lines: string[];
  private index = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  /** The next significant line split into words, with its 1-based line number. */
  next(): { words: string[]; lineNo: number; raw: string } | undefined {
    while (this.index < this.lines.length) {
      const raw = this.lines[this.index++]!;
      let line = raw;
      const hash = line.indexOf('#');
      if (hash >= 0) line = line.slice(0, hash);
      line = line.trim();
      if (line !== '') return { words: line.split(/\s+/), lineNo: this.index, raw };
    }
    return undefined;
  }

  /** Significant lines not yet read (a pass over the rest, without splitting them). */
  countRemaining(): number {
    let n = 0;
    for (let i = this.index; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      const hash = line.indexOf('#');
      if ((hash >= 0 ? line.slice(0, hash) : line).trim() !== '') n++;
    }
    return n;
  }

  /** Lines not yet read: an upper bound on the rows left, to bound allocations. */
  remainingLines(): number {
    return this.lines.length - this.index;
  }
}

function readHeader(lines: Lines): { variant: Variant; words: string[]; lineNo: number } {
  const first = lines.next();
  if (first === undefined) throw new LoadError('off', 'empty', 'the file has no content');
  const joined = KEYWORD_AND_COUNT.exec(first.words[0]!);
  if (joined !== null) first.words.splice(0, 1, joined[1]!, joined[2]!);
  const match = KEYWORD.exec(first.words[0]!);
  let counts = first.words;
  let lineNo = first.lineNo;
  let variant: Variant = { texture: false, colors: false, normals: false };
  if (match !== null) {
    if (match[4] !== undefined || match[5] !== undefined) {
      throw new LoadError('off', 'unsupported', `${quote(first.words[0]!)} (4D or n-dimensional vertices) is not supported`);
    }
    variant = { texture: match[1] !== undefined, colors: match[2] !== undefined, normals: match[3] !== undefined };
    counts = first.words.slice(1); // "OFF 8 6 0" on one line is common
    if (counts.length === 0) {
      const next = lines.next();
      if (next === undefined) throw new LoadError('off', 'truncated', 'the file ends after the keyword, before the counts');
      counts = next.words;
      lineNo = next.lineNo;
    }
  }
  return { variant, words: counts, lineNo };
}

/** Value `k` of a vertex line, by the number grammar (numbers.ts). */
function number(line: { words: string[]; lineNo: number; raw: string }, k: number): number {
  return checkedNumber('off', line.raw, line.words, k, line.lineNo);
}

export function parseOff(text: string): Parsed {
  const lines = new Lines(text);
  const header = readHeader(lines);
  const vertexCount = toCount(header.words[0]);
  const faceCount = toCount(header.words[1]);
  if (vertexCount === null || faceCount === null) {
    throw new LoadError('off', 'malformed', `line ${header.lineNo}: expected '<vertices> <faces> <edges>', found ${quote(header.words.join(' '))}`);
  }
  if (vertexCount > LIMITS.maxPoints) {
    throw new LoadError('off', 'too-large', `header declares ${formatCount(vertexCount)} vertices; ${POINT_LIMIT_TEXT}`);
  }
  if (faceCount > LIMITS.maxFaces) {
    throw new LoadError('off', 'too-large', `header declares ${formatCount(faceCount)} faces; ${FACE_LIMIT_TEXT}`);
  }
  if (vertexCount === 0) throw new LoadError('off', 'empty', 'header declares 0 vertices');

  // One vertex or face per line: more lines than declared means the counts are wrong, and reading
  // on would take vertex lines for faces (or ignore the rest). Fewer is caught where the file ends.
  const rows = lines.countRemaining();
  if (rows > vertexCount + faceCount) {
    throw new LoadError(
      'off',
      'malformed',
      `header declares ${countOf(vertexCount, 'vertex', 'vertices')} and ${countOf(faceCount, 'face')} (${formatCount(vertexCount + faceCount)} lines), ` +
        `but the file has ${formatCount(rows)} lines of data after the counts`,
    );
  }
  const { variant } = header;
  // One vertex per line: a file with fewer lines cannot hold the declared vertices.
  const capacity = Math.min(vertexCount, lines.remainingLines());
  const positions = new Float32Array(capacity * 3);
  const origin = new Origin();
  const rawColors = variant.colors ? new Float32Array(capacity * 3) : undefined;
  const colorOffset = 3 + (variant.normals ? 3 : 0);
  const needed = 3 + (variant.normals ? 3 : 0) + (variant.colors ? 3 : 0) + (variant.texture ? 2 : 0);
  let colorMax = 0;
  for (let v = 0; v < vertexCount; v++) {
    const line = v < capacity ? lines.next() : undefined;
    if (line === undefined) {
      throw new LoadError('off', 'truncated', `header declares ${formatCount(vertexCount)} vertices but the file ends after ${formatCount(v)}`);
    }
    if (line.words.length < needed) {
      throw new LoadError('off', 'malformed', `vertex ${v} (line ${line.lineNo}) has ${line.words.length} values; this OFF variant needs ${needed}`);
    }
    for (let k = 3; k < needed; k++) number(line, k); // normals, colours, texture: numbers too
    storeShifted(origin, positions, v, number(line, 0), number(line, 1), number(line, 2));
    if (rawColors !== undefined) {
      for (let k = 0; k < 3; k++) {
        const value = number(line, colorOffset + k);
        rawColors[3 * v + k] = value;
        if (value > colorMax) colorMax = value;
      }
    }
  }
  // COFF colours are 0..255 integers or 0..1 floats; any value above 1 means the former.
  if (rawColors !== undefined && colorMax > 1) for (let i = 0; i < rawColors.length; i++) rawColors[i]! /= 255;

  const triangles = new Uint32Builder(Math.min(faceCount, lines.remainingLines()) * 3);
  let skipped = 0;
  for (let f = 0; f < faceCount; f++) {
    const line = lines.next();
    if (line === undefined) {
      throw new LoadError('off', 'truncated', `header declares ${formatCount(faceCount)} faces but the file ends after ${formatCount(f)}`);
    }
    const n = toCount(line.words[0]);
    if (n === null) throw new LoadError('off', 'malformed', `face ${f} (line ${line.lineNo}) does not start with a vertex count: ${quote(line.words.join(' '))}`);
    if (n > LIMITS.maxListLength) {
      throw new LoadError('off', 'too-large', `face ${f} (line ${line.lineNo}) declares ${formatCount(n)} vertices; the limit is ${formatCount(LIMITS.maxListLength)} per face (LIMITS.maxListLength)`);
    }
    if (line.words.length < n + 1) {
      throw new LoadError('off', 'malformed', `face ${f} (line ${line.lineNo}) declares ${n} vertices but lists ${line.words.length - 1}`);
    }
    const polygon: number[] = [];
    for (let k = 1; k <= n; k++) {
      const index = toCount(line.words[k]);
      if (index === null) throw new LoadError('off', 'malformed', `face ${f} (line ${line.lineNo}): ${quote(line.words[k]!)} is not a vertex index`);
      if (index >= vertexCount) {
        throw new LoadError('off', 'out-of-range', `face ${f} (line ${line.lineNo}) refers to vertex ${index} of ${formatCount(vertexCount)} (valid: 0 to ${vertexCount - 1})`);
      }
      polygon.push(index);
    }
    if (n < 3) {
      skipped++;
      continue;
    }
    for (let k = 1; k + 1 < n; k++) triangles.push3(polygon[0]!, polygon[k]!, polygon[k + 1]!);
  }

  const warnings: string[] = [];
  if (skipped > 0) warnings.push(`OFF: ${countOf(skipped, 'face')} with fewer than 3 vertices skipped`);
  if (faceCount === 0) {
    return { kind: 'points', cloud: { positions, colors: rawColors, count: vertexCount }, fileVertexCount: vertexCount, warnings, offset: origin.offset };
  }
  const indices = triangles.finish();
  return {
    kind: 'mesh',
    mesh: { positions, indices, colors: rawColors, vertexCount, faceCount: indices.length / 3 },
    fileVertexCount: vertexCount,
    fileFaceCount: faceCount,
    warnings,
    offset: origin.offset,
  };
}
