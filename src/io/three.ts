// The one place in src/io that touches three.js: running its loaders so colours come out as the
// file's own values, and getting plain typed arrays out of what they return.
import type { UpName } from './floor';
import { sceneUp } from './objects';
import { type BufferAttribute, type BufferGeometry, ColorManagement, type InterleavedBufferAttribute, type Object3D } from 'three';
import { Float32Builder, Float64Builder, Uint32Builder } from './buffers';
import type { FormatId } from './formats';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { pushTransformed } from './matrix';
import { shiftedFloat32 } from './origin';
import { LoadError, type Parsed } from './types';

/** Runs a three.js loader with colour management off: the loaders otherwise convert every colour
 * from sRGB to linear, and our PointCloud holds the file's own 0..1 values. The loaders are
 * synchronous, so the global flag is restored before anything else can run. */
export function withFileColors<T>(parse: () => T): T {
  const was = ColorManagement.enabled;
  ColorManagement.enabled = false;
  try {
    return parse();
  } finally {
    ColorManagement.enabled = was;
  }
}

/** The loaders take an ArrayBuffer that is exactly the file; copies only when `bytes` is a view
 * into a larger buffer. */
export function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** A 3-component attribute as a Float32Array (shared when it already is one). */
export function float32Attribute(geometry: BufferGeometry, name: string): Float32Array | undefined {
  const attribute = geometry.getAttribute(name) as BufferAttribute | InterleavedBufferAttribute | undefined;
  if (attribute === undefined || attribute.itemSize !== 3) return undefined;
  if (!('isInterleavedBufferAttribute' in attribute) && attribute.array instanceof Float32Array && !attribute.normalized) {
    return attribute.array.length === attribute.count * 3 ? attribute.array : attribute.array.slice(0, attribute.count * 3);
  }
  const out = new Float32Array(attribute.count * 3);
  for (let i = 0; i < attribute.count; i++) {
    out[3 * i] = attribute.getX(i);
    out[3 * i + 1] = attribute.getY(i);
    out[3 * i + 2] = attribute.getZ(i);
  }
  return out;
}

/** Every mesh with triangles under `root` (a scene a three.js loader built), placed by its world
 * matrix, as one mesh; vertex colours kept when any mesh has them (grey for the others). `what`
 * names the scene in messages ("the stage has no mesh with triangles"). */
export function sceneMeshes(format: FormatId, root: Object3D, what: string, up?: UpName): Parsed {
  root.updateMatrixWorld(true);
  const positions = new Float64Builder();
  const colors = new Float32Builder();
  // Whether any mesh had vertex colours; set inside the traversal's callback.
  const found = { colors: false };
  const indices = new Uint32Builder();
  let vertices = 0;
  let meshes = 0;
  root.traverse((object) => {
    const mesh = object as Object3D & { isMesh?: boolean; geometry?: BufferGeometry };
    if (!mesh.isMesh || !mesh.geometry) return;
    const local = float32Attribute(mesh.geometry, 'position');
    if (local === undefined) return;
    const count = local.length / 3;
    const index = mesh.geometry.getIndex();
    const triangles = index === null ? Math.floor(count / 3) : Math.floor(index.count / 3);
    if (triangles === 0) return;
    if (vertices + count > LIMITS.maxPoints) throw new LoadError(format, 'too-large', `the ${what} holds more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
    if (indices.length / 3 + triangles > LIMITS.maxFaces) throw new LoadError(format, 'too-large', `the ${what} holds more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    const m = mesh.matrixWorld.elements;
    pushTransformed(positions, m, local, count);
    const color = float32Attribute(mesh.geometry, 'color');
    found.colors ||= color !== undefined;
    for (let i = 0; i < count; i++) {
      if (color === undefined) colors.push3(0.7, 0.7, 0.7);
      else colors.push3(color[3 * i]!, color[3 * i + 1]!, color[3 * i + 2]!);
    }
    for (let t = 0; t < 3 * triangles; t += 3) {
      const [a, b, c] = index === null ? [t, t + 1, t + 2] : [index.getX(t), index.getX(t + 1), index.getX(t + 2)];
      indices.push3(vertices + a, vertices + b, vertices + c);
    }
    vertices += count;
    meshes++;
  });
  if (meshes === 0) throw new LoadError(format, 'empty', `the ${what} has no mesh with triangles`);
  const { positions: shifted, offset } = shiftedFloat32(positions.finish());
  return {
    kind: 'mesh',
    mesh: {
      positions: shifted,
      indices: indices.finish(),
      vertexCount: vertices,
      faceCount: indices.length / 3,
      ...(found.colors ? { colors: colors.finish() } : {}),
    },
    fileVertexCount: vertices,
    fileFaceCount: indices.length / 3,
    warnings: [],
    ...(offset === undefined ? {} : { offset }),
    ...(up === undefined ? {} : sceneUp(up, meshes)),
  };
}
