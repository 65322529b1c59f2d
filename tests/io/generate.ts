// Writers for the files the tests generate: PLY in every encoding, PCD in every encoding (with an
// LZF compressor for binary_compressed), binary STL, binary glTF, 3MF (zipped by three's fflate). Written independently of src/io.

import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';

const encoder = new TextEncoder();

export function text(s: string): Uint8Array {
  return encoder.encode(s);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type PlyType = 'char' | 'uchar' | 'short' | 'ushort' | 'int' | 'uint' | 'float' | 'double';
const PLY_BYTES: Record<PlyType, number> = { char: 1, uchar: 1, short: 2, ushort: 2, int: 4, uint: 4, float: 4, double: 8 };

function put(view: DataView, at: number, type: PlyType, value: number, little: boolean): number {
  switch (type) {
    case 'char': view.setInt8(at, value); break;
    case 'uchar': view.setUint8(at, value); break;
    case 'short': view.setInt16(at, value, little); break;
    case 'ushort': view.setUint16(at, value, little); break;
    case 'int': view.setInt32(at, value, little); break;
    case 'uint': view.setUint32(at, value, little); break;
    case 'float': view.setFloat32(at, value, little); break;
    case 'double': view.setFloat64(at, value, little); break;
  }
  return at + PLY_BYTES[type];
}

export interface PlySpec {
  encoding: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  /** Vertex properties, e.g. [['x', 'float'], ['red', 'uchar']]. */
  vertexProps: [string, PlyType][];
  vertices: number[][];
  faces?: number[][];
  /** Count and index types of the face list. */
  faceTypes?: [PlyType, PlyType];
  /** Overrides the declared vertex count (to lie in the header). */
  declaredVertices?: number;
  declaredFaces?: number;
  comments?: string[];
  /** The faces' element name: 'face', or 'tristrips' (each list strips, -1 between them). */
  faceElement?: string;
}

export function plyFile(spec: PlySpec): Uint8Array {
  const [countType, indexType] = spec.faceTypes ?? ['uchar', 'int'];
  const lines = ['ply', `format ${spec.encoding} 1.0`, ...(spec.comments ?? []).map((c) => `comment ${c}`)];
  lines.push(`element vertex ${spec.declaredVertices ?? spec.vertices.length}`);
  for (const [name, type] of spec.vertexProps) lines.push(`property ${type} ${name}`);
  if (spec.faces !== undefined) {
    lines.push(`element ${spec.faceElement ?? 'face'} ${spec.declaredFaces ?? spec.faces.length}`);
    lines.push(`property list ${countType} ${indexType} vertex_indices`);
  }
  lines.push('end_header', '');
  const header = text(lines.join('\n'));
  if (spec.encoding === 'ascii') {
    const body = [...spec.vertices.map((v) => v.join(' ')), ...(spec.faces ?? []).map((f) => `${f.length} ${f.join(' ')}`)];
    return concat(header, text(body.join('\n') + '\n'));
  }
  const little = spec.encoding === 'binary_little_endian';
  const vertexBytes = spec.vertexProps.reduce((n, [, t]) => n + PLY_BYTES[t], 0);
  const faceBytes = (spec.faces ?? []).reduce((n, f) => n + PLY_BYTES[countType] + f.length * PLY_BYTES[indexType], 0);
  const body = new Uint8Array(spec.vertices.length * vertexBytes + faceBytes);
  const view = new DataView(body.buffer);
  let at = 0;
  for (const v of spec.vertices) spec.vertexProps.forEach(([, type], k) => (at = put(view, at, type, v[k]!, little)));
  for (const f of spec.faces ?? []) {
    at = put(view, at, countType, f.length, little);
    for (const i of f) at = put(view, at, indexType, i, little);
  }
  return concat(header, body);
}

/** xyz float32 binary little-endian PLY of n points, filled by a cheap deterministic sequence. */
export function bigBinaryPly(n: number): Uint8Array {
  const header = text(`ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`);
  const out = new Uint8Array(header.length + n * 12);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < n * 3; i++) view.setFloat32(i * 4, Math.sin(i * 12.9898) * 0.5, true);
  return out;
}

/** LZF compression (the format of PCD's binary_compressed): greedy matches found through a
 * hash of the next three bytes; literal runs of up to 32 bytes otherwise. */
export function lzfCompress(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  const table = new Map<number, number>();
  let literal: number[] = [];
  const flush = () => {
    if (literal.length === 0) return;
    out.push(literal.length - 1, ...literal);
    literal = [];
  };
  let i = 0;
  while (i < input.length) {
    let matched = 0;
    let distance = 0;
    if (i + 2 < input.length) {
      const key = (input[i]! << 16) | (input[i + 1]! << 8) | input[i + 2]!;
      const candidate = table.get(key);
      table.set(key, i);
      if (candidate !== undefined && i - candidate - 1 < 8192) {
        while (matched < 264 && i + matched < input.length && input[candidate + matched] === input[i + matched]) matched++;
        distance = i - candidate - 1;
      }
    }
    if (matched >= 3) {
      flush();
      const len = matched - 2;
      if (len < 7) out.push((len << 5) | (distance >> 8), distance & 0xff);
      else out.push((7 << 5) | (distance >> 8), len - 7, distance & 0xff);
      i += matched;
    } else {
      literal.push(input[i]!);
      if (literal.length === 32) flush();
      i++;
    }
  }
  flush();
  return Uint8Array.from(out);
}

export interface PcdSpec {
  encoding: 'ascii' | 'binary' | 'binary_compressed';
  /** Fields with SIZE and TYPE, e.g. [['x', 4, 'F'], ['rgb', 4, 'U']]. */
  fields: [string, number, 'F' | 'U' | 'I'][];
  points: number[][];
  declaredPoints?: number;
}

function putPcd(view: DataView, at: number, size: number, type: 'F' | 'U' | 'I', value: number): void {
  if (type === 'F') {
    if (size === 4) view.setFloat32(at, value, true);
    else view.setFloat64(at, value, true);
  } else if (size === 1) {
    if (type === 'U') view.setUint8(at, value);
    else view.setInt8(at, value);
  } else if (size === 2) {
    if (type === 'U') view.setUint16(at, value, true);
    else view.setInt16(at, value, true);
  } else if (type === 'U') view.setUint32(at, value, true);
  else view.setInt32(at, value, true);
}

export function pcdFile(spec: PcdSpec): Uint8Array {
  const n = spec.points.length;
  const header = text(
    [
      '# .PCD v0.7 - Point Cloud Data file format',
      'VERSION 0.7',
      `FIELDS ${spec.fields.map((f) => f[0]).join(' ')}`,
      `SIZE ${spec.fields.map((f) => f[1]).join(' ')}`,
      `TYPE ${spec.fields.map((f) => f[2]).join(' ')}`,
      `COUNT ${spec.fields.map(() => 1).join(' ')}`,
      `WIDTH ${spec.declaredPoints ?? n}`,
      'HEIGHT 1',
      'VIEWPOINT 0 0 0 1 0 0 0',
      `POINTS ${spec.declaredPoints ?? n}`,
      `DATA ${spec.encoding}`,
      '',
    ].join('\n'),
  );
  if (spec.encoding === 'ascii') return concat(header, text(spec.points.map((p) => p.join(' ')).join('\n') + '\n'));
  const row = spec.fields.reduce((s, f) => s + f[1], 0);
  const data = new Uint8Array(n * row);
  const view = new DataView(data.buffer);
  if (spec.encoding === 'binary') {
    spec.points.forEach((p, i) => {
      let at = i * row;
      spec.fields.forEach(([, size, type], k) => {
        putPcd(view, at, size, type, p[k]!);
        at += size;
      });
    });
    return concat(header, data);
  }
  // binary_compressed stores fields one after another (all x, then all y, ...), then LZF.
  let at = 0;
  spec.fields.forEach(([, size, type], k) => {
    for (const p of spec.points) {
      putPcd(view, at, size, type, p[k]!);
      at += size;
    }
  });
  const packed = lzfCompress(data);
  const sizes = new Uint8Array(8);
  new DataView(sizes.buffer).setUint32(0, packed.length, true);
  new DataView(sizes.buffer).setUint32(4, data.length, true);
  return concat(header, sizes, packed);
}

/** Binary STL of the given triangles (9 numbers each). */
export function binaryStl(triangles: number[][], declared = triangles.length): Uint8Array {
  const out = new Uint8Array(84 + 50 * triangles.length);
  const view = new DataView(out.buffer);
  out.set(text('binary stl written by the tests'));
  view.setUint32(80, declared, true);
  triangles.forEach((t, i) => t.forEach((v, k) => view.setFloat32(84 + 50 * i + 12 + 4 * k, v, true)));
  return out;
}

/** Deterministic pseudo-random bytes (not from src/geometry/random.ts, on purpose). */
export function garbage(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A binary glTF (.glb): the JSON chunk (padded with spaces) and, when given, the binary chunk
 * (padded with zeros), each 4-byte aligned as the specification requires. */
export function glbFile(json: object, bin?: Uint8Array): Uint8Array {
  const pad = (b: Uint8Array, fill: number) => concat(b, new Uint8Array((4 - (b.length % 4)) % 4).fill(fill));
  const jsonChunk = pad(text(JSON.stringify(json)), 0x20);
  const binChunk = bin === undefined ? undefined : pad(bin, 0);
  const chunkHeader = (length: number, type: number) => {
    const h = new Uint8Array(8);
    new DataView(h.buffer).setUint32(0, length, true);
    new DataView(h.buffer).setUint32(4, type, true);
    return h;
  };
  const parts = [chunkHeader(jsonChunk.length, 0x4e4f534a), jsonChunk];
  if (binChunk !== undefined) parts.push(chunkHeader(binChunk.length, 0x004e4942), binChunk);
  const body = concat(...parts);
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, 12 + body.length, true);
  return concat(header, body);
}

/** A 3MF package (zip) of one mesh object placed once by the build, as a slicer saves it; faces
 * are fan-triangulated. */
export function threeMfFile(mesh: { vertices: number[][]; faces: number[][] }): Uint8Array {
  const vertices = mesh.vertices.map(([x, y, z]) => `<vertex x="${x}" y="${y}" z="${z}"/>`).join('');
  const triangles = mesh.faces.flatMap((f) => f.slice(1, -1).map((_, k) => `<triangle v1="${f[0]}" v2="${f[k + 1]}" v3="${f[k + 2]}"/>`)).join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<model unit="millimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources><object id="1" type="model"><mesh><vertices>${vertices}</vertices><triangles>${triangles}</triangles></mesh></object></resources><build><item objectid="1"/></build></model>`;
  return zipSync({ '[Content_Types].xml': text('<Types/>'), '3D/3dmodel.model': text(xml) });
}
