// How often the several-objects rule (src/io/objects.ts) fires on single shapes when it is run
// along a known up without a floor, as it is for scene files whose format fixes the up (Blender's
// z: docs/io.md "Several objects on a floor"): every ModelNet40 training cloud (1,024 points, z up,
// one shape each), and the classes where it fires. Training clouds only: the decision was made on
// them, not on the test split.
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/probe-objects-up.ts', { configFile: false, logLevel: 'warn' });"
import { readFileSync } from 'node:fs';
import { findObjects } from '../src/io/objects';

const dir = new URL('../../shared/datasets/modelnet40/', import.meta.url);
const buf = readFileSync(new URL('train_points.f32', dir));
const points = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const labels = readFileSync(new URL('train_labels.u8', dir));
const names = readFileSync(new URL('shape_names.txt', dir), 'utf8').trim().split('\n');
const count = points.length / 3072;
const fired = new Map<string, number>();
for (let i = 0; i < count; i++) {
  if (findObjects(points.slice(3072 * i, 3072 * (i + 1)), 'z') === null) continue;
  const name = names[labels[i]!]!;
  fired.set(name, (fired.get(name) ?? 0) + 1);
}
const total = [...fired.values()].reduce((a, b) => a + b, 0);
console.log(`${count} training clouds, one shape each: several objects found along z in ${total} (${((100 * total) / count).toFixed(2)} %)`);
console.log([...fired].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', '));
