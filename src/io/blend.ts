// Blender's own files (.blend), as Blender Swap, Sketchfab's "original format" downloads and
// anyone who models in Blender have them. Read here: the mesh objects of the scene the file was
// saved with, as that scene shows them (docs/io.md "Blender"):
// - the scene's collections, with their child collections, each object once; a collection hidden
//   in the viewport or in renders, and an object hidden so or drawn only as a frame (Wire, Bounds:
//   a Boolean's cutter, a helper) are left out; an empty that instances a collection shows its
//   objects where the empty is, less the collection's instance offset (nested up to 8 deep);
// - each object's world matrix (blendPlace.ts): as Blender last computed it where the file keeps
//   it (to 4.0), else computed from the object's and its parents' transforms;
// - each mesh's vertices and faces (blendMesh.ts), with the copies its Mirror and Array modifiers
//   make (blendModifiers.ts), since modellers build half a chair and mirror it.
// A .blend keeps meshes as they are before their modifiers: any other modifier that changes the
// shape (Boolean, Screw, geometry nodes, an armature's pose ...) is not applied, and the warnings
// say which; those that only smooth or refine a shape (Subdivision, Bevel, ...) change little and
// are not named. Curves, text, metaballs and other non-mesh objects are not read (a warning counts
// them). Blender saves compressed files as Zstandard (3.0 on) or gzip (before): compressed.ts
// unpacks them before this reader sees them.
import { BlendFile, type StructView, listOf, nameOf } from './blendFile';
import { meshGeometry } from './blendMesh';
import { modifiedCopies } from './blendModifiers';
import { worldOf } from './blendPlace';
import { compressionOf } from './compressed';
import { gunzip } from './gzip';
import { Float64Builder, Uint32Builder, identityIndices } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { type Matrix, multiply, pushTransformed, translation } from './matrix';
import { sceneUp } from './objects';
import { placedMesh, placedPoints } from './placed';
import { quote } from './text';
import { LoadError, type Parsed } from './types';

/** Object.type values (DNA_object_types.h). */
const OB_MESH = 1;
const OB_EMPTY = 0;
const NON_MESH_GEOMETRY: Readonly<Record<number, string>> = { 2: 'curve', 3: 'surface', 4: 'text', 5: 'metaball', 26: 'grease pencil', 27: 'hair curves', 28: 'point cloud', 29: 'volume', 30: 'grease pencil' };
/** Object.restrictflag: hidden in the viewport (the monitor icon), in renders (the camera). */
const OB_HIDE_VIEWPORT = 1 << 0;
const OB_HIDE_RENDER = 1 << 2;
/** Object.dt: drawn as its bounding box, or as a wire frame. */
const DRAWN_AS_FRAME = new Set([1, 2]);
/** Object.transflag: instances a collection. */
const OB_DUPLICOLLECTION = 1 << 8;
/** Collection.flag: hidden in the viewport, in renders. */
const COLLECTION_HIDE_VIEWPORT = 1 << 0;
const COLLECTION_HIDE_RENDER = 1 << 3;
/** LayerCollection.flag: excluded from the view layer (the checkbox), hidden in it (the eye). */
const LAYER_COLLECTION_EXCLUDE = 1 << 4;
const LAYER_COLLECTION_HIDE = 1 << 7;
/** Base.flag: the object hidden in the view layer (the eye). */
const BASE_HIDDEN = 1 << 8;
const MAX_INSTANCE_DEPTH = 8;
/** Mesh objects placed at most: collections instancing themselves must not run away. */
const MAX_PLACED = 100_000;

/** The scene the file was saved showing (the file's global settings name it), else its first. */
function currentScene(file: BlendFile): StructView | undefined {
  const global = file.blocks.find((b) => b.code === 'GLOB');
  const current = global ? file.items(global)[0]?.pointer('curscene') : undefined;
  return (current ? file.at(current) : undefined) ?? file.ids('SC')[0];
}

/** What the scene's (first) view layer hides: collections excluded (the checkbox) or hidden (the
 * eye), objects hidden (the eye). Empty for a file before 2.8. */
interface ViewLayerHides {
  collections: Set<bigint>;
  objects: Set<bigint>;
}

function viewLayerHides(file: BlendFile, scene: StructView): ViewLayerHides {
  const hides: ViewLayerHides = { collections: new Set(), objects: new Set() };
  const layer = listOf(file, scene.sub('view_layers'))[0];
  if (!layer) return hides;
  const walk = (layerCollection: StructView, depth: number): void => {
    if (layerCollection.number('flag') & (LAYER_COLLECTION_EXCLUDE | LAYER_COLLECTION_HIDE)) hides.collections.add(layerCollection.pointer('collection'));
    if (depth < 64) for (const child of listOf(file, layerCollection.sub('layer_collections'))) walk(child, depth + 1);
  };
  for (const layerCollection of listOf(file, layer.sub('layer_collections'))) walk(layerCollection, 0);
  for (const base of listOf(file, layer.sub('object_bases'))) if (base.number('flag') & BASE_HIDDEN) hides.objects.add(base.pointer('object'));
  return hides;
}

/** The objects a collection shows, with its shown child collections', each once; `hidden`: the
 * child collections the view layer hides (none for a collection an empty instances). */
function collectionObjects(file: BlendFile, collection: StructView, out: Set<bigint>, hidden = new Set<bigint>(), seen = new Set<number>()): void {
  if (seen.has(collection.offset)) return;
  seen.add(collection.offset);
  for (const link of listOf(file, collection.sub('gobject'))) {
    const ob = link.pointer('ob');
    if (ob !== 0n) out.add(ob);
  }
  for (const link of listOf(file, collection.sub('children'))) {
    const address = link.pointer('collection');
    const child = file.at(address);
    if (child && !hidden.has(address) && (child.number('flag') & (COLLECTION_HIDE_VIEWPORT | COLLECTION_HIDE_RENDER)) === 0) collectionObjects(file, child, out, hidden, seen);
  }
}

/** The addresses of the objects a scene shows: its collections' that its view layer does not hide
 * (2.8 on), or its bases' on the layers it shows (before). */
function sceneObjects(file: BlendFile, scene: StructView, notes: Notes): bigint[] {
  const out = new Set<bigint>();
  const master = file.at(scene.pointer('master_collection'));
  if (master) {
    const hides = viewLayerHides(file, scene);
    collectionObjects(file, master, out, hides.collections);
    for (const ob of hides.objects) if (out.delete(ob)) noteHidden(file, ob, notes);
  } else {
    // Before 2.8: the scene's bases, each on the layers its `lay` bits name; those on no layer the
    // scene shows are hidden.
    const shown = scene.has('lay') ? scene.number('lay') : -1;
    for (const base of listOf(file, scene.sub('base'))) if (!base.has('lay') || (base.number('lay') & shown) !== 0) out.add(base.pointer('object'));
  }
  return [...out];
}

/** What the warnings say about a file's objects. */
interface Notes {
  modifiers: string[];
  otherObjects: Map<string, number>;
  missingMeshes: string[];
  unknownMeshes: string[];
  /** Mesh objects left out as hidden (in the viewport, in renders, drawn as a frame). */
  hidden: string[];
  /** Objects and meshes linked from other files, by the file. */
  linked: Map<string, string[]>;
  /** Mesh objects placed so far, instances included. */
  placed: number;
}

interface Placed {
  ob: StructView;
  world: Matrix;
}

/** The mesh objects shown, each with its world matrix: the scene's own, and those of the
 * collections its empties instance. */
function placedObjects(file: BlendFile, addresses: bigint[], parent: Matrix | null, depth: number, notes: Notes): Placed[] {
  const out: Placed[] = [];
  for (const address of addresses) {
    const ob = file.at(address);
    if (linkedFrom(file, address, notes)) continue;
    if (!ob || ob.type !== 'Object') continue;
    if ((ob.number(['restrictflag', 'visibility_flag']) & (OB_HIDE_VIEWPORT | OB_HIDE_RENDER)) !== 0) {
      noteHidden(file, address, notes);
      continue;
    }
    const own = worldOf(file, ob);
    const world = parent ? multiply(parent, own) : own;
    const type = ob.number('type');
    if (type === OB_MESH) {
      if (DRAWN_AS_FRAME.has(ob.number('dt'))) {
        noteHidden(file, address, notes);
        continue;
      }
      if (++notes.placed > MAX_PLACED) throw new LoadError('blend', 'too-large', `the scene places more than ${formatCount(MAX_PLACED)} mesh objects (instances included)`);
      out.push({ ob, world });
    } else if (type === OB_EMPTY) {
      const collection = (ob.number('transflag') & OB_DUPLICOLLECTION) !== 0 ? file.at(ob.pointer('dup_group', 'instance_collection')) : undefined;
      if (collection && depth < MAX_INSTANCE_DEPTH) {
        const members = new Set<bigint>();
        collectionObjects(file, collection, members);
        const offset = collection.numbers(['dupli_ofs', 'instance_offset'], 3).map((v) => -v);
        out.push(...placedObjects(file, [...members], multiply(world, translation(offset)), depth + 1, notes));
      }
    } else if (NON_MESH_GEOMETRY[type] !== undefined) {
      notes.otherObjects.set(NON_MESH_GEOMETRY[type]!, (notes.otherObjects.get(NON_MESH_GEOMETRY[type]!) ?? 0) + 1);
    }
  }
  return out;
}

/** Notes a mesh object left out as hidden, for the warning that names them. */
function noteHidden(file: BlendFile, address: bigint, notes: Notes): void {
  const ob = file.at(address);
  if (ob?.type === 'Object' && ob.number('type') === OB_MESH && !notes.hidden.includes(nameOf(ob))) notes.hidden.push(nameOf(ob));
}

/** Whether `address` is an ID linked from another .blend (a placeholder block, ID code "ID", that
 * names it and its library): noted with the library's file name. */
function linkedFrom(file: BlendFile, address: bigint, notes: Notes): boolean {
  const block = file.block(address);
  if (block?.code !== 'ID') return false;
  const id = file.items(block)[0];
  const library = id ? file.at(id.pointer('lib')) : undefined;
  const path = library ? library.text('filepath') || library.text('name') : '';
  const from = path.split(/[\\/]/).pop() || 'another file';
  const names = notes.linked.get(from) ?? [];
  const name = id?.text('name').slice(2) ?? '';
  if (!names.includes(name)) notes.linked.set(from, [...names, name]);
  return true;
}

function warningsOf(notes: Notes): string[] {
  const out: string[] = [];
  const list = (items: string[]): string => (items.length <= 4 ? items.join(', ') : `${items.slice(0, 4).join(', ')} and ${formatCount(items.length - 4)} more`);
  if (notes.modifiers.length > 0) {
    out.push(`${countOf(notes.modifiers.length, 'modifier')} that change the shape ${notes.modifiers.length === 1 ? 'is' : 'are'} not applied (${list(notes.modifiers)}): Blender shows the shape changed; for it as shown, export from Blender (File > Export > glTF applies modifiers)`);
  }
  if (notes.otherObjects.size > 0) {
    const kinds = [...notes.otherObjects].map(([kind, n]) => countOf(n, `${kind} object`));
    out.push(`${kinds.join(', ')} not read: only meshes are (Object > Convert > Mesh in Blender makes one a mesh)`);
  }
  if (notes.unknownMeshes.length > 0) out.push(`${countOf(notes.unknownMeshes.length, 'mesh', 'meshes')} not read: ${notes.unknownMeshes.length === 1 ? 'it stores its' : 'they store their'} vertices in a layout this reader does not know (${list(notes.unknownMeshes.map((n) => quote(n)))}); export from Blender (File > Export > glTF)`);
  const linked = [...notes.linked.values()].flat();
  if (linked.length > 0) {
    const from = [...notes.linked].map(([file, names]) => `${list(names.map((n) => quote(n)))} from ${quote(file)}`).join('; ');
    const one = linked.length === 1;
    out.push(`${countOf(linked.length, 'part')} linked from ${notes.linked.size === 1 ? 'another .blend file' : 'other .blend files'} ${one ? 'is' : 'are'} not read (${from}): open the scene in Blender and export it (File > Export > glTF) to include ${one ? 'it' : 'them'}`);
  }
  if (notes.hidden.length > 0) {
    const them = notes.hidden.length === 1 ? 'it' : 'them';
    out.push(`${countOf(notes.hidden.length, 'mesh object')} left out as Blender shows ${them}, hidden or drawn as a wire frame or box (${list(notes.hidden.map((n) => quote(n)))}): show ${them} as solid in Blender and save to include ${them}`);
  }
  if (notes.missingMeshes.length > 0) out.push(`${countOf(notes.missingMeshes.length, 'object')}' meshes are not in the file: ${list(notes.missingMeshes.map((n) => quote(n)))}`);
  return out;
}

/** A .blend as Blender saved it: compressed whole files are unpacked before they reach this reader
 * (compressed.ts); one inside an archive is not, and is inflated here when gzip (Blender before
 * 3.0); Zstandard needs 7-Zip's decoder, which is readied only for files opened themselves. */
function unpacked(bytes: Uint8Array): Uint8Array {
  const compression = compressionOf(bytes);
  if (compression === 'gzip') return gunzip('blend', bytes, LIMITS.maxFileBytes, 'LIMITS.maxFileBytes');
  if (compression === 'zstd') throw new LoadError('blend', 'unsupported', 'it is saved compressed (Zstandard), which is unpacked only for a .blend opened itself: take it out of the archive and open it, or save it in Blender with Compress off');
  return bytes;
}

/** The polygons a scene shows, placed in the world: face i's corners (indices into `world`'s
 * vertices) are corners[offsets[i]] to corners[offsets[i + 1] - 1]. */
export interface BlendScene {
  world: Float64Array;
  offsets: Uint32Array;
  corners: Uint32Array;
  warnings: string[];
  /** Mesh objects placed (instances included; a mirror's copies not). */
  meshes: number;
}

export function readBlendScene(bytes: Uint8Array): BlendScene {
  const file = new BlendFile(unpacked(bytes));
  const scene = currentScene(file);
  if (!scene) throw new LoadError('blend', 'empty', 'the file holds no scene');
  const notes: Notes = { modifiers: [], otherObjects: new Map(), missingMeshes: [], unknownMeshes: [], hidden: [], linked: new Map(), placed: 0 };
  const world = new Float64Builder();
  const offsets = new Uint32Builder();
  const corners = new Uint32Builder();
  const meshes = new Map<number, ReturnType<typeof meshGeometry>>();
  let meshCount = 0;
  offsets.push(0);
  for (const { ob, world: matrix } of placedObjects(file, sceneObjects(file, scene, notes), null, 0, notes)) {
    if (linkedFrom(file, ob.pointer('data'), notes)) continue;
    const mesh = file.at(ob.pointer('data'));
    if (!mesh || mesh.type !== 'Mesh') {
      if (!notes.missingMeshes.includes(nameOf(ob))) notes.missingMeshes.push(nameOf(ob));
      continue;
    }
    // A mesh is read once however many objects and instances place it.
    let geometry = meshes.get(mesh.offset);
    if (geometry === undefined) {
      geometry = meshGeometry(file, mesh);
      meshes.set(mesh.offset, geometry);
      if (geometry === 'unknown') notes.unknownMeshes.push(nameOf(mesh));
    }
    if (typeof geometry === 'string') continue;
    meshCount++;
    const skipped = (what: string): void => void (notes.modifiers.includes(what) || notes.modifiers.push(what));
    for (const copy of modifiedCopies(file, ob, geometry.positions, skipped)) {
      const base = world.length / 3;
      if (base + geometry.positions.length / 3 > LIMITS.maxPoints) throw new LoadError('blend', 'too-large', `the scene has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
      if (offsets.length + geometry.offsets.length > LIMITS.maxFaces) throw new LoadError('blend', 'too-large', `the scene has more than ${formatCount(LIMITS.maxFaces)} faces; ${FACE_LIMIT_TEXT}`);
      pushTransformed(world, multiply(matrix, copy), geometry.positions);
      const start = corners.length;
      for (const v of geometry.corners) corners.push(base + v);
      for (let f = 1; f < geometry.offsets.length; f++) offsets.push(start + geometry.offsets[f]!);
    }
  }
  if (world.length === 0 && notes.unknownMeshes.length > 0) throw new LoadError('blend', 'unsupported', warningsOf(notes).find((w) => w.includes('a layout this reader does not know'))!);
  if (world.length === 0) {
    const others = [...notes.otherObjects].map(([kind, n]) => countOf(n, `${kind} object`));
    throw new LoadError('blend', 'empty', `scene ${quote(nameOf(scene))} shows no mesh${others.length > 0 ? ` (it has ${others.join(', ')}: convert them to meshes in Blender, Object > Convert > Mesh)` : ''}`);
  }
  return { world: world.finish(), offsets: offsets.finish(), corners: corners.finish(), warnings: warningsOf(notes), meshes: meshCount };
}

/** The scene's polygons as triangles (fans: Blender's faces are convex but for rare n-gons); a
 * scene of vertices without faces as points. */
export function parseBlend(bytes: Uint8Array): Parsed {
  const { world, offsets, corners, warnings, meshes } = readBlendScene(bytes);
  const triangles = new Uint32Builder();
  for (let f = 0; f + 1 < offsets.length; f++) {
    const [start, end] = [offsets[f]!, offsets[f + 1]!];
    for (let c = start + 1; c + 1 < end; c++) triangles.push3(corners[start]!, corners[c]!, corners[c + 1]!);
  }
  const indices = triangles.finish();
  // A mesh of vertices alone (a scan imported into Blender) is a cloud.
  if (indices.length === 0) return placedPoints(world, identityIndices(world.length / 3), [...warnings, 'its meshes have no faces: their vertices are read as points']);
  // Blender's world is z up: separate objects standing side by side are looked for along it, in a
  // scene of several mesh objects (objects.ts sceneUp).
  return { ...placedMesh(world, indices, warnings), ...sceneUp('z', meshes) };
}
