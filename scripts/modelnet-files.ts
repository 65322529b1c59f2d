// Writes ModelNet40 test clouds (../shared/datasets/modelnet40, read by e2e/modelnet.ts) as binary
// PLY files in class folders, <out>/<class>/<id>.ply, the input of the CLI's throughput figure
// (docs/cli.md). Flags: --out <dir> (required), --per-class N (default: all of the class).
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/modelnet-files.ts', { configFile: false, logLevel: 'warn' });" -- --out /tmp/modelnet40-test
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testCloud, testIdsOf, toPly } from '../e2e/modelnet';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const out = flag('out');
if (!out) throw new Error('modelnet-files: --out <dir> is required');
const perClass = flag('per-class') ? Number(flag('per-class')) : Infinity;
const shared = process.env.ANY2POINT_SHARED ?? path.resolve('..', 'shared');
const names = readFileSync(path.join(shared, 'datasets', 'modelnet40', 'shape_names.txt'), 'utf8').trim().split('\n');
let written = 0;
for (const label of names) {
  const dir = path.join(out, label);
  mkdirSync(dir, { recursive: true });
  for (const id of testIdsOf(label).slice(0, perClass)) {
    writeFileSync(path.join(dir, `${id}.ply`), toPly(testCloud(id).points));
    written++;
  }
}
console.log(`${written} ModelNet40 test clouds written to ${out}/<class>/<id>.ply`);
