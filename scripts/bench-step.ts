// Times the STEP reader (docs/io.md "STEP"): parseStep on the file's bytes (the median of 5), then
// loadFile (the faces meshed, 100,000 points sampled), once. The figures in docs/io.md come from a
// plate with 400 chamfered holes, and the same plate with every face turned into a B-spline
// surface, written by FreeCAD (Debian's freecad 0.20.2):
//   STEP_BENCH_OUT=/tmp freecadcmd tests/io/stepWrite.py
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/bench-step.ts', { configFile: false, logLevel: 'warn' });" -- /tmp/plate.step /tmp/plate-nurbs.step
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFile } from '../src/io/index';
import { parseStep } from '../src/io/step';

const files = process.argv.slice(1).filter((a) => /\.(step|stp)$/i.test(a));
if (files.length === 0) throw new Error('name one or more .step files');
for (const file of files) {
  const name = path.basename(file);
  const bytes = new Uint8Array(readFileSync(file));
  let t = performance.now();
  const loaded = loadFile(name, bytes, { seed: 0 });
  const load = performance.now() - t;
  const times: number[] = [];
  let triangles = 0;
  for (let k = 0; k < 5; k++) {
    t = performance.now();
    const parsed = parseStep(bytes);
    times.push(performance.now() - t);
    if (parsed.kind === 'mesh') triangles = parsed.mesh.faceCount;
  }
  const median = times.sort((a, b) => a - b)[2]!;
  const faces = new TextDecoder('latin1').decode(bytes).match(/ADVANCED_FACE\(/g)?.length ?? 0;
  console.log(`${name}: ${bytes.length.toLocaleString('en')} bytes, ${faces.toLocaleString('en')} faces, ${triangles.toLocaleString('en')} triangles; parseStep ${median.toFixed(0)} ms (median of 5); loadFile ${load.toFixed(0)} ms (${loaded.cloud.count.toLocaleString('en')} points)`);
}
