// Large scans for trying the sliced readers (docs/io.md "E57", "LAS"): the test chair repeated
// with jitter (up to 0.005 each way) to N points, y up, as an E57 of single floats (N = 33,000,000:
// about 400 MB), as a LAS 1.2 of point format 0 (about 20 bytes a point), the same LAS as LAZ
// (LASzip, tests/io/lazWrite.ts: about 9 bytes a point, the jitter being noise) and as an XYZ text
// (about 28 bytes a point).
//   node --max-old-space-size=8000 --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/big-scans.ts', { configFile: false, logLevel: 'warn' });" -- /tmp 33000000
//   node bin/any2point.mjs classify /tmp/big.e57 /tmp/big.las /tmp/big.laz /tmp/big.xyz --device cpu
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { testCloud } from '../e2e/modelnet';
import { e57File } from '../tests/io/e57Write';
import { toLaz } from '../tests/io/lazWrite';

const folder = process.argv[1] ?? '/tmp';
const n = Number(process.argv[2] ?? 33_000_000);
const chair = testCloud('chair_0890').points;
const xs = new Float32Array(n);
const ys = new Float32Array(n);
const zs = new Float32Array(n);
let seed = 1;
const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.01;
for (let i = 0; i < n; i++) {
  const k = i % 1024;
  xs[i] = chair[3 * k]! + jitter();
  ys[i] = chair[3 * k + 2]! + jitter(); // y up
  zs[i] = -chair[3 * k + 1]! + jitter();
}

const f = (name: string, v: Float32Array) => ({ name, type: 'single' as const, values: v as unknown as number[] });
const e57 = e57File([{ fields: [f('cartesianX', xs), f('cartesianY', ys), f('cartesianZ', zs)] }], { packets: Math.ceil((n * 12) / 60000) });
writeFileSync(path.join(folder, 'big.e57'), e57);

// LAS 1.2: a 227-byte header, then 20-byte records (x, y, z as int32 at a scale of 1e-6).
const las = new Uint8Array(227 + 20 * n);
const view = new DataView(las.buffer);
las.set([...'LASF'].map((c) => c.charCodeAt(0)));
las[24] = 1;
las[25] = 2;
view.setUint16(94, 227, true);
view.setUint32(96, 227, true);
las[104] = 0;
view.setUint16(105, 20, true);
view.setUint32(107, n, true);
for (let a = 0; a < 3; a++) view.setFloat64(131 + 8 * a, 1e-6, true);
for (let i = 0; i < n; i++) {
  view.setInt32(227 + 20 * i, Math.round(xs[i]! * 1e6), true);
  view.setInt32(227 + 20 * i + 4, Math.round(ys[i]! * 1e6), true);
  view.setInt32(227 + 20 * i + 8, Math.round(zs[i]! * 1e6), true);
}
writeFileSync(path.join(folder, 'big.las'), las);
const laz = toLaz(las);
writeFileSync(path.join(folder, 'big.laz'), laz);

// XYZ: a header row, then "x y z" with 6 decimals, written a million rows at a time.
const xyz = openSync(path.join(folder, 'big.xyz'), 'w');
let xyzBytes = writeSync(xyz, 'x y z\n');
for (let start = 0; start < n; start += 1_000_000) {
  const rows: string[] = [];
  for (let i = start; i < Math.min(n, start + 1_000_000); i++) rows.push(`${xs[i]!.toFixed(6)} ${ys[i]!.toFixed(6)} ${zs[i]!.toFixed(6)}\n`);
  xyzBytes += writeSync(xyz, rows.join(''));
}
closeSync(xyz);
console.log(`big-scans: ${folder}/big.e57 (${e57.length.toLocaleString('en')} bytes), ${folder}/big.las (${las.length.toLocaleString('en')} bytes), ${folder}/big.laz (${laz.length.toLocaleString('en')} bytes), ${folder}/big.xyz (${xyzBytes.toLocaleString('en')} bytes), ${n.toLocaleString('en')} points each`);
