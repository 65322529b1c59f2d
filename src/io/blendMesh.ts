// A Blender mesh's vertices and faces, from whichever layout the file's Blender wrote (blend.ts
// places them in the scene):
// - to 3.4: vertices as MVert structs (`co`), faces as MPoly (`loopstart`, `totloop`) over MLoop
//   (`v`), each an array of its own, pointed at by the mesh and by its CustomData layers;
// - 3.5 to 4.x: vertices as the float3 layer "position" of the mesh's vertex CustomData, faces as
//   `poly_offset_indices` (face i's corners are offsets[i] to offsets[i + 1]) over the int layer
//   ".corner_vert" of its corner CustomData;
// - 5.x: the same layers, possibly in the mesh's AttributeStorage (named attributes, each an
//   AttributeArray);
// - before 2.63: MFace (`v1` to `v4`, v4 0 for a triangle).
// Which one a file holds is read from the file (the struct each block holds, the layers' names),
// not from its version. Every count is checked against the block that holds it.
import type { BlendFile, Block, StructView } from './blendFile';
import { LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { quote } from './text';
import { LoadError } from './types';

export interface MeshGeometry {
  /** x y z of each vertex, in the mesh's own frame. */
  positions: Float64Array;
  /** Face i's corners are corners[offsets[i]] to corners[offsets[i + 1] - 1]. */
  offsets: Int32Array;
  corners: Int32Array;
}

interface Layer {
  name: string;
  block: Block;
}

/** The layers of a CustomData (a mesh's vertex, face or corner data). */
function customLayers(file: BlendFile, data: StructView | undefined): Layer[] {
  if (!data) return [];
  const block = file.block(data.pointer('layers'));
  if (!block) return [];
  return file.items(block).slice(0, Math.max(0, data.number('totlayer'))).flatMap((layer) => {
    const target = file.block(layer.pointer('data'));
    return target ? [{ name: layer.text('name'), block: target }] : [];
  });
}

/** The named attributes of a mesh's AttributeStorage (Blender 5.x): those stored as arrays. */
function storedAttributes(file: BlendFile, mesh: StructView): Layer[] {
  const storage = mesh.sub('attribute_storage');
  const block = storage ? file.block(storage.pointer('dna_attributes')) : undefined;
  if (!storage || !block) return [];
  return file.items(block).slice(0, Math.max(0, storage.number('dna_attributes_num'))).flatMap((attribute) => {
    const array = file.at(attribute.pointer('data'));
    const target = array?.type === 'AttributeArray' ? file.block(array.pointer('data')) : undefined;
    return target ? [{ name: file.string(attribute.pointer('name')), block: target }] : [];
  });
}

/** Signed 32-bit integers of a raw array block (`count` of them, checked to fit). */
function ints(file: BlendFile, block: Block, count: number, what: string): Int32Array {
  if (count * 4 > block.length) throw new LoadError('blend', 'malformed', `${what} holds ${formatCount(block.length)} bytes, fewer than its ${formatCount(count)} values need`);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = file.view.getInt32(block.start + 4 * i, true);
  return out;
}

/** The vertices: the "position" layer, or MVert structs. */
function positionsOf(file: BlendFile, mesh: StructView, layers: Layer[], count: number, what: string): Float64Array | null {
  const named = layers.find((l) => l.name === 'position');
  if (named) {
    if (named.block.length < 12 * count) throw new LoadError('blend', 'malformed', `${what}: its positions hold ${formatCount(named.block.length)} bytes, fewer than its ${countOf(count, 'vertex', 'vertices')} need`);
    const out = new Float64Array(3 * count);
    for (let i = 0; i < 3 * count; i++) out[i] = file.view.getFloat32(named.block.start + 4 * i, true);
    return out;
  }
  const block = layers.find((l) => file.structName(l.block) === 'MVert')?.block ?? file.block(mesh.pointer('mvert'));
  if (!block) return null;
  const co = [0, 1, 2].map((k) => file.column(block, 'co', k));
  if (co[0]!.length < count) throw new LoadError('blend', 'malformed', `${what}: it has ${formatCount(co[0]!.length)} of its ${countOf(count, 'vertex', 'vertices')}`);
  const out = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = co[k]![i]!;
  return out;
}

/** The faces: offsets over ".corner_vert", MPoly over MLoop, or MFace. */
function facesOf(file: BlendFile, mesh: StructView, faceLayers: Layer[], cornerLayers: Layer[], what: string): { offsets: Int32Array; corners: Int32Array } {
  const faces = mesh.number(['totpoly', 'faces_num']);
  const cornerCount = mesh.number(['totloop', 'corners_num']);
  if (faces < 0 || cornerCount < 0) throw new LoadError('blend', 'malformed', `${what}: it declares ${formatCount(faces)} faces and ${formatCount(cornerCount)} corners`);
  const offsetBlock = file.block(mesh.pointer('poly_offset_indices', 'face_offset_indices'));
  const cornerVert = cornerLayers.find((l) => l.name === '.corner_vert');
  if (offsetBlock && cornerVert) {
    return { offsets: ints(file, offsetBlock, faces + 1, `${what}: its face offsets`), corners: ints(file, cornerVert.block, cornerCount, `${what}: its corners`) };
  }
  const polyBlock = faceLayers.find((l) => file.structName(l.block) === 'MPoly')?.block ?? file.block(mesh.pointer('mpoly'));
  const loopBlock = cornerLayers.find((l) => file.structName(l.block) === 'MLoop')?.block ?? file.block(mesh.pointer('mloop'));
  if (polyBlock && loopBlock) {
    const starts = file.column(polyBlock, 'loopstart').subarray(0, faces);
    const sizes = file.column(polyBlock, 'totloop').subarray(0, faces);
    const loops = file.column(loopBlock, 'v').subarray(0, cornerCount);
    let total = 0;
    for (let i = 0; i < starts.length; i++) {
      const [start, n] = [starts[i]!, sizes[i]!];
      if (start < 0 || n < 0 || start + n > loops.length) throw new LoadError('blend', 'out-of-range', `${what}: face ${formatCount(i)} uses corners ${formatCount(start)} to ${formatCount(start + n - 1)} of ${formatCount(loops.length)}`);
      total += n;
    }
    const offsets = new Int32Array(starts.length + 1);
    const corners = new Int32Array(total);
    for (let i = 0, k = 0; i < starts.length; i++) {
      corners.set(loops.subarray(starts[i]!, starts[i]! + sizes[i]!), k);
      k += sizes[i]!;
      offsets[i + 1] = k;
    }
    return { offsets, corners };
  }
  const legacy = file.block(mesh.pointer('mface'));
  if (legacy) {
    const v = ['v1', 'v2', 'v3', 'v4'].map((name) => file.column(legacy, name));
    const offsets = new Int32Array(v[0]!.length + 1);
    const corners: number[] = [];
    for (let i = 0; i < v[0]!.length; i++) {
      // A triangle's fourth corner is 0.
      for (let c = 0; c < (v[3]![i] === 0 ? 3 : 4); c++) corners.push(v[c]![i]!);
      offsets[i + 1] = corners.length;
    }
    return { offsets, corners: Int32Array.from(corners) };
  }
  return { offsets: new Int32Array(1), corners: new Int32Array(0) };
}

/** A mesh's vertices and faces; 'empty' for a mesh of no vertices, 'unknown' when it stores them
 * in no layout this reader knows. */
export function meshGeometry(file: BlendFile, mesh: StructView): MeshGeometry | 'empty' | 'unknown' {
  const what = `mesh ${quote(mesh.sub('id')?.text('name').slice(2) ?? '')}`;
  const stored = storedAttributes(file, mesh);
  const vertexLayers = [...stored, ...customLayers(file, mesh.sub('vdata', 'vert_data'))];
  const faceLayers = customLayers(file, mesh.sub('pdata', 'face_data'));
  const cornerLayers = [...stored, ...customLayers(file, mesh.sub('ldata', 'corner_data', 'loop_data'))];
  const count = mesh.number(['totvert', 'verts_num']);
  if (count <= 0) return 'empty';
  if (count > LIMITS.maxPoints) throw new LoadError('blend', 'too-large', `${what} has ${countOf(count, 'vertex', 'vertices')}; ${POINT_LIMIT_TEXT}`);
  const positions = positionsOf(file, mesh, vertexLayers, count, what);
  if (!positions) return 'unknown';
  const { offsets, corners } = facesOf(file, mesh, faceLayers, cornerLayers, what);
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i]! < offsets[i - 1]! || offsets[i]! > corners.length) throw new LoadError('blend', 'malformed', `${what}: face ${formatCount(i - 1)}'s corners run from ${formatCount(offsets[i - 1]!)} to ${formatCount(offsets[i]!)} of ${formatCount(corners.length)}`);
  }
  const bad = corners.findIndex((v) => v < 0 || v >= count);
  if (bad >= 0) throw new LoadError('blend', 'out-of-range', `${what}: corner ${formatCount(bad)} refers to vertex ${formatCount(corners[bad]!)} of ${formatCount(count)}`);
  return { positions, offsets, corners };
}
