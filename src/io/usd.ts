// USD: .usdz (the zip iPhones, Reality Composer, Object Capture and most iOS scanning apps save),
// .usda (text), .usdc (binary "crate") and .usd (either). The layers are parsed by three.js's USD
// parsers (USDAParser, USDCParser) and the stage composed by its USDComposer (references between
// layers, transforms, instancing); what is read is the geometry only: every mesh placed by its
// transforms, in the file's own axes and units (the composer's turn of a Z-up stage to Y and its
// metersPerUnit scale are undone: the app finds the up itself, as for every format; the upAxis
// still serves to look for separate objects side by side in a stage of several meshes). Textures are
// not loaded: the composer's image loader is replaced by one that loads nothing (a worker has no
// DOM images, and a classifier reads no texture). Refused with the reason: a zip whose first entry
// is not a USD layer (the USDZ rule), layers unpacking to more than LIMITS.maxFileBytes, a stage
// three cannot parse (its message), no mesh with triangles, non-finite or too many vertices.
import type { Object3D } from 'three';
import { USDAParser } from 'three/examples/jsm/loaders/usd/USDAParser.js';
import { USDCParser } from 'three/examples/jsm/loaders/usd/USDCParser.js';
import { USDComposer } from 'three/examples/jsm/loaders/usd/USDComposer.js';
import { startsWith } from './content';
import { exactArrayBuffer, sceneMeshes, withFileColors } from './three';
import type { UpName } from './floor';
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

/** The composed stage's root, in the file's own axes and units, and the up its upAxis names (Y
 * when it names none, as USD's default is). */
function compose(bytes: Uint8Array): { root: Object3D; up: UpName } {
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
    // The composer turns a stage whose upAxis is Z by -90 degrees about x, and only such a stage.
    const up: UpName = group.rotation.x !== 0 ? 'z' : 'y';
    group.rotation.set(0, 0, 0);
    group.scale.set(1, 1, 1);
    group.updateMatrixWorld(true);
    return { root: group, up };
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw malformed(`the USD stage cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseUsd(bytes: Uint8Array): Parsed {
  // The stage's up is passed on for a stage of several meshes: separate objects standing side by
  // side along it are looked for (objects.ts sceneUp); a single mesh (an Object Capture scan) is not.
  const { root, up } = withFileColors(() => compose(bytes));
  return sceneMeshes('usd', root, 'USD stage', up);
}
