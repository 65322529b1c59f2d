// glTF 2.0: .glb (the binary container) and .gltf (JSON whose buffers are embedded as data: URIs).
// Our own reader, not three.js's GLTFLoader: that one is asynchronous and fetches textures and
// separate files through the page; the geometry is all a classifier reads. Read: every mesh
// primitive of the scene (the file's default, else its first; a file without scenes: every mesh),
// placed by its nodes' matrices or translation / rotation / scale, as triangles (list, strip, fan)
// or points; POSITION as float32 or, with KHR_mesh_quantization, integers (normalized or not);
// indices as u8 / u16 / u32; meshopt-compressed bufferViews (EXT_ / KHR_meshopt_compression, as
// gltfpack and glTF-Transform write them) decoded by meshopt.ts; Draco-compressed primitives
// (KHR_draco_mesh_compression, as Blender, gltf-pipeline and glTF-Transform write them) decoded by
// draco.ts; Gaussian splats (KHR_gaussian_splatting: points with their opacity, or an SPZ stream,
// KHR_gaussian_splatting_compression_spz_2, read by spz.ts); a node's instances
// (EXT_mesh_gpu_instancing) each placed; skinned meshes placed by
// their joints (JOINTS_n / WEIGHTS_n, the joints' world matrices times their inverse bind
// matrices), not by their node, as glTF defines; buffers in separate files read where the caller
// can reach them (`SidecarFiles`). Lines are skipped with a warning.
// Refused, saying why: sparse or missing positions, a separate buffer that cannot be reached, and
// anything outside its buffer. glTF's +Y is up by the format's definition; the app still finds the
// up by itself (Auto), as for every format.
import { sceneUp } from './objects';
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { decodeDraco } from './draco';
import { decodeMeshopt, meshoptUnavailable } from './meshopt';
import { parseSpz } from './spz';
import { IDENTITY, type Matrix, multiply, pushTransformed } from './matrix';
import { placedMesh, placedPoints } from './placed';
import { quote } from './text';
import { LoadError, type Parsed } from './types';

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

/** Bytes per component of each componentType, and how a normalized value is scaled to -1..1 / 0..1. */
const COMPONENTS: Record<number, { bytes: number; name: string; scale: number; read: (v: DataView, at: number) => number }> = {
  5120: { bytes: 1, name: 'int8', scale: 127, read: (v, at) => v.getInt8(at) },
  5121: { bytes: 1, name: 'uint8', scale: 255, read: (v, at) => v.getUint8(at) },
  5122: { bytes: 2, name: 'int16', scale: 32767, read: (v, at) => v.getInt16(at, true) },
  5123: { bytes: 2, name: 'uint16', scale: 65535, read: (v, at) => v.getUint16(at, true) },
  5125: { bytes: 4, name: 'uint32', scale: 4294967295, read: (v, at) => v.getUint32(at, true) },
  5126: { bytes: 4, name: 'float32', scale: 1, read: (v, at) => v.getFloat32(at, true) },
};

/** The node extension that places its mesh many times (glTF-Transform's `instance`, on by default
 * in its `optimize`): one transform an instance, in the node's space. */
const INSTANCING = 'EXT_mesh_gpu_instancing';
/** The primitive extension of Draco compression (draco.ts decodes it). */
const DRACO = 'KHR_draco_mesh_compression';

/** The bufferView extensions of meshopt compression (meshopt.ts decodes them). */
const MESHOPT = ['EXT_meshopt_compression', 'KHR_meshopt_compression'] as const;
/** Most bytes one meshopt-compressed bufferView may unpack to (a bomb stops here). */
const MAX_DECODED = 2 ** 30;

interface MeshoptView {
  buffer?: unknown;
  byteOffset?: unknown;
  byteLength?: unknown;
  byteStride?: unknown;
  count?: unknown;
  mode?: unknown;
  filter?: unknown;
}

/* The parts of glTF's JSON this reader uses (everything else is ignored). */
interface Json {
  asset?: { version?: unknown };
  buffers?: { byteLength?: unknown; uri?: unknown; extensions?: Record<string, { fallback?: unknown } | undefined> }[];
  bufferViews?: { buffer?: unknown; byteOffset?: unknown; byteLength?: unknown; byteStride?: unknown; extensions?: Record<string, MeshoptView | undefined> }[];
  accessors?: { bufferView?: unknown; byteOffset?: unknown; componentType?: unknown; normalized?: unknown; count?: unknown; type?: unknown; sparse?: unknown }[];
  meshes?: { primitives?: Primitive[] }[];
  skins?: { joints?: unknown; inverseBindMatrices?: unknown }[];
  nodes?: {
    mesh?: unknown;
    skin?: unknown;
    children?: unknown;
    matrix?: unknown;
    translation?: unknown;
    rotation?: unknown;
    scale?: unknown;
    extensions?: { [INSTANCING]?: { attributes?: { TRANSLATION?: unknown; ROTATION?: unknown; SCALE?: unknown } } };
  }[];
  scenes?: { nodes?: unknown }[];
  scene?: unknown;
}

/** The attributes of a primitive this reader uses: skinned meshes' joints and weights, up to two
 * sets of four (JOINTS_0 / WEIGHTS_0, JOINTS_1 / WEIGHTS_1). */
interface Attributes {
  POSITION?: unknown;
  JOINTS_0?: unknown;
  WEIGHTS_0?: unknown;
  JOINTS_1?: unknown;
  WEIGHTS_1?: unknown;
}

interface Primitive {
  attributes?: Attributes & { [OPACITY]?: unknown };
  indices?: unknown;
  mode?: unknown;
  extensions?: {
    [DRACO]?: { bufferView?: unknown; attributes?: Attributes };
    [SPLATS]?: { extensions?: { [SPLATS_SPZ]?: { bufferView?: unknown } } };
  };
}

/** Gaussian splats as points (KHR_gaussian_splatting): each splat's opacity, 0..1, in an attribute
 * of its own, or the whole primitive in an SPZ stream (KHR_gaussian_splatting_compression_spz_2). */
const SPLATS = 'KHR_gaussian_splatting';
const SPLATS_SPZ = 'KHR_gaussian_splatting_compression_spz_2';
const OPACITY = 'KHR_gaussian_splatting:OPACITY';

/** The influence sets a skinned vertex may have, by the attributes that hold them. */
const INFLUENCES = [['JOINTS_0', 'WEIGHTS_0'], ['JOINTS_1', 'WEIGHTS_1']] as const;


/** Deeper node trees are refused rather than walked (no exporter nests anywhere near this). */
const MAX_DEPTH = 256;
/** Node visits in all: a node listed as the child of many (which glTF forbids) could otherwise
 * multiply the walk without bound. */
const MAX_VISITS = 1_000_000;

function malformed(detail: string): LoadError {
  return new LoadError('gltf', 'malformed', detail);
}

function isIndex(v: unknown, length: number): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < length;
}

function count(v: unknown, what: string): number {
  if (v === undefined) return 0;
  if (!Number.isInteger(v) || (v as number) < 0) throw malformed(`${what} is ${JSON.stringify(v)}, not a count`);
  return v as number;
}

/** The JSON and the binary chunk of a .glb, or the JSON of a .gltf. */
function container(bytes: Uint8Array): { json: Json; bin: Uint8Array | undefined } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && view.getUint32(0, true) === GLB_MAGIC) {
    if (bytes.length < 20) throw new LoadError('gltf', 'truncated', `the file has ${bytes.length} bytes; a .glb needs a 12-byte header and a JSON chunk`);
    const version = view.getUint32(4, true);
    if (version !== 2) throw new LoadError('gltf', 'unsupported', `binary glTF version ${version}; only version 2 is read`);
    const length = view.getUint32(8, true);
    if (length > bytes.length) throw new LoadError('gltf', 'truncated', `the header declares ${formatCount(length)} bytes but the file has ${formatCount(bytes.length)}`);
    const chunks: { type: number; data: Uint8Array }[] = [];
    for (let at = 12; at + 8 <= length; ) {
      const size = view.getUint32(at, true);
      const type = view.getUint32(at + 4, true);
      if (at + 8 + size > length) throw new LoadError('gltf', 'truncated', `chunk ${chunks.length} declares ${formatCount(size)} bytes but the file ends ${formatCount(length - at - 8)} bytes after its header`);
      chunks.push({ type, data: bytes.subarray(at + 8, at + 8 + size) });
      at += 8 + size;
    }
    if (chunks[0]?.type !== CHUNK_JSON) throw malformed('the first chunk is not the JSON chunk');
    return { json: parseJson(new TextDecoder().decode(chunks[0].data)), bin: chunks.find((c) => c.type === CHUNK_BIN)?.data };
  }
  return { json: parseJson(new TextDecoder().decode(bytes)), bin: undefined };
}

function parseJson(text: string): Json {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(`the JSON cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw malformed('the JSON is not an object');
  const j = json as Json;
  if (j.asset === undefined) throw malformed(`the JSON has no "asset" (every glTF file has one)`);
  const version = String(j.asset.version ?? '');
  if (!version.startsWith('2.')) throw new LoadError('gltf', 'unsupported', `glTF version ${quote(version)}; only 2.x is read`);
  return j;
}

/** A .gltf's separate files by their uri, where they can be reached (the archive it came in, the
 * folder it was dropped with, the disk beside it). */
export type SidecarFiles = (uri: string) => Uint8Array | undefined;

/** The path a relative uri names from `folder` ('' or ending in '/'): percent-decoded, './' and
 * '../' resolved, never above the top. */
export function sidecarPath(folder: string, uri: string): string {
  let path: string;
  try {
    path = decodeURIComponent(uri);
  } catch {
    path = uri;
  }
  const parts: string[] = [];
  for (const part of `${folder}${path}`.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/** Each buffer's bytes: the .glb's binary chunk, a base64 data: URI, or a separate file `sidecar` reaches. */
function buffers(json: Json, bin: Uint8Array | undefined, sidecar?: SidecarFiles): Uint8Array[] {
  return (json.buffers ?? []).map((b, i) => {
    const declared = count(b.byteLength, `buffer ${i}'s byteLength`);
    let data: Uint8Array;
    // meshopt's fallback buffer holds nothing: its bufferViews are decoded from another buffer.
    if (b.uri === undefined && MESHOPT.some((e) => b.extensions?.[e]?.fallback === true)) return new Uint8Array(0);
    if (b.uri === undefined) {
      if (i !== 0 || bin === undefined) throw malformed(`buffer ${i} has no uri and the file has no binary chunk for it`);
      data = bin;
    } else if (typeof b.uri === 'string' && b.uri.startsWith('data:')) {
      const comma = b.uri.indexOf(',');
      if (comma < 0 || !/;base64$/.test(b.uri.slice(0, comma))) throw malformed(`buffer ${i}'s data URI is not base64`);
      try {
        data = Uint8Array.from(atob(b.uri.slice(comma + 1)), (c) => c.charCodeAt(0));
      } catch {
        throw malformed(`buffer ${i}'s data URI is not valid base64`);
      }
    } else if (sidecar !== undefined) {
      const found = sidecar(String(b.uri));
      if (found === undefined) throw new LoadError('gltf', 'truncated', `buffer ${i} is a separate file (${quote(String(b.uri))}), which is not beside it`);
      data = found;
    } else {
      throw new LoadError('gltf', 'unsupported', `buffer ${i} is a separate file (${quote(String(b.uri))}); open the .glb, a .gltf with its buffers embedded, or drop the folder holding the .gltf and its files (or a .zip of it)`);
    }
    if (data.length < declared) throw new LoadError('gltf', 'truncated', `buffer ${i} declares ${formatCount(declared)} bytes but holds ${formatCount(data.length)}`);
    return data;
  });
}

/** The bytes of each bufferView: a slice of its buffer, or, meshopt-compressed, decoded once. */
class Views {
  private readonly decoded = new Map<number, Uint8Array>();

  constructor(
    private readonly json: Json,
    private readonly buffers: Uint8Array[],
  ) {}

  view(index: number): Uint8Array {
    const bv = (this.json.bufferViews ?? [])[index]!;
    const meshopt = MESHOPT.map((e) => bv.extensions?.[e]).find((x) => x !== undefined);
    if (meshopt !== undefined) {
      let bytes = this.decoded.get(index);
      if (bytes === undefined) this.decoded.set(index, (bytes = this.decode(index, meshopt)));
      return bytes;
    }
    return this.slice(`bufferView ${index}`, bv.buffer, bv.byteOffset, bv.byteLength);
  }

  /** `byteLength` bytes from `byteOffset` of buffer `buffer`, checked. */
  private slice(what: string, buffer: unknown, byteOffset: unknown, byteLength: unknown): Uint8Array {
    if (!isIndex(buffer, this.buffers.length)) throw malformed(`${what} refers to buffer ${JSON.stringify(buffer)} of ${this.buffers.length}`);
    const data = this.buffers[buffer]!;
    const start = count(byteOffset, `${what}'s byteOffset`);
    const length = count(byteLength, `${what}'s byteLength`);
    if (start + length > data.length) {
      throw malformed(`${what} (bytes ${formatCount(start)} to ${formatCount(start + length)}) lies outside buffer ${buffer} (${formatCount(data.length)} bytes)`);
    }
    return data.subarray(start, start + length);
  }

  private decode(index: number, ext: MeshoptView): Uint8Array {
    const what = `bufferView ${index}'s meshopt data`;
    const why = meshoptUnavailable();
    if (why !== null) throw new LoadError('gltf', 'unsupported', `the file holds meshopt-compressed buffers, which cannot be decoded here: ${why}`);
    const source = this.slice(what, ext.buffer, ext.byteOffset, ext.byteLength);
    const n = count(ext.count, `${what}'s count`);
    const stride = count(ext.byteStride, `${what}'s byteStride`);
    const mode = String(ext.mode);
    if (!['ATTRIBUTES', 'TRIANGLES', 'INDICES'].includes(mode)) throw malformed(`${what} has mode ${JSON.stringify(ext.mode)}`);
    const filter = ext.filter === undefined ? 'NONE' : String(ext.filter);
    if (!['NONE', 'OCTAHEDRAL', 'QUATERNION', 'EXPONENTIAL', 'COLOR'].includes(filter)) throw malformed(`${what} has filter ${JSON.stringify(ext.filter)}`);
    if (stride === 0 || n * stride > MAX_DECODED) {
      throw new LoadError('gltf', stride === 0 ? 'malformed' : 'too-large', `${what} declares ${formatCount(n)} elements of ${stride} bytes${stride === 0 ? '' : `, more than ${formatCount(MAX_DECODED)} bytes unpacked`}`);
    }
    try {
      return decodeMeshopt(source, n, stride, mode, filter);
    } catch (error) {
      throw malformed(`${what} cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** An accessor's values, `size` per element, as doubles (normalized integers scaled). */
function readAccessor(json: Json, data: Views, index: unknown, what: string, size: number, allowed: readonly number[]): { values: Float64Array; count: number } {
  const accessors = json.accessors ?? [];
  if (!isIndex(index, accessors.length)) throw malformed(`${what} refers to accessor ${JSON.stringify(index)} of ${accessors.length}`);
  const a = accessors[index];
  const type = COMPONENTS[a.componentType as number];
  if (type === undefined || !allowed.includes(a.componentType as number)) {
    throw new LoadError('gltf', 'unsupported', `${what} (accessor ${index}) has componentType ${JSON.stringify(a.componentType)}; read are ${allowed.map((t) => COMPONENTS[t]!.name).join(', ')}`);
  }
  const expectedType = ({ 1: 'SCALAR', 3: 'VEC3', 4: 'VEC4', 16: 'MAT4' } as Record<number, string>)[size];
  if (a.type !== expectedType) throw malformed(`${what} (accessor ${index}) is ${JSON.stringify(a.type)}, not ${expectedType}`);
  if (a.sparse !== undefined) throw new LoadError('gltf', 'unsupported', `${what} (accessor ${index}) is sparse; sparse accessors are not read`);
  const n = count(a.count, `accessor ${index}'s count`);
  // Checked before anything is allocated: a count the file cannot hold is refused, not tried.
  if (n > (size === 1 ? 3 * LIMITS.maxFaces : LIMITS.maxPoints)) {
    throw new LoadError('gltf', 'too-large', `${what} (accessor ${index}) declares ${formatCount(n)} elements; ${size === 1 ? FACE_LIMIT_TEXT : POINT_LIMIT_TEXT}`);
  }
  if (a.bufferView === undefined) return { values: new Float64Array(n * size), count: n }; // all zeros, by the specification
  const views = json.bufferViews ?? [];
  if (!isIndex(a.bufferView, views.length)) throw malformed(`accessor ${index} refers to bufferView ${JSON.stringify(a.bufferView)} of ${views.length}`);
  const bv = views[a.bufferView];
  const bytes = data.view(a.bufferView);
  const viewLength = bytes.length;
  const element = type.bytes * size;
  const stride = bv.byteStride === undefined ? element : count(bv.byteStride, `bufferView ${a.bufferView}'s byteStride`);
  if (stride < element) throw malformed(`bufferView ${a.bufferView}'s byteStride ${stride} is less than an element (${element} bytes)`);
  const start = count(a.byteOffset, `accessor ${index}'s byteOffset`);
  if (n > 0 && start + stride * (n - 1) + element > viewLength) {
    throw malformed(`${what} (accessor ${index}): ${formatCount(n)} elements of ${element} bytes from byte ${formatCount(start)} do not fit bufferView ${a.bufferView} (${formatCount(viewLength)} bytes)`);
  }
  const values = new Float64Array(n * size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, viewLength);
  const scale = a.normalized === true ? type.scale : 1;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < size; k++) {
      const v = type.read(view, start + i * stride + k * type.bytes) / scale;
      values[i * size + k] = scale === 1 ? v : Math.max(v, -1); // normalized signed: -128 / 127 reads as -1
    }
  }
  return { values, count: n };
}

function numbers(v: unknown, n: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw malformed(`${what} is not ${n} finite numbers`);
  }
  return v as number[];
}

/** A node's own transform: its matrix, or translation x rotation x scale. */
function localMatrix(node: NonNullable<Json['nodes']>[number], i: number): Matrix {
  if (node.matrix !== undefined) return numbers(node.matrix, 16, `node ${i}'s matrix`);
  const t = node.translation === undefined ? [0, 0, 0] : numbers(node.translation, 3, `node ${i}'s translation`);
  const r = node.rotation === undefined ? [0, 0, 0, 1] : numbers(node.rotation, 4, `node ${i}'s rotation`);
  const s = node.scale === undefined ? [1, 1, 1] : numbers(node.scale, 3, `node ${i}'s scale`);
  return trs(t, r, s);
}

type Numbers = Float64Array | readonly number[];

/** translation x rotation (a unit quaternion x, y, z, w) x scale, column-major. */
function trs([tx, ty, tz]: Numbers, [x, y, z, w]: Numbers, [sx, sy, sz]: Numbers): Matrix {
  return [
    (1 - 2 * (y! * y! + z! * z!)) * sx!, 2 * (x! * y! + z! * w!) * sx!, 2 * (x! * z! - y! * w!) * sx!, 0,
    2 * (x! * y! - z! * w!) * sy!, (1 - 2 * (x! * x! + z! * z!)) * sy!, 2 * (y! * z! + x! * w!) * sy!, 0,
    2 * (x! * z! + y! * w!) * sz!, 2 * (y! * z! - x! * w!) * sz!, (1 - 2 * (x! * x! + y! * y!)) * sz!, 0,
    tx!, ty!, tz!, 1,
  ];
}

/** The transforms EXT_mesh_gpu_instancing gives node `i`'s instances, each in the node's space. */
function instanceMatrices(json: Json, data: Views, i: number): Matrix[] {
  const attributes = json.nodes![i]!.extensions![INSTANCING]!.attributes ?? {};
  const what = (name: string) => `node ${i}'s instance ${name}`;
  const read = (index: unknown, name: string, size: number, allowed: readonly number[]) =>
    index === undefined ? undefined : readAccessor(json, data, index, what(name), size, allowed);
  const t = read(attributes.TRANSLATION, 'TRANSLATION', 3, [5126, 5120, 5121, 5122, 5123]);
  const r = read(attributes.ROTATION, 'ROTATION', 4, [5126, 5120, 5122]);
  const s = read(attributes.SCALE, 'SCALE', 3, [5126, 5120, 5121, 5122, 5123]);
  const counts = [t, r, s].filter((a) => a !== undefined).map((a) => a.count);
  if (counts.length === 0) throw malformed(`node ${i}'s ${INSTANCING} has no TRANSLATION, ROTATION or SCALE`);
  if (counts.some((c) => c !== counts[0])) throw malformed(`node ${i}'s ${INSTANCING} attributes have different counts (${counts.join(', ')})`);
  return Array.from({ length: counts[0]! }, (_, k) =>
    trs(t ? t.values.subarray(3 * k, 3 * k + 3) : [0, 0, 0], r ? r.values.subarray(4 * k, 4 * k + 4) : [0, 0, 0, 1], s ? s.values.subarray(3 * k, 3 * k + 3) : [1, 1, 1]),
  );
}

/** A mesh the scene places: its world matrix, and the skin that deforms it (then the node's own
 * matrix does not place it: its joints do). */
interface Placement {
  mesh: number;
  matrix: Matrix;
  skin?: number;
}

/** (mesh index, world matrix, skin) for every mesh the scene places, each instance of an instanced
 * node; `worlds` gets the world matrix of every node the walk visits. */
function placedMeshes(json: Json, data: Views, worlds: Map<number, Matrix>): Placement[] {
  const nodes = json.nodes ?? [];
  const meshes = json.meshes ?? [];
  const scenes = json.scenes ?? [];
  if (scenes.length === 0) return meshes.map((_, mesh) => ({ mesh, matrix: IDENTITY }));
  const skins = json.skins ?? [];
  const sceneIndex = json.scene === undefined ? 0 : json.scene;
  if (!isIndex(sceneIndex, scenes.length)) throw malformed(`"scene" is ${JSON.stringify(json.scene)} of ${scenes.length} scenes`);
  const out: Placement[] = [];
  const visiting = new Set<number>();
  let visits = 0;
  const visit = (i: unknown, parent: Matrix): void => {
    if (++visits > MAX_VISITS) throw new LoadError('gltf', 'too-large', `the scene places more than ${formatCount(MAX_VISITS)} nodes`);
    if (!isIndex(i, nodes.length)) throw malformed(`a node list refers to node ${JSON.stringify(i)} of ${nodes.length}`);
    if (visiting.has(i)) throw malformed(`node ${i} is its own ancestor`);
    if (visiting.size >= MAX_DEPTH) throw new LoadError('gltf', 'unsupported', `the node tree is more than ${MAX_DEPTH} levels deep`);
    visiting.add(i);
    const node = nodes[i]!;
    const matrix = multiply(parent, localMatrix(node, i));
    if (!worlds.has(i)) worlds.set(i, matrix);
    if (node.mesh !== undefined) {
      if (!isIndex(node.mesh, meshes.length)) throw malformed(`node ${i} refers to mesh ${JSON.stringify(node.mesh)} of ${meshes.length}`);
      if (node.skin !== undefined && !isIndex(node.skin, skins.length)) throw malformed(`node ${i} refers to skin ${JSON.stringify(node.skin)} of ${skins.length}`);
      if (node.skin !== undefined) out.push({ mesh: node.mesh, matrix, skin: node.skin });
      else if (node.extensions?.[INSTANCING] === undefined) out.push({ mesh: node.mesh, matrix });
      else {
        for (const instance of instanceMatrices(json, data, i)) {
          if (out.length >= MAX_VISITS) throw new LoadError('gltf', 'too-large', `the scene places more than ${formatCount(MAX_VISITS)} meshes`);
          out.push({ mesh: node.mesh, matrix: multiply(matrix, instance) });
        }
      }
    }
    if (node.children !== undefined) {
      if (!Array.isArray(node.children)) throw malformed(`node ${i}'s children is not a list`);
      for (const child of node.children) visit(child, matrix);
    }
    visiting.delete(i);
  };
  const roots = scenes[sceneIndex]!.nodes ?? [];
  if (!Array.isArray(roots)) throw malformed(`scene ${sceneIndex}'s nodes is not a list`);
  for (const root of roots) visit(root, IDENTITY);
  return out;
}

/** A node's world matrix: the scene walk's, or (a joint outside the scene's tree) from its parents. */
function nodeWorld(json: Json, i: number, worlds: Map<number, Matrix>): Matrix {
  const known = worlds.get(i);
  if (known !== undefined) return known;
  const nodes = json.nodes ?? [];
  const parentOf = (child: number) => nodes.findIndex((n) => Array.isArray(n.children) && n.children.includes(child));
  const chain: number[] = [];
  for (let at = i; at >= 0 && !worlds.has(at); at = parentOf(at)) {
    if (chain.includes(at) || chain.length >= MAX_DEPTH) throw malformed(`node ${i}'s parents do not end at a root`);
    chain.push(at);
  }
  let matrix = worlds.get(parentOf(chain[chain.length - 1]!)) ?? IDENTITY;
  for (const at of chain.reverse()) {
    matrix = multiply(matrix, localMatrix(nodes[at]!, at));
    worlds.set(at, matrix);
  }
  return matrix;
}

/** Skin `s`'s joint matrices: each joint's world matrix times its inverse bind matrix. */
function jointMatrices(json: Json, data: Views, s: number, worlds: Map<number, Matrix>): Matrix[] {
  const skin = json.skins![s]!;
  const nodes = json.nodes ?? [];
  if (!Array.isArray(skin.joints) || skin.joints.length === 0) throw malformed(`skin ${s} lists no joints`);
  const joints = skin.joints as unknown[];
  const inverse = skin.inverseBindMatrices === undefined ? undefined : readAccessor(json, data, skin.inverseBindMatrices, `skin ${s}'s inverseBindMatrices`, 16, [5126]);
  if (inverse !== undefined && inverse.count < joints.length) throw malformed(`skin ${s} has ${joints.length} joints but ${inverse.count} inverse bind matrices`);
  return joints.map((j, k) => {
    if (!isIndex(j, nodes.length)) throw malformed(`skin ${s}'s joint ${k} refers to node ${JSON.stringify(j)} of ${nodes.length}`);
    const world = nodeWorld(json, j, worlds);
    return inverse === undefined ? world : multiply(world, Array.from(inverse.values.subarray(16 * k, 16 * k + 16)));
  });
}

/** A skinned primitive's joints and weights, four a vertex a set; empty when it has none. */
type Influences = Array<{ joints: ArrayLike<number>; weights: ArrayLike<number> }>;

/** Appends `count` vertices of `xyz` deformed by the joints: each the weighted sum of its joints'
 * matrices applied to it, the weights scaled to sum to 1 (all zero: joint 0's alone, as three.js
 * does). */
function pushSkinned(out: Float64Builder, joints: Matrix[], xyz: ArrayLike<number>, count: number, influences: Influences, what: string): void {
  for (let i = 0; i < count; i++) {
    let total = 0;
    for (const { weights } of influences) for (let k = 0; k < 4; k++) total += weights[4 * i + k]!;
    const [vx, vy, vz] = [xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!];
    let [x, y, z] = [0, 0, 0];
    const add = (j: number, w: number) => {
      const m = joints[j];
      if (m === undefined) throw malformed(`${what}: vertex ${formatCount(i)} is weighted to joint ${j}; its skin has ${joints.length}`);
      x += w * (m[0]! * vx + m[4]! * vy + m[8]! * vz + m[12]!);
      y += w * (m[1]! * vx + m[5]! * vy + m[9]! * vz + m[13]!);
      z += w * (m[2]! * vx + m[6]! * vy + m[10]! * vz + m[14]!);
    };
    if (!(total > 0)) add(0, 1);
    else for (const set of influences) for (let k = 0; k < 4; k++) if (set.weights[4 * i + k] !== 0) add(set.joints[4 * i + k]!, set.weights[4 * i + k]! / total);
    out.push3(x, y, z);
  }
}

/** Triangles of a primitive's vertex order, for modes 4 (list), 5 (strip) and 6 (fan). */
function triangleCorners(mode: number, order: ArrayLike<number>, push: (a: number, b: number, c: number) => void): void {
  const n = order.length;
  if (mode === 4) for (let i = 0; i + 2 < n; i += 3) push(order[i]!, order[i + 1]!, order[i + 2]!);
  else if (mode === 5) for (let i = 0; i + 2 < n; i++) i % 2 === 0 ? push(order[i]!, order[i + 1]!, order[i + 2]!) : push(order[i + 1]!, order[i]!, order[i + 2]!);
  else for (let i = 1; i + 1 < n; i++) push(order[0]!, order[i]!, order[i + 1]!);
}

/** A primitive's vertices (x, y, z each) and the order its indices give them, every index checked:
 * read through its accessors, or decoded from its Draco data. */
function primitiveVertices(json: Json, data: Views, p: Primitive, mode: number, what: string, skinned: boolean): { values: ArrayLike<number>; count: number; order: ArrayLike<number>; influences: Influences; opacity?: ArrayLike<number> } {
  let vertices: { values: ArrayLike<number>; count: number; order: Float64Array | Uint32Array | null };
  const influences: Influences = [];
  const draco = p.extensions?.[DRACO];
  const splats = mode === 0 ? p.extensions?.[SPLATS] : undefined;
  const spz = splats?.extensions?.[SPLATS_SPZ];
  if (spz !== undefined) return spzSplats(json, data, spz.bufferView, what);
  let opacity: ArrayLike<number> | undefined;
  if (draco === undefined) {
    if (p.attributes?.POSITION === undefined) throw malformed(`${what} has no POSITION`);
    const pos = readAccessor(json, data, p.attributes.POSITION, `${what}'s POSITION`, 3, [5126, 5120, 5121, 5122, 5123]);
    const order = p.indices === undefined ? null : readAccessor(json, data, p.indices, `${what}'s indices`, 1, [5121, 5123, 5125]).values;
    vertices = { values: pos.values, count: pos.count, order };
    if (splats !== undefined && p.attributes[OPACITY] !== undefined) {
      const read = readAccessor(json, data, p.attributes[OPACITY], `${what}'s ${OPACITY}`, 1, [5126, 5121, 5123]);
      if (read.count !== pos.count) throw malformed(`${what}'s ${OPACITY} holds ${read.count} values for its ${pos.count} splats`);
      opacity = read.values;
    }
    for (const [j, w] of skinned ? INFLUENCES : []) {
      if (p.attributes[j] === undefined || p.attributes[w] === undefined) continue;
      const joints = readAccessor(json, data, p.attributes[j], `${what}'s ${j}`, 4, [5121, 5123]);
      const weights = readAccessor(json, data, p.attributes[w], `${what}'s ${w}`, 4, [5126, 5121, 5123]);
      if (joints.count !== pos.count || weights.count !== pos.count) throw malformed(`${what}'s ${j} and ${w} hold ${joints.count} and ${weights.count} elements for its ${pos.count} vertices`);
      influences.push({ joints: joints.values, weights: weights.values });
    }
  } else {
    const views = json.bufferViews ?? [];
    if (!isIndex(draco.bufferView, views.length)) throw malformed(`${what}'s Draco data refers to bufferView ${JSON.stringify(draco.bufferView)} of ${views.length}`);
    const id = draco.attributes?.POSITION;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw malformed(`${what}'s Draco data names no POSITION attribute`);
    if (mode !== 0 && mode !== 4) throw new LoadError('gltf', 'unsupported', `${what} is Draco-compressed with mode ${JSON.stringify(mode)}; KHR_draco_mesh_compression defines triangle lists and points only`);
    const sets = skinned ? INFLUENCES.filter(([j, w]) => typeof draco.attributes?.[j] === 'number' && typeof draco.attributes[w] === 'number') : [];
    const decoded = decodeDraco('gltf', data.view(draco.bufferView), `${what}'s Draco data`, { uniqueId: id }, sets.flatMap(([j, w]) => [draco.attributes![j] as number, draco.attributes![w] as number]));
    sets.forEach(([j, w], k) => {
      const [joints, weights] = [decoded.extra![2 * k], decoded.extra![2 * k + 1]];
      if (joints?.components !== 4 || weights?.components !== 4) throw malformed(`${what}'s Draco data holds no four-component ${j} and ${w}`);
      influences.push({ joints: joints.values, weights: weights.values });
    });
    if (mode === 4 && decoded.triangles === null) throw malformed(`${what} holds triangles, but its Draco data is a point cloud`);
    vertices = { values: decoded.positions, count: decoded.count, order: mode === 0 ? null : decoded.triangles };
  }
  const { values, count, order } = vertices;
  const bad = order?.findIndex((v) => v >= count) ?? -1;
  if (bad >= 0) throw new LoadError('gltf', 'out-of-range', `${what}: index ${bad} refers to vertex ${order![bad]} of ${formatCount(count)}`);
  return { values, count, order: order ?? Array.from({ length: count }, (_, i) => i), influences, ...(opacity === undefined ? {} : { opacity }) };
}

/** A splat primitive compressed as SPZ (KHR_gaussian_splatting_compression_spz_2): the bufferView
 * holds an .spz stream, read by spz.ts. SPZ stores right-up-back axes and the extension has the
 * stream written from glTF's left-up-front ones, so x and z are turned back. */
function spzSplats(json: Json, data: Views, bufferView: unknown, what: string): { values: Float64Array; count: number; order: ArrayLike<number>; influences: Influences; opacity: ArrayLike<number> } {
  const views = json.bufferViews ?? [];
  if (!isIndex(bufferView, views.length)) throw malformed(`${what}'s SPZ data refers to bufferView ${JSON.stringify(bufferView)} of ${views.length}`);
  let parsed: Parsed;
  try {
    parsed = parseSpz(data.view(bufferView));
  } catch (error) {
    if (error instanceof LoadError) throw new LoadError('gltf', error.reason, `${what}'s SPZ data: ${error.message.replace(/^SPZ: /, '')}`);
    throw error;
  }
  if (parsed.kind !== 'points' || parsed.opacity === undefined) throw malformed(`${what}'s SPZ data holds no splats`);
  const { positions, count } = parsed.cloud;
  const values = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) {
    values[3 * i] = -positions[3 * i]!;
    values[3 * i + 1] = positions[3 * i + 1]!;
    values[3 * i + 2] = -positions[3 * i + 2]!;
  }
  return { values, count, order: Array.from({ length: count }, (_, i) => i), influences: [], opacity: parsed.opacity };
}

export function parseGltf(bytes: Uint8Array, sidecar?: SidecarFiles): Parsed {
  const { json, bin } = container(bytes);
  const data = new Views(json, buffers(json, bin, sidecar));
  const world = new Float64Builder();
  const triangles = new Uint32Builder();
  const pointRows: number[] = [];
  // Each point's opacity (1 for plain points); kept when a primitive holds Gaussian splats.
  const pointOpacity: number[] = [];
  let splatPrimitives = 0;
  let skippedLines = 0;
  let primitiveCount = 0;
  let vertexTotal = 0;
  // Each primitive read (or decoded) once, however many nodes and instances place its mesh.
  const read = new Map<string, ReturnType<typeof primitiveVertices>>();

  const worlds = new Map<number, Matrix>();
  const placements = placedMeshes(json, data, worlds);
  const skinJoints = new Map<number, Matrix[]>();
  for (const { mesh, matrix, skin } of placements) {
    let joints: Matrix[] | undefined;
    if (skin !== undefined && !skinJoints.has(skin)) skinJoints.set(skin, jointMatrices(json, data, skin, worlds));
    if (skin !== undefined) joints = skinJoints.get(skin);
    const primitives = json.meshes![mesh]!.primitives ?? [];
    primitives.forEach((p, k) => {
      const what = `mesh ${mesh} primitive ${k}`;
      const mode = p.mode === undefined ? 4 : (p.mode as number);
      if (![0, 1, 2, 3, 4, 5, 6].includes(mode)) throw malformed(`${what} has mode ${JSON.stringify(p.mode)}`);
      if (mode >= 1 && mode <= 3) {
        skippedLines++;
        return;
      }
      const key = `${mesh}/${k}/${skin !== undefined}`;
      let pos = read.get(key);
      if (pos === undefined) read.set(key, (pos = primitiveVertices(json, data, p, mode, what, skin !== undefined)));
      vertexTotal += pos.count;
      if (vertexTotal > LIMITS.maxPoints) throw new LoadError('gltf', 'too-large', `the file has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
      const base = world.length / 3;
      // A skinned mesh is placed by its joints (in their pose as the file's nodes give it), not by
      // its node's matrix, as glTF defines; a primitive without weights by the node.
      if (joints !== undefined && pos.influences.length > 0) pushSkinned(world, joints, pos.values, pos.count, pos.influences, what);
      else pushTransformed(world, matrix, pos.values, pos.count);
      const { order } = pos;
      primitiveCount++;
      if (mode === 0) {
        if (pos.opacity !== undefined) splatPrimitives++;
        for (let i = 0; i < order.length; i++) {
          pointRows.push(base + order[i]!);
          pointOpacity.push(pos.opacity === undefined ? 1 : pos.opacity[order[i]!]!);
        }
        return;
      }
      // A mirroring transform (negative determinant) turns the winding; sampling ignores it.
      triangleCorners(mode, order, (a, b, c) => {
        if (triangles.length / 3 >= LIMITS.maxFaces) throw new LoadError('gltf', 'too-large', `the file has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
        triangles.push3(base + a, base + b, base + c);
      });
    });
  }

  const warnings: string[] = [];
  if (skippedLines > 0) warnings.push(`glTF: ${countOf(skippedLines, 'primitive')} of lines skipped`);
  if (primitiveCount === 0) {
    throw new LoadError('gltf', 'empty', skippedLines > 0 ? 'the file has only lines, no triangles or points' : 'the scene places no mesh with triangles or points');
  }
  const indices = triangles.finish();
  if (indices.length === 0) {
    const points = placedPoints(world.finish(), pointRows, warnings, vertexTotal);
    // Gaussian splats: the nearly transparent ones are left out as for every splat file (finish.ts).
    return splatPrimitives > 0 && points.kind === 'points' ? { ...points, opacity: new Float32Array(pointOpacity) } : points;
  }
  if (pointRows.length > 0) warnings.push(`glTF: ${countOf(pointRows.length, 'point')} of point primitives ignored beside the triangles`);
  // glTF is +Y up by definition: separate objects standing side by side are looked for along it,
  // in a scene that places several meshes (objects.ts sceneUp).
  return { ...placedMesh(world.finish(), indices, warnings, vertexTotal), ...sceneUp('y', placements.length) };
}
