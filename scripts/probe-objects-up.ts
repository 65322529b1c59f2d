// How often the several-objects rule (src/io/objects.ts) fires on single shapes when it is run
// along a known up without a floor, as it is for scene files of several meshes whose format fixes
// the up (docs/io.md "Several objects on a floor", objects.ts sceneUp): every ModelNet40 training
// cloud (1,024 points, z up, one shape each), and the classes where it fires; then, when their
// files are named, the same for 2,000 training clouds seen from one view and cut by a plane (the
// robustness variants, training/any2point/perturb.py), written by:
//   cd training && PYTHONPATH=. OMP_NUM_THREADS=1 /usr/bin/python3 -c "import numpy as np; from any2point import perturb; p = np.fromfile('../../shared/datasets/modelnet40/train_points.f32', '<f4').reshape(-1, 1024, 3); idx = np.random.default_rng(0).choice(len(p), 2000, replace=False); [np.asarray([np.resize(perturb.apply(v, p[i], int(i)), (1024, 3)) for i in idx], np.float32).tofile(f'/tmp/train_{v}.f32') for v in ('view', 'cut')]"
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/probe-objects-up.ts', { configFile: false, logLevel: 'warn' });" -- /tmp/train_view.f32 /tmp/train_cut.f32
// Training clouds only: the decision was made on them, not on the test split.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findObjects } from '../src/io/objects';

/** The clouds of a file of 1,024-point float32 clouds that the rule finds several objects in. */
function fires(buf: Buffer): { count: number; fired: number[] } {
  const points = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const count = points.length / 3072;
  const fired: number[] = [];
  for (let i = 0; i < count; i++) if (findObjects(points.slice(3072 * i, 3072 * (i + 1)), 'z') !== null) fired.push(i);
  return { count, fired };
}

const percent = (n: number, of: number) => `${n} (${((100 * n) / of).toFixed(2)} %)`;
const dir = new URL('../../shared/datasets/modelnet40/', import.meta.url);
const whole = fires(readFileSync(new URL('train_points.f32', dir)));
const labels = readFileSync(new URL('train_labels.u8', dir));
const names = readFileSync(new URL('shape_names.txt', dir), 'utf8').trim().split('\n');
const byClass = new Map<string, number>();
for (const i of whole.fired) byClass.set(names[labels[i]!]!, (byClass.get(names[labels[i]!]!) ?? 0) + 1);
console.log(`${whole.count} training clouds, one shape each: several objects found along z in ${percent(whole.fired.length, whole.count)}`);
console.log([...byClass].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', '));
for (const file of process.argv.slice(1).filter((a) => a.endsWith('.f32'))) {
  const variant = fires(readFileSync(file));
  console.log(`${path.basename(file)}: ${variant.count} clouds, several objects found along z in ${percent(variant.fired.length, variant.count)}`);
}
