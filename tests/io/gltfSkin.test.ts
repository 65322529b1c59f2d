// Skinned glTF meshes (characters: Mixamo's through Blender, Sketchfab's, avatars) are placed by
// their joints, as glTF defines and every viewer draws them, not by their node's matrix (src/io/
// gltf.ts). Checked against Blender (its exporter's files, tests/io/gltfSkinWrite.py, and the
// vertices it shows: an armature turned and scaled as FBX imports leave it, blended automatic
// weights, a pose) and against three.js's GLTFLoader and SkinnedMesh (an independent reader) on a
// file written here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SkinnedMesh, Vector3, type Object3D } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { describe, expect, test } from 'vitest';
import { parseGltf } from '../../src/io/gltf';
import { loadersReady } from '../../src/io/index';
import { axisAngle, multiply, scaling, translation } from '../../src/io/matrix';
import { expectError } from './expectLoad';
import { encodeDraco } from './dracoEncode';
import { glbFile } from './generate';

const FIXTURES = path.join(__dirname, '../fixtures/loaders/gltf-skin');

/** The parsed mesh's vertices in the file's coordinates (its offset added back). */
function verticesOf(bytes: Uint8Array): number[][] {
  const parsed = parseGltf(bytes);
  if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
  const offset = parsed.offset ?? [0, 0, 0];
  const p = parsed.mesh.positions;
  return Array.from({ length: p.length / 3 }, (_, i) => [0, 1, 2].map((k) => p[3 * i + k]! + offset[k]!));
}

/** The largest distance from a point of `a` to its nearest point of `b`. */
function farthestNearest(a: number[][], b: number[][]): number {
  let worst = 0;
  for (const p of a) {
    let best = Infinity;
    for (const q of b) best = Math.min(best, Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!));
    worst = Math.max(worst, best);
  }
  return worst;
}

function extent(points: number[][]): number {
  return Math.max(...[0, 1, 2].map((k) => Math.max(...points.map((p) => p[k]!)) - Math.min(...points.map((p) => p[k]!))));
}

/** The box of `skinnedBox`: 8 vertices from y 0 to 3, its triangles, and its influences: the
 * bottom corners on the root joint alone, the top ones blended (weights as normalized uint8,
 * 0.4 / 0.6); `second`: a JOINTS_1 / WEIGHTS_1 set giving vertex 7 a third influence. */
function boxParts(joint = 1) {
  const corners = [0, 1, 2, 3, 4, 5, 6, 7];
  const top = (c: number) => (c & 2) !== 0;
  return {
    positions: new Float32Array(corners.flatMap((c) => [c & 1 ? 1 : -1, c & 2 ? 3 : 0, c & 4 ? 1 : -1])),
    indices: new Uint16Array([0, 2, 3, 0, 3, 1, 4, 5, 7, 4, 7, 6, 0, 1, 5, 0, 5, 4, 2, 6, 7, 2, 7, 3, 0, 4, 6, 0, 6, 2, 1, 3, 7, 1, 7, 5]),
    joints: new Uint8Array(corners.flatMap((c) => (top(c) ? [0, joint, 0, 0] : [0, 0, 0, 0]))),
    weights: new Uint8Array(corners.flatMap((c) => (top(c) ? [102, 153, 0, 0] : [255, 0, 0, 0]))),
    joints1: new Uint8Array(corners.flatMap((c) => (c === 7 ? [2, 0, 0, 0] : [0, 0, 0, 0]))),
    weights1: new Uint8Array(corners.flatMap((c) => (c === 7 ? [85, 0, 0, 0] : [0, 0, 0, 0]))),
  };
}

/** Inverse bind matrices (column-major): the root joint bound at the origin, the second at y 2,
 * the third (set 1 only) at x 1. */
const INVERSE_BIND = [
  [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -2, 0, 1],
  [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -1, 0, 0, 1],
];

/** The nodes: the skinned mesh's node moved far away (glTF says not to apply it to a skinned
 * mesh); the root joint turned 30 degrees about z; its child at y 2, turned 45 degrees about x and
 * scaled; a third joint at x 1 below it. */
const NODES = [
  { mesh: 0, skin: 0, translation: [100, 0, 0] },
  { rotation: [0, 0, Math.sin(Math.PI / 12), Math.cos(Math.PI / 12)], translation: [0.5, 0, 0], children: [2] },
  { translation: [0, 2, 0], rotation: [Math.sin(Math.PI / 8), 0, 0, Math.cos(Math.PI / 8)], scale: [1.5, 1.5, 1.5], children: [3] },
  { translation: [1, 0, 0] },
];

/** A .glb of `parts` (typed arrays, each a bufferView) and the JSON around them. */
function glbOf(parts: ArrayBufferView[], json: (views: object[]) => object): Uint8Array {
  const views: { buffer: number; byteOffset: number; byteLength: number }[] = [];
  let at = 0;
  for (const part of parts) {
    views.push({ buffer: 0, byteOffset: at, byteLength: part.byteLength });
    at += Math.ceil(part.byteLength / 4) * 4;
  }
  const bin = new Uint8Array(at);
  parts.forEach((part, k) => bin.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), views[k]!.byteOffset));
  return glbFile({ asset: { version: '2.0' }, scene: 0, scenes: [{ nodes: [0, 1] }], nodes: NODES, buffers: [{ byteLength: bin.length }], bufferViews: views, ...json(views) }, bin);
}

/** A box of 8 vertices skinned to the joints of NODES (boxParts); `joint` names the top corners'
 * second joint, `inverseCount` how many inverse bind matrices the skin has. */
function skinnedBox(options: { second?: boolean; joint?: number; inverseCount?: number } = {}): Uint8Array {
  const box = boxParts(options.joint);
  const inverse = INVERSE_BIND.slice(0, options.inverseCount ?? 3);
  const attributes: Record<string, number> = { POSITION: 0, JOINTS_0: 2, WEIGHTS_0: 3 };
  if (options.second) Object.assign(attributes, { JOINTS_1: 5, WEIGHTS_1: 6 });
  return glbOf([box.positions, box.indices, box.joints, box.weights, new Float32Array(inverse.flat()), box.joints1, box.weights1], () => ({
    skins: [{ joints: [1, 2, 3], inverseBindMatrices: 4 }],
    meshes: [{ primitives: [{ attributes, indices: 1 }] }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 8, type: 'VEC3', min: [-1, 0, -1], max: [1, 3, 1] },
      { bufferView: 1, componentType: 5123, count: box.indices.length, type: 'SCALAR' },
      { bufferView: 2, componentType: 5121, count: 8, type: 'VEC4' },
      { bufferView: 3, componentType: 5121, normalized: true, count: 8, type: 'VEC4' },
      { bufferView: 4, componentType: 5126, count: inverse.length, type: 'MAT4' },
      { bufferView: 5, componentType: 5121, count: 8, type: 'VEC4' },
      { bufferView: 6, componentType: 5121, normalized: true, count: 8, type: 'VEC4' },
    ],
  }));
}

/** The same box with its primitive Draco-compressed (KHR_draco_mesh_compression): positions,
 * triangles, JOINTS_0 and WEIGHTS_0 in the Draco data, as Blender's and gltf-pipeline's are. */
async function dracoSkinnedBox(): Promise<Uint8Array> {
  const box = boxParts();
  const { bytes, positionId, genericIds } = await encodeDraco({
    positions: box.positions,
    triangles: new Uint32Array(box.indices),
    bits: 16,
    generic: [{ values: new Float32Array(box.joints), components: 4 }, { values: new Float32Array(box.weights), components: 4 }],
  });
  return glbOf([bytes, new Float32Array(INVERSE_BIND.flat())], () => ({
    extensionsUsed: ['KHR_draco_mesh_compression'],
    extensionsRequired: ['KHR_draco_mesh_compression'],
    skins: [{ joints: [1, 2, 3], inverseBindMatrices: 4 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0, JOINTS_0: 2, WEIGHTS_0: 3 }, indices: 1, extensions: { KHR_draco_mesh_compression: { bufferView: 0, attributes: { POSITION: positionId, JOINTS_0: genericIds[0], WEIGHTS_0: genericIds[1] } } } }] }],
    accessors: [
      { componentType: 5126, count: 8, type: 'VEC3', min: [-1, 0, -1], max: [1, 3, 1] },
      { componentType: 5123, count: box.indices.length, type: 'SCALAR' },
      { componentType: 5121, count: 8, type: 'VEC4' },
      { componentType: 5126, count: 8, type: 'VEC4' },
      { bufferView: 1, componentType: 5126, count: 3, type: 'MAT4' },
    ],
  }));
}

/** three.js's skinned vertices of every SkinnedMesh in the file, in the world. */
async function threeVertices(bytes: Uint8Array): Promise<number[][]> {
  const gltf = await new GLTFLoader().parseAsync(bytes.slice().buffer, '');
  (gltf.scene as Object3D).updateMatrixWorld(true);
  const out: number[][] = [];
  gltf.scene.traverse((o) => {
    if (!(o instanceof SkinnedMesh)) return;
    o.skeleton.update();
    for (let i = 0; i < o.geometry.getAttribute('position').count; i++) out.push(o.getVertexPosition(i, new Vector3()).applyMatrix4(o.matrixWorld).toArray());
  });
  return out;
}

describe('skinned glTF meshes', () => {
  test.each([
    ['figure.glb', 'at rest, as Blender exports by default'],
    ['figure-posed.glb', 'posed, exported with "Use Current Frame"'],
  ])("Blender's figure (%s, %s): every vertex where Blender shows it", (name) => {
    const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, name)));
    const blender = (JSON.parse(readFileSync(path.join(FIXTURES, name.replace('.glb', '.json')), 'utf8')) as { vertices: number[][] }).vertices;
    const ours = verticesOf(bytes);
    const tolerance = 1e-5 * extent(blender);
    expect(farthestNearest(blender, ours)).toBeLessThan(tolerance);
    expect(farthestNearest(ours, blender)).toBeLessThan(tolerance);
  });

  test("a file written here: the vertices three.js's SkinnedMesh gives, the mesh node's own matrix not applied", async () => {
    const bytes = skinnedBox();
    const theirs = await threeVertices(bytes);
    const ours = verticesOf(bytes);
    expect(ours.length).toBe(8);
    ours.forEach((p, i) => p.forEach((v, k) => expect(v).toBeCloseTo(theirs[i]![k]!, 5)));
    // The bottom corners follow the root joint alone: turned 30 degrees about z, moved 0.5 in x.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    expect(ours[0]![0]).toBeCloseTo(-c + 0.5, 5);
    expect(ours[0]![1]).toBeCloseTo(-s, 5);
  });

  test('a second set of joints and weights (JOINTS_1, WEIGHTS_1) counts too, the weights scaled to sum to 1', () => {
    const one = verticesOf(skinnedBox());
    const two = verticesOf(skinnedBox({ second: true }));
    expect(two.slice(0, 7)).toEqual(one.slice(0, 7));
    // Vertex 7 (1, 3, 1) weighs 102 : 153 : 85 on joints 0, 1, 2: each joint's world matrix times
    // its inverse bind matrix, blended.
    const j0 = multiply(translation([0.5, 0, 0]), axisAngle(0, 0, 1, Math.PI / 6));
    const j1 = multiply(j0, multiply(translation([0, 2, 0]), multiply(axisAngle(1, 0, 0, Math.PI / 4), scaling([1.5, 1.5, 1.5]))));
    const j2 = multiply(j1, translation([1, 0, 0]));
    const joints = [j0, multiply(j1, translation([0, -2, 0])), multiply(j2, translation([-1, 0, 0]))];
    const apply = (m: number[], [x, y, z]: number[]) => [0, 1, 2].map((k) => m[k]! * x! + m[4 + k]! * y! + m[8 + k]! * z! + m[12 + k]!);
    const placed = joints.map((m) => apply(m, [1, 3, 1]));
    const expected = [0, 1, 2].map((k) => (102 * placed[0]![k]! + 153 * placed[1]![k]! + 85 * placed[2]![k]!) / 340);
    two[7]!.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    expect(Math.hypot(...two[7]!.map((v, k) => v - one[7]![k]!))).toBeGreaterThan(0.1);
  });

  test('a Draco-compressed skinned primitive: its joints and weights decoded with its positions, the same vertices', async () => {
    await loadersReady(await dracoSkinnedBox());
    const plain = verticesOf(skinnedBox());
    const draco = verticesOf(await dracoSkinnedBox());
    expect(draco.length).toBe(8);
    // Sequential encoding keeps the vertex order; 16-bit positions are exact for these corners.
    draco.forEach((p, i) => p.forEach((v, k) => expect(v).toBeCloseTo(plain[i]![k]!, 4)));
  });

  test('refused, saying why: a vertex weighted to a joint its skin lacks, too few inverse bind matrices', () => {
    expectError('a.glb', skinnedBox({ joint: 9 }), 'malformed', /^glTF: mesh 0 primitive 0: vertex 2 is weighted to joint 9; its skin has 3$/);
    expectError('a.glb', skinnedBox({ inverseCount: 2 }), 'malformed', /^glTF: skin 0 has 3 joints but 2 inverse bind matrices$/);
  });
});
