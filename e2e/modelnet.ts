// ModelNet40 test clouds (../shared/datasets/modelnet40) written out as files the app reads, and
// the PyTorch reference outputs the export wrote for them (tests/fixtures/models/<id>.json).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadFile } from '../src/io/index';
import { zooOrder, type RankedManifest } from '../src/model/zooOrder';

const SHARED = process.env.ANY2POINT_SHARED ?? path.resolve('..', 'shared');
const MODELNET = path.join(SHARED, 'datasets', 'modelnet40');
const FIXTURES = process.env.ANY2POINT_FIXTURES ?? path.join('tests', 'fixtures', 'models');
const POINTS = 1024;

export interface TestCloud {
  id: string;
  label: string;
  /** 1024 x 3 float32, as the dataset stores it. */
  points: Float32Array;
}

let cache: { ids: string[]; labels: Uint8Array; names: string[]; points: Buffer } | null = null;

function dataset() {
  if (!cache) {
    const file = (name: string) => {
      const p = path.join(MODELNET, name);
      if (!existsSync(p)) throw new Error(`${p} is missing: the e2e tests need ../shared/datasets/modelnet40 (or $ANY2POINT_SHARED)`);
      return readFileSync(p);
    };
    cache = {
      ids: file('test_ids.txt').toString('utf8').trim().split('\n'),
      labels: new Uint8Array(file('test_labels.u8')),
      names: file('shape_names.txt').toString('utf8').trim().split('\n'),
      points: file('test_points.f32'),
    };
  }
  return cache;
}

/** ModelNet40's class names in label order (its shape_names.txt). */
export function shapeNames(): string[] {
  return [...dataset().names];
}

export function testCloud(id: string): TestCloud {
  const d = dataset();
  const row = d.ids.indexOf(id);
  if (row < 0) throw new Error(`ModelNet40 test split has no shape ${id}`);
  const bytes = d.points.subarray(row * POINTS * 12, (row + 1) * POINTS * 12);
  const points = new Float32Array(POINTS * 3);
  new Uint8Array(points.buffer).set(bytes);
  return { id, label: d.names[d.labels[row]], points };
}

/** The test clouds of one class, in split order. */
export function testIdsOf(label: string): string[] {
  const d = dataset();
  return d.ids.filter((_, row) => d.names[d.labels[row]] === label);
}

/** Binary little-endian PLY with float x, y, z. */
export function toPly(points: Float32Array): Uint8Array {
  const n = points.length / 3;
  const header = new TextEncoder().encode(
    `ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`,
  );
  const out = new Uint8Array(header.length + points.byteLength);
  out.set(header);
  out.set(new Uint8Array(points.buffer, points.byteOffset, points.byteLength), header.length);
  return out;
}

/** How toGlb compresses the points: meshopt (an EXT_meshopt_compression encoder: gltfpack's layout,
 * the binary chunk holding the stream and the bufferView pointing at a fallback buffer with no data),
 * or Draco (the points already encoded, and their POSITION's unique id: KHR_draco_mesh_compression,
 * the accessor without a bufferView, as Blender and gltf-pipeline write it). */
export type GlbCompression =
  | { meshopt: (positions: Uint8Array, count: number) => Uint8Array }
  | { draco: { bytes: Uint8Array; positionId: number } };

/** A .glb holding the points as one primitive of mode 0 (POINTS), float32 positions: the
 * smallest valid binary glTF 2.0 (written here from the specification, not by src/io). */
export function toGlb(points: Float32Array, compression?: GlbCompression): Uint8Array {
  const n = points.length / 3;
  const raw = new Uint8Array(points.buffer, points.byteOffset, points.byteLength);
  let bin = raw;
  let compressed = {};
  let primitiveExtensions = {};
  if (compression && 'meshopt' in compression) {
    const stream = compression.meshopt(raw, n);
    bin = stream;
    compressed = {
      extensionsUsed: ['EXT_meshopt_compression'],
      extensionsRequired: ['EXT_meshopt_compression'],
      buffers: [{ byteLength: stream.length }, { byteLength: points.byteLength, extensions: { EXT_meshopt_compression: { fallback: true } } }],
      bufferViews: [{ buffer: 1, byteLength: points.byteLength, byteStride: 12, extensions: { EXT_meshopt_compression: { buffer: 0, byteLength: stream.length, byteStride: 12, count: n, mode: 'ATTRIBUTES' } } }],
    };
  } else if (compression) {
    const { bytes, positionId } = compression.draco;
    bin = bytes;
    compressed = {
      extensionsUsed: ['KHR_draco_mesh_compression'],
      extensionsRequired: ['KHR_draco_mesh_compression'],
      buffers: [{ byteLength: bytes.length }],
      bufferViews: [{ buffer: 0, byteLength: bytes.length }],
    };
    primitiveExtensions = { extensions: { KHR_draco_mesh_compression: { bufferView: 0, attributes: { POSITION: positionId } } } };
  }
  const draco = compression !== undefined && 'draco' in compression;
  const json = JSON.stringify({
    asset: { version: '2.0', generator: 'any2point e2e' },
    buffers: [{ byteLength: points.byteLength }],
    bufferViews: [{ buffer: 0, byteLength: points.byteLength }],
    ...compressed,
    accessors: [{ ...(draco ? {} : { bufferView: 0 }), componentType: 5126, count: n, type: 'VEC3' }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 0, ...primitiveExtensions }] }],
    nodes: [{ mesh: 0 }],
    scenes: [{ nodes: [0] }],
    scene: 0,
  });
  const jsonBytes = new TextEncoder().encode(json + ' '.repeat((4 - (json.length % 4)) % 4));
  const binLength = Math.ceil(bin.length / 4) * 4;
  const total = 12 + 8 + jsonBytes.length + 8 + binLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true); // "glTF"
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonBytes.length, true);
  view.setUint32(16, 0x4e4f534a, true); // "JSON"
  out.set(jsonBytes, 20);
  const binAt = 20 + jsonBytes.length;
  view.setUint32(binAt, binLength, true);
  view.setUint32(binAt + 4, 0x004e4942, true); // "BIN\0"
  out.set(bin, binAt + 8);
  return out;
}

/** A .gltf (JSON text) whose one primitive holds `count` float32 points (mode 0) in the separate
 * buffer file `uri`: the file's bytes are the points' own (written here from the specification). */
export function toGltfWithBuffer(count: number, uri: string): string {
  return JSON.stringify({
    asset: { version: '2.0', generator: 'any2point e2e' },
    buffers: [{ byteLength: count * 12, uri }],
    bufferViews: [{ buffer: 0, byteLength: count * 12 }],
    accessors: [{ bufferView: 0, componentType: 5126, count, type: 'VEC3' }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 0 }] }],
    nodes: [{ mesh: 0 }],
    scenes: [{ nodes: [0] }],
    scene: 0,
  });
}

/** LAS 1.2, point format 0, at `offset` (a map's coordinates): a 227-byte header and 20-byte
 * records, x y z as int32 in millimetres (written here from the ASPRS spec's tables, not by src/io). */
export function toLas(points: Float32Array, offset: readonly [number, number, number]): Uint8Array {
  const n = points.length / 3;
  const out = new Uint8Array(227 + 20 * n);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('LASF'), 0);
  out[24] = 1;
  out[25] = 2;
  view.setUint16(94, 227, true); // header size
  view.setUint32(96, 227, true); // offset to the points
  view.setUint16(105, 20, true); // record length (format 0, byte 104, is already 0)
  view.setUint32(107, n, true);
  for (let a = 0; a < 3; a++) {
    view.setFloat64(131 + 8 * a, 0.001, true);
    view.setFloat64(155 + 8 * a, offset[a]!, true);
  }
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) view.setInt32(227 + 20 * i + 4 * a, Math.round(points[3 * i + a]! / 0.001), true);
  return out;
}

/** 3D Gaussian Splatting's PLY, split into its header (for `repeats` copies of the splats) and the
 * splats' records: x y z, zero normals, f_dc_0..2 (a grey), 45 f_rest, the opacity's logit, log
 * scales, a quaternion; all float32. `opacity` is each splat's, 0..1. */
export function splatPly(points: Float32Array, opacity: Float32Array, repeats = 1): { header: Uint8Array; body: Uint8Array } {
  const n = points.length / 3;
  const names = ['x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2', ...Array.from({ length: 45 }, (_, i) => `f_rest_${i}`),
    'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'];
  const header = `ply\nformat binary_little_endian 1.0\nelement vertex ${n * repeats}\n${names.map((p) => `property float ${p}\n`).join('')}end_header\n`;
  const body = new Float32Array(n * names.length);
  for (let i = 0; i < n; i++) {
    const row = body.subarray(i * names.length, (i + 1) * names.length);
    row.set(points.subarray(3 * i, 3 * i + 3), 0);
    row[54] = Math.log(opacity[i]! / (1 - opacity[i]!));
    row.fill(Math.log(0.01), 55, 58);
    row[58] = 1;
  }
  return { header: new TextEncoder().encode(header), body: new Uint8Array(body.buffer) };
}

/** SPZ version 2 (Niantic's, gzip): 12 fractional bits, grey, every splat opaque (alpha 240) or
 * as opaque as `alpha` says. */
export function toSpz(points: Float32Array, alpha?: Uint8Array): Uint8Array {
  const n = points.length / 3;
  const data = new Uint8Array(16 + n * (9 + 1 + 3 + 3 + 3));
  const view = new DataView(data.buffer);
  view.setUint32(0, 0x5053474e, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, n, true);
  data[13] = 12;
  for (let i = 0; i < 3 * n; i++) {
    const v = Math.round(points[i]! * 4096) & 0xffffff;
    data.set([v & 255, (v >> 8) & 255, v >> 16], 16 + 3 * i);
  }
  if (alpha === undefined) data.fill(240, 16 + 9 * n, 16 + 10 * n);
  else data.set(alpha, 16 + 9 * n);
  data.fill(128, 16 + 10 * n);
  return new Uint8Array(gzipSync(data));
}

/** A NumPy .npy (format 1.0) of float32 values, laid out channels first (3 x N, as PyTorch code
 * keeps clouds), as np.save writes it. */
export function toChannelsFirstNpy(points: Float32Array): Uint8Array {
  const n = points.length / 3;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (3, ${n}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + points.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const values = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) values[a * n + i] = points[3 * i + a]!;
  out.set(new Uint8Array(values.buffer), 10 + header.length);
  return out;
}

/** OBJ with one `v` line per point (a point set: no faces). float32 values printed exactly. */
export function toObj(points: Float32Array): Uint8Array {
  const lines: string[] = ['# ModelNet40 test cloud, points only'];
  for (let i = 0; i < points.length; i += 3) lines.push(`v ${points[i]} ${points[i + 1]} ${points[i + 2]}`);
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

export interface ParityEntry {
  id: string;
  logits: number[];
}

/** The committed models (public/models/<id>), in the app's order: the default first. */
export function zooModels(): string[] {
  const ids = readdirSync(path.join('public', 'models')).filter((id) => existsSync(path.join('public', 'models', id, 'manifest.json')));
  return zooOrder(ids.map((id) => zooManifest(id)));
}

/** The manifest fields the browser tests read. */
type TestedManifest = RankedManifest & { votes?: number; calibration?: { temperature: number; threshold: number; votesPerUp?: number; answer?: 'mixture' | 'picked'; sparse?: 'grown' | 'repeated'; growSpacing?: number }; novelty?: { threshold: number }; upright?: { weights: number[]; secondLook?: { below: number } } };

/** A committed model's manifest (public/models/<id>/manifest.json). */
export function zooManifest(modelId: string): TestedManifest {
  return JSON.parse(readFileSync(path.join('public', 'models', modelId, 'manifest.json'), 'utf8')) as TestedManifest;
}

/** The default model (the app opens it first). */
export function zooModel(): string {
  const models = zooModels();
  if (models.length === 0) throw new Error('public/models has no model (manifest.json)');
  return models[0];
}

/** The PyTorch logits of `modelId`'s parity clouds (tests/fixtures/models/<id>.json, from the export). */
export function referenceOf(modelId: string): ParityEntry[] {
  const fixture = path.join(FIXTURES, `${modelId}.json`);
  if (!existsSync(fixture)) throw new Error(`${modelId}: no fixture ${fixture}; the export (training/any2point/export.py) writes it`);
  const parity = (JSON.parse(readFileSync(fixture, 'utf8')) as { parity?: ParityEntry[] }).parity;
  if (!parity?.length) throw new Error(`${fixture} has no 'parity' list (PyTorch logits of test clouds); re-run the export`);
  return parity;
}

/** How many of this test cloud's points the loaders leave out when it comes as a file (stray
 * pieces, a floor: src/io/finish.ts), by loading it as one. */
function leftOut(id: string): number {
  return loadFile(`${id}.ply`, toPly(testCloud(id).points)).leftOut ?? 0;
}

/** Whether the loaders keep this test cloud whole when it comes as a file: the export's PyTorch
 * logits are of the stored cloud, so a cloud the loaders trim (of the parity clouds, chair_0937: a
 * 3-point piece) cannot be held to them logit for logit. */
export function keptWhole(id: string): boolean {
  return leftOut(id) === 0;
}

/** The points the app classifies of this test cloud as a file: the stored ones less stray pieces
 * and a floor. */
export function loadedCount(id: string): number {
  return POINTS - leftOut(id);
}

/** A committed model and the PyTorch logits of its parity clouds. */
export function zooModelWithReference(): { modelId: string; parity: ParityEntry[] } {
  for (const modelId of zooModels()) {
    const fixture = path.join(FIXTURES, `${modelId}.json`);
    if (!existsSync(fixture)) continue;
    const golden = JSON.parse(readFileSync(fixture, 'utf8')) as { parity?: ParityEntry[] };
    if (golden.parity) return { modelId, parity: golden.parity };
  }
  throw new Error(`no model in public/models has a fixture in ${FIXTURES} with a 'parity' list (PyTorch logits of test clouds, written by training/any2point/export.py)`);
}

/** The cloud turned from z up to +x up: (x, y, z) -> (z, y, -x), the benchmark's `up+x`
 * (perturb.UP_ROTATIONS["+x"]), as some scanners and CAD exports save it. */
export function xUp(points: Float32Array): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) [out[i], out[i + 1], out[i + 2]] = [points[i + 2], points[i + 1], -points[i]];
  return out;
}
