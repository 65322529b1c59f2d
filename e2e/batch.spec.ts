// The batch mode in Chromium: a folder of class sub-folders (ModelNet40 test clouds of the parity
// fixture as PLY and OBJ, folder names spelled as people do, one folder that is no class, a broken
// file and a file of another kind) picked through the folder input; the table's rows against
// PyTorch's top-1 (tests/fixtures/models/<id>.json), the failing row's error, the CSV download
// parsed back, the accuracy and confusion matrix, a cell filtering the table, and a row opened
// in the viewer. Then several files dropped on the page start a batch from the one-file mode, and
// a batch with a taught head in use ranks the head's classes (and stops when the head is dropped).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { headFileText } from '../src/teach/headFile';
import { dropTransfer, framesDrawn, saveScreenshot, waitForFrameAfter, waitForLoaded } from './helpers';
import { loadedCount, referenceOf, shapeNames, testCloud, testIdsOf, toGltfWithBuffer, toObj, toPly, zooManifest, zooModel } from './modelnet';

/** Folder -> parity clouds in it. The folder names match the model's classes only loosely. */
const LAYOUT: Record<string, string[]> = {
  airplane: ['airplane_0627', 'airplane_0707'],
  Bed: ['bed_0525', 'bed_0605'],
  chair: ['chair_0937'],
  'range-hood': ['range_hood_0119', 'range_hood_0198'],
  'TV stand': ['tv_stand_0268', 'tv_stand_0348'],
  // No class of ModelNet40: listed and classified, not scored.
  mystery: ['flower_pot_0163'],
};
const BROKEN = 'chair/broken.ply';
const ROOT = 'scans';

interface Expected {
  path: string;
  folder: string;
  /** PyTorch's top-1 (one vote, z up). */
  top1: string;
  /** Points the app classifies: the file's, less stray pieces (chair_0937 has a 3-point one; PyTorch's
   * top-1 without it is chair too, for every zoo model: docs/io.md "Stray pieces"). */
  points: number;
  /** The model's class the folder names; null for 'mystery'. */
  truth: string | null;
}

/** Writes the folder; returns its path and what each file should come out as. */
function buildFolder(modelId: string): { dir: string; expected: Expected[] } {
  const classes = (JSON.parse(readFileSync(path.join('public', 'models', modelId, 'manifest.json'), 'utf8')) as { classes: string[] }).classes;
  const logits = new Map(referenceOf(modelId).map((p) => [p.id, p.logits]));
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-e2e-')), ROOT);
  const expected: Expected[] = [];
  let n = 0;
  for (const [folder, ids] of Object.entries(LAYOUT)) {
    mkdirSync(path.join(dir, folder), { recursive: true });
    for (const id of ids) {
      const cloud = testCloud(id);
      // Both readers on the way: every other file as OBJ.
      const name = n++ % 2 === 0 ? `${id}.ply` : `${id}.obj`;
      writeFileSync(path.join(dir, folder, name), name.endsWith('.ply') ? toPly(cloud.points) : toObj(cloud.points));
      const row = logits.get(id);
      if (!row) throw new Error(`${id} is not a parity cloud of ${modelId}`);
      const top1 = classes[row.reduce((best, v, i) => (v > row[best] ? i : best), 0)];
      expected.push({ path: `${ROOT}/${folder}/${name}`, folder, top1, points: loadedCount(id), truth: folder === 'mystery' ? null : cloud.label });
    }
  }
  // A PLY whose header promises more points than its body holds: its row shows the error.
  const header = 'ply\nformat binary_little_endian 1.0\nelement vertex 5000\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
  writeFileSync(path.join(dir, BROKEN), Buffer.concat([Buffer.from(header), Buffer.from(new Float32Array(300).buffer)]));
  // Not a format the app reads: left out and reported.
  writeFileSync(path.join(dir, 'notes.md'), '# scans\n');
  return { dir, expected };
}

async function openBatchMode(page: Page): Promise<void> {
  // One vote, z up, wasm: the first vote's logits are PyTorch's reference, and ModelNet40 is z up.
  await page.goto('/?device=wasm&votes=1&up=z');
  await expect(page.getByTestId('model-picker').locator('option')).not.toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId('model-picker')).toHaveValue(zooModel());
  const tab = page.getByRole('tab', { name: 'Batch' });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

async function waitForBatch(page: Page, total: number, timeout = 600_000): Promise<void> {
  const progress = page.getByTestId('batch-progress');
  await expect(progress).toHaveAttribute('data-total', String(total), { timeout: 120_000 });
  await expect(progress).toHaveAttribute('data-running', 'false', { timeout });
  await expect(progress).toHaveAttribute('data-done', String(total));
}

test('a folder of class sub-folders: rows, a failing file, CSV, accuracy and the confusion matrix', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  const modelId = zooModel();
  const { dir, expected } = buildFolder(modelId);
  const total = expected.length + 1; // and the broken file
  await openBatchMode(page);

  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await expect(page.getByTestId('batch-listing')).toContainText(`${total} files; 1 skipped (not a format the app reads: .md)`);
  await waitForBatch(page, total);

  // Every good file: its row, classified as PyTorch classifies it.
  const rows = page.getByTestId('batch-row');
  await expect(rows).toHaveCount(total);
  // A file the loaders trimmed (chair_0937's 3-point stray piece) says so beside its points.
  const trimmed = expected.filter((e) => e.points < 1024);
  expect(trimmed.length).toBeGreaterThan(0);
  for (const e of trimmed) {
    const cell = rows.filter({ has: page.locator(`[title="${e.path}"]`) }).getByTestId('batch-row-warnings');
    await expect(cell).toHaveText(`(${1024 - e.points} left out)`);
    await expect(cell).toHaveAttribute('title', /small piece.* apart from the rest of the shape/);
  }
  for (const e of expected) {
    const row = rows.filter({ has: page.locator(`[title="${e.path}"]`) });
    await expect(row, e.path).toHaveAttribute('data-status', 'done');
    await expect(row, e.path).toHaveAttribute('data-top1', e.top1);
  }
  // The broken one: its error in its row, the rest went on.
  const broken = rows.filter({ has: page.locator(`[title="${ROOT}/${BROKEN}"]`) });
  await expect(broken).toHaveAttribute('data-status', 'failed');
  await expect(broken.getByTestId('batch-row-error')).toContainText('5,000 vertices');

  // The folder that names no class is reported, the others matched despite case, '-' and ' '.
  await expect(page.getByTestId('batch-unmatched')).toHaveAttribute('data-folders', JSON.stringify(['mystery']));

  // Accuracy over the scored files (the matching folders), worked out from PyTorch's top-1s.
  const scored = expected.filter((e) => e.truth !== null);
  const right = scored.filter((e) => e.top1 === e.truth).length;
  expect(Number(await page.getByTestId('batch-overall').getAttribute('data-value'))).toBeCloseTo(right / scored.length, 6);
  const classes = [...new Set(scored.map((e) => e.truth!))];
  const meanClass = classes.reduce((sum, c) => {
    const of = scored.filter((e) => e.truth === c);
    return sum + of.filter((e) => e.top1 === c).length / of.length;
  }, 0) / classes.length;
  expect(Number(await page.getByTestId('batch-mean-class').getAttribute('data-value'))).toBeCloseTo(meanClass, 6);

  // The confusion matrix: every pair's count, and nothing else.
  const pairs = new Map<string, number>();
  for (const e of scored) pairs.set(`${e.truth}|${e.top1}`, (pairs.get(`${e.truth}|${e.top1}`) ?? 0) + 1);
  const cells = await page.getByTestId('confusion-cell').evaluateAll((tds) =>
    tds.map((td) => [`${td.getAttribute('data-truth')}|${td.getAttribute('data-predicted')}`, Number(td.getAttribute('data-count'))] as const),
  );
  expect(new Map(cells.filter(([, n]) => n > 0))).toEqual(pairs);

  // A cell filters the table to its files; again shows all.
  const [firstPair, count] = [...pairs][0];
  const [truth, predicted] = firstPair.split('|');
  const cell = page.locator(`[data-testid="confusion-cell"][data-truth="${truth}"][data-predicted="${predicted}"] button`);
  await cell.click();
  await expect(page.getByTestId('batch-filter')).toBeVisible();
  await expect(rows).toHaveCount(count);
  for (const e of scored.filter((x) => x.truth === truth && x.top1 === predicted)) {
    await expect(rows.filter({ has: page.locator(`[title="${e.path}"]`) })).toHaveCount(1);
  }
  await cell.click();
  await expect(rows).toHaveCount(total);

  // Sorting by probability, highest first: failed rows last.
  await page.getByTestId('batch-sort-probability').click();
  await expect(rows.last()).toHaveAttribute('data-status', 'failed');
  const probabilities = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[4]?.textContent ?? ''));
  const values = probabilities.filter((p) => p.endsWith('%')).map((p) => parseFloat(p));
  expect(values).toEqual([...values].sort((a, b) => b - a));

  // The CSV download, parsed back: one record per file, in batch order, with the error and the top-5.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^any2point-batch-.*\.csv$/);
  const csv = Papa.parse<Record<string, string>>(readFileSync(await download.path(), 'utf8'), { header: true, skipEmptyLines: true });
  expect(csv.errors).toEqual([]);
  expect(csv.meta.fields).toEqual(['file', 'folder', 'points', 'up', 'top1', 'probability1', 'top2', 'probability2', 'top3', 'probability3', 'top4', 'probability4', 'top5', 'probability5', 'sure', 'correct', 'ms', 'error']);
  expect(csv.data).toHaveLength(total);
  for (const e of expected) {
    const record = csv.data.find((r) => r.file === e.path);
    expect(record, e.path).toBeDefined();
    expect(record!.top1).toBe(e.top1);
    expect(record!.folder).toBe(e.folder);
    expect(record!.points).toBe(String(e.points));
    expect(record!.up).toBe('z');
    expect(['yes', 'no']).toContain(record!.sure);
    expect(record!.error).toBe('');
    expect(Number(record!.probability1)).toBeGreaterThan(Number(record!.probability2));
    expect(record!.correct).toBe(e.truth === null ? '' : e.top1 === e.truth ? 'yes' : 'no');
  }
  const brokenRecord = csv.data.find((r) => r.file === `${ROOT}/${BROKEN}`);
  expect(brokenRecord?.error).toContain('5,000 vertices');
  expect(brokenRecord?.top1).toBe('');

  // The JSON download holds the same files and the accuracy.
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-json').click()]);
  const json = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8')) as { meta: { model: string }; files: { file: string }[]; accuracy: { overall: number } };
  expect(json.meta.model).toBe(modelId);
  expect(json.files).toHaveLength(total);
  expect(json.accuracy.overall).toBeCloseTo(right / scored.length, 6);

  // A row opens its file in the viewer, classified the one-file way, with the same top-1.
  const chosen = expected.find((e) => e.folder === 'chair')!;
  await rows.filter({ has: page.locator(`[title="${chosen.path}"]`) }).getByRole('button').click();
  const name = path.basename(chosen.path);
  await waitForLoaded(page, name);
  await expect(page.getByTestId('predictions')).toHaveAttribute('data-source', name, { timeout: 120_000 });
  await expect(page.getByTestId('class-0')).toHaveAttribute('data-label', chosen.top1);
  await expect(page.getByTestId('attention-panel')).toBeVisible();
  await saveScreenshot(page, 'batch-folder');

  // The README's picture: README_SCREENSHOTS=1 (command in docs/app.md).
  if (process.env.README_SCREENSHOTS) {
    const frames = await framesDrawn(page);
    await page.setViewportSize({ width: 1040, height: 720 });
    await page.getByTestId('batch-sort-file').click();
    // The summary in view, not the row the click scrolled to.
    await page.getByTestId('batch-results').evaluate((e) => e.parentElement?.scrollTo(0, 0));
    // The resize redraws the viewer.
    await waitForFrameAfter(page, frames);
    const png = await page.screenshot({ path: path.join('docs', 'images', 'batch.png') });
    expect(png.length, 'docs/images/batch.png stays small').toBeLessThan(200_000);
  }
});

// A model downloaded as glTF and unzipped (macOS unzips downloads itself) is a folder: scene.gltf,
// the scene.bin it names and its textures. Picked as a folder, the .gltf is read with its buffer
// (the .bin is not a row of its own, the texture is skipped), and its row opens in the viewer.
test('a folder holding a .gltf, its .bin and a texture: one row, read with its buffer, opened in the viewer', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const chair = testCloud('chair_0890').points;
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-gltf-')), 'download');
  mkdirSync(path.join(dir, 'textures'), { recursive: true });
  writeFileSync(path.join(dir, 'scene.bin'), new Uint8Array(chair.buffer, chair.byteOffset, chair.byteLength));
  writeFileSync(path.join(dir, 'scene.gltf'), toGltfWithBuffer(chair.length / 3, 'scene.bin'));
  writeFileSync(path.join(dir, 'textures', 'base.png'), new Uint8Array(64));
  await openBatchMode(page);
  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await expect(page.getByTestId('batch-listing')).toContainText('1 file; 1 skipped (not a format the app reads: .png)');
  await waitForBatch(page, 1);
  const row = page.getByTestId('batch-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row).toHaveAttribute('data-top1', 'chair');
  await row.getByRole('button').click();
  await waitForLoaded(page, 'scene.gltf');
  await expect(page.getByTestId('point-count')).toHaveAttribute('data-value', String(chair.length / 3));
});

// A folder of Blender projects: each .blend (saved compressed) gets a row; the backups Blender
// keeps beside it (.blend1, .blend2) are set aside, not classified again.
test('a folder of Blender projects: the .blend files classified, their backups set aside', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-blend-')), 'projects');
  mkdirSync(path.join(dir, 'table'), { recursive: true });
  mkdirSync(path.join(dir, 'pair'), { recursive: true });
  const fixture = (name: string) => readFileSync(new URL(`../tests/fixtures/loaders/blend/${name}`, import.meta.url));
  writeFileSync(path.join(dir, 'table', 'table.blend'), fixture('table.blend'));
  writeFileSync(path.join(dir, 'table', 'table.blend1'), fixture('table.blend'));
  writeFileSync(path.join(dir, 'table', 'table.blend2'), fixture('table.blend'));
  writeFileSync(path.join(dir, 'pair', 'pair.blend'), fixture('pair.blend'));
  await openBatchMode(page);
  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await expect(page.getByTestId('batch-listing')).toContainText('2 files; 2 Blender backups set aside (table.blend1, table.blend2)');
  await waitForBatch(page, 2);
  const rows = page.getByTestId('batch-row');
  await expect(rows).toHaveCount(2);
  for (const k of [0, 1]) await expect(rows.nth(k)).toHaveAttribute('data-status', 'done');
  await expect(rows.filter({ hasText: 'table.blend' })).toHaveAttribute('data-top1', 'table');
});

// A Thingiverse-style set: a zip of a chair, an airplane and a broken STL, beside a PLY. Each model
// of the archive gets its row (the largest read first, the others queued after the listing), and
// a row opens its own model in the viewer.
test('an archive of several models gets a row for each; a row opens its model', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-zip-')), 'download');
  mkdirSync(dir, { recursive: true });
  const broken = new TextEncoder().encode('solid x\nfacet normal 0 0 1\n');
  const chair = toPly(testCloud('chair_0890').points);
  const plane = toPly(testCloud('airplane_0627').points.subarray(0, 3 * 900));
  writeFileSync(path.join(dir, 'set.zip'), zipSync({ 'set/chair.ply': chair, 'set/plane.ply': plane, 'set/broken.stl': broken }));
  writeFileSync(path.join(dir, 'bed.ply'), toPly(testCloud('bed_0525').points));
  await openBatchMode(page);
  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await expect(page.getByTestId('batch-listing')).toContainText('2 files');
  await waitForBatch(page, 4);
  const rows = page.getByTestId('batch-row');
  const byPath = (p: string) => page.locator(`[data-testid="batch-row"][data-path="${p}"]`);
  await expect(rows).toHaveCount(4);
  await expect(byPath('download/bed.ply')).toHaveAttribute('data-top1', 'bed');
  await expect(byPath('download/set.zip › set/chair.ply')).toHaveAttribute('data-top1', 'chair');
  await expect(byPath('download/set.zip › set/plane.ply')).toHaveAttribute('data-top1', 'airplane');
  await expect(byPath('download/set.zip › set/broken.stl')).toHaveAttribute('data-status', 'failed');
  await expect(byPath('download/set.zip › set/broken.stl').getByTestId('batch-row-error')).toContainText('STL: the file ends inside facet 0');
  await byPath('download/set.zip › set/plane.ply').getByRole('button').click();
  await waitForLoaded(page, 'set.zip');
  await expect(page.getByTestId('point-count')).toHaveAttribute('data-value', '900');
  await expect(page.getByTestId('archive-model')).toHaveValue('set/plane.ply');
});

// A data set as point-cloud research hands it out: PointNet's ModelNet40 HDF5 layout (data N x P x 3
// gzipped, label N x 1), written by h5py, three test clouds in it, its shape_names.txt beside. Each
// cloud gets its row, named with its label, scored against the class its label names, and a row
// opens its cloud.
test('an HDF5 data set of clouds (ModelNet40 as PointNet ships it) gets a row for each cloud, scored by its labels', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-h5-')), 'download');
  mkdirSync(dir, { recursive: true });
  const clouds = ['chair_0890', 'airplane_0627', 'bed_0525'].map((id) => testCloud(id).points);
  const n = Math.min(...clouds.map((c) => c.length / 3));
  const flat = new Float32Array(3 * n * 3);
  clouds.forEach((c, i) => flat.set(c.subarray(0, 3 * n), i * 3 * n));
  writeFileSync(path.join(dir, 'clouds.bin'), flat);
  const script = `import h5py, numpy as np, sys
d = np.fromfile(sys.argv[1], '<f4').reshape(3, -1, 3)
with h5py.File(sys.argv[2], 'w') as f:
    f.create_dataset('data', data=d, compression='gzip', compression_opts=4)
    f.create_dataset('label', data=np.array([[8], [0], [2]], 'u1'))`;
  execFileSync('/usr/bin/python3', ['-c', script, path.join(dir, 'clouds.bin'), path.join(dir, 'ply_data_test0.h5')]);
  rmSync(path.join(dir, 'clouds.bin'));
  writeFileSync(path.join(dir, 'shape_names.txt'), `${shapeNames().join('\n')}\n`);
  await openBatchMode(page);
  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await expect(page.getByTestId('batch-listing')).toContainText('1 file');
  await expect(page.getByTestId('batch-listing')).not.toContainText('skipped');
  await waitForBatch(page, 3);
  // labels 8, 0, 2 are ModelNet40's chair, airplane, bed: every cloud scored, all three right
  await expect(page.getByTestId('batch-overall')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('batch-overall')).toContainText('of 3 files');
  const byPath = (p: string) => page.locator(`[data-testid="batch-row"][data-path="${p}"]`);
  await expect(page.getByTestId('batch-row')).toHaveCount(3);
  await expect(byPath('download/ply_data_test0.h5 › data[0] (label 8)')).toHaveAttribute('data-top1', 'chair');
  await expect(byPath('download/ply_data_test0.h5 › data[1] (label 0)')).toHaveAttribute('data-top1', 'airplane');
  await expect(byPath('download/ply_data_test0.h5 › data[2] (label 2)')).toHaveAttribute('data-top1', 'bed');
  await byPath('download/ply_data_test0.h5 › data[1] (label 0)').getByRole('button').click();
  await waitForLoaded(page, 'ply_data_test0.h5');
  await expect(page.getByTestId('archive-model')).toHaveValue('data[1] (label 0)');
  await expect(page.getByTestId('format')).toHaveAttribute('data-value', 'hdf5');
});

test('several files dropped in the one-file mode start a batch', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await page.goto('/?device=wasm&votes=1&up=z');
  await expect(page.getByRole('tab', { name: 'One file' })).toHaveAttribute('aria-selected', 'true');
  const ids = ['chair_0937', 'airplane_0627', 'bed_0525'];
  const files = ids.map((id) => ({ name: `${id}.ply`, base64: Buffer.from(toPly(testCloud(id).points)).toString('base64') }));
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, base64 } of list) dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    return dt;
  }, files);
  await dropTransfer(page, transfer);
  await expect(page.getByRole('tab', { name: 'Batch' })).toHaveAttribute('aria-selected', 'true');
  await waitForBatch(page, ids.length);
  // Loose files: sorted by name, no folder column, no accuracy.
  const rows = page.getByTestId('batch-row');
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')))).toEqual(['airplane_0627.ply', 'bed_0525.ply', 'chair_0937.ply']);
  await expect(page.getByTestId('batch-accuracy')).toHaveCount(0);
  await expect(page.getByTestId('confusion')).toHaveCount(0);
  // One file dropped still opens in the viewer, as before (the batch mode stays).
  await dropTransfer(
    page,
    await page.evaluateHandle((f) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      return dt;
    }, files[0]),
  );
  await waitForLoaded(page, files[0].name);
});

test('Cancel stops the batch before the next file; the rows done stay', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await openBatchMode(page);
  const bytes = Buffer.from(toPly(testCloud('chair_0937').points)).toString('base64');
  const names = Array.from({ length: 24 }, (_, i) => `chair-${String(i + 1).padStart(2, '0')}.ply`);
  await page.getByTestId('batch-files-input').setInputFiles(names.map((name) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes, 'base64') })));
  const progress = page.getByTestId('batch-progress');
  await expect(progress).toHaveAttribute('data-running', 'true');
  await expect.poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('batch-cancel').click();
  await expect(progress).toHaveAttribute('data-running', 'false');
  await expect(progress.getByRole('status')).toHaveText(/^Cancelled after \d+ of 24 files\.$/);
  const statuses = await page.getByTestId('batch-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
  const done = statuses.filter((s) => s === 'done').length;
  expect(done).toBeGreaterThan(0);
  expect(statuses.filter((s) => s === 'queued').length).toBe(24 - done);
  // The first files, in order, are the ones done; nothing runs after the cancel.
  expect(statuses.slice(0, done).every((s) => s === 'done')).toBe(true);
  await expect(page.getByTestId('batch-csv')).toBeEnabled();
});

test('with a taught head in use the batch ranks its classes; dropping the head stops the batch', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const modelId = zooModel();
  const manifest = zooManifest(modelId) as unknown as { files: Record<string, { sha256: string }>; onnx: { file: string }; features: { dim: number } };
  // A head for the open model, its weights made up (which class wins does not matter here, only
  // that the rows are ranked in its classes). 'chair' is one of them; 'airplane' is only the model's.
  const classes = ['chair', 'lamp', 'bottle'];
  const dim = manifest.features.dim;
  const text = headFileText({
    model: { id: modelId, sha256: manifest.files[manifest.onnx.file].sha256 },
    created: new Date().toISOString(),
    head: {
      dim,
      classes,
      mean: new Float32Array(dim),
      weights: Float32Array.from({ length: classes.length * dim }, (_, i) => Math.sin(i * 1.7)),
      bias: new Float32Array(classes.length),
    },
    examplesPerClass: classes.map(() => 1),
    crossValidation: null,
    training: { method: 'logistic-regression', weightDecay: 1e-3, iterations: 300 },
  });
  await openBatchMode(page);
  await expect(page.getByTestId('batch-classes')).toHaveAttribute('data-head', 'false');
  await expect(page.getByTestId('batch-classes')).toContainText("the model's");
  // A head is checked against the open model: wait for it to be open.
  await expect(page.getByTestId('model-name')).toBeVisible({ timeout: 300_000 });
  await page.getByRole('tab', { name: 'Teach' }).click();
  await page.getByTestId('head-load').setInputFiles({ name: 'made-up.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByTestId('head-load-error')).toHaveCount(0);
  await expect(page.getByTestId('head-in-use')).toHaveAttribute('data-value', classes.join(' · '));
  await page.getByRole('tab', { name: 'Batch' }).click();
  await expect(page.getByTestId('batch-classes')).toHaveAttribute('data-head', 'true', { timeout: 120_000 });
  await expect(page.getByTestId('batch-classes')).toContainText(`your head “${classes.join(' · ')}” (3 classes)`);

  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-head-e2e-')), ROOT);
  for (const [folder, id] of [['chair', 'chair_0937'], ['airplane', 'airplane_0627']]) {
    mkdirSync(path.join(root, folder), { recursive: true });
    writeFileSync(path.join(root, folder, `${id}.ply`), toPly(testCloud(id).points));
  }
  await page.getByTestId('batch-folder-input').setInputFiles(root);
  await waitForBatch(page, 2);
  const tops = await page.getByTestId('batch-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-top1')));
  expect(tops).toHaveLength(2);
  for (const top of tops) expect(classes).toContain(top);
  // Folders are matched against the head's classes: 'airplane' is a class of the model, not of the head.
  await expect(page.getByTestId('batch-unmatched')).toHaveAttribute('data-folders', JSON.stringify(['airplane']));
  await expect(page.getByTestId('batch-overall')).toBeVisible();

  // The head dropped mid-batch stops it, as a model switch does.
  const bytes = Buffer.from(toPly(testCloud('chair_0937').points));
  const names = Array.from({ length: 24 }, (_, i) => `chair-${String(i + 1).padStart(2, '0')}.ply`);
  await page.getByTestId('batch-files-input').setInputFiles(names.map((name) => ({ name, mimeType: 'application/octet-stream', buffer: bytes })));
  const progress = page.getByTestId('batch-progress');
  await expect(progress).toHaveAttribute('data-running', 'true');
  await page.getByRole('tab', { name: 'Teach' }).click();
  await page.getByTestId('head-stop').click();
  await page.getByRole('tab', { name: 'Batch' }).click();
  await expect(progress).toHaveAttribute('data-running', 'false', { timeout: 120_000 });
  await expect(progress.getByRole('status')).toContainText("Stopped: the classes changed to the model's classes");
  await expect(page.getByTestId('batch-classes')).toContainText(`your head “${classes.join(' · ')}”`);
});

test('the mode tabs work from the keyboard', async ({ page }) => {
  await page.goto('/');
  const one = page.getByRole('tab', { name: 'One file' });
  await one.focus();
  await page.keyboard.press('ArrowRight');
  const batch = page.getByRole('tab', { name: 'Batch' });
  await expect(batch).toBeFocused();
  await expect(batch).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('Classify many files');
  await page.keyboard.press('Home');
  await expect(one).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('Open');
});

// Throughput of the browser batch, opt-in: BATCH_BENCH=<clouds> (2468 = the whole ModelNet40 test
// split, in class folders, as PLY), BATCH_VOTES=<n> (default: the model's own). Up is z, as the
// split is and as any2point.evaluate feeds it. Prints clouds per second and the accuracy, which on
// the whole split with the model's votes is the manifest's test accuracy.
const BENCH = Number(process.env.BATCH_BENCH ?? 0);
test(`batch throughput on ${BENCH || 'N'} ModelNet40 test clouds`, async ({ page }) => {
  test.skip(!BENCH, 'set BATCH_BENCH=<clouds> to run it');
  test.setTimeout(4 * 60 * 60_000);
  const manifest = zooManifest(zooModel()) as ReturnType<typeof zooManifest> & {
    classes: string[];
    metrics: { testOverallAccuracy: number | null; testMeanClassAccuracy: number | null };
  };
  const all = manifest.classes.flatMap((label) => testIdsOf(label));
  // An even pick over the split (every class when BENCH is large enough).
  const ids = BENCH >= all.length ? all : Array.from({ length: BENCH }, (_, i) => all[Math.floor((i * all.length) / BENCH)]);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-bench-')), 'modelnet40-test');
  for (const id of ids) {
    const cloud = testCloud(id);
    mkdirSync(path.join(dir, cloud.label), { recursive: true });
    writeFileSync(path.join(dir, cloud.label, `${id}.ply`), toPly(cloud.points));
  }
  const votes = process.env.BATCH_VOTES ? `&votes=${process.env.BATCH_VOTES}` : '';
  await page.goto(`/?device=${process.env.BATCH_DEVICE ?? 'wasm'}&up=z${votes}`);
  await expect(page.getByTestId('model-picker')).toHaveValue(zooModel(), { timeout: 120_000 });
  // The model open first, so the files per second are the batch's alone.
  await expect(page.getByTestId('model-progress')).toBeHidden({ timeout: 120_000 });
  await page.getByRole('tab', { name: 'Batch' }).click();
  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await waitForBatch(page, ids.length, 4 * 60 * 60_000);
  const status = await page.getByTestId('batch-progress').getByRole('status').textContent();
  const overall = Number(await page.getByTestId('batch-overall').getAttribute('data-value'));
  const meanClass = Number(await page.getByTestId('batch-mean-class').getAttribute('data-value'));
  const failed = await page.locator('[data-testid="batch-row"][data-status="failed"]').count();
  console.log(`batch of ${ids.length} clouds (votes ${process.env.BATCH_VOTES ?? `model default ${manifest.votes ?? 1}`}): ${status} overall ${overall.toFixed(4)}, mean class ${meanClass.toFixed(4)}, failed ${failed}`);
  expect(failed).toBe(0);
  // The whole split with the model's own votes: what any2point.evaluate measured (the manifest's).
  if (ids.length === all.length && !process.env.BATCH_VOTES) {
    expect(overall).toBeCloseTo(manifest.metrics.testOverallAccuracy ?? NaN, 3);
    expect(meanClass).toBeCloseTo(manifest.metrics.testMeanClassAccuracy ?? NaN, 3);
  }
});

// The same kind of batch from one HDF5 data set, opt-in: BATCH_BENCH_H5=<clouds>. ModelNet40 test
// clouds in PointNet's layout (`data` N x 1024 x 3 and, as its files have, a larger `normal`
// beside it: 20 times the points here, so that the file is as large as a real data set's, about
// 250 kB a cloud), uncompressed, written by h5py. Each cloud is a row; the parse worker keeps the
// file's bytes between its rows (parse.worker.ts `lastSeveral`), so the file is read from disk
// once. Prints seconds and rows per second.
const H5_BENCH = Number(process.env.BATCH_BENCH_H5 ?? 0);
test(`batch throughput on ${H5_BENCH || 'N'} clouds in one HDF5 file`, async ({ page }) => {
  test.skip(!H5_BENCH, 'set BATCH_BENCH_H5=<clouds> to run it');
  test.setTimeout(4 * 60 * 60_000);
  const all = testIdsOf('chair');
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-bench-h5-')), 'download');
  mkdirSync(dir, { recursive: true });
  const flat = new Float32Array(H5_BENCH * 1024 * 3);
  for (let i = 0; i < H5_BENCH; i++) flat.set(testCloud(all[i % all.length]!).points.subarray(0, 3072), i * 3072);
  writeFileSync(path.join(dir, 'clouds.raw'), flat);
  const script = `import h5py, numpy as np, sys
d = np.fromfile(sys.argv[1], '<f4').reshape(-1, 1024, 3)
with h5py.File(sys.argv[2], 'w') as f:
    f.create_dataset('data', data=d)
    f.create_dataset('normal', data=np.repeat(d, 20, axis=1))`;
  execFileSync('/usr/bin/python3', ['-c', script, path.join(dir, 'clouds.raw'), path.join(dir, 'set.h5')]);
  rmSync(path.join(dir, 'clouds.raw'));
  await page.goto(`/?device=${process.env.BATCH_DEVICE ?? 'wasm'}&up=z&votes=1`);
  await expect(page.getByTestId('model-picker')).toHaveValue(zooModel(), { timeout: 120_000 });
  await expect(page.getByTestId('model-progress')).toBeHidden({ timeout: 120_000 });
  await page.getByRole('tab', { name: 'Batch' }).click();
  const start = Date.now();
  await page.getByTestId('batch-folder-input').setInputFiles(dir);
  await waitForBatch(page, H5_BENCH, 4 * 60 * 60_000);
  const seconds = (Date.now() - start) / 1000;
  const failed = await page.locator('[data-testid="batch-row"][data-status="failed"]').count();
  console.log(`batch of ${H5_BENCH} clouds in one HDF5 file of ${(readFileSync(path.join(dir, 'set.h5')).length / 2 ** 20).toFixed(1)} MiB (1 vote): ${seconds.toFixed(1)} s, ${(H5_BENCH / seconds).toFixed(2)} rows/s, failed ${failed}`);
  expect(failed).toBe(0);
});
