// meshopt-compressed glTF (src/io/meshopt.ts, gltf.ts): a .glb laid out as gltfpack writes it (the
// compressed streams in the binary chunk, a fallback buffer with no data), its bufferViews
// encoded by the meshoptimizer package's encoder (a dev dependency: the app decodes with three.js's
// copy of the decoder), reads to the same triangles as the same mesh uncompressed; and refusals.
import { MeshoptEncoder } from 'meshoptimizer';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadersReady } from '../../src/io/index';
import { parseGltf } from '../../src/io/gltf';
import { expectError } from './expectLoad';
import { glbFile } from './generate';

// A box's 8 corners (float32, stride 12) and its 12 triangles (uint16).
const CORNERS = [0, 0, 0, 2, 0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 3, 2, 0, 3, 2, 1, 3, 0, 1, 3];
const TRIANGLES = [0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7];

const bytesOf = (a: Float32Array | Uint16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const pad4 = (b: Uint8Array) => {
  const out = new Uint8Array(Math.ceil(b.length / 4) * 4);
  out.set(b);
  return out;
};

/** The box as a meshopt .glb (extension `ext`), and the plain one, with node translation (5, 0, 0). */
function boxes(ext = 'EXT_meshopt_compression', mutate?: (json: Record<string, unknown[]>) => void) {
  const positions = bytesOf(new Float32Array(CORNERS));
  const indices = bytesOf(new Uint16Array(TRIANGLES));
  // Each stream at a 4-byte boundary (padded after), its byteLength its own.
  const vertices = MeshoptEncoder.encodeGltfBuffer(positions, 8, 12, 'ATTRIBUTES');
  const triangles = MeshoptEncoder.encodeGltfBuffer(indices, 36, 2, 'TRIANGLES');
  const at = pad4(vertices).length;
  const bin = new Uint8Array(at + pad4(triangles).length);
  bin.set(vertices);
  bin.set(triangles, at);
  const accessors = [
    { bufferView: 0, componentType: 5126, count: 8, type: 'VEC3' },
    { bufferView: 1, componentType: 5123, count: 36, type: 'SCALAR' },
  ];
  const common = { asset: { version: '2.0' }, scene: 0, scenes: [{ nodes: [0] }], nodes: [{ mesh: 0, translation: [5, 0, 0] }], meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1 }] }], accessors };
  const json = {
    ...common,
    extensionsUsed: [ext],
    extensionsRequired: [ext],
    buffers: [{ byteLength: bin.length }, { byteLength: 96 + 72, extensions: { [ext]: { fallback: true } } }],
    bufferViews: [
      { buffer: 1, byteOffset: 0, byteLength: 96, byteStride: 12, extensions: { [ext]: { buffer: 0, byteOffset: 0, byteLength: vertices.length, byteStride: 12, count: 8, mode: 'ATTRIBUTES' } } },
      { buffer: 1, byteOffset: 96, byteLength: 72, extensions: { [ext]: { buffer: 0, byteOffset: at, byteLength: triangles.length, byteStride: 2, count: 36, mode: 'TRIANGLES' } } },
    ],
  };
  mutate?.(json as unknown as Record<string, unknown[]>);
  const plainBin = new Uint8Array(96 + 72);
  plainBin.set(positions);
  plainBin.set(indices, 96);
  const plain = { ...common, buffers: [{ byteLength: plainBin.length }], bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: 96, byteStride: 12 }, { buffer: 0, byteOffset: 96, byteLength: 72 }] };
  return { compressed: glbFile(json, bin), plain: glbFile(plain, plainBin), streams: vertices.length + triangles.length };
}

/** Each triangle turned to start at its smallest index, the same winding. */
function rotated(indices: Uint32Array): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < indices.length; t += 3) {
    const tri = Array.from(indices.subarray(t, t + 3));
    const k = tri.indexOf(Math.min(...tri));
    out.push([tri[k]!, tri[(k + 1) % 3]!, tri[(k + 2) % 3]!]);
  }
  return out;
}

beforeAll(async () => {
  await MeshoptEncoder.ready;
  await loadersReady();
});

describe('meshopt-compressed glTF', () => {
  test('reads to the same triangles as the mesh uncompressed, for the EXT_ and KHR_ extensions', () => {
    for (const ext of ['EXT_meshopt_compression', 'KHR_meshopt_compression']) {
      const { compressed, plain, streams } = boxes(ext);
      expect(streams).toBeLessThan(96 + 72);
      const a = parseGltf(compressed);
      const b = parseGltf(plain);
      if (a.kind !== 'mesh' || b.kind !== 'mesh') throw new Error('expected meshes');
      expect([a.mesh.faceCount, a.mesh.vertexCount]).toEqual([12, 8]);
      expect(Array.from(a.mesh.positions)).toEqual(Array.from(b.mesh.positions));
      // meshopt's index codec may rotate a triangle's corners (its winding kept).
      expect(rotated(a.mesh.indices)).toEqual(rotated(b.mesh.indices));
      expect(Array.from(a.mesh.positions.subarray(3, 6))).toEqual([7, 0, 0]); // the node's translation applied
    }
  });

  test('refusals say why: a stream outside its buffer, a bad mode, a count past the limit, a broken stream', () => {
    expectError('a.glb', boxes(undefined, (j) => ((j.bufferViews![0] as { extensions: Record<string, { byteLength: number }> }).extensions.EXT_meshopt_compression!.byteLength = 10_000)).compressed, 'malformed', /bufferView 0's meshopt data \(bytes 0 to 10,000\) lies outside buffer 0/);
    expectError('a.glb', boxes(undefined, (j) => ((j.bufferViews![1] as { extensions: Record<string, { mode: string }> }).extensions.EXT_meshopt_compression!.mode = 'SPIRALS')).compressed, 'malformed', /bufferView 1's meshopt data has mode "SPIRALS"/);
    expectError('a.glb', boxes(undefined, (j) => ((j.bufferViews![0] as { extensions: Record<string, { count: number }> }).extensions.EXT_meshopt_compression!.count = 2 ** 28)).compressed, 'too-large', /more than 1,073,741,824 bytes unpacked/);
    const broken = boxes().compressed;
    // The vertex stream starts right after the JSON chunk's 8-byte header and the binary chunk's header.
    const jsonLength = new DataView(broken.buffer).getUint32(12, true);
    broken.fill(0xff, 12 + 8 + jsonLength + 8 + 1, 12 + 8 + jsonLength + 8 + 12);
    expectError('a.glb', broken, 'malformed', /bufferView 0's meshopt data cannot be decoded/);
  });
});
