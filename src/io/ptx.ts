// PTX, Leica's text format for scans (Cyclone, Register 360, FARO Scene and ReCap export it): one
// or more scans, each a header (columns, rows, the scanner's position and axes, and a 4 x 4
// transform whose last row is the translation: a point [x y z 1] times it is where the scan is
// registered) and then columns x rows lines of "x y z intensity [r g b]". A grid position with no
// return is written as 0 0 0 and left out (a warning counts them). Every value by the number
// grammar (numbers.ts); refused with the line and column when one breaks it, when a header line
// has the wrong number of values, when a scan ends before its grid, or when the points pass
// LIMITS.maxPoints.
import { Float32Builder, Float64Builder } from './buffers';
import { LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { shiftedFloat32 } from './origin';
import { toCount } from './text';
import { checkedNumber } from './tokenError';
import { LoadError, type Parsed } from './types';

export function parsePtx(text: string): Parsed {
  const lines = text.split('\n');
  let i = 0;
  /** The next line that is not blank, split into words, with its 1-based number. */
  const next = (): { words: string[]; raw: string; lineNo: number } | undefined => {
    while (i < lines.length) {
      const raw = lines[i++]!;
      if (raw.trim() !== '') return { words: raw.trim().split(/\s+/), raw, lineNo: i };
    }
    return undefined;
  };
  const world = new Float64Builder();
  const colours = new Float32Builder();
  let withColour = true;
  let missing = 0;
  let scans = 0;
  let declared = 0;

  for (let first = next(); first !== undefined; first = next()) {
    scans++;
    const what = `scan ${scans}`;
    const second = next();
    const columns = first.words.length === 1 ? toCount(first.words[0]) : null;
    const rows = second?.words.length === 1 ? toCount(second.words[0]) : null;
    if (columns === null || rows === null) {
      const bad = columns === null ? first : second;
      throw new LoadError('ptx', bad === undefined ? 'truncated' : 'malformed', bad === undefined ? `${what}: the file ends after its column count` : `line ${bad.lineNo}: ${what}'s header needs its ${columns === null ? 'column' : 'row'} count alone on the line, not '${bad.raw.trim().slice(0, 40)}'`);
    }
    const header: number[][] = [];
    for (let k = 0; k < 8; k++) {
      const want = k < 4 ? 3 : 4;
      const line = next();
      if (line === undefined) throw new LoadError('ptx', 'truncated', `${what}: the file ends inside its header (line ${k + 3} of 10)`);
      if (line.words.length !== want) throw new LoadError('ptx', 'malformed', `line ${line.lineNo}: ${what}'s header line ${k + 3} has ${countOf(line.words.length, 'value')}; the ${k < 4 ? "scanner's position and axes" : 'transform'} lines have ${want}`);
      header.push(line.words.map((_, j) => checkedNumber('ptx', line.raw, line.words, j, line.lineNo)));
    }
    const m = header.slice(4);
    declared += columns * rows;
    if (declared > LIMITS.maxPoints) throw new LoadError('ptx', 'too-large', `the scans declare ${formatCount(declared)} points; ${POINT_LIMIT_TEXT}`);
    for (let p = 0; p < columns * rows; p++) {
      const line = next();
      if (line === undefined) throw new LoadError('ptx', 'truncated', `${what} declares ${formatCount(columns)} x ${formatCount(rows)} = ${formatCount(columns * rows)} points; the file ends after ${formatCount(p)}`);
      const { words, raw, lineNo } = line;
      if (words.length !== 3 && words.length !== 4 && words.length !== 7) {
        throw new LoadError('ptx', 'malformed', `line ${lineNo}: ${what}'s point ${formatCount(p + 1)} has ${countOf(words.length, 'value')}; PTX points have x y z, an intensity, and r g b`);
      }
      const v = words.map((_, j) => checkedNumber('ptx', raw, words, j, lineNo));
      const [x, y, z] = v as [number, number, number];
      if (x === 0 && y === 0 && z === 0) {
        missing++;
        continue;
      }
      world.push3(x * m[0]![0]! + y * m[1]![0]! + z * m[2]![0]! + m[3]![0]!, x * m[0]![1]! + y * m[1]![1]! + z * m[2]![1]! + m[3]![1]!, x * m[0]![2]! + y * m[1]![2]! + z * m[2]![2]! + m[3]![2]!);
      if (words.length === 7) colours.push3(v[4]! / 255, v[5]! / 255, v[6]! / 255);
      else withColour = false;
    }
  }
  if (scans === 0) throw new LoadError('ptx', 'empty', 'the file is empty');
  const count = world.length / 3;
  if (count === 0) throw new LoadError('ptx', 'empty', `every one of the ${formatCount(declared)} grid positions is 0 0 0 (no return)`);
  const warnings: string[] = [];
  if (missing > 0) warnings.push(`PTX: ${countOf(missing, 'grid position')} with no return (0 0 0) left out`);
  if (scans > 1) warnings.push(`PTX: ${scans} scans read together, each placed by its transform`);
  const { positions, offset } = shiftedFloat32(world.finish());
  const colors = withColour ? colours.finish() : undefined;
  return { kind: 'points', cloud: { positions, count, ...(colors === undefined ? {} : { colors }) }, fileVertexCount: declared, warnings, offset };
}
