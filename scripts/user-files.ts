// The files a user brings that sessions 61 and 62 taught the app to read, written to a folder for
// the before / after comparison through the CLI (docs/io.md): a test chair as a Draco .drc and a
// Draco-compressed .glb, in a .zip beside a licence and macOS's resource fork, and as a .gltf with
// its buffer in a separate .bin; a table (a top on four legs) as binary FBX, and as a .glb whose
// one leg mesh is placed four times by EXT_mesh_gpu_instancing (session 61); the table as
// SketchUp writes COLLADA (Z up, inches, the leg a component placed four times, drawn edges), and
// in a zip beside its textures as 3D Warehouse hands it out, and as a Google Earth .kmz; the chair as
// a laser scanner's E57 (scaled integers in the scanner's frame, posed, invalid returns) and as
// Leica's PTX (a grid with no-return positions, registered by its transform); the table as 3DS
// (each part an object, its vertices placed), and as VRML97 from a CAD program (the leg DEFined
// once, USEd at four feet by Transforms) (session 62); a test airplane as a LAZ lidar scan in map
// coordinates (session 63); the table and the chair in a .7z and a .tar.gz, the airplane in a
// .rar (session 64); the set as a .tar.xz, the chair's PTX compressed by Zstandard, the chair y-up
// as PyVista saves a cloud (.vtk), the table as hexahedra in Abaqus, Gmsh and Nastran files (session 65);
// the table as Blender's .blend (session 67); a STEP assembly, a MagicaVoxel chair and a posed glTF
// character (session 68).
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/user-files.ts', { configFile: false, logLevel: 'warn' });" -- /tmp/user-files
//   npx any2point classify /tmp/user-files --device cpu
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { testCloud, toGlb, toGltfWithBuffer, toLas, toPly } from '../e2e/modelnet';
import { collada } from '../tests/io/colladaWrite';
import { encodeDraco } from '../tests/io/dracoEncode';
import { e57File } from '../tests/io/e57Write';
import { toLaz } from '../tests/io/lazWrite';
import { rar5 } from '../tests/io/rarWrite';
import { tdsFile } from '../tests/io/tdsWrite';
import { pointsVtk } from '../tests/io/vtkLegacyWrite';
import { binaryFbx, meshTree } from '../tests/io/fbxWrite';
import { glbFile } from '../tests/io/generate';
import { voxFile, voxelChair } from '../tests/io/voxWrite';

const out = process.argv[1] ?? '/tmp/user-files';
mkdirSync(path.join(out, 'gltf'), { recursive: true });

const chair = testCloud('chair_0890').points;
const draco = await encodeDraco({ positions: chair });
writeFileSync(path.join(out, 'chair.drc'), draco.bytes);
writeFileSync(path.join(out, 'chair-draco.glb'), toGlb(chair, { draco }));
writeFileSync(path.join(out, 'chair.zip'), zipSync({ 'chair/model.ply': toPly(chair), 'chair/license.txt': new TextEncoder().encode('CC-BY\n'), '__MACOSX/chair/._model.ply': new Uint8Array(4096) }));
writeFileSync(path.join(out, 'gltf', 'chair.bin'), new Uint8Array(chair.buffer, chair.byteOffset, chair.byteLength));
writeFileSync(path.join(out, 'gltf', 'chair.gltf'), toGltfWithBuffer(chair.length / 3, 'chair.bin'));

/** A box's 8 corners and 6 quads, z up. */
function box(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number) {
  return {
    corners: [x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1],
    quads: [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]],
  };
}
const top = box(-1, -0.6, 1, 1, 0.6, 1.1);
const leg = box(-0.05, -0.05, 0, 0.05, 0.05, 1);
const feet = [-0.9, -0.5, 0, 0.9, -0.5, 0, -0.9, 0.5, 0, 0.9, 0.5, 0];

// FBX: the top and four legs in one mesh.
const vertices = [...top.corners];
const polygons = [...top.quads];
for (let k = 0; k < 4; k++) {
  const base = vertices.length / 3;
  for (let i = 0; i < 8; i++) vertices.push(leg.corners[3 * i]! + feet[3 * k]!, leg.corners[3 * i + 1]! + feet[3 * k + 1]!, leg.corners[3 * i + 2]!);
  polygons.push(...leg.quads.map((q) => q.map((v) => base + v)));
}
writeFileSync(path.join(out, 'table.fbx'), binaryFbx(meshTree(vertices, polygons, [0, 0, 0], 2)));

// glTF: the top, and the leg placed at the four feet by EXT_mesh_gpu_instancing.
const triangles = (quads: number[][]) => quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!]);
const parts = [new Float32Array(top.corners), new Uint16Array(triangles(top.quads)), new Float32Array(leg.corners), new Uint16Array(triangles(leg.quads)), new Float32Array(feet)];
const offsets: number[] = [];
let at = 0;
for (const p of parts) {
  offsets.push(at);
  at += Math.ceil(p.byteLength / 4) * 4;
}
const bin = new Uint8Array(at);
parts.forEach((p, i) => bin.set(new Uint8Array(p.buffer), offsets[i]!));
writeFileSync(
  path.join(out, 'instanced-table.glb'),
  glbFile(
    {
      asset: { version: '2.0' },
      extensionsUsed: ['EXT_mesh_gpu_instancing'],
      buffers: [{ byteLength: bin.length }],
      bufferViews: parts.map((p, i) => ({ buffer: 0, byteOffset: offsets[i], byteLength: p.byteLength })),
      accessors: [
        { bufferView: 0, componentType: 5126, count: 8, type: 'VEC3' },
        { bufferView: 1, componentType: 5123, count: 36, type: 'SCALAR' },
        { bufferView: 2, componentType: 5126, count: 8, type: 'VEC3' },
        { bufferView: 3, componentType: 5123, count: 36, type: 'SCALAR' },
        { bufferView: 4, componentType: 5126, count: 4, type: 'VEC3' },
      ],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1 }] }, { primitives: [{ attributes: { POSITION: 2 }, indices: 3 }] }],
      nodes: [{ mesh: 0 }, { mesh: 1, extensions: { EXT_mesh_gpu_instancing: { attributes: { TRANSLATION: 4 } } } }],
      scenes: [{ nodes: [0, 1] }],
      scene: 0,
    },
    bin,
  ),
);
// COLLADA as SketchUp writes it: inches, Z up, each part with its drawn edges, the leg a component.
const inches = (v: number[]) => v.map((x) => x * 30);
const edges = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];
const dae = collada({
  upAxis: 'Z_UP',
  meter: 0.0254,
  geometries: [
    { id: 'top', positions: inches(top.corners), primitive: 'triangles', faces: triangles(top.quads).reduce<number[][]>((t, v, i) => (i % 3 ? t[t.length - 1]!.push(v) : t.push([v]), t), []), edges },
    { id: 'leg', positions: inches(leg.corners), primitive: 'triangles', faces: triangles(leg.quads).reduce<number[][]>((t, v, i) => (i % 3 ? t[t.length - 1]!.push(v) : t.push([v]), t), []), edges },
  ],
  libraryNodes: [{ id: 'leg-component', geometry: 'leg' }],
  nodes: [{ id: 'table', geometry: 'top', children: [0, 1, 2, 3].map((k) => ({ transforms: [`<translate>${inches(feet.slice(3 * k, 3 * k + 3)).join(' ')}</translate>`], instanceNodes: ['leg-component'] })) }],
});
writeFileSync(path.join(out, 'table.dae'), dae);
const texture = new Uint8Array(20_000);
writeFileSync(path.join(out, 'table-3dwarehouse.zip'), zipSync({ 'table.dae': dae, 'table/texture0.jpg': texture, 'table/texture1.png': texture }));
writeFileSync(path.join(out, 'table.kmz'), zipSync({ 'doc.kml': new TextEncoder().encode('<?xml version="1.0"?><kml><Placemark><Model><Link><href>models/table.dae</href></Link></Model></Placemark></kml>'), 'models/table.dae': dae }));
// E57 as a scanner writes it: scaled integers in the scanner's frame, a pose, invalid returns.
const records = Array.from({ length: chair.length / 3 + 256 }, (_, i) => (i % 5 === 4 ? -1 : i - Math.floor(i / 5)));
const scaled = (name: string, k: number) => ({ name, type: 'scaled' as const, minimum: -2000000, maximum: 2000000, scale: 1e-6, values: records.map((i) => (i < 0 ? 0 : chair[3 * i + k]!)) });
const scan = {
  fields: [scaled('cartesianX', 0), scaled('cartesianY', 1), scaled('cartesianZ', 2), { name: 'cartesianInvalidState', type: 'integer' as const, minimum: 0, maximum: 2, values: records.map((i) => (i < 0 ? 2 : 0)) }],
  rotation: [Math.SQRT1_2, -Math.SQRT1_2, 0, 0],
  translation: [3, 1.5, -2],
};
writeFileSync(path.join(out, 'chair.e57'), e57File([scan], { packets: 3 }));
// PTX: the chair in the scanner's frame (z up), every fifth grid position with no return (0 0 0),
// its transform (row vectors) turning it y-up and moving it.
const grid = records.map((i) => (i < 0 ? '0 0 0 0.5' : `${chair[3 * i]} ${chair[3 * i + 1]} ${chair[3 * i + 2]} 0.5`));
const ptxHeader = [String(grid.length / 20), '20', '0 0 0', '1 0 0', '0 1 0', '0 0 1', '1 0 0 0', '0 0 -1 0', '0 1 0 0', '3 1.5 -2 1'];
writeFileSync(path.join(out, 'chair.ptx'), [...ptxHeader, ...grid].join('\n') + '\n');
// 3DS: the top and the four legs, each an object, vertices placed (z up).
const tds = tdsFile([
  { name: 'top', vertices: top.corners, faces: triangles(top.quads).reduce<number[][]>((t, v, i) => (i % 3 ? t[t.length - 1]!.push(v) : t.push([v]), t), []) },
  ...[0, 1, 2, 3].map((k) => ({
    name: `leg ${k + 1}`,
    vertices: leg.corners.map((v, i) => v + feet[3 * k + (i % 3)]!),
    faces: triangles(leg.quads).reduce<number[][]>((t, v, i) => (i % 3 ? t[t.length - 1]!.push(v) : t.push([v]), t), []),
  })),
]);
writeFileSync(path.join(out, 'table.3ds'), tds);
// VRML97: the top and a leg DEFined once, placed at the four feet by Transforms.
const faceSet = (corners: number[], quads: number[][]) => `IndexedFaceSet { coord Coordinate { point [ ${corners.join(' ')} ] } coordIndex [ ${quads.map((q) => `${q.join(' ')} -1`).join(' ')} ] }`;
const legs = [0, 1, 2, 3].map((k) => `Transform { translation ${feet.slice(3 * k, 3 * k + 3).join(' ')} children ${k === 0 ? 'DEF Leg Shape { geometry ' + faceSet(leg.corners, leg.quads) + ' }' : 'USE Leg'} }`);
writeFileSync(path.join(out, 'table.wrl'), `#VRML V2.0 utf8\n# a CAD program's export\nTransform { children [\n  Shape { geometry ${faceSet(top.corners, top.quads)} }\n  ${legs.join('\n  ')}\n] }\n`);
// LAZ: an airplane as a lidar survey publishes it, LASzip-compressed, in a map's coordinates.
writeFileSync(path.join(out, 'airplane.laz'), toLaz(toLas(testCloud('airplane_0627').points, [512345, 5401234, 100])));
// Archives as CGTrader / Free3D / datasets hand them out (session 64): the table's FBX and the
// chair's PTX in a .7z (7-Zip's default LZMA2; Debian's 7zz) and in a .tar.gz (GNU tar), the
// airplane as a PLY in a RAR (stored: tests/io/rarWrite.ts).
const packDir = mkdtempSync(path.join(tmpdir(), 'user-files-'));
mkdirSync(path.join(packDir, 'set'));
copyFileSync(path.join(out, 'table.fbx'), path.join(packDir, 'set', 'table.fbx'));
copyFileSync(path.join(out, 'chair.ptx'), path.join(packDir, 'set', 'chair.ptx'));
writeFileSync(path.join(packDir, 'set', 'readme.txt'), 'CC-BY 4.0\n');
execFileSync('7zz', ['a', '-t7z', '-bd', path.join(out, 'set.7z'), 'set'], { cwd: packDir, stdio: 'pipe' });
execFileSync('tar', ['-czf', path.join(out, 'set.tar.gz'), 'set'], { cwd: packDir });
// Compressed whole (session 65): the set as a .tar.xz (GNU tar, xz), the chair's PTX by zstd.
execFileSync('tar', ['-cJf', path.join(out, 'set.tar.xz'), 'set'], { cwd: packDir });
execFileSync('zstd', ['-q', path.join(out, 'chair.ptx'), '-o', path.join(out, 'chair.ptx.zst')]);
// Finite-element meshes (session 65): the table as hexahedra (a box each: the top and four legs),
// as Abaqus/CAE writes an assembly (a Leg part placed by four instances) and as Gmsh 2.2 saves it.
const nodeLines = (corners: number[], dx = 0, dy = 0, first = 1) => Array.from({ length: 8 }, (_, i) => `${first + i}, ${corners[3 * i]! + dx}, ${corners[3 * i + 1]! + dy}, ${corners[3 * i + 2]!}`).join('\n');
const part = (name: string, corners: number[]) => `*Part, name=${name}\n*Node\n${nodeLines(corners)}\n*Element, type=C3D8R\n1, 1, 2, 3, 4, 5, 6, 7, 8\n*End Part\n`;
const legInstances = [0, 1, 2, 3].map((k) => `*Instance, name=Leg-${k + 1}, part=Leg\n ${feet[3 * k]}, ${feet[3 * k + 1]}, 0.\n*End Instance\n`).join('');
writeFileSync(path.join(out, 'table.inp'), `*Heading\n** Job name: table Model name: Model-1\n${part('Top', top.corners)}${part('Leg', leg.corners)}*Assembly, name=Assembly\n*Instance, name=Top-1, part=Top\n*End Instance\n${legInstances}*End Assembly\n`);
const gmshNodes = [top.corners, ...[0, 1, 2, 3].map((k) => leg.corners.map((v, i) => v + (i % 3 === 2 ? 0 : feet[3 * k + (i % 3)]!)))];
const gmshNodeLines = gmshNodes.flatMap((c, b) => Array.from({ length: 8 }, (_, i) => `${8 * b + i + 1} ${c[3 * i]} ${c[3 * i + 1]} ${c[3 * i + 2]}`));
const gmshElements = gmshNodes.map((_, b) => `${b + 1} 5 2 1 1 ${Array.from({ length: 8 }, (_, i) => 8 * b + i + 1).join(' ')}`);
writeFileSync(path.join(out, 'table.msh'), `$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$Nodes\n40\n${gmshNodeLines.join('\n')}\n$EndNodes\n$Elements\n5\n${gmshElements.join('\n')}\n$EndElements\n`);
// Nastran (session 65): the same hexahedra as small-field GRID and CHEXA cards, as Femap writes them.
const field = (v: string | number) => String(v).padStart(8).slice(0, 8);
const card = (name: string, values: (string | number)[]) => name.padEnd(8) + values.map(field).join('');
const gridCards = gmshNodes.flatMap((c, b) => Array.from({ length: 8 }, (_, i) => card('GRID', [8 * b + i + 1, 0, c[3 * i]!.toFixed(2), c[3 * i + 1]!.toFixed(2), c[3 * i + 2]!.toFixed(2)])));
const hexCards = gmshNodes.flatMap((_, b) => [`${card('CHEXA', [b + 1, 1, ...Array.from({ length: 6 }, (_, i) => 8 * b + i + 1)])}+`, card('+', [8 * b + 7, 8 * b + 8])]);
writeFileSync(path.join(out, 'table.bdf'), `SOL 101\nCEND\nBEGIN BULK\n$ Femap: table\n${[...gridCards, ...hexCards].join('\n')}\nENDDATA\n`);
// VTK (session 65): the chair turned y-up, as PyVista saves a PolyData of points.
writeFileSync(path.join(out, 'chair.vtk'), pointsVtk(new Float32Array(chair.length).map((_, i) => [chair[i - (i % 3)]!, chair[i - (i % 3) + 2]!, -chair[i - (i % 3) + 1]!][i % 3]!)));
rmSync(packDir, { recursive: true, force: true });
writeFileSync(path.join(out, 'airplane.rar'), rar5([{ name: 'airplane/airplane.ply', data: toPly(testCloud('airplane_0627').points) }]));
// A table modelled in Blender (a top, one leg mirrored into four), saved compressed, and Blender's
// backup of it beside it (set aside by the walk) (session 67: Blender 3.4.1 wrote it,
// tests/io/blendWrite.py).
copyFileSync(new URL('../tests/fixtures/loaders/blend/table.blend', import.meta.url), path.join(out, 'table.blend'));
copyFileSync(new URL('../tests/fixtures/loaders/blend/table.blend', import.meta.url), path.join(out, 'table.blend1'));
// A table assembly from a CAD program as STEP (session 68: FreeCAD wrote it, tests/io/stepWrite.py),
// a chair of voxels as MagicaVoxel saves it, and a character from Blender, skinned and posed, as glTF
// (session 68: tests/io/gltfSkinWrite.py).
copyFileSync(new URL('../tests/fixtures/loaders/step/table.step', import.meta.url), path.join(out, 'table.step'));
writeFileSync(path.join(out, 'chair.vox'), voxFile({ models: [voxelChair()] }));
copyFileSync(new URL('../tests/fixtures/loaders/gltf-skin/figure-posed.glb', import.meta.url), path.join(out, 'figure-posed.glb'));
console.log(`user-files: 28 files written (and a Blender backup) under ${out}`);
