// MagicaVoxel's .vox, what voxel artists save (MagicaVoxel, Goxel, Qubicle's and Avoyd's exports,
// Teardown's props) and Sketchfab hands out for voxel models. Read here: "VOX " and a version, then
// chunks (a four-letter id, its content's size, its children's size); MAIN holds the others:
// SIZE and XYZI pairs (a model: its size, then its voxels as x y z and a colour index, one byte
// each), RGBA (the palette), and since 0.99 the scene graph that places the models: nTRN (a
// transform: its first frame's rotation `_r`, a byte naming a signed permutation matrix, and
// translation `_t`; `_hidden`; a layer), nGRP (children), nSHP (a model, its first frame's for an
// animated shape); LAYR (a layer's `_hidden`). A model's voxels are placed about its centre (size /
// 2), turned, then moved, as MagicaVoxel draws them; the scene is in the file's own axes, z up.
// Each voxel is a unit cube; the faces no voxel of its model covers are the surface, as quads
// whose corners are shared between faces of one colour. Hidden objects and layers are left out and
// named in a warning. A file without a scene graph (before 0.99) is its first model (a PACK of
// several is an animation's frames). Refused with the reason: not VOX, a chunk past its parent
// (cut short), a voxel outside its model's size, a graph that loops or names a missing node or
// model, no voxel.
import { Float32Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { sceneUp } from './objects';
import { quote } from './text';
import { LoadError, type Parsed } from './types';

/** The deepest a scene graph may nest (MagicaVoxel's are 2 to 4 deep). */
const MAX_DEPTH = 64;
/** A model's side: its voxels' coordinates are bytes. */
const MAX_SIDE = 256;

interface Chunk {
  id: string;
  /** The content's first byte and the byte after it; the children follow. */
  start: number;
  end: number;
  childrenEnd: number;
}

interface Model {
  size: [number, number, number];
  /** x y z colour, 4 bytes a voxel. */
  voxels: Uint8Array;
}

type Node =
  | { kind: 'transform'; child: number; layer: number; hidden: boolean; rotation: number[]; translation: number[] }
  | { kind: 'group'; children: number[] }
  | { kind: 'shape'; model: number };

function malformed(detail: string): LoadError {
  return new LoadError('vox', 'malformed', detail);
}

/** The chunks between `start` and `end`, each checked to end within them. */
function chunksIn(view: DataView, start: number, end: number, what: string): Chunk[] {
  const out: Chunk[] = [];
  for (let at = start; at < end; ) {
    if (at + 12 > end) throw new LoadError('vox', at + 12 > view.byteLength ? 'truncated' : 'malformed', `${what}: a chunk header at byte ${formatCount(at)} runs past the end${at + 12 > view.byteLength ? ' of the file: is it cut short?' : ' of the chunk that holds it'}`);
    const id = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
    const content = view.getUint32(at + 4, true);
    const children = view.getUint32(at + 8, true);
    const childrenEnd = at + 12 + content + children;
    if (childrenEnd > end) {
      const cut = childrenEnd > view.byteLength;
      throw new LoadError('vox', cut ? 'truncated' : 'malformed', `${what}: chunk ${quote(id)} at byte ${formatCount(at)} is ${formatCount(12 + content + children)} bytes long, past ${cut ? `the end of the file (${formatCount(view.byteLength)} bytes): is it cut short?` : 'the chunk that holds it'}`);
    }
    out.push({ id, start: at + 12, end: at + 12 + content, childrenEnd });
    at = childrenEnd;
  }
  return out;
}

/** Reads a chunk's content in order, each read checked against its end. */
class Reader {
  private at: number;

  constructor(
    private readonly view: DataView,
    private readonly chunk: Chunk,
  ) {
    this.at = chunk.start;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.chunk.end) throw malformed(`chunk ${quote(this.chunk.id)} at byte ${formatCount(this.chunk.start - 12)} ends before its content does`);
  }

  int(): number {
    this.need(4);
    const value = this.view.getInt32(this.at, true);
    this.at += 4;
    return value;
  }

  string(): string {
    const length = this.int();
    if (length < 0) throw malformed(`chunk ${quote(this.chunk.id)} holds a string of ${length} bytes`);
    this.need(length);
    const bytes = new Uint8Array(this.view.buffer, this.view.byteOffset + this.at, length);
    this.at += length;
    return new TextDecoder().decode(bytes);
  }

  dict(): Map<string, string> {
    const count = this.int();
    if (count < 0) throw malformed(`chunk ${quote(this.chunk.id)} holds a dictionary of ${count} entries`);
    const out = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const key = this.string();
      out.set(key, this.string());
    }
    return out;
  }
}

/** The rotation a frame's `_r` byte names: row i's one non-zero entry is in column bits (2i, 2i+1)
 * (the third row's in the column left), its sign bit 4 + i. Row-major, 9 entries. */
export function voxRotation(byte: number): number[] {
  const first = byte & 3;
  const second = (byte >> 2) & 3;
  if (first === 3 || second === 3 || first === second) throw malformed(`the rotation ${byte} is not a rotation (rows 1 and 2 name columns ${first} and ${second})`);
  const columns = [first, second, 3 - first - second];
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  columns.forEach((column, row) => (m[3 * row + column] = (byte >> (4 + row)) & 1 ? -1 : 1));
  return m;
}

function transformNode(r: Reader, id: number): Node {
  const attributes = r.dict();
  const child = r.int();
  r.int(); // reserved (-1)
  const layer = r.int();
  const frames = r.int();
  const frame = frames > 0 ? r.dict() : new Map<string, string>();
  const rotationText = frame.get('_r');
  const rotation = rotationText === undefined ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : voxRotation(Number(rotationText));
  const translationText = frame.get('_t');
  const translation = translationText === undefined ? [0, 0, 0] : translationText.trim().split(/\s+/).map(Number);
  if (translation.length !== 3 || !translation.every(Number.isFinite)) throw malformed(`transform node ${id}: its translation ${quote(translationText ?? '')} is not three numbers`);
  return { kind: 'transform', child, layer, hidden: attributes.get('_hidden') === '1', rotation, translation };
}

function shapeNode(r: Reader, id: number): Node {
  r.dict();
  const models = r.int();
  if (models < 1) throw malformed(`shape node ${id} holds no model`);
  // An animated shape lists a model per key frame; the first is frame 0's.
  return { kind: 'shape', model: r.int() };
}

function groupNode(r: Reader): Node {
  r.dict();
  const count = r.int();
  if (count < 0) throw malformed(`a group node holds ${count} children`);
  const children: number[] = [];
  for (let i = 0; i < count; i++) children.push(r.int());
  return { kind: 'group', children };
}

/** A model as SIZE and XYZI give it, every voxel checked to lie within its size. */
function modelOf(view: DataView, size: Chunk, voxels: Chunk, index: number): Model {
  const s = new Reader(view, size);
  const dims: [number, number, number] = [s.int(), s.int(), s.int()];
  if (!dims.every((d) => d >= 1 && d <= MAX_SIDE)) throw malformed(`model ${index} has size ${dims.join(' x ')}; a side is 1 to ${MAX_SIDE} voxels`);
  const n = new Reader(view, voxels).int();
  if (n < 0 || voxels.start + 4 + 4 * n > voxels.end) throw malformed(`model ${index} declares ${formatCount(Math.max(n, 0))} voxels, more than its chunk holds`);
  const bytes = new Uint8Array(view.buffer, view.byteOffset + voxels.start + 4, 4 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      if (bytes[4 * i + k]! >= dims[k]!) throw malformed(`model ${index}: voxel ${formatCount(i)} at (${bytes.subarray(4 * i, 4 * i + 3).join(', ')}) lies outside its size, ${dims.join(' x ')}`);
    }
  }
  return { size: dims, voxels: bytes };
}

/** A model placed by its transform: row-major rotation and translation. */
interface Placement {
  model: number;
  rotation: number[];
  translation: number[];
}

function compose(a: Placement['rotation'], at: number[], b: Placement['rotation'], bt: number[]): { rotation: number[]; translation: number[] } {
  const rotation = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const translation = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) rotation[3 * i + j]! += a[3 * i + k]! * b[3 * k + j]!;
    translation[i] = at[i]! + a[3 * i]! * bt[0]! + a[3 * i + 1]! * bt[1]! + a[3 * i + 2]! * bt[2]!;
  }
  return { rotation, translation };
}

/** The models the scene graph places and shows, from node 0, and the hidden ones left out. */
function placements(nodes: Map<number, Node>, hiddenLayers: Set<number>, modelCount: number): { placed: Placement[]; hidden: number } {
  const placed: Placement[] = [];
  let hidden = 0;
  const countModels = (id: number, depth: number): number => {
    const node = nodes.get(id);
    if (node === undefined || depth > MAX_DEPTH) return 0;
    if (node.kind === 'shape') return 1;
    if (node.kind === 'transform') return countModels(node.child, depth + 1);
    return node.children.reduce((sum, child) => sum + countModels(child, depth + 1), 0);
  };
  const visit = (id: number, rotation: number[], translation: number[], depth: number, path: Set<number>): void => {
    if (depth > MAX_DEPTH) throw malformed(`the scene graph nests more than ${MAX_DEPTH} deep`);
    if (path.has(id)) throw malformed(`the scene graph loops through node ${id}`);
    const node = nodes.get(id);
    if (node === undefined) throw malformed(`the scene graph names node ${id}, which the file does not hold`);
    const inner = new Set(path).add(id);
    if (node.kind === 'transform') {
      if (node.hidden || hiddenLayers.has(node.layer)) {
        hidden += countModels(node.child, depth + 1);
        return;
      }
      const world = compose(rotation, translation, node.rotation, node.translation);
      visit(node.child, world.rotation, world.translation, depth + 1, inner);
    } else if (node.kind === 'group') {
      for (const child of node.children) visit(child, rotation, translation, depth + 1, inner);
    } else {
      if (node.model < 0 || node.model >= modelCount) throw malformed(`shape node ${id} names model ${node.model}; the file holds ${modelCount}`);
      placed.push({ model: node.model, rotation, translation });
    }
  };
  visit(0, [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], 0, new Set());
  return { placed, hidden };
}

/** The six faces of a unit cube: the step to the neighbour it faces, and its corners (offsets from
 * the voxel's low corner), counter-clockwise seen from outside. */
const FACES: ReadonlyArray<{ step: [number, number, number]; corners: ReadonlyArray<[number, number, number]> }> = [
  { step: [1, 0, 0], corners: [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1]] },
  { step: [-1, 0, 0], corners: [[0, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0]] },
  { step: [0, 1, 0], corners: [[0, 1, 0], [0, 1, 1], [1, 1, 1], [1, 1, 0]] },
  { step: [0, -1, 0], corners: [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]] },
  { step: [0, 0, 1], corners: [[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]] },
  { step: [0, 0, -1], corners: [[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 0]] },
];

/** The surface of the placed models: each voxel face no voxel of its model covers. */
function surface(models: Model[], placed: Placement[], palette: Float32Array | undefined): Parsed {
  const positions = new Float32Builder();
  const colors = new Float32Builder();
  const indices = new Uint32Builder();
  let vertices = 0;
  for (const { model: m, rotation: r, translation: t } of placed) {
    const { size, voxels } = models[m]!;
    const [sx, sy, sz] = size;
    const filled = new Uint8Array(sx * sy * sz);
    for (let i = 0; i < voxels.length; i += 4) filled[voxels[i]! + sx * (voxels[i + 1]! + sy * voxels[i + 2]!)] = voxels[i + 3]! || 1;
    const centre = [sx / 2, sy / 2, sz / 2];
    // A corner's vertex, per colour: faces of one colour share corners, neighbours of two keep
    // their own colour.
    const corners = new Map<number, number>();
    const vertex = (x: number, y: number, z: number, colour: number): number => {
      const key = x + (sx + 1) * (y + (sy + 1) * (z + (sz + 1) * colour));
      const known = corners.get(key);
      if (known !== undefined) return known;
      if (vertices >= LIMITS.maxPoints) throw new LoadError('vox', 'too-large', `the voxels' surface has more than ${formatCount(LIMITS.maxPoints)} corners; ${POINT_LIMIT_TEXT}`);
      const p = [x - centre[0]!, y - centre[1]!, z - centre[2]!];
      positions.push3(
        r[0]! * p[0]! + r[1]! * p[1]! + r[2]! * p[2]! + t[0]!,
        r[3]! * p[0]! + r[4]! * p[1]! + r[5]! * p[2]! + t[1]!,
        r[6]! * p[0]! + r[7]! * p[1]! + r[8]! * p[2]! + t[2]!,
      );
      if (palette === undefined) colors.push3(0.7, 0.7, 0.7);
      else colors.push3(palette[3 * colour]!, palette[3 * colour + 1]!, palette[3 * colour + 2]!);
      corners.set(key, vertices);
      return vertices++;
    };
    const at = (x: number, y: number, z: number): number => (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz ? 0 : filled[x + sx * (y + sy * z)]!);
    for (let i = 0; i < voxels.length; i += 4) {
      const x = voxels[i]!;
      const y = voxels[i + 1]!;
      const z = voxels[i + 2]!;
      const colour = filled[x + sx * (y + sy * z)]!;
      for (const { step, corners: quad } of FACES) {
        if (at(x + step[0], y + step[1], z + step[2]) !== 0) continue;
        if (indices.length / 3 + 2 > LIMITS.maxFaces) throw new LoadError('vox', 'too-large', `the voxels' surface has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
        const [a, b, c, d] = quad.map(([dx, dy, dz]) => vertex(x + dx, y + dy, z + dz, colour));
        indices.push3(a!, b!, c!);
        indices.push3(a!, c!, d!);
      }
    }
  }
  const faceCount = indices.length / 3;
  return {
    kind: 'mesh',
    mesh: { positions: positions.finish(), indices: indices.finish(), vertexCount: vertices, faceCount, ...(palette === undefined ? {} : { colors: colors.finish() }) },
    fileVertexCount: vertices,
    fileFaceCount: faceCount,
    warnings: [],
  };
}

export function parseVox(bytes: Uint8Array): Parsed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'VOX ') throw malformed('not a MagicaVoxel file: a .vox starts with "VOX " and a version');
  const [main] = chunksIn(view, 8, bytes.length, 'the file');
  if (main === undefined) throw new LoadError('vox', 'empty', 'the file holds no chunks after its header');
  if (main.id !== 'MAIN') throw malformed(`the first chunk is ${quote(main.id)}, not MAIN`);
  const models: Model[] = [];
  const nodes = new Map<number, Node>();
  const hiddenLayers = new Set<number>();
  let palette: Float32Array | undefined;
  let pendingSize: Chunk | undefined;
  for (const chunk of chunksIn(view, main.end, main.childrenEnd, 'MAIN')) {
    const r = new Reader(view, chunk);
    if (chunk.id === 'SIZE') pendingSize = chunk;
    else if (chunk.id === 'XYZI') {
      if (pendingSize === undefined) throw malformed(`chunk XYZI at byte ${formatCount(chunk.start - 12)} has no SIZE before it`);
      models.push(modelOf(view, pendingSize, chunk, models.length));
      pendingSize = undefined;
    } else if (chunk.id === 'RGBA') {
      if (chunk.end - chunk.start < 1024) throw malformed(`the palette (RGBA) holds ${chunk.end - chunk.start} bytes, not 1,024`);
      // Colour index i (1 to 255) is the palette's entry i - 1; index 0 is never a voxel's.
      palette = new Float32Array(3 * 256);
      for (let i = 1; i < 256; i++) for (let k = 0; k < 3; k++) palette[3 * i + k] = view.getUint8(chunk.start + 4 * (i - 1) + k) / 255;
    } else if (chunk.id === 'nTRN' || chunk.id === 'nGRP' || chunk.id === 'nSHP') {
      const id = r.int();
      if (nodes.has(id)) throw malformed(`the scene graph holds node ${id} twice`);
      nodes.set(id, chunk.id === 'nTRN' ? transformNode(r, id) : chunk.id === 'nGRP' ? groupNode(r) : shapeNode(r, id));
    } else if (chunk.id === 'LAYR') {
      const id = r.int();
      if (r.dict().get('_hidden') === '1') hiddenLayers.add(id);
    }
  }
  if (models.length === 0) throw new LoadError('vox', 'empty', 'the file holds no model (no SIZE and XYZI chunks)');
  const warnings: string[] = [];
  let placed: Placement[];
  if (nodes.size === 0) {
    // Before the scene graph: one model, or an animation's frames (PACK).
    placed = [{ model: 0, rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }];
    if (models.length > 1) warnings.push(`the file holds ${models.length} models and no scene graph placing them (an animation's frames): the first was read`);
  } else {
    const graph = placements(nodes, hiddenLayers, models.length);
    placed = graph.placed;
    if (graph.hidden > 0) warnings.push(`${graph.hidden} hidden model(s) left out (hidden objects or layers in MagicaVoxel)`);
  }
  if (placed.every(({ model }) => models[model]!.voxels.length === 0)) throw new LoadError('vox', 'empty', placed.length === 0 ? 'every model is hidden' : 'its models hold no voxels');
  const parsed = surface(models, placed, palette);
  return { ...parsed, warnings, ...sceneUp('z', placed.length) };
}
