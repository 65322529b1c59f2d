// Writes 3DS files for the tests from the format's chunk layout: a chunk is its id (u16), its
// length with the 6-byte header (u32), its data, then its sub-chunks; the main chunk (0x4d4d)
// holds a version (0x0002) and the 3D editor (0x3d3d), which holds a material (0xafff) and the
// objects (0x4000: a name, then a triangle mesh 0x4100 of vertices 0x4110, faces 0x4120 with
// their material group 0x4130, and local axes 0x4160); a keyframer (0xb000) follows the editor.

export interface TdsObject {
  name: string;
  /** x, y, z of each vertex, as placed in the scene. */
  vertices: number[];
  faces: number[][];
  /** The mesh's local axes and origin (12 floats), written but not applied (3DS's vertices are
   * already placed). */
  axes?: number[];
}

export function chunk(id: number, data: Uint8Array, ...children: Uint8Array[]): Uint8Array {
  const length = 6 + data.length + children.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint16(0, id, true);
  view.setUint32(2, length, true);
  out.set(data, 6);
  let at = 6 + data.length;
  for (const c of children) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function le(kind: 'u16' | 'u32' | 'f32', values: number[]): Uint8Array {
  const size = kind === 'u16' ? 2 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (kind === 'u16' ? view.setUint16(2 * i, v, true) : kind === 'u32' ? view.setUint32(4 * i, v, true) : view.setFloat32(4 * i, v, true)));
  return out;
}

const cString = (s: string) => new Uint8Array([...new TextEncoder().encode(s), 0]);

export function objectChunk(o: TdsObject): Uint8Array {
  const vertices = chunk(0x4110, new Uint8Array([...le('u16', [o.vertices.length / 3]), ...le('f32', o.vertices)]));
  const group = chunk(0x4130, new Uint8Array([...cString('wood'), ...le('u16', [o.faces.length, ...o.faces.map((_, i) => i)])]));
  const faces = chunk(0x4120, new Uint8Array([...le('u16', [o.faces.length]), ...le('u16', o.faces.flatMap((f) => [f[0]!, f[1]!, f[2]!, 7]))]), group);
  const axes = chunk(0x4160, le('f32', o.axes ?? [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]));
  return chunk(0x4000, cString(o.name), chunk(0x4100, new Uint8Array(), vertices, faces, axes));
}

/** The file's bytes. */
export function tdsFile(objects: TdsObject[]): Uint8Array {
  const material = chunk(0xafff, new Uint8Array(), chunk(0xa000, cString('wood')));
  const editor = chunk(0x3d3d, new Uint8Array(), chunk(0x3d3e, le('u32', [3])), material, ...objects.map(objectChunk));
  const keyframer = chunk(0xb000, new Uint8Array(), chunk(0xb00a, new Uint8Array([...le('u16', [5]), ...cString('scene'), ...le('u32', [100])])));
  return chunk(0x4d4d, new Uint8Array(), chunk(0x0002, le('u32', [3])), editor, keyframer);
}

/** A box from `min` to `max`: 8 vertices, 12 triangles. */
export function tdsBox(name: string, min: number[], max: number[]): TdsObject {
  const [x0, y0, z0] = min as [number, number, number];
  const [x1, y1, z1] = max as [number, number, number];
  const vertices = [x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1];
  const quads = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
  return { name, vertices, faces: quads.flatMap(([a, b, c, d]) => [[a!, b!, c!], [a!, c!, d!]]) };
}
