// LAS (lidar scans, phone-scanning apps): the layouts of LAS 1.2 and 1.4 in tests/fixtures/loaders
// (written by training/any2point/tools/loader_fixtures.py; test_meshio.py reads the same files),
// and the header checks.
import { describe, expect, test } from 'vitest';
import { parseLas, parseLasSliced } from '../../src/io/las';
import { loadLargeFile } from '../../src/io/largeFile';
import { LIMITS } from '../../src/io/limits';
import { expectError, expectWellFormed, load } from './expectLoad';
import { FAR, expectSpiral, fixture } from './loaderFixtures';

/** Half the fixtures' quantum (a scale of 0.001), and float32's step at these sizes. */
const QUANTUM = 0.0005 + 1e-6;

/** A copy of `bytes` with `edit` applied to a DataView of it. */
function edited(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

describe('LAS', () => {
  test('LAS 1.2, point format 0', () => {
    const r = load('scan.las', fixture('format0-v12.las'));
    expect([r.format, r.kind, r.vertexCount, r.faceCount, r.warnings]).toEqual(['las', 'points', 100, 0, []]);
    expectWellFormed(r);
    expectSpiral(r, QUANTUM);
    expect(r.cloud.colors).toBeUndefined();
  });

  test('format 3 with 8-bit colours in its 16-bit fields, after a variable-length record', () => {
    const r = load('scan.las', fixture('format3-rgb8-vlr.las'));
    expectSpiral(r, QUANTUM);
    expect(Array.from(r.cloud.colors!.subarray(3, 6))).toEqual([2 / 255, 253 / 255, 128 / 255].map(Math.fround));
  });

  test('LAS 1.4, format 7: the 64-bit point count, 16-bit colours, 4 extra bytes a record', () => {
    const r = load('scan.las', fixture('format7-v14-rgb16-extra.las'));
    expectSpiral(r, QUANTUM);
    expect(Array.from(r.cloud.colors!.subarray(3, 6))).toEqual([(2 * 257) / 65535, (253 * 257) / 65535, (128 * 257) / 65535].map(Math.fround));
  });

  test('map coordinates keep their detail; withheld points are left out with a warning', () => {
    const r = load('scan.las', fixture('withheld-far.las'));
    // The first point kept (point 3), rounded, is the origin.
    expect(r.offset).toEqual([512346, 5401235, 100]);
    expectSpiral(r, QUANTUM, 3, FAR);
    expect(r.warnings).toContain('3 points of 100 flagged withheld (deleted, by the LAS spec) were left out');
  });

  test('recognised by content under another name', () => {
    expect(load('scan.bin', fixture('format0-v12.las')).format).toBe('las');
  });


  test('broken headers and bodies are refused with what is wrong', () => {
    const good = fixture('format0-v12.las');
    expectError('t.las', fixture('truncated.las'), 'truncated', 'LAS: header declares 100 points but the file ends after 98 (2,197 of 2,227 bytes)');
    expectError('h.las', good.subarray(0, 100), 'truncated', 'LAS: the file has 100 bytes; a LAS header alone is 227');
    expectError('s.las', edited(good, (v) => v.setUint8(0, 0x4d)), 'malformed', 'LAS: the file does not start with "LASF" (every LAS file does)');
    expectError('v.las', edited(good, (v) => v.setUint8(25, 7)), 'unsupported', 'LAS: version 1.7; LAS 1.0 to 1.4 are read');
    expectError('f.las', edited(good, (v) => v.setUint8(104, 11)), 'unsupported', 'LAS: point format 11; LAS defines formats 0 to 10');
    expectError('r.las', edited(good, (v) => v.setUint16(105, 12, true)), 'malformed', 'LAS: point format 0 needs at least 20 bytes a point, but the header declares 12');
    expectError('p.las', edited(good, (v) => v.setUint32(96, 100, true)), 'malformed', 'LAS: the points are said to start at byte 100, inside the 227-byte header');
    expectError('e.las', edited(good, (v) => v.setUint32(107, 0, true)), 'empty', 'LAS: the header (LAS 1.2) declares no points');
    expectError('l.las', edited(good, (v) => v.setUint32(107, 20_000_000, true)), 'truncated', 'LAS: header declares 20,000,000 points but the file ends after 100 (2,227 of 400,000,227 bytes)');
    expectError('z.las', edited(good, (v) => v.setFloat64(139, 0, true)), 'malformed', 'LAS: the y scale factor is 0; coordinates are integer x scale + offset');
    expectError('n.las', edited(good, (v) => v.setFloat64(171, NaN, true)), 'malformed', 'LAS: the z offset is NaN');
    expectError('b.las', edited(good, (v) => v.setFloat64(131, 1e36, true)), 'float-range', /^LAS: point 0: x = 1\.0+1e\+39 is out of float32 range/);
    const allWithheld = edited(good, (v) => {
      for (let i = 0; i < 100; i++) v.setUint8(227 + 20 * i + 15, 0x80);
    });
    expectError('w.las', allWithheld, 'empty', 'LAS: all 100 points are flagged withheld (deleted)');
  });

  test(`more than ${LIMITS.maxPoints.toLocaleString('en')} points are read one in k, whole or a slice at a time (a file over 256 MiB)`, async () => {
    // The fixture's header (format 0, 20-byte records) declaring maxPoints + 1 points: point i is
    // at x = i (a scale of 0.001: x = i / 1000), y = i mod 1000.
    const header = fixture('format0-v12.las').slice(0, 227);
    const count = LIMITS.maxPoints + 1;
    new DataView(header.buffer).setUint32(107, count, true);
    const size = 227 + count * 20;
    const whole = new Uint8Array(size);
    whole.set(header);
    const view = new DataView(whole.buffer);
    for (let i = 0; i < count; i++) {
      view.setInt32(227 + 20 * i, i, true);
      view.setInt32(227 + 20 * i + 4, i % 1000, true);
    }
    const read = async (start: number, end: number) => whole.subarray(start, end);
    const sliced = await parseLasSliced(size, read, undefined, 8 * 1024 * 1024);
    if (sliced.kind !== 'points') throw new Error('expected points');
    expect([sliced.cloud.count, sliced.fileVertexCount]).toEqual([Math.ceil(count / 2), count]);
    expect(sliced.warnings).toEqual(['the file holds 10,000,001 points; one in 2 read (at most 10,000,000, LIMITS.maxPoints)']);
    const o = sliced.offset ?? [0, 0, 0];
    expect([1, 2, 1000].map((k) => Math.round((sliced.cloud.positions[3 * k]! + o[0]!) * 1000))).toEqual([2, 4, 2000]);
    // The same file whole (200 MB in memory) reads to the same points.
    const parsed = parseLas(whole);
    expect(parsed.kind === 'points' && [parsed.cloud.count, parsed.warnings]).toEqual([sliced.cloud.count, sliced.warnings]);
    expect(Array.from(parsed.kind === 'points' ? parsed.cloud.positions.subarray(0, 30) : [])).toEqual(Array.from(sliced.cloud.positions.subarray(0, 30)));
    // Through loadLargeFile, as the worker and the CLI read a file over the size limit.
    const large = await loadLargeFile('survey.las', size, read);
    expect([large.format, large.vertexCount, large.cloud.count]).toEqual(['las', count, Math.ceil(count / 2)]);
  }, 300_000);
});
