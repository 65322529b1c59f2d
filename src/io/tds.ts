// 3DS, 3D Studio's binary format, still what many model libraries hand out (free3d, archive3d,
// TurboSquid's older models) and what 3ds Max, Blender (an add-on) and SketchUp Pro export. A tree
// of chunks, each an id, its length (header included) and its data then its sub-chunks; read here:
// every object's triangle mesh (0x4000 > 0x4100: vertices 0x4110, faces 0x4120). 3DS stores a
// mesh's vertices already placed in the scene (its local axes, 0x4160, are only a note of the
// mesh's frame), so they are read as they are; materials, lights, cameras and the keyframer's
// animation are skipped. Refused with the reason: not 3DS, a chunk longer than what holds it (cut
// short), a face naming a vertex past its mesh's, no triangles.
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { placedMesh } from './placed';
import { quote } from './text';
import { LoadError, type Parsed } from './types';

const MAIN = 0x4d4d;
const EDITOR = 0x3d3d;
const OBJECT = 0x4000;
const TRIMESH = 0x4100;
const VERTICES = 0x4110;
const FACES = 0x4120;

function hex(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

interface Chunk {
  id: number;
  /** The chunk's first byte (its header) and the byte after it. */
  start: number;
  end: number;
}

/** The sub-chunks of the bytes from `from` to `end`, each checked to lie inside. */
function chunks(view: DataView, from: number, end: number, what: string): Chunk[] {
  const out: Chunk[] = [];
  for (let at = from; at < end; ) {
    if (at + 6 > end) throw new LoadError('3ds', at + 6 > view.byteLength ? 'truncated' : 'malformed', `${what}: a chunk header at byte ${formatCount(at)} runs past ${end === view.byteLength ? 'the end of the file: is it cut short?' : 'the chunk that holds it'}`);
    const id = view.getUint16(at, true);
    const length = view.getUint32(at + 2, true);
    if (length < 6) throw new LoadError('3ds', 'malformed', `${what}: chunk ${hex(id)} at byte ${formatCount(at)} says it is ${length} bytes long; a chunk is at least 6`);
    if (at + length > end) {
      const cut = at + length > view.byteLength;
      throw new LoadError('3ds', cut ? 'truncated' : 'malformed', `${what}: chunk ${hex(id)} at byte ${formatCount(at)} is ${formatCount(length)} bytes long, past ${cut ? `the end of the file (${formatCount(view.byteLength)} bytes): is it cut short?` : 'the chunk that holds it'}`);
    }
    out.push({ id, start: at, end: at + length });
    at += length;
  }
  return out;
}

/** An object's name: the null-terminated string its chunk starts with. */
function nameOf(bytes: Uint8Array, chunk: Chunk): { name: string; after: number } {
  const from = chunk.start + 6;
  const zero = bytes.subarray(from, chunk.end).indexOf(0);
  if (zero < 0) throw new LoadError('3ds', 'malformed', `the object chunk at byte ${formatCount(chunk.start)} has no end to its name`);
  return { name: new TextDecoder('latin1').decode(bytes.subarray(from, from + zero)), after: from + zero + 1 };
}

export function parseTds(bytes: Uint8Array): Parsed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 6 || view.getUint16(0, true) !== MAIN) throw new LoadError('3ds', 'malformed', 'the file does not start with the main chunk (0x4d4d) every 3DS file starts with');
  // The main chunk holds everything; bytes after it (padding some exporters add) are not read.
  const length = view.getUint32(2, true);
  if (length > bytes.length) throw new LoadError('3ds', 'truncated', `the main chunk is ${formatCount(length)} bytes long, but the file has ${formatCount(bytes.length)}: is it cut short?`);
  const main = { start: 0, end: Math.max(6, length) };
  const world = new Float64Builder();
  const triangles = new Uint32Builder();
  let meshes = 0;
  for (const editor of chunks(view, main.start + 6, main.end, 'the main chunk').filter((c) => c.id === EDITOR)) {
    for (const object of chunks(view, editor.start + 6, editor.end, 'the 3D editor chunk').filter((c) => c.id === OBJECT)) {
      const { name, after } = nameOf(bytes, object);
      const what = `object ${quote(name)}`;
      for (const mesh of chunks(view, after, object.end, what).filter((c) => c.id === TRIMESH)) {
        const parts = chunks(view, mesh.start + 6, mesh.end, what);
        const vertexChunk = parts.find((c) => c.id === VERTICES);
        const faceChunk = parts.find((c) => c.id === FACES);
        if (vertexChunk === undefined || faceChunk === undefined) continue;
        const n = vertexChunk.end - vertexChunk.start >= 8 ? view.getUint16(vertexChunk.start + 6, true) : -1;
        if (n < 0 || vertexChunk.start + 8 + 12 * n > vertexChunk.end) throw new LoadError('3ds', 'malformed', `${what}: its vertex list declares ${formatCount(Math.max(n, 0))} vertices, more than its chunk holds`);
        const f = faceChunk.end - faceChunk.start >= 8 ? view.getUint16(faceChunk.start + 6, true) : -1;
        if (f < 0 || faceChunk.start + 8 + 8 * f > faceChunk.end) throw new LoadError('3ds', 'malformed', `${what}: its face list declares ${formatCount(Math.max(f, 0))} faces, more than its chunk holds`);
        const base = world.length / 3;
        if (base + n > LIMITS.maxPoints) throw new LoadError('3ds', 'too-large', `the file has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
        if (triangles.length / 3 + f > LIMITS.maxFaces) throw new LoadError('3ds', 'too-large', `the file has more than ${formatCount(LIMITS.maxFaces)} faces; ${FACE_LIMIT_TEXT}`);
        for (let i = 0; i < n; i++) {
          const at = vertexChunk.start + 8 + 12 * i;
          world.push3(view.getFloat32(at, true), view.getFloat32(at + 4, true), view.getFloat32(at + 8, true));
        }
        for (let k = 0; k < f; k++) {
          const at = faceChunk.start + 8 + 8 * k;
          const corners = [view.getUint16(at, true), view.getUint16(at + 2, true), view.getUint16(at + 4, true)];
          const bad = corners.find((v) => v >= n);
          if (bad !== undefined) throw new LoadError('3ds', 'out-of-range', `${what}: face ${formatCount(k)} refers to vertex ${bad} of ${formatCount(n)}`);
          triangles.push3(base + corners[0]!, base + corners[1]!, base + corners[2]!);
        }
        meshes++;
      }
    }
  }
  const indices = triangles.finish();
  if (indices.length === 0) throw new LoadError('3ds', 'empty', meshes > 0 ? 'its meshes have no faces' : 'the file holds no triangle mesh');
  return placedMesh(world.finish(), indices, []);
}
