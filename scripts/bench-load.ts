// Load-time figures: median time of loadersReady and loadFile (unpacking, parse, checks, and for
// meshes the surface sampling of 100,000 points) on glmark2's bunny.obj (69,666 faces), the same
// bunny as the other mesh containers users bring (Draco .drc and Draco .glb, binary FBX, COLLADA,
// 3DS, VRML97, binary VTK, a .zip, a .7z and a .tar.gz, .tar.xz, .tar.bz2 and .tar.zst holding the
// OBJ; written by the tests' writers, Debian's 7zz and tar), a volume mesh of 1,296,000 tetrahedra
// as VTK (read as its boundary), a ball of 8.7 million voxels as MagicaVoxel .vox, and a
// generated 1,000,000-point binary PLY and the same points as E57 (scaled integers, as scanners
// write them), as plain LAS, as LAZ (LASzip-compressed, decoded by laz-perf) and as HDF5 (h5py,
// gzip). Run with `npm run bench:load` (Vite's module runner executes this TypeScript).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { loadFile, loadersReady } from '../src/io/index';
import { PARSERS } from '../src/io/parsers';
import { collada } from '../tests/io/colladaWrite';
import { encodeDraco } from '../tests/io/dracoEncode';
import { e57File } from '../tests/io/e57Write';
import { toLaz } from '../tests/io/lazWrite';
import { toLas } from '../e2e/modelnet';
import { tdsFile } from '../tests/io/tdsWrite';
import { voxFile } from '../tests/io/voxWrite';
import { binaryVtk } from '../tests/io/vtkLegacyWrite';
import { binaryFbx, meshTree } from '../tests/io/fbxWrite';
import { glbFile } from '../tests/io/generate';

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

async function bench(label: string, name: string, bytes: Uint8Array): Promise<void> {
  const times: number[] = [];
  let summary = '';
  for (let run = 0; run < RUNS + 1; run++) {
    // loadersReady is timed too: it unpacks a file compressed by xz, bzip2 or Zstandard (for
    // loadFile, which keeps it for the same bytes: a copy each run) and readies a 7-Zip instance for
    // each archive (a few milliseconds); the Draco decoder and the FBX loader load in the first,
    // untimed run.
    const copy = bytes.slice();
    const start = performance.now();
    await loadersReady(copy);
    const r = loadFile(name, copy);
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
const bunny = new Uint8Array(readFileSync(bunnyPath));
await bench('bunny.obj (69,666 faces, sampled)', 'bunny.obj', bunny);
const parsed = PARSERS.obj(bunny);
if (parsed.kind !== 'mesh') throw new Error('bunny.obj did not parse as a mesh');
const { positions, indices } = parsed.mesh;
const draco = await encodeDraco({ positions, triangles: indices });
const dracoGlb = glbFile(
  {
    asset: { version: '2.0' },
    extensionsUsed: ['KHR_draco_mesh_compression'],
    extensionsRequired: ['KHR_draco_mesh_compression'],
    buffers: [{ byteLength: draco.bytes.length }],
    bufferViews: [{ buffer: 0, byteLength: draco.bytes.length }],
    accessors: [{ componentType: 5126, count: positions.length / 3, type: 'VEC3' }, { componentType: 5125, count: indices.length, type: 'SCALAR' }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1, extensions: { KHR_draco_mesh_compression: { bufferView: 0, attributes: { POSITION: draco.positionId } } } }] }],
    nodes: [{ mesh: 0 }],
    scenes: [{ nodes: [0] }],
    scene: 0,
  },
  draco.bytes,
);
const triangles = Array.from({ length: indices.length / 3 }, (_, t) => [indices[3 * t]!, indices[3 * t + 1]!, indices[3 * t + 2]!]);
const sizes = (bytes: Uint8Array) => `${(bytes.length / 1e6).toFixed(2)} MB`;
await bench(`bunny as Draco .drc (${sizes(draco.bytes)})`, 'bunny.drc', draco.bytes);
await bench(`bunny as Draco .glb (${sizes(dracoGlb)})`, 'bunny.glb', dracoGlb);
const fbx = binaryFbx(meshTree(Array.from(positions), triangles, [0, 0, 0]));
await bench(`bunny as binary FBX (${sizes(fbx)})`, 'bunny.fbx', fbx);
const dae = collada({ geometries: [{ id: 'bunny', positions: Array.from(positions), primitive: 'triangles', faces: triangles }], nodes: [{ geometry: 'bunny' }] });
await bench(`bunny as COLLADA .dae (${sizes(dae)})`, 'bunny.dae', dae);
// 3DS holds at most 65,535 vertices an object: the bunny's triangles in objects of 20,000.
const tds = tdsFile(
  Array.from({ length: Math.ceil(triangles.length / 20000) }, (_, k) => {
    const part = triangles.slice(k * 20000, (k + 1) * 20000);
    return { name: `part ${k}`, vertices: part.flatMap((t) => t.flatMap((v) => [positions[3 * v]!, positions[3 * v + 1]!, positions[3 * v + 2]!])), faces: part.map((_, i) => [3 * i, 3 * i + 1, 3 * i + 2]) };
  }),
);
await bench(`bunny as 3DS (${sizes(tds)})`, 'bunny.3ds', tds);
const wrl = new TextEncoder().encode(`#VRML V2.0 utf8\nShape { geometry IndexedFaceSet { coord Coordinate { point [ ${Array.from(positions).join(' ')} ] } coordIndex [ ${triangles.map((t) => `${t.join(' ')} -1`).join(' ')} ] } }\n`);
await bench(`bunny as VRML97 (${sizes(wrl)})`, 'bunny.wrl', wrl);
const zipped = zipSync({ 'bunny/bunny.obj': bunny });
await bench(`bunny.obj in a .zip (${sizes(zipped)})`, 'bunny.zip', zipped);
const packDir = mkdtempSync(path.join(tmpdir(), 'bench-load-'));
mkdirSync(path.join(packDir, 'bunny'));
writeFileSync(path.join(packDir, 'bunny', 'bunny.obj'), bunny);
execFileSync('7zz', ['a', '-t7z', '-bd', 'bunny.7z', 'bunny'], { cwd: packDir, stdio: 'pipe' });
execFileSync('tar', ['-czf', 'bunny.tar.gz', 'bunny'], { cwd: packDir });
const sevenZipped = new Uint8Array(readFileSync(path.join(packDir, 'bunny.7z')));
await bench(`bunny.obj in a .7z (${sizes(sevenZipped)})`, 'bunny.7z', sevenZipped);
const tarGz = new Uint8Array(readFileSync(path.join(packDir, 'bunny.tar.gz')));
await bench(`bunny.obj in a .tar.gz (${sizes(tarGz)})`, 'bunny.tar.gz', tarGz);
for (const [option, name] of [['-J', 'bunny.tar.xz'], ['-j', 'bunny.tar.bz2'], ['--zstd', 'bunny.tar.zst']] as const) {
  execFileSync('tar', [option, '-cf', name, 'bunny'], { cwd: packDir });
  const packed = new Uint8Array(readFileSync(path.join(packDir, name)));
  await bench(`bunny.obj in a ${name.slice(5)} (${sizes(packed)})`, name, packed);
}
// VTK: the bunny as a legacy binary file; a volume mesh of 1,296,000 tetrahedra (a 60 x 60 x 60
// grid of cubes, six tetrahedra each), read as its boundary.
const vtk = binaryVtk(positions, indices, 3, 5);
await bench(`bunny as binary VTK (${sizes(vtk)})`, 'bunny.vtk', vtk);
const grid = 60;
const corner = (i: number, j: number, k: number) => (i * (grid + 1) + j) * (grid + 1) + k;
const gridPoints = new Float32Array(3 * (grid + 1) ** 3).map((_, n) => [Math.floor(n / 3 / (grid + 1) ** 2), Math.floor(n / 3 / (grid + 1)) % (grid + 1), Math.floor(n / 3) % (grid + 1)][n % 3]! / grid);
const tets: number[] = [];
for (let i = 0; i < grid; i++) {
  for (let j = 0; j < grid; j++) {
    for (let k = 0; k < grid; k++) {
      const h = [corner(i, j, k), corner(i + 1, j, k), corner(i + 1, j + 1, k), corner(i, j + 1, k), corner(i, j, k + 1), corner(i + 1, j, k + 1), corner(i + 1, j + 1, k + 1), corner(i, j + 1, k + 1)];
      for (const [a, b] of [[1, 2], [2, 3], [3, 7], [7, 4], [4, 5], [5, 1]]) tets.push(h[0]!, h[a!]!, h[b!]!, h[6]!);
    }
  }
}
const volume = binaryVtk(gridPoints, tets, 4, 10);
await bench(`1,296,000 tetrahedra as VTK (${sizes(volume)})`, 'volume.vtk', volume);
const million = binaryPly(1_000_000);
// MagicaVoxel's largest model: a solid ball of voxels filling 256 x 256 x 256.
const ball: number[] = [];
for (let z = 0; z < 256; z++) for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) if ((x - 127.5) ** 2 + (y - 127.5) ** 2 + (z - 127.5) ** 2 <= 127.5 ** 2) ball.push(x, y, z, 1 + ((x >> 5) & 7));
const vox = voxFile({ models: [{ size: [256, 256, 256], voxels: new Uint8Array(ball) }] });
await bench(`a ball of ${(ball.length / 4).toLocaleString('en-US')} voxels as MagicaVoxel .vox (${sizes(vox)})`, 'ball.vox', vox);
await bench('1,000,000-point binary PLY', 'million.ply', million);
const cloud = PARSERS.ply(million);
if (cloud.kind !== 'points') throw new Error('the generated PLY did not parse as points');
const scaled = (name: string, k: number) => ({ name, type: 'scaled' as const, minimum: -(2 ** 30), maximum: 2 ** 30, scale: 1e-6, values: Array.from({ length: cloud.cloud.count }, (_, i) => cloud.cloud.positions[3 * i + k]!) });
const e57 = e57File([{ fields: [scaled('cartesianX', 0), scaled('cartesianY', 1), scaled('cartesianZ', 2)] }], { packets: 400 });
await bench(`the same points as E57 (${sizes(e57)})`, 'million.e57', e57);
const las = toLas(cloud.cloud.positions, [0, 0, 0]);
await bench(`the same points as LAS (${sizes(las)}, millimetres)`, 'million.las', las);
const laz = toLaz(las);
await bench(`the same points as LAZ (${sizes(laz)})`, 'million.laz', laz);
// HDF5 as h5py writes a cloud with gzip (chunked, deflate level 4).
writeFileSync(path.join(packDir, 'million.raw'), cloud.cloud.positions);
const h5Script = "import h5py, numpy as np, sys\nwith h5py.File(sys.argv[2], 'w') as f: f.create_dataset('points', data=np.fromfile(sys.argv[1], '<f4').reshape(-1, 3), compression='gzip', compression_opts=4)";
execFileSync('/usr/bin/python3', ['-c', h5Script, path.join(packDir, 'million.raw'), path.join(packDir, 'million.h5')]);
const h5 = new Uint8Array(readFileSync(path.join(packDir, 'million.h5')));
await bench(`the same points as HDF5, gzip (${sizes(h5)})`, 'million.h5', h5);
rmSync(packDir, { recursive: true, force: true });
