// `any2point teach` then `classify --head` as a user runs them: the features of three classes'
// files, a head file the app's own reader accepts, and new files of those classes classified
// with it. A broken file among the examples is reported and left out (exit 1); the head is
// still written from the rest.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliJsonFile } from '../../src/cli/output';
import { readManifest } from '../../src/cli/models';
import { modelIdentity } from '../../src/model/taughtHead';
import { parseHeadFile } from '../../src/teach/headFile';
import { testIdsOf, zooModel } from '../../e2e/modelnet';
import { modelnetFolder, ROOT, runCli } from './runCli';

const CLASSES = ['airplane', 'chair', 'lamp'];
const taught = Object.fromEntries(CLASSES.map((c) => [c, testIdsOf(c).slice(0, 3)]));
const fresh = Object.fromEntries(CLASSES.map((c) => [c, testIdsOf(c).slice(3, 5)]));
const examples = modelnetFolder(taught);
const unseen = modelnetFolder(fresh);
writeFileSync(path.join(examples, 'lamp', 'empty.ply'), '');
const headPath = path.join(examples, 'head.json');
afterAll(() => [examples, unseen].forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('any2point teach', () => {
  it('teaches three classes, then classify --head ranks new files of them', async () => {
    const model = zooModel();
    const run = await runCli(['teach', examples, '--out', headPath, '--jobs', '2', '--device', 'cpu']);
    expect(run.code, run.stderr).toBe(1); // the empty file failed; the rest taught the head
    const summary = JSON.parse(run.stdout) as { classes: string[]; examplesPerClass: number[]; failed: { file: string; error: string }[]; crossValidation: { folds: number; accuracy: number } };
    expect(summary.classes).toEqual(CLASSES);
    expect(summary.examplesPerClass).toEqual([3, 3, 3]);
    expect(summary.failed.map((f) => [path.basename(f.file), f.error])).toEqual([['empty.ply', expect.stringMatching(/empty/)]]);
    expect(run.stderr).toMatch(/empty\.ply: FAILED/);

    // The app's reader accepts the file, for this model only.
    const manifest = readManifest(ROOT, model);
    const own = modelIdentity(manifest);
    const file = parseHeadFile(readFileSync(headPath, 'utf8'), { id: own.modelId, sha256: own.modelSha256 });
    expect(file.head.classes).toEqual(CLASSES);
    expect(file.head.dim).toBeGreaterThan(0);
    expect(file.crossValidation).toEqual(summary.crossValidation);
    expect(file.crossValidation?.folds).toBe(3);

    const classified = await runCli(['classify', unseen, '--head', headPath, '--jobs', '2', '--device', 'cpu']);
    expect(classified.code, classified.stderr).toBe(0);
    const out = JSON.parse(classified.stdout) as { meta: { head?: { name: string; classes: string[] } }; cli: { head: string }; files: CliJsonFile[]; accuracy: { files: number; overall: number } };
    expect(out.cli.head).toBe('head.json');
    expect(out.meta.head).toEqual({ name: 'head.json', classes: CLASSES }); // as the app's batch JSON
    expect(out.files).toHaveLength(6);
    for (const f of out.files) {
      expect(f.top.map((t) => t.label).sort()).toEqual(CLASSES);
      expect(f.logits).toHaveLength(3);
    }
    // Three easy classes apart: at most one of six new shapes wrong.
    expect(out.accuracy.files).toBe(6);
    expect(out.accuracy.overall).toBeGreaterThanOrEqual(5 / 6);
    expect(classified.stderr).toMatch(/with the taught head head\.json \(3 classes\)/);
  }, 900_000);

  it('refuses a head taught on another model, and a folder without two classes (exit 2)', async () => {
    const other = (await import('../../e2e/modelnet')).zooModels().find((id) => id !== zooModel());
    expect(other).toBeDefined();
    const wrongModel = await runCli(['classify', unseen, '--head', headPath, '--model', other!]);
    expect(wrongModel.code, wrongModel.stderr).toBe(2);
    expect(wrongModel.stderr).toMatch(/head file: trained on model .* not on the loaded/);
    const oneClass = await runCli(['teach', path.join(unseen, 'chair'), '--out', path.join(unseen, 'x.json')]);
    expect(oneClass.code).toBe(2);
    expect(oneClass.stderr).toMatch(/teach needs at least two class folders/);
  }, 600_000);
});
