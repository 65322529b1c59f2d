// LAS (lidar scans, phone-scanning apps): the layouts of LAS 1.2 and 1.4 in tests/fixtures/loaders
// (written by training/any2point/tools/loader_fixtures.py; test_meshio.py reads the same files),
// and the header checks.
import { describe, expect, test } from 'vitest';
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

  test('LAZ is refused with how to decompress it', () => {
    expectError('scan.laz', fixture('compressed.laz'), 'unsupported', /^LAS: the points are LAZ-compressed \(LASzip\); decompress the file to plain LAS first/);
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
    expectError('l.las', edited(good, (v) => v.setUint32(107, 20_000_000, true)), 'too-large', 'LAS: header declares 20,000,000 points; the limit is 10,000,000 points (LIMITS.maxPoints)');
    expectError('z.las', edited(good, (v) => v.setFloat64(139, 0, true)), 'malformed', 'LAS: the y scale factor is 0; coordinates are integer x scale + offset');
    expectError('n.las', edited(good, (v) => v.setFloat64(171, NaN, true)), 'malformed', 'LAS: the z offset is NaN');
    expectError('b.las', edited(good, (v) => v.setFloat64(131, 1e36, true)), 'float-range', /^LAS: point 0: x = 1\.0+1e\+39 is out of float32 range/);
    const allWithheld = edited(good, (v) => {
      for (let i = 0; i < 100; i++) v.setUint8(227 + 20 * i + 15, 0x80);
    });
    expectError('w.las', allWithheld, 'empty', 'LAS: all 100 points are flagged withheld (deleted)');
  });
});
