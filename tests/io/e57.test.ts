// E57 (src/io/e57.ts, e57Binary.ts): files written from the standard's layout (tests/io/e57Write.ts)
// read to the points they hold: float and bit-packed scaled-integer fields, a field's stream
// continuing across packets mid-value, points flagged invalid left out, colours by their limits,
// spherical coordinates, several scans placed by their poses, a scan too large read one point in
// k; damaged files refused saying why, never another exception.
import { describe, expect, test } from 'vitest';
import { MAX_READ, parseE57, parseE57Sliced } from '../../src/io/e57';
import { crc32c } from '../../src/io/e57Binary';
import { loadLargeFile } from '../../src/io/largeFile';
import { LoadError } from '../../src/io/types';
import { sniffFormat } from '../../src/io/sniff';
import { damagedOutcomes, expectError, expectWellFormed, load } from './expectLoad';
import { type E57Field, e57File, rechecksum } from './e57Write';

/** n points on a 2 x 1 x 0.5 box's surface, deterministic. */
function boxPoints(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const u = (i * 0.618034) % 1;
    const v = (i * 0.414214) % 1;
    const face = i % 6;
    const p = [u * 2, v, 0.25];
    if (face === 0) return [u * 2, v, 0];
    if (face === 1) return [u * 2, v, 0.5];
    if (face === 2) return [u * 2, 0, v * 0.5];
    if (face === 3) return [u * 2, 1, v * 0.5];
    if (face === 4) return [0, u, v * 0.5];
    return face === 5 ? [2, u, v * 0.5] : p;
  });
}

const single = (name: string, values: number[]): E57Field => ({ name, type: 'single', values });
const xyzFields = (points: number[][], make: (name: string, values: number[]) => E57Field = single) => ['cartesianX', 'cartesianY', 'cartesianZ'].map((n, k) => make(n, points.map((p) => p[k]!)));

describe('E57 files', () => {
  test('CRC-32C: the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789')).toString(16)).toBe('e3069283');
  });

  test('one scan of single floats reads to its points, recognised by content', () => {
    const points = boxPoints(500);
    const file = e57File([{ fields: xyzFields(points) }]);
    expect(sniffFormat(file)).toBe('e57');
    const parsed = parseE57(file);
    expect(parsed.kind).toBe('points');
    if (parsed.kind !== 'points') return;
    expect(parsed.cloud.count).toBe(500);
    expect(Array.from(parsed.cloud.positions.subarray(0, 6))).toEqual([...points[0]!, ...points[1]!].map((v) => Math.fround(v)));
    const r = load('scan.bin', file);
    expectWellFormed(r);
    expect({ format: r.format, kind: r.kind, warnings: r.warnings }).toEqual({ format: 'e57', kind: 'points', warnings: [] });
  });

  test('scaled integers bit-packed across packets (mid-value), invalid points left out, colours by their limits', () => {
    const points = boxPoints(3000);
    const scaled = (name: string, values: number[]): E57Field => ({ name, type: 'scaled', minimum: -50000, maximum: 1000000, scale: 0.0001, offset: 3, values: values.map((v) => v + 3) });
    const state = points.map((_, i) => (i % 10 === 3 ? 2 : i % 10 === 7 ? 1 : 0));
    const red = points.map((_, i) => i % 256);
    const fields = [
      ...xyzFields(points, scaled),
      { name: 'intensity', type: 'single', values: points.map(() => 0.5) },
      { name: 'cartesianInvalidState', type: 'integer', minimum: 0, maximum: 2, values: state },
      { name: 'colorRed', type: 'integer', minimum: 0, maximum: 255, values: red },
      { name: 'colorGreen', type: 'integer', minimum: 0, maximum: 255, values: red.map(() => 255) },
      { name: 'colorBlue', type: 'integer', minimum: 0, maximum: 255, values: red.map(() => 0) },
    ] satisfies E57Field[];
    const parsed = parseE57(e57File([{ fields, colorLimits: { colorRedMinimum: 0, colorRedMaximum: 255, colorGreenMinimum: 0, colorGreenMaximum: 255, colorBlueMinimum: 0, colorBlueMaximum: 255 } }], { packets: 7 }));
    if (parsed.kind !== 'points') throw new Error('expected points');
    expect(parsed.cloud.count).toBe(2400);
    expect(parsed.warnings).toEqual(['E57: 600 points flagged invalid (no return) left out']);
    const kept = points.filter((_, i) => state[i] === 0);
    const o = parsed.offset ?? [0, 0, 0];
    let worst = 0;
    kept.forEach((p, i) => p.forEach((v, k) => (worst = Math.max(worst, Math.abs(parsed.cloud.positions[3 * i + k]! + o[k]! - (v + 3))))));
    expect(worst).toBeLessThan(1e-4);
    const keptRed = red.filter((_, i) => state[i] === 0);
    expect(Array.from(parsed.cloud.colors!.subarray(0, 6))).toEqual([keptRed[0]! / 255, 1, 0, keptRed[1]! / 255, 1, 0].map(Math.fround));
  });

  test('read a few pages at a time (a file over the size limit), the same points as read whole', async () => {
    const points = boxPoints(5000);
    const scaled = (name: string, values: number[]): E57Field => ({ name, type: 'scaled', minimum: 0, maximum: 100000, scale: 0.0001, values });
    const file = e57File([{ fields: xyzFields(points, scaled) }, { fields: xyzFields(points.slice(0, 700)), translation: [5, 0, 0] }], { packets: 9 });
    const reads: number[][] = [];
    const read = async (start: number, end: number) => {
      reads.push([start, end]);
      return file.subarray(start, end);
    };
    const whole = parseE57(file);
    const sliced = await parseE57Sliced(file.length, read, undefined, 3);
    expect(sliced).toEqual(whole);
    // Three pages at a time: many reads, none larger.
    expect(reads.length).toBeGreaterThan(10);
    expect(Math.max(...reads.map(([a, b]) => b! - a!))).toBeLessThanOrEqual(4 * 1024);
    const damaged = file.slice();
    damaged[20000] ^= 1;
    await expect(parseE57Sliced(file.length, async (a, b) => damaged.subarray(a, b), undefined, 3)).rejects.toThrow(/^E57: page 19 of \d+ \(bytes 19,456 to 20,480\) does not match its checksum: the file is damaged$/);
  });

  test('a file over the size limit goes to the sliced reader by its content; over 16 GiB it is refused', async () => {
    const file = e57File([{ fields: xyzFields(boxPoints(800)) }]);
    const read = async (a: number, b: number) => file.subarray(a, b);
    const large = await loadLargeFile('scan.e57', file.length, read);
    const whole = load('scan.e57', file);
    expect({ format: large.format, count: large.cloud.count, positions: Array.from(large.cloud.positions) }).toEqual({ format: 'e57', count: whole.cloud.count, positions: Array.from(whole.cloud.positions) });
    const refused = await loadLargeFile('scan.e57', 17 * 1024 ** 3, read).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LoadError);
    expect((refused as LoadError).message).toBe('E57: the file is 18,253,611,008 bytes (17 GiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes); E57, LAS, PCD and XYZ scans, HDF5 data sets and Blender files are read up to 16 GiB (LIMITS.maxLargeScanBytes)');
  });

  test('spherical coordinates (doubles) become Cartesian', () => {
    const fields: E57Field[] = [
      { name: 'sphericalRange', type: 'double', values: [2, 3, 4] },
      { name: 'sphericalAzimuth', type: 'double', values: [0, Math.PI / 2, 0] },
      { name: 'sphericalElevation', type: 'double', values: [0, 0, Math.PI / 2] },
    ];
    const parsed = parseE57(e57File([{ fields }]));
    const p = Array.from(parsed.kind === 'points' ? parsed.cloud.positions : []).map((v, i) => +(v + (parsed.offset?.[i % 3] ?? 0)).toFixed(5));
    expect(p).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 4]);
  });

  test('two scans are placed by their poses (a quarter turn about z, a translation) and read together', () => {
    const fields = xyzFields([[1, 0, 0], [2, 0, 0]]);
    const s = Math.SQRT1_2;
    const parsed = parseE57(e57File([{ fields }, { fields, rotation: [s, 0, 0, s], translation: [10, 20, 30] }]));
    const p = Array.from(parsed.kind === 'points' ? parsed.cloud.positions : []).map((v, i) => +(v + (parsed.offset?.[i % 3] ?? 0)).toFixed(5));
    expect(p).toEqual([1, 0, 0, 2, 0, 0, 10, 21, 30, 10, 22, 30]);
    expect(parsed.warnings).toEqual(['E57: 2 scans read together, each placed by its pose']);
  });

  test(`a scan of more than ${MAX_READ.toLocaleString('en')} points is read one point in k`, () => {
    const n = 3 * MAX_READ + 5;
    const constant = (name: string, v: number): E57Field => ({ name, type: 'integer', minimum: v, maximum: v, values: [] });
    // Constant fields take no bytes: 15 million records in a small file (x is one bit).
    const x: E57Field = { name: 'cartesianX', type: 'integer', minimum: 0, maximum: 1, values: [] };
    const big = e57File([{ fields: [{ ...x, values: Array.from({ length: n }, (_, i) => i % 2) }, constant('cartesianY', 2), constant('cartesianZ', 3)].map((f) => (f.values.length === 0 ? { ...f, values: new Array<number>(n).fill(f.minimum!) } : f)) }], { packets: 40 });
    const parsed = parseE57(big);
    expect(parsed.kind === 'points' && parsed.cloud.count).toBe(Math.ceil(n / 4));
    expect(parsed.warnings).toEqual([`E57: the file holds ${n.toLocaleString('en')} points; one in 4 read (at most ${MAX_READ.toLocaleString('en')})`]);
  });
});

describe('E57 files refused, saying why', () => {
  const good = e57File([{ fields: xyzFields(boxPoints(400)) }], { packets: 2 });

  test('not E57, cut short, a damaged page, another version', () => {
    expectError('a.e57', new TextEncoder().encode('1 2 3\n4 5 6\n'), 'malformed', 'E57: the file does not start with "ASTM-E57" (every E57 file does)');
    expectError('a.e57', good.subarray(0, good.length - 1024), 'truncated', `E57: the header says the file is ${good.length.toLocaleString('en')} bytes, but it has ${(good.length - 1024).toLocaleString('en')}: is it cut short?`);
    const damaged = good.slice();
    damaged[1500] ^= 0xff;
    expectError('a.e57', damaged, 'malformed', /^E57: page 1 of \d+ \(bytes 1,024 to 2,048\) does not match its checksum: the file is damaged$/);
    const v2 = good.slice();
    v2[8] = 2;
    expectError('a.e57', rechecksum(v2), 'unsupported', 'E57: the file is E57 version 2.0; version 1 is read');
  });

  test('what the XML says', () => {
    // The XML changed in place (the same length, so every offset holds), the pages re-checksummed.
    const replaceXml = (from: string, to: string) => {
      const text = new TextDecoder('latin1').decode(good);
      expect({ found: text.includes(from), same: to.length === from.length }).toEqual({ found: true, same: true });
      return rechecksum(Uint8Array.from(text.replace(from, to), (c) => c.charCodeAt(0)));
    };
    expectError('a.e57', replaceXml('cartesianZ type="Float" precision="single"/>', 'cartesianW type="Float" precision="single"/>'), 'malformed', /^E57: the scan's points have neither cartesianX \/ Y \/ Z nor sphericalRange \/ Azimuth \/ Elevation \(fields: cartesianX, cartesianY, cartesianW\)$/);
    expectError('a.e57', replaceXml('precision="single"/><cartesianZ', 'precision="half"/>  <cartesianZ'), 'malformed', /cartesianY has precision 'half', not single or double$/);
    expectError('a.e57', replaceXml('recordCount="400"', 'recordCount="900"'), 'truncated', "E57: the scan's cartesianX: its data ends after 400 of 900 values");
    expectError('a.e57', replaceXml('<data3D type="Vector" allowHeterogeneousChildren="1"><vectorChild', '<data3X type="Vector" allowHeterogeneousChildren="1"><vectorChild'), 'malformed', /^E57: line \d+: <\/data3D> closes <data3X>/);
    expectError('a.e57', replaceXml('fileOffset="48"', 'fileOffset="99"'), 'malformed', /^E57: the scan's points: the fileOffset does not point to a compressed vector section \(its id is \d+, not 1\)$/);
  });

  test('240 changed files, checksums written anew: points or a LoadError, never another exception', () => {
    const outcomes = damagedOutcomes('d.e57', good, { seed: 11, after: rechecksum });
    expect(outcomes.loaded).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
