// Gaussian splats (src/io/splats.ts and its readers): 3D Gaussian Splatting's PLY, SuperSplat's
// compressed PLY, .splat and SPZ, in tests/fixtures/loaders (written by
// training/any2point/tools/loader_fixtures.py; test_meshio.py reads the same files). Each holds the
// spiral's 100 points as opaque splats, then 20 nearly transparent floaters that are left out.
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io';
import { expectError, expectWellFormed, load } from './expectLoad';
import { expectSpiral, expectSpiralColors, fixture } from './loaderFixtures';

const LEFT_OUT = "20 of 120 splats were nearly transparent (opacity under 0.1) and left out (haze and floaters, not the shape's surface)";

/** A copy of `bytes` with `edit` applied. */
function edited(bytes: Uint8Array, edit: (copy: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy);
  return copy;
}

describe('Gaussian splats', () => {
  test("3D Gaussian Splatting's PLY: centres, colours from f_dc, no normals, transparent splats left out", () => {
    const r = load('scene.ply', fixture('splats-3dgs.ply'));
    expect([r.format, r.kind, r.vertexCount, r.warnings, r.leftOut]).toEqual(['ply', 'points', 120, [LEFT_OUT], 20]);
    expectWellFormed(r);
    expectSpiral(r, 1e-6);
    expectSpiralColors(r, 1e-6);
    // The file's nx, ny, nz are zeros: not normals.
    expect(r.cloud.normals).toBeUndefined();
  });

  test('Keep every point keeps the transparent splats too', () => {
    const r = loadFile('scene.ply', fixture('splats-3dgs.ply'), { keepEveryPoint: true });
    expect([r.cloud.count, r.warnings, r.leftOut]).toEqual([120, [], undefined]);
  });

  test("SuperSplat's compressed PLY: positions within their chunk's 11/10/11-bit steps, colours within the chunk's range", () => {
    // The spiral is the second chunk (the first is 236 transparent filler and the floaters).
    const r = load('scene.compressed.ply', fixture('splats-compressed.ply'));
    expect([r.format, r.vertexCount, r.leftOut]).toEqual(['ply', 356, 256]);
    expect(r.warnings).toEqual(["256 of 356 splats were nearly transparent (opacity under 0.1) and left out (haze and floaters, not the shape's surface)"]);
    expectWellFormed(r);
    // Half a step of 1023 over the spiral's 4.9 (y), 6 (x) and 4 (z) range.
    expectSpiral(r, 0.003);
    expectSpiralColors(r, 0.5 / 255 + 1e-6);
  });

  test('compressed PLY without colour bounds (older SuperSplat): colours are the bytes', () => {
    const r = load('scene.compressed.ply', fixture('splats-compressed-no-colour-bounds.ply'));
    expect([r.vertexCount, r.leftOut]).toEqual([120, 20]);
    expectSpiral(r, 0.006);
    expectSpiralColors(r, 0.5 / 255 + 1e-6);
  });

  test('.splat: 32-byte records', () => {
    const r = load('scene.splat', fixture('splats.splat'));
    expect([r.format, r.vertexCount, r.warnings]).toEqual(['splat', 120, [LEFT_OUT]]);
    expectSpiral(r, 1e-6);
    expectSpiralColors(r, 0.5 / 255 + 1e-6);
  });

  test.each(['splats-v2.spz', 'splats-v3-sh1.spz'])('SPZ %s: 24-bit positions with 12 fractional bits, colours from 0.15-scaled coefficients', (name) => {
    const r = load('scene.spz', fixture(name));
    expect([r.format, r.vertexCount, r.warnings]).toEqual(['spz', 120, [LEFT_OUT]]);
    expectSpiral(r, 2 ** -13 + 1e-6);
    // A byte of 0.15 x the coefficient: half of it is 0.0033 / 0.15 x 0.282 of colour.
    expectSpiralColors(r, 0.5 / 255 / 0.15 * 0.2821 + 1e-6);
  });

  test('every splat nearly transparent: all are kept (their centres are all the file has)', () => {
    const r = load('scene.splat', edited(fixture('splats.splat'), (b) => { for (let at = 27; at < b.length; at += 32) b[at] = 3; }));
    expect([r.cloud.count, r.leftOut]).toEqual([120, undefined]);
  });

  test('a splat PLY that also has red, green, blue: those colours, and its transparent splats still left out', () => {
    const header = 'ply\nformat ascii 1.0\nelement vertex 3\n' +
      ['x', 'y', 'z'].map((p) => `property float ${p}\n`).join('') + ['red', 'green', 'blue'].map((p) => `property uchar ${p}\n`).join('') +
      ['f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity'].map((p) => `property float ${p}\n`).join('') + 'end_header\n';
    const body = '0 0 0 255 0 0 1 1 1 3\n1 0 0 0 255 0 1 1 1 3\n0 1 0 0 0 255 1 1 1 -5\n';
    const r = loadFile('scene.ply', new TextEncoder().encode(header + body));
    expect(r.cloud.count).toBe(2);
    expect(Array.from(r.cloud.colors!)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(r.warnings[0]).toBe("1 of 3 splats was nearly transparent (opacity under 0.1) and left out (haze and floaters, not the shape's surface)");
  });

  test('a PLY with an opacity but no splat colours is not read as splats', () => {
    const ply = 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nproperty float opacity\nend_header\n0 0 0 -9\n1 0 0 -9\n0 1 0 -9\n';
    expect(load('points.ply', new TextEncoder().encode(ply)).cloud.count).toBe(3);
  });
});

describe('Gaussian splats that cannot be read', () => {
  test('a .splat that is not whole records', () => {
    expectError('scene.splat', fixture('splats-cut.splat'), 'malformed', 'Splat: 3,835 bytes are not whole splats of 32 bytes (119 splats and 27 bytes over): the file is cut short, or is not a .splat file');
  });

  test('an SPZ shorter than its header declares', () => {
    expectError('scene.spz', fixture('splats-short.spz'), 'truncated', 'SPZ: the header declares 120 splats (2,416 bytes decompressed) but the file holds 2,376 (about 118 splats)');
  });

  test('a gzip file of something else: named .spz it is refused as SPZ; named .ply.gz it is read as the PLY inside (tests/io/gzipped.test.ts)', () => {
    const message = /^SPZ: the file is gzip-compressed but holds no SPZ splats \(they start with "NGSP"; this starts with "ply\."\); .*gunzip/;
    expectError('scene.spz', fixture('not-splats.spz'), 'malformed', message);
    // What it holds is the start of a PLY header: that PLY's own error.
    expectError('scan.ply.gz', fixture('not-splats.spz'), 'truncated', "PLY: the file ends (after 21 bytes) before 'end_header'");
  });

  test('an .spz that is not gzip', () => {
    expectError('scene.spz', new Uint8Array(64).fill(7), 'malformed', 'SPZ: the file is not gzip-compressed, as every SPZ file is (it would start with bytes 1f 8b)');
  });

  test('a damaged gzip stream', () => {
    const bytes = fixture('splats-v2.spz');
    expectError('scene.spz', bytes.subarray(0, 200), 'truncated', /^SPZ: the gzip stream is damaged or cut short \(.*\) after [\d,]+ bytes$/);
  });

  test('compressed PLY: fewer chunks than its splats need', () => {
    const bytes = fixture('splats-compressed.ply');
    const text = new TextDecoder().decode(bytes.subarray(0, 200)).replace('element chunk 2', 'element chunk 1');
    const cut = edited(bytes, (b) => b.set(new TextEncoder().encode(text.slice(0, 200))));
    expectError('scene.ply', cut, 'malformed', 'PLY: compressed splats: 356 splats need 2 chunks of 256, but the header declares 1');
  });
});
