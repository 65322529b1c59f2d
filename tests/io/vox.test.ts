// MagicaVoxel .vox (src/io/vox.ts): files as MagicaVoxel writes them (tests/io/voxWrite.ts), read
// to the surface three.js's own VOXLoader builds from them (an independent reader: its scene graph,
// rotations and centring, turned back from its y up to the file's z up), hidden objects and layers
// left out, the palette's colours, the refusals, and cut or changed files.
import { Mesh, Vector3, type BufferGeometry, type Object3D } from 'three';
import { VOXLoader } from 'three/examples/jsm/loaders/VOXLoader.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { sniffFormat } from '../../src/io/sniff';
import { LoadError } from '../../src/io/types';
import { parseVox, voxRotation } from '../../src/io/vox';
import { expectError, load } from './expectLoad';
import { type VoxModel, type VoxScene, voxFile, voxelBox, voxelTable } from './voxWrite';

interface Surface {
  area: number;
  /** The area-weighted mean of the triangles' centres. */
  centre: number[];
  min: number[];
  max: number[];
}

/** Area, centre and bounds of triangles given as corner positions (9 numbers a triangle). */
function surfaceOf(triangles: Iterable<number[]>): Surface {
  let area = 0;
  const centre = [0, 0, 0];
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const t of triangles) {
    const a = new Vector3(t[0], t[1], t[2]);
    const b = new Vector3(t[3], t[4], t[5]);
    const c = new Vector3(t[6], t[7], t[8]);
    const s = new Vector3().subVectors(b, a).cross(new Vector3().subVectors(c, a)).length() / 2;
    area += s;
    for (let k = 0; k < 3; k++) {
      centre[k]! += (s * (t[k]! + t[3 + k]! + t[6 + k]!)) / 3;
      min[k] = Math.min(min[k]!, t[k]!, t[3 + k]!, t[6 + k]!);
      max[k] = Math.max(max[k]!, t[k]!, t[3 + k]!, t[6 + k]!);
    }
  }
  return { area, centre: centre.map((v) => v / area), min, max };
}

function* ourTriangles(bytes: Uint8Array): Generator<number[]> {
  const parsed = parseVox(bytes);
  if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
  const { positions: p, indices } = parsed.mesh;
  for (let t = 0; t < indices.length; t += 3) yield [0, 1, 2].flatMap((k) => [p[3 * indices[t + k]!]!, p[3 * indices[t + k]! + 1]!, p[3 * indices[t + k]! + 2]!]);
}

/** three's VOXLoader's triangles, placed by their world matrices and turned back to z up (three's
 * x y z is the file's x, z, -y). */
function* threeTriangles(bytes: Uint8Array): Generator<number[]> {
  const root = (new VOXLoader().parse(bytes.slice().buffer) as unknown as { scene: Object3D }).scene;
  root.updateMatrixWorld(true);
  const meshes: Mesh[] = [];
  root.traverse((o) => {
    if (o instanceof Mesh) meshes.push(o);
  });
  for (const mesh of meshes) {
    const geometry = mesh.geometry as BufferGeometry;
    const position = geometry.getAttribute('position');
    const index = geometry.getIndex()!;
    const corner = (i: number) => {
      const v = new Vector3().fromBufferAttribute(position, i).applyMatrix4(mesh.matrixWorld);
      return [v.x, -v.z, v.y];
    };
    for (let t = 0; t < index.count; t += 3) yield [...corner(index.getX(t)), ...corner(index.getX(t + 1)), ...corner(index.getX(t + 2))];
  }
}

function expectSameSurface(ours: Surface, theirs: Surface): void {
  expect(ours.area).toBeCloseTo(theirs.area, 6);
  for (const key of ['centre', 'min', 'max'] as const) ours[key].forEach((v, k) => expect(v).toBeCloseTo(theirs[key][k]!, 6));
}

/** An L of voxels 5 x 3 x 4, no symmetry left: a turn or a mirror of it moves its centre. */
function lShape(colour: number): VoxModel {
  return { size: [5, 3, 4], voxels: [...voxelBox([0, 0, 0], [4, 2, 0], colour), ...voxelBox([0, 0, 1], [0, 2, 3], colour), [4, 0, 1, colour]] };
}

/** A scene of three models under a group: turned 90 degrees about z, turned to (y, z, x) and
 * nested under a mirror, and one placed as it is. */
function sceneOfThree(): VoxScene {
  return {
    models: [lShape(1), lShape(2), voxelTable()],
    nodes: [
      { kind: 'transform', id: 0, child: 1 },
      { kind: 'group', id: 1, children: [2, 4, 8] },
      // Rows (0 -1 0), (1 0 0), (0 0 1): columns 1 and 0, the first row negative.
      { kind: 'transform', id: 2, child: 3, rotation: 1 | (0 << 2) | (1 << 4), translation: [10, -3, 2] },
      { kind: 'shape', id: 3, model: 0 },
      // Mirrored in x, then, below it, rows (0 0 1), (1 0 0), (0 1 0).
      { kind: 'transform', id: 4, child: 5, rotation: 0 | (1 << 2) | (1 << 4), translation: [-7, 4, 0] },
      { kind: 'group', id: 5, children: [6] },
      { kind: 'transform', id: 6, child: 7, rotation: 2 | (0 << 2), translation: [1, 2, 3] },
      { kind: 'shape', id: 7, model: 1 },
      { kind: 'transform', id: 8, child: 9, translation: [0, 20, 8] },
      { kind: 'shape', id: 9, model: 2 },
    ],
  };
}

describe('MagicaVoxel .vox', () => {
  test("a scene graph's models are placed where three.js's VOXLoader places them: turns, mirrors, nesting, centring", () => {
    const bytes = voxFile(sceneOfThree());
    expectSameSurface(surfaceOf(ourTriangles(bytes)), surfaceOf(threeTriangles(bytes)));
    // Each model alone, under one transform, too.
    for (const rotation of [4, 17, 20, 2, 1 | (2 << 2) | (1 << 6), 0 | (2 << 2) | (1 << 5) | (1 << 6)]) {
      const one = voxFile({ models: [lShape(1)], nodes: [{ kind: 'transform', id: 0, child: 1, rotation, translation: [3, -2, 5] }, { kind: 'shape', id: 1, model: 0 }] });
      expectSameSurface(surfaceOf(ourTriangles(one)), surfaceOf(threeTriangles(one)));
    }
  });

  test("the surface is the voxels' uncovered faces: a table of voxels, its area and bounds; read as a mesh, sampled, z up", () => {
    const table = voxelTable();
    const bytes = voxFile({ models: [table] });
    const surface = surfaceOf(ourTriangles(bytes));
    // Top 24 x 14 x 2: 2 (24 * 14) + 2 * 2 (24 + 14); legs 2 x 2 x 14 each: 4 sides of 28 and a foot.
    expect(surface.area).toBe(2 * 24 * 14 + 4 * (24 + 14) + 4 * (4 * 28 + 4) - 4 * 4);
    expect([surface.min, surface.max]).toEqual([[-12, -7, -8], [12, 7, 8]]);
    expect(sniffFormat(bytes)).toBe('vox');
    const r = load('table.vox', bytes, 4000);
    expect([r.format, r.kind, r.warnings, r.objects]).toEqual(['vox', 'mesh', [], undefined]);
    expect(r.cloud.count).toBe(4000);
    expect(load('table.bin', bytes, 500).format).toBe('vox');
  });

  test("the palette's colours are the voxels' (colour index i is entry i - 1); without a palette, no colours", () => {
    const palette = Array.from({ length: 256 }, (_, i) => [i, 255 - i, 7, 255] as [number, number, number, number]);
    const parsed = parseVox(voxFile({ models: [{ size: [2, 1, 1], voxels: [[0, 0, 0, 3], [1, 0, 0, 200]] }], palette }));
    if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
    const colours = new Set<string>();
    for (let v = 0; v < parsed.mesh.vertexCount; v++) colours.add([...parsed.mesh.colors!.subarray(3 * v, 3 * v + 3)].map((c) => Math.round(c * 255)).join(' '));
    expect([...colours].sort()).toEqual(['199 56 7', '2 253 7']);
    const plain = parseVox(voxFile({ models: [{ size: [1, 1, 1], voxels: [[0, 0, 0, 1]] }] }));
    expect(plain.kind === 'mesh' && plain.mesh.colors).toBeUndefined();
  });

  test('hidden objects and hidden layers are left out and named; an old file of several models (frames) is its first', () => {
    const scene = sceneOfThree();
    const nodes = scene.nodes!.map((n) => (n.id === 2 ? { ...n, hidden: true } : n.id === 8 ? { ...n, layer: 3 } : n));
    const r = load('scene.vox', voxFile({ ...scene, nodes, layers: [{ id: 0, hidden: false }, { id: 3, hidden: true }] }), 2000);
    expect(r.warnings).toEqual(['2 hidden model(s) left out (hidden objects or layers in MagicaVoxel)']);
    const visible = parseVox(voxFile({ ...scene, nodes: scene.nodes!.map((n) => (n.kind === 'group' && n.id === 1 ? { ...n, children: [4] } : n)) }));
    expect(r.faceCount).toBe((visible as { fileFaceCount: number }).fileFaceCount);
    const frames = load('walk.vox', voxFile({ models: [lShape(1), voxelTable()] }), 500);
    expect(frames.warnings).toEqual(["the file holds 2 models and no scene graph placing them (an animation's frames): the first was read"]);
    expect(frames.faceCount).toBe((parseVox(voxFile({ models: [lShape(1)] })) as { fileFaceCount: number }).fileFaceCount);
  });

  test('two tables side by side in one scene are two objects (MagicaVoxel is z up); one table is one shape', () => {
    const place = (x: number) => [
      { kind: 'transform' as const, id: 10 + 2 * x, child: 11 + 2 * x, translation: [40 * x, 0, 8] as [number, number, number] },
      { kind: 'shape' as const, id: 11 + 2 * x, model: 0 },
    ];
    const two = voxFile({ models: [voxelTable()], nodes: [{ kind: 'transform', id: 0, child: 1 }, { kind: 'group', id: 1, children: [10, 12] }, ...place(0), ...place(1)] });
    const r = load('pair.vox', two, 4000);
    expect(r.objects?.sizes.length).toBe(2);
    expect(r.warnings.join(' ')).toMatch(/^2 separate objects stand side by side \(50 %, 50 % of the points\)/);
    const one = voxFile({ models: [voxelTable()], nodes: [{ kind: 'transform', id: 0, child: 1 }, { kind: 'group', id: 1, children: [10] }, ...place(0)] });
    expect(load('one.vox', one, 4000).objects).toBeUndefined();
  });

  test('refused, saying why', () => {
    const table = voxFile({ models: [voxelTable()] });
    expectError('a.vox', new TextEncoder().encode('VOX? not voxels'), 'malformed', /^MagicaVoxel: not a MagicaVoxel file/);
    expectError('a.vox', table.slice(0, table.length - 10), 'truncated', /^MagicaVoxel: the file: chunk 'MAIN' at byte 8 is [\d,]+ bytes long, past the end of the file \([\d,]+ bytes\): is it cut short\?$/);
    expectError('a.vox', voxFile({ models: [{ size: [2, 2, 2], voxels: [[0, 0, 0, 1], [0, 2, 0, 1]] }] }), 'malformed', /^MagicaVoxel: model 0: voxel 1 at \(0, 2, 0\) lies outside its size, 2 x 2 x 2$/);
    expectError('a.vox', voxFile({ models: [{ size: [0, 2, 2], voxels: [] }] }), 'malformed', /^MagicaVoxel: model 0 has size 0 x 2 x 2; a side is 1 to 256 voxels$/);
    expectError('a.vox', voxFile({ models: [] }), 'empty', /^MagicaVoxel: the file holds no model/);
    expectError('a.vox', voxFile({ models: [{ size: [2, 2, 2], voxels: [] }] }), 'empty', /^MagicaVoxel: its models hold no voxels$/);
    const loop = voxFile({ models: [lShape(1)], nodes: [{ kind: 'transform', id: 0, child: 1 }, { kind: 'group', id: 1, children: [0] }] });
    expectError('a.vox', loop, 'malformed', /^MagicaVoxel: the scene graph loops through node 0$/);
    const missing = voxFile({ models: [lShape(1)], nodes: [{ kind: 'transform', id: 0, child: 5 }] });
    expectError('a.vox', missing, 'malformed', /^MagicaVoxel: the scene graph names node 5, which the file does not hold$/);
    const noModel = voxFile({ models: [lShape(1)], nodes: [{ kind: 'transform', id: 0, child: 1 }, { kind: 'shape', id: 1, model: 4 }] });
    expectError('a.vox', noModel, 'malformed', /^MagicaVoxel: shape node 1 names model 4; the file holds 1$/);
    const badTurn = voxFile({ models: [lShape(1)], nodes: [{ kind: 'transform', id: 0, child: 1, rotation: 0 }, { kind: 'shape', id: 1, model: 0 }] });
    expectError('a.vox', badTurn, 'malformed', /^MagicaVoxel: the rotation 0 is not a rotation \(rows 1 and 2 name columns 0 and 0\)$/);
    const allHidden = voxFile({ models: [lShape(1)], nodes: [{ kind: 'transform', id: 0, child: 1, hidden: true }, { kind: 'shape', id: 1, model: 0 }] });
    expectError('a.vox', allHidden, 'empty', /^MagicaVoxel: every model is hidden$/);
  });

  test('voxRotation: every byte MagicaVoxel can write is a signed permutation (48 of them), others refused', () => {
    const seen = new Set<string>();
    for (let byte = 0; byte < 128; byte++) {
      let m: number[];
      try {
        m = voxRotation(byte);
      } catch (error) {
        expect(error).toBeInstanceOf(LoadError);
        continue;
      }
      for (let row = 0; row < 3; row++) expect(m.slice(3 * row, 3 * row + 3).map(Math.abs).sort()).toEqual([0, 0, 1]);
      seen.add(m.join(' '));
    }
    expect(seen.size).toBe(48);
  });

  test('cut or with bytes changed, a .vox loads or fails with a LoadError, never another exception', () => {
    const bytes = voxFile(sceneOfThree());
    const outcome = (b: Uint8Array) => {
      try {
        loadFile('scene.vox', b, { meshSamples: 64, seed: 1 });
        return 'loaded';
      } catch (error) {
        if (error instanceof LoadError) return 'refused';
        throw error;
      }
    };
    fc.assert(fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (cut) => {
        expect(['loaded', 'refused']).toContain(outcome(bytes.slice(0, cut)));
      }), { numRuns: 120, seed: 5 });
    fc.assert(
      fc.property(fc.integer({ min: 8, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const changed = bytes.slice();
        changed[at] = value;
        expect(['loaded', 'refused']).toContain(outcome(changed));
      }),
      { numRuns: 120, seed: 6 },
    );
  });
});
