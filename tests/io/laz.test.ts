// LAZ (LASzip-compressed LAS), decoded by npm's laz-perf: the LAS fixtures compressed by
// tests/io/lazWrite.ts (LASzip's coder written here from its specification) load as the plain files
// do, whole, sliced and through loadLargeFile; what laz-perf would stop on without a word is refused
// with the reason, and a damaged file never leaves the decoder unusable for the next one.
import { beforeEach, describe, expect, test } from 'vitest';
import { loadFile, loadersReady } from '../../src/io/index';
import { loadLargeFile } from '../../src/io/largeFile';
import { parseLas, parseLasSliced } from '../../src/io/las';
import { LIMITS } from '../../src/io/limits';
import type { LoadResult } from '../../src/io/types';
import { damagedOutcomes, expectError, expectWellFormed, load } from './expectLoad';
import { fixture } from './loaderFixtures';
import { toLaz } from './lazWrite';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';

const FIXTURES = ['format0-v12.las', 'format3-rgb8-vlr.las', 'withheld-far.las'];

/** What a user sees of a load: everything but the bounds object's identity. */
function seen(r: LoadResult): unknown {
  return { format: r.format, count: r.cloud.count, positions: Array.from(r.cloud.positions), colors: r.cloud.colors && Array.from(r.cloud.colors), warnings: r.warnings, offset: r.offset, vertexCount: r.vertexCount };
}

/** A copy of `bytes` with `edit` applied to a DataView of it. */
function edited(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

/** Where the LASzip VLR's payload starts in a file toLaz wrote from a fixture with no VLRs. */
const LASZIP_AT = 227 + 54;

// Before each test, as the app does before each file: a file the decoder failed on drops it, and
// the next LAZ file loads it afresh.
beforeEach(async () => {
  await loadersReady(toLaz(fixture('format0-v12.las')));
});

describe('LAZ', () => {
  test.each(FIXTURES)('%s compressed (chunks of 7 points) loads as the plain file does', (name) => {
    const plain = fixture(name);
    const laz = toLaz(plain, { chunkSize: 7 });
    expect(laz.length).toBeLessThan(plain.length + 100);
    const r = load('scan.laz', laz);
    expectWellFormed(r);
    expect(seen(r)).toEqual(seen(load('scan.las', plain)));
  });

  test('recognised by content under another name, and by .las', () => {
    const laz = toLaz(fixture('format0-v12.las'));
    expect(load('scan.bin', laz).format).toBe('las');
    expect(load('scan.las', laz).cloud.count).toBe(100);
  });

  test('a LAZ in a zip (a survey tile as downloaded) is read from it', async () => {
    const laz = toLaz(fixture('withheld-far.las'), { chunkSize: 50 });
    const zip = zipSync({ 'tile/readme.txt': new TextEncoder().encode('survey tile\n'), 'tile/scan.laz': laz });
    await loadersReady(zip);
    const r = load('tile.zip', zip);
    expect(seen({ ...r, warnings: r.warnings.filter((w) => !w.startsWith('read ')) })).toEqual(seen(load('scan.laz', laz)));
    expect(r.warnings).toContain("read 'tile/scan.laz' (LAS) from the archive");
  });

  test('read a slice at a time (a file over the size limit) as it is read whole', async () => {
    const laz = toLaz(fixture('format3-rgb8-vlr.las'), { chunkSize: 10 });
    const read = (start: number, end: number) => Promise.resolve(laz.slice(start, end));
    const sliced = await parseLasSliced(laz.length, read, undefined, 97);
    expect(sliced).toEqual(parseLas(laz));
    const large = await loadLargeFile('scan.laz', laz.length, read);
    expect(seen(large)).toEqual(seen(loadFile('scan.laz', laz, { seed: 0 })));
  });

  test(
    `a file of more than ${LIMITS.maxPoints.toLocaleString('en-US')} points is read one in k`,
    () => {
      const n = LIMITS.maxPoints + 1;
      const plain = new Uint8Array(227 + 20 * n);
      plain.set(fixture('format0-v12.las').subarray(0, 227));
      const view = new DataView(plain.buffer);
      view.setUint32(107, n, true);
      for (let i = 0; i < n; i++) {
        view.setInt32(227 + 20 * i, i % 1000, true);
        view.setInt32(227 + 20 * i + 4, Math.floor(i / 1000), true);
        plain[227 + 20 * i + 14] = 9; // return 1 of 1
      }
      const r = load('big.laz', toLaz(plain));
      expect(r.cloud.count).toBe(5000001);
      expect(r.warnings[0]).toBe('the file holds 10,000,001 points; one in 2 read (at most 10,000,000, LIMITS.maxPoints)');
      expect(r.vertexCount).toBe(n);
      // The kept points are the even ones: x = i mod 1000 (scale 0.001), y = floor(i / 1000).
      const offset = r.offset ?? [0, 0, 0];
      for (const k of [0, 1, 2_500_000, 5_000_000]) {
        const i = 2 * k;
        expect([r.cloud.positions[3 * k]! + offset[0]!, r.cloud.positions[3 * k + 1]! + offset[1]!].map((v) => Math.round(v * 1000))).toEqual([i % 1000, Math.floor(i / 1000)]);
      }
    },
    240_000,
  );

  test('what laz-perf would stop on is refused with the reason', () => {
    const laz = toLaz(fixture('format0-v12.las'));
    // The header marks the points compressed, but there is no LASzip VLR.
    expectError('scan.laz', edited(fixture('format0-v12.las'), (v) => v.setUint8(104, 0x80)), 'malformed', 'LAS: the points are marked LAZ-compressed, but the file has no LASzip record (the "laszip encoded" VLR) saying how');
    expectError('scan.laz', fixture('compressed.laz'), 'unsupported', /^LAS: point format byte 195: bit 6 marks an old-style compression that is not read; recompress the file with a current laszip/);
    expectError('scan.laz', edited(laz, (v) => v.setUint8(104, 0x40)), 'unsupported', /^LAS: point format byte 64: bit 6 marks an old-style compression/);
    expectError('scan.laz', edited(laz, (v) => v.setUint16(LASZIP_AT, 1, true)), 'unsupported', /^LAS: LASzip compressor 1 \(point-wise, without chunks: LASzip 1\.x\); files written by LASzip 2 or later are read/);
    expectError('scan.laz', edited(laz, (v) => v.setUint16(LASZIP_AT + 34, 99, true)), 'unsupported', 'LAS: LASzip item type 99 is not one LASzip defines');
    const pointsAt = new DataView(laz.buffer).getUint32(96, true);
    expectError('scan.laz', edited(laz, (v) => v.setBigInt64(pointsAt, -1n, true)), 'unsupported', /^LAS: the LAZ file was written as a stream and never given its chunk table/);
    expectError('scan.laz', laz.subarray(0, laz.length - 20), 'truncated', /^LAS: the chunk table \(the index of the compressed points\) is said to start at byte [\d,]+, but the file has [\d,]+ bytes: it is cut short or damaged$/);
    expectError('scan.laz', laz.subarray(0, pointsAt + 4), 'truncated', `LAS: the file ends at byte ${(pointsAt + 4).toLocaleString('en-US')}, before its compressed points (at byte ${pointsAt.toLocaleString('en-US')})`);
  });

  test('a header that declares more points than the chunks hold is refused, and the next file is read', async () => {
    const laz = toLaz(fixture('format0-v12.las'));
    expectError('scan.laz', edited(laz, (v) => v.setUint32(107, 150, true)), 'malformed', 'LAS: the LAZ (LASzip) data could not be decoded: the decoder stopped on damaged data');
    await loadersReady(laz);
    expect(load('scan.laz', laz).cloud.count).toBe(100);
  });

  test('240 damaged files: each loads or is refused with a LoadError, and the decoder still reads the next good file', async () => {
    const good = toLaz(fixture('format3-rgb8-vlr.las'), { chunkSize: 16 });
    let outcomes = { loaded: 0, refused: 0 };
    // loadersReady before each file, as the app does: a file the decoder failed on drops it, and the next LAZ loads it afresh.
    for (let k = 0; k < 240; k += 20) {
      await loadersReady(good);
      const o = damagedOutcomes('scan.laz', good, { seed: k, count: 20 });
      outcomes = { loaded: outcomes.loaded + o.loaded, refused: outcomes.refused + o.refused };
      await loadersReady(good);
      expect(load('scan.laz', good).cloud.count).toBe(100);
    }
    expect(outcomes.loaded + outcomes.refused).toBe(240);
    expect(outcomes.refused).toBeGreaterThan(50);
  });
});
