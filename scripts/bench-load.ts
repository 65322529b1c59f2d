// Load-time figures: median time of loadFile (parse, checks, and for meshes the surface sampling
// of 100,000 points) on glmark2's bunny.obj (69,666 faces) and a generated 1,000,000-point
// binary PLY. Run with `npm run bench:load` (Vite's module runner executes this TypeScript).
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadFile } from '../src/io/index';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** n float32 xyz points, binary little-endian, values from a cheap deterministic sequence. */
function binaryPly(n: number): Uint8Array {
  const header = new TextEncoder().encode(
    `ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`,
  );
  const bytes = new Uint8Array(header.length + n * 12);
  bytes.set(header);
  const view = new DataView(bytes.buffer, header.length);
  for (let i = 0; i < n * 3; i++) view.setFloat32(4 * i, Math.sin(i * 12.9898), true);
  return bytes;
}

function bench(label: string, name: string, bytes: Uint8Array): void {
  const times: number[] = [];
  let summary = '';
  for (let run = 0; run < RUNS + 1; run++) {
    const start = performance.now();
    const r = loadFile(name, bytes);
    const ms = performance.now() - start;
    if (run > 0) times.push(ms); // the first run warms the JIT
    summary = `${r.format} ${r.kind}, ${r.vertexCount} vertices, ${r.faceCount} faces -> ${r.cloud.count} points`;
  }
  const ms = times.map((t) => t.toFixed(0)).join(' ');
  console.log(`${label.padEnd(34)} median ${median(times).toFixed(0).padStart(5)} ms  (${RUNS} runs: ${ms})  ${summary}`);
}

const bunnyPath = '/usr/share/glmark2/models/bunny.obj';
if (!existsSync(bunnyPath)) {
  console.error(`${bunnyPath} is missing: install the Debian package glmark2-data`);
  process.exit(1);
}
// Shared machines make timings noisy: the load average says how busy this one was.
console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}; ${RUNS} timed runs after one warm-up each`);
bench('bunny.obj (69,666 faces, sampled)', 'bunny.obj', new Uint8Array(readFileSync(bunnyPath)));
bench('1,000,000-point binary PLY', 'million.ply', binaryPly(1_000_000));
