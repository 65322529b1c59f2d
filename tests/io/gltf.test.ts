// glTF 2.0 (.glb and .gltf with embedded buffers): meshes placed by their nodes, every triangle
// mode, points, quantized positions, and the files refused with a reason.
import { describe, expect, test } from 'vitest';
import type { LoadResult } from '../../src/io/types';
import { expectError, expectWellFormed, load } from './expectLoad';
import { concat, glbFile, text } from './generate';

const SQUARE = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]];

interface MeshSpec {
  positions: number[][];
  indices?: number[];
  /** 5121 uint8, 5123 uint16, 5125 uint32 (default uint16). */
  indexType?: 5121 | 5123 | 5125;
  mode?: number;
  nodes?: object[];
  scenes?: object[] | null;
  /** Positions as int16, normalized (KHR_mesh_quantization), instead of float32. */
  quantized?: boolean;
}

/** The JSON and binary buffer of one mesh with one primitive. */
function meshFile(spec: MeshSpec): { json: Record<string, unknown>; bin: Uint8Array } {
  const n = spec.positions.length;
  const posBytes = spec.quantized ? new Uint8Array(n * 8) : new Uint8Array(n * 12); // int16 VEC3 padded to 8 bytes
  const pv = new DataView(posBytes.buffer);
  spec.positions.forEach((p, i) => p.forEach((v, k) => (spec.quantized ? pv.setInt16(i * 8 + k * 2, Math.round(v * 32767), true) : pv.setFloat32(i * 12 + k * 4, v, true))));
  const indexType = spec.indexType ?? 5123;
  const indexSize = { 5121: 1, 5123: 2, 5125: 4 }[indexType];
  const idx = new Uint8Array(Math.ceil(((spec.indices?.length ?? 0) * indexSize) / 4) * 4);
  const iv = new DataView(idx.buffer);
  (spec.indices ?? []).forEach((v, i) => (indexSize === 1 ? iv.setUint8(i, v) : indexSize === 2 ? iv.setUint16(2 * i, v, true) : iv.setUint32(4 * i, v, true)));
  const bin = concat(posBytes, idx);
  const primitive: Record<string, unknown> = { attributes: { POSITION: 0 }, ...(spec.mode === undefined ? {} : { mode: spec.mode }) };
  const accessors: object[] = [
    { bufferView: 0, componentType: spec.quantized ? 5122 : 5126, normalized: spec.quantized === true, count: n, type: 'VEC3' },
  ];
  const bufferViews: object[] = [{ buffer: 0, byteOffset: 0, byteLength: posBytes.length, ...(spec.quantized ? { byteStride: 8 } : {}) }];
  if (spec.indices !== undefined) {
    primitive.indices = 1;
    accessors.push({ bufferView: 1, componentType: indexType, count: spec.indices.length, type: 'SCALAR' });
    bufferViews.push({ buffer: 0, byteOffset: posBytes.length, byteLength: idx.length });
  }
  const json: Record<string, unknown> = {
    asset: { version: '2.0', generator: 'any2point tests' },
    ...(spec.quantized ? { extensionsUsed: ['KHR_mesh_quantization'], extensionsRequired: ['KHR_mesh_quantization'] } : {}),
    buffers: [{ byteLength: bin.length }],
    bufferViews,
    accessors,
    meshes: [{ primitives: [primitive] }],
    nodes: spec.nodes ?? [{ mesh: 0 }],
    ...(spec.scenes === null ? {} : { scenes: spec.scenes ?? [{ nodes: [0] }], scene: 0 }),
  };
  return { json, bin };
}

const glb = (spec: MeshSpec) => {
  const { json, bin } = meshFile(spec);
  return glbFile(json, bin);
};

/** The samples' bounds are the shape's within 0.05 (2,000 random samples reach a triangle's
 * corner only so near). */
function closeBounds(r: LoadResult, min: number[], max: number[]): void {
  r.bounds.min.forEach((v, k) => expect(v, `min ${k}`).toBeCloseTo(min[k]!, 1));
  r.bounds.max.forEach((v, k) => expect(v, `max ${k}`).toBeCloseTo(max[k]!, 1));
}

describe('glTF meshes', () => {
  test('a square placed by translation, rotation and scale is sampled where the node puts it', () => {
    const s = Math.SQRT1_2; // 90 degrees about x: (x, y, 0) -> (x, 0, y)
    const r = load('square.glb', glb({ positions: SQUARE, indices: [0, 1, 2, 0, 2, 3], nodes: [{ mesh: 0, translation: [10, 0, 0], rotation: [s, 0, 0, s], scale: [2, 2, 2] }] }));
    expect([r.format, r.kind, r.vertexCount, r.faceCount, r.cloud.count, r.warnings]).toEqual(['gltf', 'mesh', 4, 2, 2000, []]);
    expectWellFormed(r);
    closeBounds(r, [10, 0, 0], [12, 0, 2]);
    expect(Math.max(...Array.from(r.cloud.positions).filter((_, i) => i % 3 === 1).map(Math.abs))).toBeLessThan(1e-6);
  });

  test('a node matrix (column-major) and a parent node compose', () => {
    const matrix = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1]; // translation (1, 0, 0)
    const r = load('nested.glb', glb({ positions: SQUARE, indices: [0, 1, 2, 0, 2, 3], indexType: 5121, nodes: [{ translation: [0, 5, 0], children: [1] }, { mesh: 0, matrix }] }));
    closeBounds(r, [1, 5, 0], [2, 6, 0]);
  });

  test('strips and fans make the same square as the list; uint32 indices', () => {
    for (const [mode, indices] of [[5, [0, 1, 3, 2]], [6, [0, 1, 2, 3]]] as const) {
      const r = load('square.glb', glb({ positions: SQUARE, indices: [...indices], indexType: 5125, mode }));
      expect([r.kind, r.faceCount], `mode ${mode}`).toEqual(['mesh', 2]);
      closeBounds(r, [0, 0, 0], [1, 1, 0]);
    }
    const unindexed = load('tri.glb', glb({ positions: [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]] }));
    expect([unindexed.kind, unindexed.faceCount]).toEqual(['mesh', 2]);
    closeBounds(unindexed, [0, 0, 0], [1, 1, 1]);
  });

  test('points (mode 0) are read as a point set, exactly', () => {
    const pts = [[0.5, 1.5, -2], [3, 4, 5], [-1, 0, 0.25]];
    const r = load('pts.glb', glb({ positions: pts, mode: 0 }));
    expect([r.kind, r.cloud.count]).toEqual(['points', 3]);
    expect(Array.from(r.cloud.positions)).toEqual(pts.flat());
  });

  test('positions quantized to normalized int16 (KHR_mesh_quantization)', () => {
    const r = load('q.glb', glb({ positions: [[1, -1, 0.5], [0, 0, 0]], mode: 0, quantized: true }));
    expect(Array.from(r.cloud.positions)).toEqual([1, -1, Math.fround(16384 / 32767), 0, 0, 0]);
  });

  test('EXT_mesh_gpu_instancing: each instance placed by its translation and rotation, in the space of the node', () => {
    // Two instances of a two-point mesh: the first where the mesh is, the second turned 90 degrees
    // about z (an int16 normalized quaternion) and moved by (5, 0, 0); the node moves both up by 10.
    const { json, bin } = meshFile({ positions: [[1, 0, 0], [0, 2, 0]], mode: 0 });
    const extra = new Uint8Array(24 + 16);
    const view = new DataView(extra.buffer);
    [0, 0, 0, 5, 0, 0].forEach((v, i) => view.setFloat32(4 * i, v, true));
    const q = Math.round(Math.SQRT1_2 * 32767);
    [0, 0, 0, 32767, 0, 0, q, q].forEach((v, i) => view.setInt16(24 + 2 * i, v, true));
    const at = bin.length;
    const instanced = {
      ...json,
      extensionsUsed: ['EXT_mesh_gpu_instancing'],
      buffers: [{ byteLength: at + extra.length }],
      bufferViews: [...(json.bufferViews as object[]), { buffer: 0, byteOffset: at, byteLength: 24 }, { buffer: 0, byteOffset: at + 24, byteLength: 16 }],
      accessors: [...(json.accessors as object[]), { bufferView: 1, componentType: 5126, count: 2, type: 'VEC3' }, { bufferView: 2, componentType: 5122, normalized: true, count: 2, type: 'VEC4' }],
      nodes: [{ mesh: 0, translation: [0, 0, 10], extensions: { EXT_mesh_gpu_instancing: { attributes: { TRANSLATION: 1, ROTATION: 2 } } } }],
    };
    const r = load('bolts.glb', glbFile(instanced, concat(bin, extra)));
    expect([r.kind, r.cloud.count]).toEqual(['points', 4]);
    const expected = [1, 0, 10, 0, 2, 10, 5, 1, 10, 3, 0, 10];
    Array.from(r.cloud.positions).forEach((v, i) => expect(v, `value ${i}`).toBeCloseTo(expected[i]!, 4));
    // Attributes of different lengths, or none, are refused.
    const bad = (attributes: object) => glbFile({ ...instanced, nodes: [{ mesh: 0, extensions: { EXT_mesh_gpu_instancing: { attributes } } }] }, concat(bin, extra));
    expectError('a.glb', bad({ TRANSLATION: 1, ROTATION: 0 }), 'malformed', /node 0's instance ROTATION \(accessor 0\) is "VEC3", not VEC4/);
    expectError('a.glb', bad({}), 'malformed', /node 0's EXT_mesh_gpu_instancing has no TRANSLATION, ROTATION or SCALE/);
    const three = { ...instanced, accessors: [...(instanced.accessors as object[]).slice(0, 2), { bufferView: 2, componentType: 5122, normalized: true, count: 1, type: 'VEC4' }] };
    expectError('a.glb', glbFile({ ...three, nodes: [{ mesh: 0, extensions: { EXT_mesh_gpu_instancing: { attributes: { TRANSLATION: 1, ROTATION: 2 } } } }] }, concat(bin, extra)), 'malformed', /attributes have different counts \(2, 1\)/);
  });

  test('a .gltf with its buffer as a base64 data URI; a file without scenes places every mesh', () => {
    const { json, bin } = meshFile({ positions: SQUARE, indices: [0, 1, 2, 0, 2, 3], scenes: null });
    const uri = `data:application/octet-stream;base64,${btoa(String.fromCharCode(...bin))}`;
    const r = load('square.gltf', text(JSON.stringify({ ...json, buffers: [{ byteLength: bin.length, uri }] }, null, 2)));
    expect([r.format, r.kind, r.faceCount]).toEqual(['gltf', 'mesh', 2]);
    closeBounds(r, [0, 0, 0], [1, 1, 0]);
  });

  test('recognised by content whatever the name, with the usual warning', () => {
    const r = load('model.ply', glb({ positions: SQUARE, indices: [0, 1, 2, 0, 2, 3] }));
    expect(r.format).toBe('gltf');
    expect(r.warnings).toEqual(['the file is named .ply but its content is glTF; read as glTF']);
  });
});

describe('glTF files refused, saying why', () => {
  const base = () => meshFile({ positions: SQUARE, indices: [0, 1, 2, 0, 2, 3] });

  test('buffers in a separate file', () => {
    const { json } = base();
    expectError('a.gltf', text(JSON.stringify({ ...json, buffers: [{ byteLength: 56, uri: 'scene.bin' }] })), 'unsupported', `glTF: buffer 0 is a separate file ('scene.bin'); open the .glb, a .gltf with its buffers embedded, or drop the folder holding the .gltf and its files (or a .zip of it)`);
  });

  test('Draco named but not used by a primitive: its plain accessors are read (Draco itself: draco.test.ts)', () => {
    const { json, bin } = base();
    expect(load('a.glb', glbFile({ ...json, extensionsRequired: ['KHR_draco_mesh_compression'] }, bin)).faceCount).toBe(2);
  });

  test('an index past the vertices, an accessor past its bufferView, a node cycle', () => {
    expectError('a.glb', glb({ positions: SQUARE, indices: [0, 1, 7] }), 'out-of-range', 'glTF: mesh 0 primitive 0: index 2 refers to vertex 7 of 4');
    const { json, bin } = base();
    const accessors = json.accessors as object[];
    expectError('a.glb', glbFile({ ...json, accessors: [{ ...accessors[0], count: 9 }, accessors[1]] }, bin), 'malformed', "glTF: mesh 0 primitive 0's POSITION (accessor 0): 9 elements of 12 bytes from byte 0 do not fit bufferView 0 (48 bytes)");
    expectError('a.glb', glbFile({ ...json, nodes: [{ children: [1] }, { mesh: 0, children: [0] }] }, bin), 'malformed', 'glTF: node 0 is its own ancestor');
  });

  test('a count no file could hold is refused before anything is allocated; trees too deep or too wide', () => {
    const { json, bin } = base();
    const accessors = json.accessors as object[];
    expectError('a.glb', glbFile({ ...json, accessors: [{ ...accessors[0], count: 2e9 }, accessors[1]] }, bin), 'too-large', "glTF: mesh 0 primitive 0's POSITION (accessor 0) declares 2,000,000,000 elements; the limit is 10,000,000 points (LIMITS.maxPoints)");
    const chain = Array.from({ length: 300 }, (_, i) => (i === 299 ? { mesh: 0 } : { children: [i + 1] }));
    expectError('a.glb', glbFile({ ...json, nodes: chain }, bin), 'unsupported', 'glTF: the node tree is more than 256 levels deep');
    // 12 levels of 4 nodes, each listing all 4 of the next level: 4^12 paths.
    const wide = Array.from({ length: 48 }, (_, i) => (i >= 44 ? { mesh: 0 } : { children: [0, 1, 2, 3].map((k) => 4 * (Math.floor(i / 4) + 1) + k) }));
    expectError('a.glb', glbFile({ ...json, nodes: wide, scenes: [{ nodes: [0, 1, 2, 3] }] }, bin), 'too-large', /^glTF: (the scene places more than 1,000,000 nodes|the file has more than 10,000,000 vertices)/);
  });

  test('truncated, another version, not JSON, only lines', () => {
    const whole = glb({ positions: SQUARE, indices: [0, 1, 2, 0, 2, 3] });
    expectError('a.glb', whole.subarray(0, whole.length - 10), 'truncated', /^glTF: the header declares [\d,]+ bytes but the file has [\d,]+$/);
    const v1 = whole.slice();
    new DataView(v1.buffer).setUint32(4, 1, true);
    expectError('a.glb', v1, 'unsupported', 'glTF: binary glTF version 1; only version 2 is read');
    expectError('a.gltf', text('{"asset": {"version": "2.0"}, "meshes": [ oops'), 'malformed', /^glTF: the JSON cannot be read: /);
    expectError('a.glb', glb({ positions: SQUARE, mode: 1 }), 'empty', 'glTF: the file has only lines, no triangles or points');
  });
});
