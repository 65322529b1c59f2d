// Tar (.tar, .tar.gz, .tgz), 7-Zip (.7z) and RAR (.rar) archives holding models (src/io/tar.ts,
// sevenZip.ts; the model chosen by archive.ts as for a zip). The archives are written by the tools
// people use: GNU tar in each of its header formats, Debian's 7-Zip (7zz) with each of its methods,
// and RAR 4 and 5 containers with stored files (tests/io/rarWrite.ts: nothing free writes RAR).
// A model read from an archive is the model read from its own file, point for point.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LIMITS, LoadError, type LoadResult, loadFile, loadWhenReady, loadersReady } from '../../src/io/index';
import { sevenZipReady } from '../../src/io/sevenZip';
import { expectError, expectWellFormed } from './expectLoad';
import { binaryStl, text } from './generate';
import { toLaz } from './lazWrite';
import { fixture } from './loaderFixtures';
import { rar4, rar5 } from './rarWrite';

const work = mkdtempSync(path.join(tmpdir(), 'archives-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A cloud of `n` points on a helix, as XYZ text. */
function helix(n: number): Uint8Array {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) rows.push(`${Math.cos(i / 9).toFixed(5)} ${Math.sin(i / 9).toFixed(5)} ${(i / n).toFixed(5)}`);
  return text(`${rows.join('\n')}\n`);
}

const LONG = `${'deep-folder-name/'.repeat(7)}chair scan é.xyz`; // over tar's 100-byte name field
const model = helix(3000);
const part = binaryStl([
  [0, 0, 0, 1, 0, 0, 0, 1, 0],
  [0, 0, 0, 0, 1, 0, 0, 0, 1],
]);
/** The files every archive here holds: a scan, a part, a README (not a model), macOS's junk. */
const FILES: Record<string, Uint8Array> = { [`set/${LONG}`]: model, 'set/part.stl': part, 'set/README.txt': text('licence: CC-BY\n'), 'set/._part.stl': new Uint8Array(40) };

/** The files written under a fresh folder, for the tools to pack; with `link`, and a symbolic link
 * with a long name and a long target (GNU tar writes them as 'K' and 'L' entries before its header). */
function folderOf(files: Record<string, Uint8Array>, link = false): string {
  const dir = mkdtempSync(path.join(work, 'src-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  if (link) symlinkSync(`../${'far-away-target/'.repeat(8)}x.ply`, path.join(dir, 'set', `a-link-whose-name-is-long-${'x'.repeat(90)}.ply`));
  return dir;
}

/** What a tool writes: `command` run in a folder holding FILES, with `out` its output file. */
function packed(command: string, args: (out: string) => string[], files = FILES, link = false): Uint8Array {
  const dir = folderOf(files, link);
  // With an extension of its own, so that 7zz does not add .7z to the name.
  const out = path.join(work, `out-${Math.random().toString(36).slice(2)}.out`);
  execFileSync(command, args(out), { cwd: dir, stdio: 'pipe' });
  return new Uint8Array(readFileSync(out));
}

const tar = (format: string) => packed('tar', (out) => [`--format=${format}`, '-cf', out, 'set']);
const sevenZipFile = (...switches: string[]) => packed('7zz', (out) => ['a', '-t7z', '-bd', ...switches, out, 'set']);

const alone = loadFile('chair.xyz', model, { seed: 1 });

/** The archive read as the user drops it: the largest model, read as its own file is. */
async function expectTheScan(name: string, bytes: Uint8Array): Promise<LoadResult> {
  const r = await loadWhenReady(name, bytes, { seed: 1 });
  expect([r.format, r.cloud.count, r.archive]).toEqual(['xyz', 3000, { models: [`set/${LONG}`, 'set/part.stl'], read: `set/${LONG}` }]);
  expect(Buffer.compare(Buffer.from(r.cloud.positions.buffer), Buffer.from(alone.cloud.positions.buffer))).toBe(0);
  expect(r.warnings.find((w) => w.startsWith('the archive holds'))).toMatch(/^the archive holds 2 models; read the largest, 'set\/deep-folder-name\/.+' \(XYZ\); not read: 'set\/part\.stl' \(pick another under File; the CLI's --archive-models classifies each\)$/);
  const other = await loadWhenReady(name, bytes, { seed: 1, archiveEntry: 'set/part.stl' });
  expect([other.format, other.faceCount, other.archive?.read]).toEqual(['stl', 2, 'set/part.stl']);
  return r;
}

beforeAll(() => sevenZipReady());

describe('tar', () => {
  test.each(['gnu', 'ustar', 'pax', 'v7', 'oldgnu', 'posix'])('GNU tar --format=%s: the scan, as its own file reads', async (format) => {
    // ustar and v7 cannot hold the long name: tar refuses; they get a short one.
    const files = format === 'ustar' || format === 'v7' ? { 'set/scan.xyz': model, 'set/part.stl': part } : FILES;
    const bytes = packed('tar', (out) => [`--format=${format}`, '-cf', out, 'set'], files, files === FILES);
    if (files === FILES) await expectTheScan('set.tar', bytes);
    else {
      const r = loadFile('set.tar', bytes, { seed: 1 });
      expect([r.format, r.cloud.count, r.archive?.read]).toEqual(['xyz', 3000, 'set/scan.xyz']);
    }
  });

  test('gzipped (.tar.gz, .tgz): inflated, then read as the tar', async () => {
    const tgz = packed('tar', (out) => ['-czf', out, 'set']);
    for (const name of ['set.tar.gz', 'set.tgz']) {
      const r = await expectTheScan(name, tgz);
      expect(r.warnings[0]).toMatch(/^read 'set\.tar' from the gzip file \([\d,]+ bytes, [\d,]+ inflated\)$/);
    }
  });

  test('a header that does not add up, a file cut short, an archive of no model', () => {
    const good = tar('gnu');
    const damaged = good.slice();
    const header = Buffer.from(good).indexOf('set/part.stl'); // the part's header starts with its name
    damaged[header + 101] ^= 0x01; // its mode
    expectError('set.tar', damaged, 'malformed', `Tar archive: the tar header at byte ${header.toLocaleString('en-US')} is damaged (its checksum does not hold)`);
    const scan = Buffer.from(good).indexOf(Buffer.from(model.subarray(0, 64)));
    expectError('set.tar', good.subarray(0, scan + 5000), 'truncated', `Tar archive: the file is cut short: 'set/${LONG.slice(0, 36)}...' needs ${model.length.toLocaleString('en-US')} bytes from byte ${scan.toLocaleString('en-US')}, the file ends at ${(scan + 5000).toLocaleString('en-US')}`);
    expectError('set.tar', good.subarray(0, 1000), 'truncated', 'Tar archive: the file is cut short inside the tar header at byte 512 (the file ends at 1,000)');
    expectError('notes.tar', packed('tar', (out) => ['-cf', out, 'set'], { 'set/notes.md': text('# hi') }), 'unsupported', 'Tar archive: the archive holds no file this app reads');
    const bare = new Uint8Array(1024);
    bare.set(text('not a tar header'), 0);
    expectError('set.tar', bare, 'malformed', 'Tar archive: the file is not a tar archive (its first header checksum does not hold)');
  });
});

describe('7-Zip', () => {
  // LZMA2 solid (7-Zip's default), LZMA, PPMd, BZip2, Deflate, stored; and with the BCJ2 filter
  // people get from "ultra".
  test.each([[[]], [['-m0=LZMA']], [['-m0=PPMd']], [['-m0=BZip2']], [['-m0=Deflate']], [['-m0=Copy']], [['-mx=9', '-ms=on']]])('7zz a %j: the scan, as its own file reads', async (switches) => {
    await expectTheScan('set.7z', sevenZipFile(...switches));
  });

  test('password-protected (files, or names too), cut short, damaged: refused with the reason', async () => {
    await expect(loadWhenReady('set.7z', sevenZipFile('-psecret'))).rejects.toThrow(/^7-Zip archive: the 7-Zip archive is password-protected \('set\/.+'\); unpack it with its password and open the model inside$/);
    await expect(loadWhenReady('set.7z', sevenZipFile('-psecret', '-mhe=on'))).rejects.toThrow('7-Zip archive: the 7-Zip archive is password-protected; unpack it with its password and open the model inside');
    const good = sevenZipFile('-m0=Copy');
    await expect(loadWhenReady('set.7z', good.subarray(0, good.length - 40))).rejects.toThrow("7-Zip archive: the file is not a 7-Zip archive 7-Zip can open (damaged, or cut short)");
    const flipped = good.slice();
    flipped[Buffer.from(good).indexOf(Buffer.from(model.subarray(0, 64))) + 100] ^= 0x01; // inside the stored scan: its CRC no longer holds
    await expect(loadWhenReady('set.7z', flipped)).rejects.toThrow(/^7-Zip archive: the 7-Zip archive cannot be read \(7-Zip unpacking it: CRC Failed : set\/.+\)$/);
    // and the next archive reads
    await expectTheScan('set.7z', good);
  });

  test('an archive that unpacks past LIMITS.maxFileBytes is refused before anything is unpacked', async () => {
    const limits = LIMITS as { maxFileBytes: number };
    const limit = limits.maxFileBytes;
    const bytes = sevenZipFile(); // about 18 kB, unpacking to about 70 kB
    limits.maxFileBytes = 40_000;
    try {
      await expect(loadWhenReady('set.7z', bytes)).rejects.toThrow(/^7-Zip archive: its files unpack to [\d.]+ KiB, more than 40,000 bytes \(LIMITS\.maxFileBytes\)$/);
    } finally {
      limits.maxFileBytes = limit;
    }
  });

  test('60 cut or byte-changed archives: a cloud or a LoadError, and 7-Zip reads the next one', async () => {
    const good = sevenZipFile();
    let refused = 0;
    for (let seed = 0; seed < 60; seed++) {
      const bytes = good.slice(0, seed % 2 ? Math.floor((good.length * seed) / 61) : good.length);
      if (seed % 2 === 0) bytes[(seed * 7919) % bytes.length] ^= 1 + (seed % 255);
      try {
        expectWellFormed(await loadWhenReady('set.7z', bytes, { seed: 1 }));
      } catch (error) {
        if (!(error instanceof LoadError)) throw error;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(20);
    await expectTheScan('set.7z', good);
  });
});

describe('RAR', () => {
  const entries = Object.entries(FILES).map(([name, data]) => ({ name, data }));
  test.each([['RAR 5', rar5], ['RAR 4', rar4]] as const)('%s (stored): the scan, as its own file reads', async (_, write) => {
    await expectTheScan('set.rar', write(entries));
  });

  test('cut short, or a CRC that does not hold: refused', async () => {
    const good = rar5(entries);
    await expect(loadWhenReady('set.rar', good.subarray(0, 200))).rejects.toThrow(LoadError);
    const flipped = good.slice();
    flipped[good.length - 100] ^= 0x20; // inside the last entry's bytes
    await expect(loadWhenReady('set.rar', flipped)).rejects.toThrow(/^RAR archive: /);
  });
});

describe('archives in archives, and the decoders an archive needs', () => {
  test('a zip of a tar or a .7z is refused saying to unpack it', () => {
    expectError('a.zip', zipSync({ 'inner.tar': tar('gnu'), 'inner.7z': new Uint8Array(8) }), 'unsupported', "Zip archive: the archive holds only other archives ('inner.tar', 'inner.7z'); unpack them first");
  });

  test('a LAZ scan in a .tar.gz: loadersReady finds it by name inside and loads the LAZ decoder', async () => {
    // No test above loads LAZ, so the decoder is loaded here, by what the .tar.gz holds.
    const las = fixture('format3-rgb8-vlr.las');
    const tgz = packed('tar', (out) => ['-czf', out, 'set'], { 'set/scan.laz': toLaz(las), 'set/README.txt': text('hi') });
    await loadersReady(tgz);
    const r = loadFile('scan.tar.gz', tgz, { seed: 1 });
    const plain = loadFile('scan.las', las, { seed: 1 });
    expect([r.format, r.cloud.count]).toEqual(['las', plain.cloud.count]);
    expect(Buffer.compare(Buffer.from(r.cloud.positions.buffer), Buffer.from(plain.cloud.positions.buffer))).toBe(0);
  });
});
