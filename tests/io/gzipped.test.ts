// Files gzipped whole (scan.ply.gz, cloud.xyz.gz: datasets and exports compress point clouds so):
// read as the file inside, named without .gz, with a line saying so; what the inner file needs
// loaded (the LAZ decoder) is loaded from its first megabyte; the gzip formats themselves (SPZ,
// .wrz) stay what they are; a damaged or oversized stream is refused with the reason.
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { loadFile, loadersReady } from '../../src/io/index';
import { isReadableName } from '../../src/files/pathRules';
import type { LoadResult } from '../../src/io/types';
import { expectError, load } from './expectLoad';
import { fixture } from './loaderFixtures';
import { toLaz } from './lazWrite';

const gz = (bytes: Uint8Array | string) => new Uint8Array(gzipSync(typeof bytes === 'string' ? Buffer.from(bytes) : bytes));
const seen = (r: LoadResult) => ({ format: r.format, count: r.cloud.count, positions: Array.from(r.cloud.positions.subarray(0, 30)), offset: r.offset });

describe('files gzipped whole', () => {
  test('a .las.gz, an .xyz.gz and a .npy.gz are read as the file inside, with a line saying so', () => {
    for (const [name, bytes] of [
      ['scan.las', fixture('withheld-far.las')],
      ['cloud.xyz', new TextEncoder().encode(Array.from({ length: 200 }, (_, i) => `${i % 10} ${Math.floor(i / 10)} ${i % 7}`).join('\n'))],
      ['cloud.npy', fixture('rows-f4.npy')],
    ] as const) {
      const r = load(`${name}.gz`, gz(bytes));
      expect(seen(r)).toEqual(seen(load(name, bytes)));
      expect(r.warnings[0]).toMatch(new RegExp(`^read '${name.replace('.', '\\.')}' from the gzip file \\([\\d,]+ bytes, ${bytes.length.toLocaleString('en-US')} inflated\\)$`));
    }
  });

  test('a gzipped file under its plain name (scan.las that is gzip inside) is read too', () => {
    const r = load('scan.las', gz(fixture('format0-v12.las')));
    expect([r.format, r.cloud.count, r.warnings[0]]).toEqual(['las', 100, expect.stringMatching(/^read 'scan\.las' from the gzip file/)]);
  });

  test('a .laz.gz: the LAZ decoder is loaded from what the stream holds', async () => {
    const laz = gz(toLaz(fixture('format0-v12.las')));
    await loadersReady(laz);
    expect(load('scan.laz.gz', laz).cloud.count).toBe(100);
  });

  test('SPZ and gzipped VRML stay what they are; a gzip stream of no known name is read as SPZ', () => {
    expect(load('scene.spz', fixture('splats-v2.spz')).format).toBe('spz');
    const wrl = '#VRML V2.0 utf8\nShape { geometry IndexedFaceSet { coord Coordinate { point [ 0 0 0, 1 0 0, 0 1 0, 0 0 1 ] } coordIndex [ 0 1 2 -1 0 1 3 -1 0 2 3 -1 1 2 3 -1 ] } }\n';
    expect(load('shape.wrz', gz(wrl)).format).toBe('x3d');
    expect(load('shape.wrl', gz(wrl)).format).toBe('x3d');
    expectError('blob', gz('hello'), 'malformed', /^SPZ: the file is gzip-compressed but holds no SPZ splats/);
  });

  test('a damaged stream, a stream inflating past the limit and a file of no format inside are refused with the reason', () => {
    const good = gz(fixture('format0-v12.las'));
    expectError('scan.las.gz', good.subarray(0, good.length - 40), 'truncated', /^LAS: the gzip stream is damaged or cut short \(.*\) after [\d,]+ bytes$/);
    expectError('zeros.ply.gz', gz(new Uint8Array(257 * 1024 * 1024)), 'too-large', 'PLY: the file inflates to more than 256 MiB; the limit is 256 MiB (LIMITS.maxFileBytes)');
    expectError('notes.gz', gz('just some words\n'), 'unsupported', /^notes: unrecognised format \(no extension/);
  });

  test('folders and the CLI list a .gz of a format the app reads (a tar of models too), not another .gz', () => {
    expect(['scan.ply.gz', 'cloud.TXT.GZ', 'scan.laz.gz', 'server.log.gz', 'models.tar.gz', 'models.tgz', 'scan.ply'].map(isReadableName)).toEqual([true, true, true, false, true, true, true]);
    expect(() => loadFile('scan.ply.gz', new Uint8Array(0))).toThrow('the file is empty (0 bytes)');
  });
});
