// Gmsh meshes (.msh), as Gmsh, FreeCAD, Salome and meshio save finite-element meshes: format
// versions 2.2 and 4.1, ASCII or binary (little-endian, as Gmsh writes on every platform it runs
// on; the file's own check value says so). $Nodes and $Elements are read; every other section
// ($PhysicalNames, $Entities, $NodeData, ...) is passed over. Elements become VTK's cells
// (vtkCells.ts) by their corner nodes: a volume mesh is read as its boundary, a surface mesh as its
// triangles and quads, lines and points alone as the nodes. Node tags may be any positive numbers.
import { LIMITS, formatCount } from './limits';
import { toNumber } from './numbers';
import { hexByte, quote } from './text';
import { LoadError, type Parsed } from './types';
import { shapeOf } from './vtkCells';

const malformed = (detail: string) => new LoadError('msh', 'malformed', detail);
const truncated = (detail: string) => new LoadError('msh', 'truncated', `${detail}: is the file cut short?`);

/** Each Gmsh element type's node count and the VTK cell type its corners make (linear cells, and
 * higher-order ones read by their corners: VTK's quadratic types, which vtkCells reads so). */
const ELEMENTS: ReadonlyMap<number, { nodes: number; vtk: number }> = new Map([
  [1, { nodes: 2, vtk: 3 }], [8, { nodes: 3, vtk: 3 }], [26, { nodes: 4, vtk: 3 }], [27, { nodes: 5, vtk: 3 }], [28, { nodes: 6, vtk: 3 }],
  [15, { nodes: 1, vtk: 1 }],
  [2, { nodes: 3, vtk: 5 }], [9, { nodes: 6, vtk: 22 }], [20, { nodes: 9, vtk: 22 }], [21, { nodes: 10, vtk: 22 }], [22, { nodes: 12, vtk: 22 }], [23, { nodes: 15, vtk: 22 }], [24, { nodes: 15, vtk: 22 }], [25, { nodes: 21, vtk: 22 }],
  [3, { nodes: 4, vtk: 9 }], [10, { nodes: 9, vtk: 23 }], [16, { nodes: 8, vtk: 23 }],
  [4, { nodes: 4, vtk: 10 }], [11, { nodes: 10, vtk: 24 }], [29, { nodes: 20, vtk: 24 }], [30, { nodes: 35, vtk: 24 }], [31, { nodes: 56, vtk: 24 }],
  [5, { nodes: 8, vtk: 12 }], [12, { nodes: 27, vtk: 25 }], [17, { nodes: 20, vtk: 25 }], [92, { nodes: 64, vtk: 25 }], [93, { nodes: 125, vtk: 25 }],
  [6, { nodes: 6, vtk: 13 }], [13, { nodes: 18, vtk: 26 }], [18, { nodes: 15, vtk: 26 }],
  [7, { nodes: 5, vtk: 14 }], [14, { nodes: 14, vtk: 27 }], [19, { nodes: 13, vtk: 27 }],
]);

function elementOf(type: number): { nodes: number; vtk: number } {
  const element = ELEMENTS.get(type);
  if (!element) throw new LoadError('msh', 'unsupported', `element type ${type} is not read (Gmsh's points, lines, triangles, quadrangles, tetrahedra, hexahedra, prisms and pyramids of any order are)`);
  return element;
}

/** The file's bytes read as words and lines (ASCII) or little-endian values (binary). */
class Cursor {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  line(): string | null {
    if (this.at >= this.bytes.length) return null;
    const end = this.bytes.indexOf(0x0a, this.at);
    const stop = end < 0 ? this.bytes.length : end;
    const text = String.fromCharCode(...this.bytes.subarray(this.at, Math.min(stop, this.at + 4096)));
    this.at = end < 0 ? stop : stop + 1;
    return text.trim();
  }

  /** The next line's numbers (ASCII), at least `min` of them. */
  numbers(what: string, min: number): number[] {
    const text = this.line();
    if (text === null) throw truncated(`the file ends before ${what}`);
    const words = text === '' ? [] : text.split(/\s+/);
    const values = words.map((w) => toNumber(w));
    const bad = values.findIndex((v) => v === null);
    if (bad >= 0) throw malformed(`${what}: ${quote(words[bad]!)} is not a number`);
    if (values.length < min) throw malformed(`${what}: ${values.length} numbers, at least ${min} expected`);
    return values as number[];
  }

  /** `n` little-endian values of `bytes` each (4: int32, 8: int64 / size_t or double by `float`). */
  binary(n: number, bytes: 4 | 8, float: boolean, what: string): Float64Array {
    const end = this.at + n * bytes;
    if (!(n >= 0) || end > this.bytes.length) throw truncated(`the file ends in ${what} (${formatCount(n)} values of ${bytes} bytes)`);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, n * bytes);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const at = i * bytes;
      out[i] = float ? view.getFloat64(at, true) : bytes === 4 ? view.getInt32(at, true) : Number(view.getBigInt64(at, true));
    }
    this.at = end;
    return out;
  }

  /** Past the line "$End<name>" (a binary section's data may hold any bytes before it). */
  skipTo(end: string): void {
    const marker = `\n${end}`;
    for (let i = this.bytes.indexOf(0x0a, this.at - 1); i >= 0; i = this.bytes.indexOf(0x0a, i + 1)) {
      let k = 1;
      while (k < marker.length && this.bytes[i + k] === marker.charCodeAt(k)) k++;
      if (k === marker.length) {
        this.at = i + 1;
        this.line();
        return;
      }
    }
    throw truncated(`no ${end} line`);
  }
}

interface Mesh {
  /** Node tag -> index in `points`. */
  index: Map<number, number>;
  points: number[];
  connectivity: number[];
  offsets: number[];
  types: number[];
}

export function parseGmsh(bytes: Uint8Array): Parsed {
  const c = new Cursor(bytes);
  if (/^\s*\(/.test(String.fromCharCode(...bytes.subarray(0, 16)))) {
    throw new LoadError('msh', 'unsupported', "the file looks like an ANSYS Fluent mesh (it starts with '('), which is not read; export the surface as STL");
  }
  if (c.line() !== '$MeshFormat') throw malformed(`the file does not start with "$MeshFormat" (every Gmsh file does; it starts with ${Array.from(bytes.subarray(0, 8), hexByte).join(' ')})`);
  const [version, fileType, dataSize] = c.numbers('the format line', 3) as [number, number, number];
  const binary = fileType === 1;
  if (version < 2 || version >= 5 || (version >= 3 && version < 4)) throw new LoadError('msh', 'unsupported', `Gmsh format ${version} is not read (2.x and 4.1 are; Gmsh: File > Export, Version 4.1 or 2.2)`);
  if (version >= 4 && version < 4.1) throw new LoadError('msh', 'unsupported', `Gmsh format ${version} is not read (4.1 and 2.x are; save it again with Gmsh 4.1)`);
  if (binary) {
    if (dataSize !== 8) throw new LoadError('msh', 'unsupported', `a data size of ${dataSize} bytes is not read (8 is, as Gmsh writes)`);
    const one = c.binary(1, 4, false, 'the byte-order check')[0];
    if (one !== 1) throw new LoadError('msh', 'unsupported', `the byte-order check reads ${one}, not 1: a big-endian file, which is not read`);
  }
  c.skipTo('$EndMeshFormat');
  const mesh: Mesh = { index: new Map(), points: [], connectivity: [], offsets: [0], types: [] };
  for (let header = c.line(); header !== null; header = c.line()) {
    if (header === '') continue;
    if (header === '$Nodes') {
      if (version >= 4) nodes4(c, binary, mesh);
      else nodes2(c, binary, mesh);
      c.skipTo('$EndNodes');
    } else if (header === '$Elements') {
      if (version >= 4) elements4(c, binary, mesh);
      else elements2(c, binary, mesh);
      c.skipTo('$EndElements');
    } else if (header.startsWith('$')) {
      c.skipTo(`$End${header.slice(1)}`);
    } else {
      throw malformed(`${quote(header)} where a section ("$Nodes", "$Elements", ...) should start`);
    }
  }
  if (mesh.points.length === 0) throw new LoadError('msh', 'empty', 'the file has no nodes');
  return shapeOf('msh', Float64Array.from(mesh.points), { connectivity: mesh.connectivity, offsets: mesh.offsets, types: mesh.types }, []);
}

function addNode(mesh: Mesh, tag: number, x: number, y: number, z: number): void {
  if (mesh.index.size >= LIMITS.maxPoints) throw new LoadError('msh', 'too-large', `more than ${formatCount(LIMITS.maxPoints)} nodes; the limit is ${formatCount(LIMITS.maxPoints)} points (LIMITS.maxPoints)`);
  if (mesh.index.has(tag)) throw malformed(`node ${tag} is given twice`);
  mesh.index.set(tag, mesh.points.length / 3);
  mesh.points.push(x, y, z);
}

function addElement(mesh: Mesh, type: number, nodeTags: ArrayLike<number>, what: string): void {
  const { nodes, vtk } = elementOf(type);
  if (nodeTags.length < nodes) throw malformed(`${what}: ${nodeTags.length} nodes for element type ${type}, which has ${nodes}`);
  for (let k = 0; k < nodes; k++) {
    const index = mesh.index.get(nodeTags[k]!);
    if (index === undefined) throw malformed(`${what} names node ${nodeTags[k]}, which the $Nodes section does not give`);
    mesh.connectivity.push(index);
  }
  mesh.offsets.push(mesh.connectivity.length);
  mesh.types.push(vtk);
  if (mesh.types.length > LIMITS.maxFaces) throw new LoadError('msh', 'too-large', `more than ${formatCount(LIMITS.maxFaces)} elements; the limit is ${formatCount(LIMITS.maxFaces)} faces (LIMITS.maxFaces)`);
}

/** A count that the rest of the file can hold at `bytesEach` bytes a value (allocations are
 * bounded by the file, not by what it says). */
function fits(c: Cursor, n: number, bytesEach: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw malformed(`${what} is ${n}, not a count`);
  if (n * bytesEach > c.bytes.length - c.at) throw truncated(`${what} is ${formatCount(n)}; the rest of the file cannot hold them`);
  return n;
}

/** Version 2's nodes: a count, then "tag x y z" lines, or binary (int32 tag, three doubles). */
function nodes2(c: Cursor, binary: boolean, mesh: Mesh): void {
  const n = fits(c, c.numbers('the node count', 1)[0]!, binary ? 28 : 8, 'the node count');
  for (let i = 0; i < n; i++) {
    if (binary) {
      const tag = c.binary(1, 4, false, 'a node')[0]!;
      const [x, y, z] = c.binary(3, 8, true, 'a node');
      addNode(mesh, tag, x!, y!, z!);
    } else {
      const [tag, x, y, z] = c.numbers(`node ${formatCount(i + 1)}`, 4);
      addNode(mesh, tag!, x!, y!, z!);
    }
  }
}

/** Version 2's elements: a count, then "tag type ntags tags... nodes..." lines, or binary blocks
 * (int32 type, count, ntags; then each element's tag, tags and nodes, int32). */
function elements2(c: Cursor, binary: boolean, mesh: Mesh): void {
  const total = fits(c, c.numbers('the element count', 1)[0]!, binary ? 8 : 4, 'the element count');
  if (!binary) {
    for (let i = 0; i < total; i++) {
      const [tag, type, tagCount, ...rest] = c.numbers(`element ${formatCount(i + 1)}`, 3);
      addElement(mesh, type!, rest.slice(tagCount), `element ${tag}`);
    }
    return;
  }
  for (let read = 0; read < total; ) {
    const [type, count, tagCount] = c.binary(3, 4, false, 'an element block header') as unknown as [number, number, number];
    const { nodes } = elementOf(type);
    const each = 1 + tagCount + nodes;
    if (count < 1 || read + count > total) throw malformed(`an element block of ${count} elements, with ${formatCount(total - read)} of ${formatCount(total)} left`);
    const values = c.binary(fits(c, count * each, 4, 'an element block'), 4, false, 'an element block');
    for (let e = 0; e < count; e++) addElement(mesh, type, values.subarray(e * each + 1 + tagCount, (e + 1) * each), `element ${values[e * each]}`);
    read += count;
  }
}

/** A version 4.1 block's header (dimension, entity, a third value, count; binary: three int32s and
 * a size_t): its third value (nodes: parametric; elements: the type) and its count. */
function blockHeader4(c: Cursor, binary: boolean, what: string): [number, number] {
  if (!binary) {
    const head = c.numbers(what, 4);
    return [head[2]!, head[3]!];
  }
  const third = c.binary(3, 4, false, what)[2]!;
  return [third, c.binary(1, 8, false, what)[0]!];
}

/** Version 4.1's nodes: blocks of (dimension, entity, parametric, count), each its tags then its
 * coordinates; binary: ints int32, counts and tags size_t, coordinates doubles. */
function nodes4(c: Cursor, binary: boolean, mesh: Mesh): void {
  const [blocks] = binary ? c.binary(4, 8, false, 'the $Nodes header') : c.numbers('the $Nodes header', 4);
  for (let b = 0; b < blocks!; b++) {
    const [parametric, count] = blockHeader4(c, binary, 'a node block header');
    if (parametric !== 0) throw new LoadError('msh', 'unsupported', 'parametric node coordinates are not read; save the mesh without them (Gmsh: Mesh.SaveParametric = 0)');
    fits(c, count, binary ? 32 : 8, 'a node block');
    const tags = binary ? c.binary(count, 8, false, 'node tags') : Array.from({ length: count }, () => c.numbers('a node tag', 1)[0]!);
    const xyz = binary ? c.binary(3 * count, 8, true, 'node coordinates') : null;
    for (let i = 0; i < count; i++) {
      const [x, y, z] = xyz ? [xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!] : c.numbers('node coordinates', 3);
      addNode(mesh, tags[i]!, x!, y!, z!);
    }
  }
}

/** Version 4.1's elements: blocks of (dimension, entity, type, count), each element a tag and its
 * nodes; binary: ints int32, counts and tags size_t. */
function elements4(c: Cursor, binary: boolean, mesh: Mesh): void {
  const [blocks] = binary ? c.binary(4, 8, false, 'the $Elements header') : c.numbers('the $Elements header', 4);
  for (let b = 0; b < blocks!; b++) {
    const [type, count] = blockHeader4(c, binary, 'an element block header');
    const { nodes } = elementOf(type);
    fits(c, count, binary ? 8 * (1 + nodes) : 4, 'an element block');
    if (binary) {
      const values = c.binary(count * (1 + nodes), 8, false, 'an element block');
      for (let e = 0; e < count; e++) addElement(mesh, type, values.subarray(e * (1 + nodes) + 1, (e + 1) * (1 + nodes)), `element ${values[e * (1 + nodes)]}`);
    } else {
      for (let e = 0; e < count; e++) {
        const [tag, ...nodeTags] = c.numbers('an element', 2);
        addElement(mesh, type, nodeTags, `element ${tag}`);
      }
    }
  }
}
