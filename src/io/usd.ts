// USD: .usdz (the zip iPhones, Reality Composer, Object Capture and most iOS scanning apps save),
// .usda (text), .usdc (binary "crate") and .usd (either). The layers are parsed by three.js's USD
// parsers (USDAParser, USDCParser) and the stage composed by its USDComposer (references between
// layers, transforms, instancing); what is read is the geometry only: every mesh placed by its
// transforms, in the file's own axes and units (the composer's turn of a Z-up stage to Y and its
// metersPerUnit scale are undone: the app finds the up itself, as for every format). Textures are
// not loaded: the composer's image loader is replaced by one that loads nothing (a worker has no
// DOM images, and a classifier reads no texture). Refused with the reason: a zip whose first entry
// is not a USD layer (the USDZ rule), layers unpacking to more than LIMITS.maxFileBytes, a stage
// three cannot parse (its message), no mesh with triangles, non-finite or too many vertices.
import type { BufferGeometry, Object3D } from 'three';
import { USDAParser } from 'three/examples/jsm/loaders/usd/USDAParser.js';
import { USDCParser } from 'three/examples/jsm/loaders/usd/USDCParser.js';
import { USDComposer } from 'three/examples/jsm/loaders/usd/USDComposer.js';
import { Float32Builder, Float64Builder, Uint32Builder } from './buffers';
import { startsWith } from './content';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { shiftedFloat32 } from './origin';
import { exactArrayBuffer, float32Attribute, withFileColors } from './three';
import { LoadError, type Parsed } from './types';
import { unzipEntries } from './zip';

const CRATE = 'PXR-USDC';
const LAYER = /\.(usd|usda|usdc)$/i;

function malformed(detail: string): LoadError {
  return new LoadError('usd', 'malformed', detail);
}

/** A USD layer as the parsers take it: a crate's bytes, or text. */
function parseLayer(bytes: Uint8Array): unknown {
  return startsWith(bytes, CRATE) ? new USDCParser().parseData(exactArrayBuffer(bytes)) : new USDAParser().parseData(new TextDecoder().decode(bytes));
}

/** The USD layers of a USDZ (images and everything else left packed), and the root layer's name:
 * the package's first entry, by the USDZ rule. */
function unpack(bytes: Uint8Array): { layers: Record<string, Uint8Array>; root: string } {
  const { files: layers, first } = unzipEntries('usd', bytes, (name) => LAYER.test(name), 'USD layers', 'the USDZ package');
  if (first === undefined) throw new LoadError('usd', 'empty', 'the USDZ package holds no files');
  if (!LAYER.test(first)) throw malformed(`the USDZ package's first file is ${JSON.stringify(first)}, not a USD layer (.usd, .usda or .usdc)`);
  return { layers, root: first };
}

/** An image loader that loads nothing: textures are not read. */
const NO_IMAGES = { load: () => undefined, setCrossOrigin: () => undefined, setPriority: () => undefined, setCache: () => undefined };

/** The composed stage's root, in the file's own axes and units. */
function compose(bytes: Uint8Array): Object3D {
  const zipped = startsWith(bytes, 'PK');
  if (!zipped && !startsWith(bytes, CRATE) && !/^#usda\s/.test(new TextDecoder().decode(bytes.subarray(0, 16)))) {
    throw malformed('not a USD file: a .usdz is a zip, a .usdc starts with "PXR-USDC" and a .usda with "#usda 1.0"');
  }
  const { layers, root } = zipped ? unpack(bytes) : { layers: { '': bytes }, root: '' };
  try {
    const assets: Record<string, unknown> = {};
    for (const [name, layer] of Object.entries(layers)) assets[name] = parseLayer(layer);
    const composer = new USDComposer();
    (composer as unknown as { imageLoader: typeof NO_IMAGES }).imageLoader = NO_IMAGES;
    const slash = root.lastIndexOf('/');
    const group = composer.compose(assets[root], zipped ? assets : {}, {}, slash >= 0 ? root.slice(0, slash) : '');
    group.rotation.set(0, 0, 0);
    group.scale.set(1, 1, 1);
    group.updateMatrixWorld(true);
    return group;
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw malformed(`the USD stage cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseUsd(bytes: Uint8Array): Parsed {
  const stage = withFileColors(() => compose(bytes));
  const positions = new Float64Builder();
  const colors = new Float32Builder();
  // Whether any mesh had vertex colours (displayColor); set inside the traversal's callback.
  const found = { colors: false };
  const indices = new Uint32Builder();
  let vertices = 0;
  let meshes = 0;
  stage.traverse((object) => {
    const mesh = object as Object3D & { isMesh?: boolean; geometry?: BufferGeometry };
    if (!mesh.isMesh || !mesh.geometry) return;
    const local = float32Attribute(mesh.geometry, 'position');
    if (local === undefined) return;
    const count = local.length / 3;
    const index = mesh.geometry.getIndex();
    const triangles = index === null ? Math.floor(count / 3) : Math.floor(index.count / 3);
    if (triangles === 0) return;
    if (vertices + count > LIMITS.maxPoints) throw new LoadError('usd', 'too-large', `the stage holds more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
    if (indices.length / 3 + triangles > LIMITS.maxFaces) throw new LoadError('usd', 'too-large', `the stage holds more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    const m = mesh.matrixWorld.elements;
    for (let i = 0; i < count; i++) {
      const [x, y, z] = [local[3 * i]!, local[3 * i + 1]!, local[3 * i + 2]!];
      positions.push3(m[0]! * x + m[4]! * y + m[8]! * z + m[12]!, m[1]! * x + m[5]! * y + m[9]! * z + m[13]!, m[2]! * x + m[6]! * y + m[10]! * z + m[14]!);
    }
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
  if (meshes === 0) throw new LoadError('usd', 'empty', 'the USD stage has no mesh with triangles');
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
  };
}
