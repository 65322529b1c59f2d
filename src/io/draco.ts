// Draco-compressed geometry (Google's draco3d decoder, an Emscripten module and its wasm): the
// KHR_draco_mesh_compression primitives of glTF files (Blender's, gltf-pipeline's and
// glTF-Transform's compression) and standalone .drc files. The decoder is loaded only when a file
// needs it (`dracoReady`, awaited through loadersReady(bytes) before loadFile), so other files never
// pay for its 270 kB; once loaded, decoding is synchronous and the readers stay synchronous.
// In a browser its wasm comes from the app's own origin and is checked against the sha256 the build
// recorded (dracoWasm.ts); in Node (the CLI, the tests) the module reads it beside itself.
import { containsAscii, startsWith } from './content';
import { type FormatId } from './formats';
import { isNode, lazyModule } from './lazyModule';
import { LIMITS, formatCount } from './limits';
import { LoadError } from './types';

/** The parts of the draco3d decoder module this reader uses. */
interface DecoderModule {
  Decoder: new () => Decoder;
  Mesh: new () => Geometry;
  PointCloud: new () => Geometry;
  TRIANGULAR_MESH: number;
  POINT_CLOUD: number;
  POSITION: number;
  COLOR: number;
  DT_FLOAT32: number;
  HEAPF32: Float32Array;
  HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  destroy(object: object): void;
}
interface Status {
  ok(): boolean;
  error_msg(): string;
}
interface Geometry {
  num_points(): number;
  num_faces(): number;
}
interface Attribute {
  /** The C++ object's address: 0 when a lookup found none (the binding still returns a wrapper). */
  ptr: number;
  num_components(): number;
}
interface Decoder {
  GetEncodedGeometryType(bytes: Uint8Array): number;
  DecodeArrayToMesh(bytes: Uint8Array, length: number, mesh: Geometry): Status;
  DecodeArrayToPointCloud(bytes: Uint8Array, length: number, cloud: Geometry): Status;
  GetAttributeId(geometry: Geometry, type: number): number;
  GetAttribute(geometry: Geometry, id: number): Attribute | null;
  GetAttributeByUniqueId(geometry: Geometry, id: number): Attribute | null;
  GetAttributeDataArrayForAllPoints(geometry: Geometry, attribute: Attribute, type: number, bytes: number, pointer: number): boolean;
  GetTrianglesUInt32Array(mesh: Geometry, bytes: number, pointer: number): boolean;
}

const decoderModule = lazyModule(async () => {
  const { default: create } = await import('draco3d/draco_decoder_nodejs.js');
  const wasmBinary = isNode ? undefined : await (await import('./dracoWasm')).fetchDracoWasm();
  return (await create(wasmBinary ? { wasmBinary } : {})) as DecoderModule;
});

/** Loads the decoder once; settles (never rejects) when it can be used or is known not to work. */
export const dracoReady = decoderModule.ready;

/** Whether a file's bytes hold Draco data: a .drc file, or a glTF naming the extension (only a
 * glTF's JSON is searched). A zip archive's model is judged by its name (index.ts). */
export function needsDraco(bytes: Uint8Array): boolean {
  if (startsWith(bytes, 'DRACO')) return true;
  // A .glb's JSON chunk (its length at byte 12), or a .gltf's JSON text; other files are not searched.
  if (startsWith(bytes, 'glTF') && bytes.length >= 20) {
    const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
    return containsAscii(bytes.subarray(20, 20 + jsonLength), 'KHR_draco_mesh_compression');
  }
  const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf);
  return bytes[first] === 0x7b && containsAscii(bytes, 'KHR_draco_mesh_compression'); // '{'
}

export interface DracoGeometry {
  /** x, y, z of every point, the decoder's dequantised values. */
  positions: Float32Array;
  count: number;
  /** Three point indices a triangle; null for a point cloud. */
  triangles: Uint32Array | null;
  /** r, g, b of every point in 0..1 when the data has colours (standalone files only). */
  colors?: Float32Array;
  /** The attributes asked for by unique id (a glTF's JOINTS_0 and WEIGHTS_0), their values as
   * float32, `components` a point; null for an id the data does not hold. */
  extra?: Array<{ values: Float32Array; components: number } | null>;
}

/** Which attribute holds the positions: glTF names it by unique id, a .drc file by its type. */
export type PositionOf = { uniqueId: number } | 'by-type';

/** Decodes Draco data; a LoadError of `format` says why it cannot be. */
export function decodeDraco(format: FormatId, bytes: Uint8Array, what: string, position: PositionOf, extraIds: readonly number[] = []): DracoGeometry {
  const draco = decoderModule.get();
  if (!draco) {
    throw new LoadError(format, 'unsupported', `${what} is Draco-compressed, and the Draco decoder could not be loaded here: ${decoderModule.why()}`);
  }
  const decoder = new draco.Decoder();
  let geometry: Geometry | null = null;
  try {
    const type = decoder.GetEncodedGeometryType(bytes);
    const isMesh = type === draco.TRIANGULAR_MESH;
    if (!isMesh && type !== draco.POINT_CLOUD) {
      throw new LoadError(format, 'malformed', `${what} is not Draco data (no Draco header${bytes.length < 8 ? `: ${bytes.length} bytes` : ''})`);
    }
    geometry = isMesh ? new draco.Mesh() : new draco.PointCloud();
    const status = isMesh ? decoder.DecodeArrayToMesh(bytes, bytes.length, geometry) : decoder.DecodeArrayToPointCloud(bytes, bytes.length, geometry);
    if (!status.ok()) throw new LoadError(format, 'malformed', `${what} cannot be decoded: ${status.error_msg() || 'the Draco decoder gave no reason'}`);
    const count = geometry.num_points();
    if (count === 0) throw new LoadError(format, 'empty', `${what} decodes to no points`);
    if (count > LIMITS.maxPoints) throw new LoadError(format, 'too-large', `${what} decodes to ${formatCount(count)} points; at most ${formatCount(LIMITS.maxPoints)} are read`);
    const faces = isMesh ? geometry.num_faces() : 0;
    if (faces > LIMITS.maxFaces) throw new LoadError(format, 'too-large', `${what} decodes to ${formatCount(faces)} triangles; at most ${formatCount(LIMITS.maxFaces)} are read`);

    const attribute = positionAttribute(draco, decoder, geometry, position);
    const named = position === 'by-type' ? 'a POSITION attribute' : `attribute ${position.uniqueId} (its POSITION)`;
    if (!attribute) throw new LoadError(format, 'malformed', `${what} has no ${named}`);
    if (attribute.num_components() !== 3) throw new LoadError(format, 'malformed', `${what}'s ${named} has ${attribute.num_components()} components, not 3`);
    const positions = floats(draco, decoder, geometry, attribute, count * 3);
    const triangles = isMesh ? trianglesOf(draco, decoder, geometry, faces) : null;

    let colors: Float32Array | undefined;
    if (position === 'by-type') {
      const id = decoder.GetAttributeId(geometry, draco.COLOR);
      const color = id >= 0 ? decoder.GetAttribute(geometry, id) : null;
      if (color && color.ptr !== 0 && color.num_components() >= 3) colors = colorsOf(floats(draco, decoder, geometry, color, count * color.num_components()), color.num_components(), count);
    }
    const extra = extraIds.map((id) => {
      const found = decoder.GetAttributeByUniqueId(geometry!, id);
      if (!found || found.ptr === 0) return null;
      const components = found.num_components();
      return { values: floats(draco, decoder, geometry!, found, count * components), components };
    });
    return { positions, count, triangles, ...(colors ? { colors } : {}), ...(extraIds.length > 0 ? { extra } : {}) };
  } catch (error) {
    if (error instanceof LoadError) throw error;
    // The decoder ran out of memory or hit a bad state: start a fresh instance for the next file.
    decoderModule.drop();
    throw new LoadError(format, 'malformed', `${what} cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (decoderModule.get()) {
      if (geometry) draco.destroy(geometry as object);
      draco.destroy(decoder as object);
    }
  }
}

function positionAttribute(draco: DecoderModule, decoder: Decoder, geometry: Geometry, position: PositionOf): Attribute | null {
  let found: Attribute | null;
  if (position === 'by-type') {
    const id = decoder.GetAttributeId(geometry, draco.POSITION);
    found = id >= 0 ? decoder.GetAttribute(geometry, id) : null;
  } else found = decoder.GetAttributeByUniqueId(geometry, position.uniqueId);
  return found && found.ptr !== 0 ? found : null;
}

/** An attribute's values for every point as float32 (integers converted as they are). */
function floats(draco: DecoderModule, decoder: Decoder, geometry: Geometry, attribute: Attribute, n: number): Float32Array {
  const bytes = n * 4;
  const pointer = draco._malloc(bytes);
  try {
    if (!decoder.GetAttributeDataArrayForAllPoints(geometry, attribute, draco.DT_FLOAT32, bytes, pointer)) {
      throw new Error('its attribute values could not be read');
    }
    return new Float32Array(draco.HEAPF32.buffer, pointer, n).slice();
  } finally {
    draco._free(pointer);
  }
}

function trianglesOf(draco: DecoderModule, decoder: Decoder, mesh: Geometry, faces: number): Uint32Array {
  const bytes = faces * 12;
  const pointer = draco._malloc(bytes);
  try {
    if (!decoder.GetTrianglesUInt32Array(mesh, bytes, pointer)) throw new Error('its triangles could not be read');
    return new Uint32Array(draco.HEAPU32.buffer, pointer, faces * 3).slice();
  } finally {
    draco._free(pointer);
  }
}

/** r, g, b in 0..1 from a colour attribute's values: 0..255 integers, or already 0..1. */
function colorsOf(values: Float32Array, components: number, count: number): Float32Array {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const scale = max > 1 ? 255 : 1;
  const out = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = Math.min(1, Math.max(0, values[components * i + k]! / scale));
  return out;
}
