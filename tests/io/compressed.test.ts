// Files compressed whole by xz, bzip2 and Zstandard (scan.ply.xz, models.tar.bz2, scan.las.zst;
// src/io/compressed.ts): written by Debian's own xz, bzip2, zstd and tar, unpacked by 7-Zip's wasm,
// read as the file inside, point for point the file itself; cut, damaged and oversized streams are
// refused with the reason, and the next file is read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isReadableName } from '../../src/files/pathRules';
import { compressionOf } from '../../src/io/compressed';
import { type LoadResult, loadFile, loadersReady } from '../../src/io/index';
import { LoadError } from '../../src/io/types';
import { binaryStl, text } from './generate';
import { toLaz } from './lazWrite';
import { fixture } from './loaderFixtures';

const work = mkdtempSync(path.join(tmpdir(), 'compressed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `bytes` piped through `command` (xz, bzip2, zstd): what it writes. */
const through = (command: string, args: string[], bytes: Uint8Array): Uint8Array => new Uint8Array(execFileSync(command, args, { input: bytes, maxBuffer: 1 << 30 }));

const TOOLS = {
  xz: (b: Uint8Array) => through('xz', ['-c'], b),
  bzip2: (b: Uint8Array) => through('bzip2', ['-c'], b),
  // zstd records the content's size only when it knows it beforehand (a file, not a pipe)
  zstd: (b: Uint8Array) => {
    const file = path.join(work, `in-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, b);
    return new Uint8Array(execFileSync('zstd', ['-q', '-c', file]));
  },
  zstdPiped: (b: Uint8Array) => through('zstd', ['-q', '-c'], b),
} as const;
const EXTENSION = { xz: 'xz', bzip2: 'bz2', zstd: 'zst', zstdPiped: 'zst' } as const;

/** A tar of `files` written by GNU tar, compressed by `option` (-J, -j, --zstd). */
function tarred(option: string, files: Record<string, Uint8Array>): Uint8Array {
  const dir = mkdtempSync(path.join(work, 'src-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  execFileSync('tar', [option, '-cf', 'out', ...Object.keys(files)], { cwd: dir, stdio: 'pipe' });
  return new Uint8Array(readFileSync(path.join(dir, 'out')));
}

/** loadersReady, then loadFile, as the app reads a file. */
async function read(name: string, bytes: Uint8Array): Promise<LoadResult> {
  await loadersReady(bytes);
  return loadFile(name, bytes, { seed: 1 });
}

/** loadersReady, then loadFile's refusal. */
async function refused(name: string, bytes: Uint8Array): Promise<LoadError> {
  await loadersReady(bytes);
  try {
    loadFile(name, bytes);
  } catch (error) {
    if (error instanceof LoadError) return error;
    throw error;
  }
  throw new Error(`${name} was read`);
}

const seen = (r: LoadResult) => ({ format: r.format, count: r.cloud.count, positions: Array.from(r.cloud.positions), offset: r.offset });

const las = fixture('withheld-far.las');
const scan = (() => {
  const rows: string[] = [];
  for (let i = 0; i < 2000; i++) rows.push(`${Math.cos(i / 7).toFixed(5)} ${Math.sin(i / 7).toFixed(5)} ${(i / 2000).toFixed(5)}`);
  return text(`${rows.join('\n')}\n`);
})();

describe('files compressed whole by xz, bzip2 and Zstandard', () => {
  test('each is recognised by its first bytes, and its names are offered by folders and the CLI', () => {
    expect((Object.keys(TOOLS) as (keyof typeof TOOLS)[]).map((tool) => compressionOf(TOOLS[tool](scan)))).toEqual(['xz', 'bzip2', 'zstd', 'zstd']);
    expect([scan, las, text('BZh9 is not bzip2\n')].map(compressionOf)).toEqual([null, null, null]);
    const names = ['scan.ply.xz', 'scan.LAS.BZ2', 'cloud.xyz.zst', 'models.tar.xz', 'models.txz', 'models.tbz2', 'models.tar.zst', 'server.log.xz', 'notes.bz2'];
    expect(names.map(isReadableName)).toEqual([true, true, true, true, true, true, true, false, false]);
  });

  test('a .las and an .xyz compressed by each tool are read as the file itself, with a line saying so', async () => {
    for (const [name, bytes] of [
      ['scan.las', las],
      ['scan.xyz', scan],
    ] as const) {
      const plain = seen(loadFile(name, bytes, { seed: 1 }));
      for (const tool of Object.keys(TOOLS) as (keyof typeof TOOLS)[]) {
        const packed = TOOLS[tool](bytes);
        const r = await read(`${name}.${EXTENSION[tool]}`, packed);
        expect(seen(r), `${name} by ${tool}`).toEqual(plain);
        const label = { xz: 'xz', bzip2: 'bzip2', zstd: 'Zstandard', zstdPiped: 'Zstandard' }[tool];
        expect(r.warnings[0]).toBe(`read '${name}' from the ${label} file (${packed.length.toLocaleString('en-US')} bytes, ${bytes.length.toLocaleString('en-US')} unpacked)`);
      }
    }
  });

  test('under its plain name (a scan.las that is xz inside) or a name of no format, what it holds decides', async () => {
    expect(seen(await read('scan.las', TOOLS.xz(las)))).toEqual(seen(loadFile('scan.las', las, { seed: 1 })));
    const r = await read('download.zst', TOOLS.zstd(scan));
    expect([r.format, r.cloud.count, r.warnings[0]]).toEqual(['xyz', 2000, expect.stringMatching(/^read 'download' from the Zstandard file/)]);
  });

  test('a compressed tar (.tar.xz, .txz, .tar.bz2, .tbz2, .tar.zst, .tzst): its largest model, a LAZ inside loading its decoder', async () => {
    const part = binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0]]);
    const files = { 'set/scan.xyz': scan, 'set/part.stl': part, 'set/README.txt': text('CC-BY\n') };
    const plain = seen(loadFile('scan.xyz', scan, { seed: 1 }));
    for (const [option, names] of [
      ['-J', ['set.tar.xz', 'set.txz']],
      ['-j', ['set.tar.bz2', 'set.tbz2']],
      ['--zstd', ['set.tar.zst', 'set.tzst']],
    ] as const) {
      const packed = tarred(option, files);
      for (const name of names) {
        const r = await read(name, packed);
        expect(seen(r), name).toEqual(plain);
        expect(r.warnings.slice(0, 2)).toEqual([expect.stringMatching(new RegExp(`^read 'set\\.tar' from the (xz|bzip2|Zstandard) file`)), expect.stringMatching(/^the archive holds 2 models; read the largest, 'set\/scan\.xyz' \(XYZ\)/)]);
      }
      expect(seen(loadFile('set.tar.xz', packed, { seed: 1, archiveEntry: 'set/part.stl' })).count).toBeGreaterThan(0);
    }
    const withLaz = tarred('-J', { 'scan.laz': toLaz(fixture('format0-v12.las')), 'README.txt': text('hi') });
    const r = await read('scan.tar.xz', withLaz);
    expect([r.format, r.cloud.count]).toEqual(['las', 100]);
  });

  test('the content loadersReady unpacked is kept for loadFile, and for the next model of the same file', async () => {
    const packed = TOOLS.xz(scan);
    await loadersReady(packed);
    // Another stream read without loadersReady takes the 7-Zip instance readied for what comes next;
    // the first file is still read, from what was kept.
    loadFile('other.xyz.bz2', TOOLS.bzip2(scan));
    expect(() => loadFile('third.xyz.zst', TOOLS.zstd(scan))).toThrow(/needs 7-Zip's decoder/);
    expect(loadFile('scan.xyz.xz', packed).cloud.count).toBe(2000);
    expect(loadFile('scan.xyz.xz', packed).cloud.count).toBe(2000);
  });

  test('cut, damaged, oversized and empty streams are refused with the reason; the next file is read', async () => {
    for (const tool of ['xz', 'bzip2', 'zstd'] as const) {
      const packed = TOOLS[tool](las);
      const label = { xz: 'xz', bzip2: 'bzip2', zstd: 'Zstandard' }[tool];
      const cut = await refused(`scan.las.${EXTENSION[tool]}`, packed.subarray(0, Math.floor(packed.length / 2)));
      expect([cut.reason, cut.message]).toEqual(['truncated', expect.stringMatching(new RegExp(`^LAS: the ${label} stream is cut short \\(7-Zip unpacking it: .+\\)$`))]);
      const damaged = packed.slice();
      for (let i = 40; i < damaged.length - 40; i += 7) damaged[i]! ^= 0x5a;
      const bad = await refused(`scan.las.${EXTENSION[tool]}`, damaged);
      expect(bad.message, tool).toMatch(new RegExp(`^LAS: the ${label} stream (cannot be read|is cut short) \\(7-Zip unpacking it: .+\\)$`));
      expect(seen(await read(`scan.las.${EXTENSION[tool]}`, packed))).toEqual(seen(loadFile('scan.las', las, { seed: 1 })));
    }
    const zeros = TOOLS.zstdPiped(new Uint8Array(257 * 1024 * 1024));
    const big = await refused('zeros.ply.zst', zeros);
    expect([big.reason, big.message]).toEqual(['too-large', 'PLY: the file unpacks to more than 256 MiB; the limit is 256 MiB (LIMITS.maxFileBytes)']);
    const empty = await refused('empty.ply.xz', TOOLS.xz(new Uint8Array(0)));
    expect([empty.reason, empty.message]).toEqual(['empty', 'PLY: the file is empty (0 bytes)']);
    const notes = await refused('notes.xz', TOOLS.xz(text('just some words\n')));
    expect(notes.message).toMatch(/^notes: unrecognised format \(no extension/);
    expect((await read('scan.xyz.zst', TOOLS.zstd(scan))).cloud.count).toBe(2000);
  }, 120_000);
});
