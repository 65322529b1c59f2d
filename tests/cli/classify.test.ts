// `any2point classify` as a user runs it (a child process): a folder of class folders with a bad
// file inside, JSON on stdout and a CSV file read back, usage errors, and a scan on a floor with
// and without --keep-every-point.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliJsonFile } from '../../src/cli/output';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { shapeNames, testCloud, testIdsOf, toGltfWithBuffer, toLas, toPly } from '../../e2e/modelnet';
import { toLaz } from '../io/lazWrite';
import { rar5 } from '../io/rarWrite';
import { modelnetFolder, runCli } from './runCli';

const chairs = testIdsOf('chair').slice(0, 2);
const airplanes = testIdsOf('airplane').slice(0, 1);
const folder = modelnetFolder({ chair: chairs, airplane: airplanes });
// A PLY whose header promises more than the file holds, among the good ones.
const bad = path.join(folder, 'chair', 'broken.ply');
writeFileSync(bad, 'ply\nformat ascii 1.0\nelement vertex 500\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 1 1\n');
writeFileSync(path.join(folder, 'README.md'), 'not a shape');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// The app's batch JSON (src/batch/export.ts), the CLI's extras in each file and in `cli`.
interface JsonOut {
  meta: { model: string; up: string; votes: number | null };
  files: CliJsonFile[];
  accuracy: { files: number; overall: number; classes: string[]; confusion: number[][] } | null;
  cli: { device: string; summary: { files: number; classified: number; failed: number; clouds: number; cloudsPerSecond: number } };
}

describe('any2point classify', () => {
  it('classifies a folder, reports the bad file by name with its error and exits 1; JSON on stdout', async () => {
    const run = await runCli(['classify', folder, '--jobs', '2', '--votes', '1', '--device', 'cpu']);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as JsonOut;
    expect(out.cli.device).toBe('CPU');
    expect(out.meta.votes).toBe(1);
    expect(out.meta.up).toBe('auto'); // the app's default: z-up and y-up tried, the more confident kept
    expect(out.files.map((f) => path.relative(folder, f.file))).toEqual([
      path.join('airplane', `${airplanes[0]}.ply`),
      path.join('chair', 'broken.ply'),
      ...chairs.map((id) => path.join('chair', `${id}.ply`)),
    ]);
    const broken = out.files[1];
    expect(broken.error).toMatch(/^PLY: .*(500|end)/);
    expect(broken.top).toEqual([]);
    for (const f of [out.files[0], out.files[2], out.files[3]]) {
      expect(f.error).toBeNull();
      expect(f.points).toBe(1024);
      expect(f.top[0].label).toBe(f.folder);
      expect(f.top).toHaveLength(5);
      expect(['z', 'y']).toContain(f.up);
      expect(typeof f.notSure).toBe('boolean');
      expect(f.logits).toHaveLength(40);
      expect(f.grown).toBe(false); // 1024 points: read as given
    }
    expect(broken.grown).toBeNull();
    expect(out.cli.summary).toMatchObject({ files: 4, classified: 3, failed: 1 });
    expect(out.cli.summary.cloudsPerSecond).toBeGreaterThan(0);
    expect(out.accuracy).toEqual({ files: 3, overall: 1, meanClass: 1, classes: ['airplane', 'chair'], confusion: [[1, 0], [0, 2]] });
    // Progress and the failure on stderr; README.md was not a shape and was skipped.
    expect(run.stderr).toMatch(/\[\d\/4.*broken\.ply: FAILED: PLY/);
    expect(run.stderr).toMatch(/1 file\(s\) under the folders given are not of a format/);
    expect(run.stderr).toMatch(/on CPU \(network: onnxruntime-web wasm, geometry: CPU twins\), 2 worker thread/);
  }, 600_000);

  it('writes CSV (read back with papaparse) and exits 0 when every file is fine', async () => {
    const csv = path.join(folder, 'out.csv');
    const run = await runCli(['classify', path.join(folder, 'airplane'), path.join(folder, 'chair', `${chairs[0]}.ply`), '--csv', csv, '--jobs', '1', '--votes', '1', '--device', 'cpu', '--up', 'z']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const parsed = Papa.parse<Record<string, string>>(readFileSync(csv, 'utf8'), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    // The app's batch CSV (src/batch/export.ts).
    const top = [1, 2, 3, 4, 5].flatMap((k) => [`top${k}`, `probability${k}`]);
    expect(parsed.meta.fields).toEqual(['file', 'folder', 'points', 'up', ...top, 'sure', 'correct', 'ms', 'error']);
    expect(parsed.data.map((r) => [path.basename(r.file), r.top1, r.points, r.up, r.error])).toEqual([
      [`${airplanes[0]}.ply`, 'airplane', '1024', 'z', ''],
      [`${chairs[0]}.ply`, 'chair', '1024', 'z', ''],
    ]);
    // A folder named on its own has no class folders above its files; a file named alone has none.
    expect(parsed.data.map((r) => [r.folder, r.correct])).toEqual([['', ''], ['', '']]);
    expect(Number(parsed.data[0].probability1)).toBeGreaterThan(0.5);
    expect(Number(parsed.data[0].probability5)).toBeGreaterThan(0);
  }, 600_000);

  it('exits 2 with the reason and the usage for a usage error', async () => {
    for (const [args, reason] of [
      [['classify'], /classify needs at least one file or folder/],
      [['classify', folder, '--votes', '99'], /--votes must be a whole number from 1 to 32/],
      [['classify', path.join(folder, 'nope')], /no such file or folder: .*nope/],
      [['classify', folder, '--model', 'no-such-model'], /--model no-such-model: no such model/],
      [['classify', bad, '--head', path.join(folder, 'README.md')], /--head .*README\.md: head file: not JSON/],
      [['teach', folder], /teach needs --out/],
    ] as const) {
      const run = await runCli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).toMatch(/usage:\n {2}any2point classify/);
      expect(run.stdout).toBe('');
    }
  }, 600_000);

  it("reads a .gltf's separate buffer from beside it on the disk (its name percent-encoded in the uri)", async () => {
    const chair = testCloud(chairs[0]!).points;
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-gltf-'));
    writeFileSync(path.join(dir, 'chair data.bin'), new Uint8Array(chair.buffer, chair.byteOffset, chair.byteLength));
    writeFileSync(path.join(dir, 'chair.gltf'), toGltfWithBuffer(chair.length / 3, 'chair%20data.bin'));
    writeFileSync(path.join(dir, 'lost.gltf'), toGltfWithBuffer(chair.length / 3, 'missing.bin'));
    writeFileSync(path.join(dir, 'device.gltf'), toGltfWithBuffer(chair.length / 3, '/dev/zero')); // never read
    const run = await runCli(['classify', path.join(dir, 'chair.gltf'), path.join(dir, 'lost.gltf'), path.join(dir, 'device.gltf'), '--jobs', '1', '--votes', '1', '--device', 'cpu']);
    const files = (JSON.parse(run.stdout) as JsonOut).files;
    const byName = Object.fromEntries(files.map((f) => [path.basename(f.file), f]));
    expect([byName['chair.gltf']!.points, byName['chair.gltf']!.top[0]!.label]).toEqual([chair.length / 3, 'chair']);
    expect(byName['lost.gltf']!.error).toBe("glTF: buffer 0 is a separate file ('missing.bin'), which is not beside it");
    expect(byName['device.gltf']!.error).toBe("glTF: buffer 0 is a separate file ('/dev/zero'), which is not beside it");
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('leaves a floor under a scan out, as the app does, and keeps it with --keep-every-point', async () => {
    // A test chair standing on a square floor patch twice its width (600 points, XYZ text).
    const chair = testCloud(chairs[0]!).points;
    let minZ = Infinity;
    for (let i = 2; i < chair.length; i += 3) minZ = Math.min(minZ, chair[i]!);
    const rows: string[] = [];
    for (let i = 0; i < chair.length; i += 3) rows.push(`${chair[i]} ${chair[i + 1]} ${chair[i + 2]}`);
    for (let i = 0; i < 600; i++) rows.push(`${(((i * 37) % 600) / 300 - 1) * 1.4} ${((i % 25) / 12 - 1) * 1.4} ${minZ}`);
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-floor-'));
    const scan = path.join(dir, 'scan.xyz');
    writeFileSync(scan, `${rows.join('\n')}\n`);
    const points = async (...extra: string[]) => {
      const run = await runCli(['classify', scan, '--jobs', '1', '--votes', '1', '--device', 'cpu', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      const file = (JSON.parse(run.stdout) as JsonOut).files[0]!;
      return { points: file.points, warnings: file.warnings };
    };
    const cleaned = await points();
    expect(cleaned.points).toBeLessThan(1024);
    expect(cleaned.warnings.join(' ')).toMatch(/points of a flat floor under the shape \(\d+ % of the cloud, z up\) were left out/);
    expect(await points('--keep-every-point')).toEqual({ points: 1624, warnings: [] });
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('reads a LAZ scan (LASzip-compressed LAS) in its worker thread, as the LAS it holds', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-laz-'));
    const plain = toLas(testCloud(airplanes[0]!).points, [512345, 5401234, 100]);
    writeFileSync(path.join(dir, 'plane.las'), plain);
    writeFileSync(path.join(dir, 'plane.laz'), toLaz(plain));
    const run = await runCli(['classify', dir, '--jobs', '2', '--votes', '1', '--device', 'cpu']);
    expect(run.code, run.stderr).toBe(0);
    const [las, laz] = (JSON.parse(run.stdout) as JsonOut).files;
    expect([las!.file, laz!.file].map((f) => path.basename(f))).toEqual(['plane.las', 'plane.laz']);
    expect([laz!.format, laz!.points, laz!.top[0]!.label, laz!.logits]).toEqual(['las', 1024, 'airplane', las!.logits]);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('reads a RAR and a .7z download and an HDF5 batch in its worker threads, each model as its own file reads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-archives-'));
    const plane = toPly(testCloud(airplanes[0]!).points);
    writeFileSync(path.join(dir, 'a-plane.ply'), plane);
    writeFileSync(path.join(dir, 'b-plane.rar'), rar5([{ name: 'download/plane.ply', data: plane }]));
    mkdirSync(path.join(dir, 'src', 'download'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'download', 'plane.ply'), plane);
    execFileSync('7zz', ['a', '-t7z', '-bd', path.join(dir, 'c-plane.7z'), 'download'], { cwd: path.join(dir, 'src'), stdio: 'pipe' });
    rmSync(path.join(dir, 'src'), { recursive: true });
    // The airplane and a chair as a PointNet-style HDF5 batch, written by h5py, labelled 0 and 8
    // (ModelNet40's airplane and chair) and named by the shape_names.txt beside it.
    const clouds = [airplanes[0]!, chairs[0]!].map((id) => testCloud(id).points);
    writeFileSync(path.join(dir, 'clouds.raw'), Float32Array.from([...clouds[0]!.subarray(0, 3072), ...clouds[1]!.subarray(0, 3072)]));
    const h5 = "import h5py, numpy as np, sys\nwith h5py.File(sys.argv[2], 'w') as f:\n f.create_dataset('data', data=np.fromfile(sys.argv[1], '<f4').reshape(2, -1, 3), compression='gzip')\n f.create_dataset('label', data=np.array([[0], [8]], 'u1'))";
    execFileSync('/usr/bin/python3', ['-c', h5, path.join(dir, 'clouds.raw'), path.join(dir, 'd-clouds.h5')]);
    rmSync(path.join(dir, 'clouds.raw'));
    writeFileSync(path.join(dir, 'shape_names.txt'), `${shapeNames().join('\n')}\n`);
    const run = await runCli(['classify', dir, '--jobs', '2', '--votes', '1', '--device', 'cpu', '--archive-models']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as JsonOut;
    expect([out.cli.summary.files, out.cli.summary.clouds]).toEqual([4, 5]); // the batch's second cloud counted
    expect(run.stderr).toMatch(/\(\d+(\.\d+)? clouds\/s once the model was open; 5 clouds with the archives' and batches' other models\)/);
    const [ply, rar, sevenZip, hdf5] = out.files;
    expect([ply, rar, sevenZip, hdf5].map((f) => path.basename(f!.file))).toEqual(['a-plane.ply', 'b-plane.rar', 'c-plane.7z', 'd-clouds.h5']);
    for (const f of [rar, sevenZip]) expect([f!.format, f!.points, f!.logits]).toEqual(['ply', ply!.points, ply!.logits]);
    expect([hdf5!.format, hdf5!.top[0]!.label]).toEqual(['hdf5', 'airplane']);
    expect(hdf5!.archiveModels?.map((m) => [m.model, 'top' in m ? m.top[0]!.label : m.error, 'labelClass' in m ? m.labelClass : null])).toEqual([
      ['data[0] (label 0)', 'airplane', 'airplane'],
      ['data[1] (label 8)', 'chair', 'chair'],
    ]);
    // The data set's clouds are scored by their labels (the other files sit in no class folder).
    expect([out.accuracy?.files, out.accuracy?.overall]).toEqual([2, 1]);
    expect(run.stderr).toContain('accuracy over 2 file(s) in class folders or cloud(s) of labelled data sets: 100.00 % overall');
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('an archive of several models is answered for its largest; --archive-models classifies each, a broken one reported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-archive-'));
    const zip = path.join(dir, 'set.zip');
    const broken = new TextEncoder().encode('solid x\nfacet normal 0 0 1\n');
    writeFileSync(zip, zipSync({ 'set/chair.ply': toPly(testCloud(chairs[0]!).points), 'set/plane.ply': toPly(testCloud(airplanes[0]!).points.subarray(0, 3 * 800)), 'set/broken.stl': broken }));
    const file = async (...extra: string[]) => {
      const run = await runCli(['classify', zip, '--jobs', '1', '--votes', '1', '--device', 'cpu', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return { file: (JSON.parse(run.stdout) as JsonOut).files[0]!, stderr: run.stderr };
    };
    const plain = await file();
    expect([plain.file.top[0]!.label, plain.file.archive, plain.file.archiveModels]).toEqual(['chair', { models: ['set/chair.ply', 'set/plane.ply', 'set/broken.stl'], read: 'set/chair.ply' }, undefined]);
    expect(plain.stderr).toMatch(/3 models in the archive, read set\/chair\.ply \(--archive-models classifies each\)/);
    const each = await file('--archive-models');
    expect(each.file.archiveModels!.map((m) => ('error' in m ? m.error : m.top[0]!.label))).toEqual(['chair', 'airplane', "Zip archive: 'set/broken.stl' in the archive: STL: the file ends inside facet 0 (line 2)"]);
    expect(each.stderr).toMatch(/set\/plane\.ply: airplane [\d.]+ %, set\/broken\.stl: FAILED/);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('finds two objects standing on one floor: the answer for both is not sure; --objects classifies each alone', async () => {
    // The test chair and, 0.6 of its width to its right, the test airplane scaled to its width,
    // both standing on a floor patch (700 points, XYZ text).
    const chair = testCloud(chairs[0]!).points;
    const plane = testCloud(airplanes[0]!).points;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    const planeLo = [Infinity, Infinity, Infinity];
    const planeHi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < chair.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3]!, chair[i]!);
      hi[i % 3] = Math.max(hi[i % 3]!, chair[i]!);
      planeLo[i % 3] = Math.min(planeLo[i % 3]!, plane[i]!);
      planeHi[i % 3] = Math.max(planeHi[i % 3]!, plane[i]!);
    }
    const width = hi[0]! - lo[0]!;
    const s = width / (planeHi[0]! - planeLo[0]!);
    const rows: string[] = [];
    for (let i = 0; i < chair.length; i += 3) rows.push(`${chair[i]} ${chair[i + 1]} ${chair[i + 2]}`);
    for (let i = 0; i < plane.length; i += 3) {
      rows.push(`${hi[0]! + 0.6 * width + (plane[i]! - planeLo[0]!) * s} ${plane[i + 1]! * s} ${lo[2]! + (plane[i + 2]! - planeLo[2]!) * s}`);
    }
    for (let i = 0; i < 700; i++) rows.push(`${lo[0]! - 0.4 * width + (((i * 37) % 700) / 700) * 3.4 * width} ${((i % 25) / 12 - 1) * 1.4} ${lo[2]}`);
    const dir = mkdtempSync(path.join(tmpdir(), 'any2point-objects-'));
    const scan = path.join(dir, 'corner.xyz');
    writeFileSync(scan, `${rows.join('\n')}\n`);
    const file = async (...extra: string[]) => {
      const run = await runCli(['classify', scan, '--jobs', '1', '--votes', '1', '--device', 'cpu', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return { file: (JSON.parse(run.stdout) as JsonOut).files[0]!, stderr: run.stderr };
    };
    const plain = await file();
    expect([plain.file.notSure, plain.file.objectCount, plain.file.objects]).toEqual([true, 2, undefined]);
    expect(plain.file.warnings.join(' ')).toMatch(/2 separate objects stand on the floor \(50 %, 50 % of the points\)/);
    expect(plain.stderr).toMatch(/2 separate objects \(--objects classifies each alone\)/);
    const each = await file('--objects');
    // Each of 1024 points, less the few at its foot that went with the floor's slab.
    expect(each.file.objects!.map((o) => o.points > 1000)).toEqual([true, true]);
    // Each object's centre in the file's coordinates: the chair's left of the airplane's.
    const [first, second] = each.file.objects!;
    const chairFirst = first!.centre[0] < second!.centre[0];
    const answers = (chairFirst ? [first, second] : [second, first]).map((o) => o!.top[0]!.label);
    expect(answers).toEqual(['chair', 'airplane']);
    expect(each.stderr).toMatch(/object 1: \w+ [\d.]+ %/);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);
});
