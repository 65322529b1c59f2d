// `npm run bench:robustness`: the robustness benchmark (docs/robustness.md) through the app's own
// path. any2point.tools.variant_files writes the seeded variant clouds the Python benchmark
// measures as PLY class folders; the CLI (bin/any2point.mjs: the app's loaders, geometry, ONNX
// model and answer rule) classifies each variant's folder; any2point.tools.robustness measures the
// same clouds in PyTorch with the app's rule (--up auto: --up-search app over +z,+y, the model's
// learned up picker when it has one, else the more confident; docs/pose.md "E").
// Prints one Markdown row per variant: the CLI's OA and mean class accuracy (every cloud's top-1,
// "not sure" included, as the Python figures count), how many answers were not "not sure" and
// their accuracy, the Python figures, and on how many clouds the two top-1s differ and the two
// "not sure" verdicts differ (with --up auto, where Python applies the app's calibration and novelty checks).
//   flags: --limit 200 (clouds spread evenly over the test split) --variants clean,up+y,heading
//          --up auto|z --votes 1 --out <dir> (default: a temporary folder) --no-python
// Leaves in <dir>: the PLY folders, clouds.json, <variant>.app.json (the CLI's) and python.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const LIMIT = flag('limit') ?? '200';
const VARIANTS = (flag('variants') ?? 'clean,up+y,heading').split(',').filter(Boolean);
const UP = flag('up') ?? 'auto';
const VOTES = flag('votes') ?? '1';
const PY = process.env.PY ?? '/usr/bin/python3';
if (UP !== 'auto' && UP !== 'z') throw new Error(`bench:robustness: --up auto|z, got ${UP}`);
const out = flag('out') ?? mkdtempSync(path.join(tmpdir(), 'any2point-robustness-'));
const pyEnv = { ...process.env, PYTHONPATH: 'training', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench:robustness: ${cmd} ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

interface CliJson {
  meta: { model: string };
  files: { file: string; notSure: boolean | null; top: { label: string }[]; error: string | null }[];
  accuracy: { files: number; overall: number; meanClass: number } | null;
}
interface PyVariant { overallAccuracy: number; meanClassAccuracy: number; predictions: number[]; sure?: boolean[] }
interface Clouds { classes: string[]; ids: string[]; labels: number[] }

const pct = (x: number) => (100 * x).toFixed(1);

run(PY, ['-m', 'any2point.tools.variant_files', out, '--variants', VARIANTS.join(','), '--limit', LIMIT], pyEnv);
const clouds = JSON.parse(readFileSync(path.join(out, 'clouds.json'), 'utf8')) as Clouds;
const app = new Map<string, CliJson>();
for (const v of VARIANTS) {
  console.error(`bench:robustness: classifying ${v} with the CLI`);
  const json = run('node', ['bin/any2point.mjs', 'classify', path.join(out, v), '--json', '--up', UP, '--votes', VOTES]);
  writeFileSync(path.join(out, `${v}.app.json`), json); // kept beside the clouds, for a look at single files
  app.set(v, JSON.parse(json) as CliJson);
}
const model = app.get(VARIANTS[0])!.meta.model;
let py: Record<string, PyVariant> | null = null;
if (!process.argv.includes('--no-python')) {
  const report = path.join(out, 'python.json');
  const search = UP === 'auto' ? ['--up-search', 'app', '--up-candidates', '+z,+y'] : ['--up-search', 'none'];
  run(PY, ['-m', 'any2point.tools.robustness', `training/checkpoints/${model}/best.pt`, '--variants', VARIANTS.join(','),
    '--limit', LIMIT, '--votes', VOTES, ...search, '--out', report], pyEnv);
  py = (JSON.parse(readFileSync(report, 'utf8')) as { models: { variants: Record<string, PyVariant> }[] }).models[0].variants;
}

console.log(`\n${model}, ${clouds.ids.length} ModelNet40 test clouds (--limit ${LIMIT}), up ${UP}, ${VOTES} vote(s); files in ${out}`);
console.log('\n| variant | app OA % | app mAcc % | answered (not "not sure") | OA of answered % | PyTorch OA % | PyTorch mAcc % | top-1 differs | "not sure" differs |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const v of VARIANTS) {
  const j = app.get(v)!;
  if (!j.accuracy) throw new Error(`bench:robustness: no accuracy block for ${v}`);
  const failed = j.files.filter((f) => f.error !== null).length;
  if (failed) throw new Error(`bench:robustness: ${failed} file(s) of ${v} failed`);
  const top1 = new Map(j.files.map((f) => [path.basename(f.file, '.ply'), f.top[0]?.label]));
  const answered = j.files.filter((f) => f.notSure === false);
  const right = answered.filter((f) => f.top[0]?.label === path.basename(path.dirname(f.file))).length;
  let pyCells = '| – | – | – | – |';
  if (py) {
    const p = py[v];
    const differs = clouds.ids.filter((id, i) => top1.get(id) !== clouds.classes[p.predictions[i]]).length;
    const shown = new Map(j.files.map((f) => [path.basename(f.file, '.ply'), f.notSure === false]));
    const sureDiffers = p.sure ? String(clouds.ids.filter((id, i) => shown.get(id) !== p.sure![i]).length) : '–';
    pyCells = `| ${pct(p.overallAccuracy)} | ${pct(p.meanClassAccuracy)} | ${differs} | ${sureDiffers} |`;
  }
  console.log(`| ${v} | ${pct(j.accuracy.overall)} | ${pct(j.accuracy.meanClass)} | ${answered.length} / ${j.files.length} | ${answered.length ? pct(right / answered.length) : '–'} ${pyCells}`);
}
