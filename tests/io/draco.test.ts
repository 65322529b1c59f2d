// Draco-compressed geometry (src/io/draco.ts, drc.ts, gltf.ts): standalone .drc meshes and point
// clouds, and glTF primitives with KHR_draco_mesh_compression as Blender, gltf-pipeline and
// glTF-Transform write them (accessors without bufferViews, the Draco data in a bufferView of the
// binary chunk), encoded by the draco3d package's encoder; they read to the geometry encoded, and
// damaged data is refused saying why.
import { beforeAll, describe, expect, test } from 'vitest';
import { needsDraco } from '../../src/io/draco';
import { loadersReady } from '../../src/io/index';
import { parseGltf } from '../../src/io/gltf';
import { parseDrc } from '../../src/io/drc';
import { sniffFormat } from '../../src/io/sniff';
import { encodeDraco } from './dracoEncode';
import { expectError, expectWellFormed, load, loadedOrRefused } from './expectLoad';
import { glbFile } from './generate';

// A 2 x 1 x 3 box: 8 corners, 12 triangles.
const CORNERS = new Float32Array([0, 0, 0, 2, 0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 3, 2, 0, 3, 2, 1, 3, 0, 1, 3]);
const TRIANGLES = new Uint32Array([0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7]);
/** Largest error of 14-bit quantisation over the box's largest side (3). */
const STEP = 3 / 2 ** 14;

let mesh: { bytes: Uint8Array; positionId: number };
let cloud: { bytes: Uint8Array; positionId: number };

/** A .glb whose one primitive is Draco data (mode 4 or 0), placed by a node translated by (5, 0, 0). */
function dracoGlb(data: { bytes: Uint8Array; positionId: number }, edit: { mode?: number; bufferView?: number; position?: number } = {}): Uint8Array {
  const triangles = edit.mode !== 0;
  const primitive = {
    attributes: { POSITION: 0 },
    ...(triangles ? { indices: 1 } : {}),
    ...(edit.mode !== undefined ? { mode: edit.mode } : {}),
    extensions: { KHR_draco_mesh_compression: { bufferView: edit.bufferView ?? 0, attributes: { POSITION: edit.position ?? data.positionId } } },
  };
  const json = {
    asset: { version: '2.0' },
    extensionsUsed: ['KHR_draco_mesh_compression'],
    extensionsRequired: ['KHR_draco_mesh_compression'],
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, translation: [5, 0, 0] }],
    meshes: [{ primitives: [primitive] }],
    accessors: [{ componentType: 5126, count: 8, type: 'VEC3' }, ...(triangles ? [{ componentType: 5125, count: 36, type: 'SCALAR' }] : [])],
    buffers: [{ byteLength: data.bytes.length }],
    bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: data.bytes.length }],
  };
  return glbFile(json, data.bytes);
}

/** Each decoded vertex matched to the box's corner it came from (within the quantisation step). */
function cornerOf(positions: Float32Array, count: number, shift = 0): number[] {
  return Array.from({ length: count }, (_, i) => {
    const at = [positions[3 * i]! - shift, positions[3 * i + 1]!, positions[3 * i + 2]!];
    return [0, 1, 2, 3, 4, 5, 6, 7].find((c) => at.every((v, k) => Math.abs(v - CORNERS[3 * c + k]!) <= STEP)) ?? -1;
  });
}

/** The triangles as sets of corners, each starting at its smallest (winding kept), sorted. */
function cornerTriangles(indices: Uint32Array, corner: number[]): string[] {
  const out: string[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    const tri = Array.from(indices.subarray(t, t + 3), (v) => corner[v]!);
    const k = tri.indexOf(Math.min(...tri));
    out.push([tri[k], tri[(k + 1) % 3], tri[(k + 2) % 3]].join(','));
  }
  return out.sort();
}
const BOX_TRIANGLES = cornerTriangles(TRIANGLES, [0, 1, 2, 3, 4, 5, 6, 7]);

beforeAll(async () => {
  mesh = await encodeDraco({ positions: CORNERS, triangles: TRIANGLES });
  cloud = await encodeDraco({ positions: CORNERS, colors: new Uint8Array(24).map((_, i) => (i * 10) % 256) });
  await loadersReady(mesh.bytes);
});

describe('Draco files (.drc)', () => {
  test('a mesh reads to the corners and triangles encoded', () => {
    const parsed = parseDrc(mesh.bytes);
    if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
    const corner = cornerOf(parsed.mesh.positions, parsed.mesh.vertexCount);
    expect(corner).not.toContain(-1);
    expect(new Set(corner).size).toBe(8);
    expect(cornerTriangles(parsed.mesh.indices, corner)).toEqual(BOX_TRIANGLES);
    const r = load('box.drc', mesh.bytes);
    expect([r.format, r.kind, r.faceCount, r.warnings]).toEqual(['drc', 'mesh', 12, []]);
    expectWellFormed(r);
  });

  test('a point cloud reads with its colours, and is recognised by content under another name', () => {
    const parsed = parseDrc(cloud.bytes);
    if (parsed.kind !== 'points') throw new Error('expected points');
    const corner = cornerOf(parsed.cloud.positions, parsed.cloud.count);
    expect(corner.slice().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Point i's colour is (30i, 30i + 10, 30i + 20) / 255, following it wherever it was decoded.
    corner.forEach((c, i) => expect(Array.from(parsed.cloud.colors!.subarray(3 * i, 3 * i + 3), (v) => Math.round(v * 255))).toEqual([30 * c, 30 * c + 10, 30 * c + 20]));
    expect(sniffFormat(cloud.bytes)).toBe('drc');
    expect(load('scan.bin', cloud.bytes).format).toBe('drc');
  });

  test('damaged files are refused saying why', () => {
    expectError('box.drc', mesh.bytes.subarray(0, 10), 'malformed', /^Draco: the file cannot be decoded: Failed to parse Draco header/);
    expectError('box.drc', mesh.bytes.subarray(0, mesh.bytes.length - 20), 'malformed', /^Draco: the file cannot be decoded/);
    const header = mesh.bytes.slice();
    header[7] = 9; // geometry type
    expectError('box.drc', header, 'malformed', /the file is not Draco data/);
  });
});

describe('Draco-compressed glTF (KHR_draco_mesh_compression)', () => {
  test('triangles read to the box, placed by the node', () => {
    const parsed = parseGltf(dracoGlb(mesh));
    if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
    const corner = cornerOf(parsed.mesh.positions, parsed.mesh.vertexCount, 5);
    expect(corner).not.toContain(-1);
    expect(cornerTriangles(parsed.mesh.indices, corner)).toEqual(BOX_TRIANGLES);
    const r = load('box.glb', dracoGlb(mesh));
    expect([r.format, r.kind, r.faceCount, r.warnings]).toEqual(['gltf', 'mesh', 12, []]);
    expect(r.bounds.min[0]).toBeCloseTo(5, 3);
  });

  test('points (mode 0) read as a point cloud', () => {
    const r = load('pts.glb', dracoGlb(cloud, { mode: 0 }));
    expect([r.format, r.kind, r.cloud.count]).toEqual(['gltf', 'points', 8]);
  });

  test('refusals say why', () => {
    expectError('a.glb', dracoGlb(mesh, { bufferView: 3 }), 'malformed', /mesh 0 primitive 0's Draco data refers to bufferView 3 of 1/);
    expectError('a.glb', dracoGlb(mesh, { position: 7 }), 'malformed', /mesh 0 primitive 0's Draco data has no attribute 7 \(its POSITION\)/);
    expectError('a.glb', dracoGlb(mesh, { mode: 5 }), 'unsupported', /Draco-compressed with mode 5; KHR_draco_mesh_compression defines triangle lists and points only/);
    expectError('a.glb', dracoGlb(cloud, { mode: 4 }), 'malformed', /holds triangles, but its Draco data is a point cloud/);
  });
});

describe('Draco: any damage is a LoadError, and the decoder keeps working', () => {
  test('240 cut or byte-changed files: a cloud or a LoadError, never another exception', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const sources = [
      { name: 'box.drc', bytes: mesh.bytes },
      { name: 'pts.drc', bytes: cloud.bytes },
      { name: 'box.glb', bytes: dracoGlb(mesh) },
    ];
    const outcomes = { loaded: 0, refused: 0 };
    for (let i = 0; i < 240; i++) {
      const { name, bytes } = sources[i % sources.length]!;
      let damaged: Uint8Array;
      if (i % 2 === 0) damaged = bytes.subarray(0, Math.floor(random() * bytes.length));
      else {
        damaged = bytes.slice();
        for (let k = 0; k < 1 + Math.floor(random() * 4); k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      }
      outcomes[loadedOrRefused(name, damaged)]++;
    }
    expect(outcomes.refused).toBeGreaterThan(100);
    // The decoder still reads a good file after all that.
    expect(load('box.drc', mesh.bytes).faceCount).toBe(12);
  });

  test('only files holding Draco data load the decoder', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect([
      needsDraco(mesh.bytes),
      needsDraco(dracoGlb(mesh)),
      needsDraco(encode(' {"extensionsUsed": ["KHR_draco_mesh_compression"]}')), // a .gltf's JSON
      needsDraco(encode('ply\nformat ascii 1.0\ncomment KHR_draco_mesh_compression\n')), // only glTF JSON is searched
    ]).toEqual([true, true, true, false]);
  });
});
