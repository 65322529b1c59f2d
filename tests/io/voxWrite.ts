// MagicaVoxel .vox files for the tests, written as MagicaVoxel 0.99 writes them (its published
// format notes): "VOX " 200, MAIN holding SIZE / XYZI per model, the scene graph (nTRN, nGRP,
// nSHP), LAYR and RGBA.
import { concat } from './generate';

export interface VoxModel {
  size: [number, number, number];
  /** x y z colour index (1 to 255): a list, or the XYZI bytes (4 a voxel) for large models. */
  voxels: Array<[number, number, number, number]> | Uint8Array;
}

export type VoxNode =
  | { kind: 'transform'; id: number; child: number; layer?: number; hidden?: boolean; rotation?: number; translation?: [number, number, number] }
  | { kind: 'group'; id: number; children: number[] }
  | { kind: 'shape'; id: number; model: number };

export interface VoxScene {
  models: VoxModel[];
  /** The scene graph; none for a file as MagicaVoxel wrote it before 0.99. */
  nodes?: VoxNode[];
  layers?: Array<{ id: number; hidden: boolean }>;
  /** 256 RGBA entries; none leaves the palette out. */
  palette?: Array<[number, number, number, number]>;
}

class Bytes {
  readonly parts: number[] = [];

  int(v: number): this {
    this.parts.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
    return this;
  }

  string(s: string): this {
    const bytes = new TextEncoder().encode(s);
    this.int(bytes.length);
    this.parts.push(...bytes);
    return this;
  }

  dict(entries: Record<string, string>): this {
    const keys = Object.keys(entries);
    this.int(keys.length);
    for (const key of keys) this.string(key).string(entries[key]!);
    return this;
  }
}

/** The parts (bytes, or byte values) one after another. */
function joined(parts: ArrayLike<number>[]): Uint8Array {
  return concat(...parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(Array.from(p)))));
}

function chunk(id: string, content: ArrayLike<number>, children: ArrayLike<number> = []): Uint8Array {
  return joined([new TextEncoder().encode(id), new Bytes().int(content.length).int(children.length).parts, content, children]);
}

function nodeChunk(node: VoxNode): Uint8Array {
  const b = new Bytes().int(node.id);
  if (node.kind === 'transform') {
    const frame: Record<string, string> = {};
    if (node.rotation !== undefined) frame._r = String(node.rotation);
    if (node.translation !== undefined) frame._t = node.translation.join(' ');
    b.dict(node.hidden ? { _hidden: '1' } : {}).int(node.child).int(-1).int(node.layer ?? -1).int(1).dict(frame);
    return chunk('nTRN', b.parts);
  }
  if (node.kind === 'group') {
    b.dict({}).int(node.children.length);
    for (const child of node.children) b.int(child);
    return chunk('nGRP', b.parts);
  }
  b.dict({}).int(1).int(node.model).dict({});
  return chunk('nSHP', b.parts);
}

export function voxFile(scene: VoxScene): Uint8Array {
  const children: Uint8Array[] = [];
  for (const model of scene.models) {
    const voxels = model.voxels instanceof Uint8Array ? model.voxels : model.voxels.flat();
    children.push(chunk('SIZE', new Bytes().int(model.size[0]).int(model.size[1]).int(model.size[2]).parts));
    children.push(chunk('XYZI', joined([new Bytes().int(voxels.length / 4).parts, voxels])));
  }
  for (const node of scene.nodes ?? []) children.push(nodeChunk(node));
  for (const layer of scene.layers ?? []) children.push(chunk('LAYR', new Bytes().int(layer.id).dict(layer.hidden ? { _hidden: '1' } : {}).int(-1).parts));
  if (scene.palette !== undefined) children.push(chunk('RGBA', scene.palette.flat()));
  return joined([new TextEncoder().encode('VOX '), new Bytes().int(200).parts, chunk('MAIN', [], joined(children))]);
}

/** A box of voxels from `lo` to `hi` (inclusive) in colour `colour`. */
export function voxelBox(lo: [number, number, number], hi: [number, number, number], colour = 1): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let z = lo[2]; z <= hi[2]; z++) for (let y = lo[1]; y <= hi[1]; y++) for (let x = lo[0]; x <= hi[0]; x++) out.push([x, y, z, colour]);
  return out;
}

/** A table of voxels, z up: a top 24 x 14 x 2 on four 2 x 2 legs 14 tall. */
export function voxelTable(): VoxModel {
  const voxels = voxelBox([0, 0, 14], [23, 13, 15], 1);
  for (const [x, y] of [[0, 0], [22, 0], [0, 12], [22, 12]] as const) voxels.push(...voxelBox([x, y, 0], [x + 1, y + 1, 13], 2));
  return { size: [24, 14, 16], voxels };
}

/** A chair of voxels, z up: a seat 12 x 12 x 2 on four 2 x 2 legs 10 tall, a back 14 tall. */
export function voxelChair(): VoxModel {
  const voxels = voxelBox([0, 0, 10], [11, 11, 11], 1);
  for (const [x, y] of [[0, 0], [10, 0], [0, 10], [10, 10]] as const) voxels.push(...voxelBox([x, y, 0], [x + 1, y + 1, 9], 2));
  voxels.push(...voxelBox([0, 10, 12], [11, 11, 25], 3));
  return { size: [12, 12, 26], voxels };
}
