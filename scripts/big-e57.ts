// A large E57 scan for trying the sliced reader (docs/io.md, "E57"): the test chair repeated with
// jitter (up to 0.005 each way) to N points (default 33,000,000, about 400 MB), y up, single floats.
//   node --max-old-space-size=8000 --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/big-e57.ts', { configFile: false, logLevel: 'warn' });" -- /tmp/big.e57 33000000
//   node bin/any2point.mjs classify /tmp/big.e57 --device cpu
import { writeFileSync } from 'node:fs';
import { testCloud } from '../e2e/modelnet';
import { e57File } from '../tests/io/e57Write';
const chair = testCloud('chair_0890').points;
const out = process.argv[1] ?? '/tmp/big.e57';
const n = Number(process.argv[2] ?? 33_000_000);
const xs = new Float32Array(n), ys = new Float32Array(n), zs = new Float32Array(n);
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.01;
for (let i = 0; i < n; i++) {
  const k = i % 1024;
  xs[i] = chair[3 * k]! + rnd();
  ys[i] = chair[3 * k + 2]! + rnd(); // y up
  zs[i] = -chair[3 * k + 1]! + rnd();
}
const f = (name: string, v: Float32Array) => ({ name, type: 'single' as const, values: v as unknown as number[] });
const bytes = e57File([{ fields: [f('cartesianX', xs), f('cartesianY', ys), f('cartesianZ', zs)] }], { packets: Math.ceil((n * 12) / 60000) });
writeFileSync(out, bytes);
console.log(`big-e57: ${out}, ${bytes.length.toLocaleString('en')} bytes, ${n.toLocaleString('en')} points`);
