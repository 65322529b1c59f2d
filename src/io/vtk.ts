// VTK files: the legacy ones (.vtk) read here, the XML ones (.vtp, .vtu, .vts) by vtkXml.ts. The legacy files, as ParaView, PyVista, 3D Slicer, meshio and simulation codes write
// them: "# vtk DataFile Version n.m", a title, ASCII or BINARY (big-endian), then a data set.
// POLYDATA (points, with vertices, lines, polygons and triangle strips) and UNSTRUCTURED_GRID
// (points, cells and their types) are read as a mesh of their faces (vtkCells.ts: a volume mesh as
// its boundary) or, with no faces, as their points; STRUCTURED_GRID as its points. Cells are read
// as versions before 5 write them ("n i0 ... i(n-1)" per cell) and as 5.x does (OFFSETS and
// CONNECTIVITY arrays). Attributes after the geometry (POINT_DATA, CELL_DATA, FIELD) are not read.
// Image volumes (STRUCTURED_POINTS, RECTILINEAR_GRID) are refused: they hold no shape's surface.
import { LIMITS, formatCount } from './limits';
import { toNumber } from './numbers';
import { hexByte, quote } from './text';
import { LoadError, type Parsed } from './types';
import { type CellPart, joinedCells, shapeOf } from './vtkCells';
import { parseVtkXml } from './vtkXml';

/** Bytes of each scalar type a legacy file names (vtktypeint64 and friends since 5.0). */
const TYPE_BYTES: Readonly<Record<string, number>> = {
  char: 1, unsigned_char: 1, short: 2, unsigned_short: 2, int: 4, unsigned_int: 4, long: 8, unsigned_long: 8,
  float: 4, double: 8, vtktypeint8: 1, vtktypeuint8: 1, vtktypeint16: 2, vtktypeuint16: 2, vtktypeint32: 4,
  vtktypeuint32: 4, vtktypeint64: 8, vtktypeuint64: 8, vtkidtype: 4,
};

const malformed = (detail: string) => new LoadError('vtk', 'malformed', detail);
const truncated = (detail: string) => new LoadError('vtk', 'truncated', detail);

/** A reader over the file's bytes: words of its text lines, and, in a BINARY file, the blocks of
 * big-endian numbers after a keyword's line. */
class Reader {
  at = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly binary: boolean,
  ) {}

  /** The next word, or null at the end. */
  word(): string | null {
    const b = this.bytes;
    while (this.at < b.length && b[this.at]! <= 0x20) this.at++;
    if (this.at >= b.length) return null;
    const start = this.at;
    while (this.at < b.length && b[this.at]! > 0x20) this.at++;
    return String.fromCharCode(...b.subarray(start, Math.min(this.at, start + 64)));
  }

  /** The rest of the current line. */
  restOfLine(): string {
    const end = this.bytes.indexOf(0x0a, this.at);
    const stop = end < 0 ? this.bytes.length : end;
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, stop));
    this.at = end < 0 ? stop : stop + 1;
    return text.trim();
  }

  /** A count word: a whole number of at most `max` (what it counts named in refusals). */
  count(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const w = this.word();
    if (w === null) throw truncated(`the file ends before ${what}`);
    const n = Number(w);
    if (!Number.isInteger(n) || n < 0) throw malformed(`${what} is ${quote(w)}, not a count`);
    if (n > max) throw new LoadError('vtk', 'too-large', `${what} is ${formatCount(n)}; at most ${formatCount(max)} are read`);
    return n;
  }

  /** `n` numbers of scalar type `type`: words in an ASCII file; in a BINARY one, big-endian values
   * starting on the line after the keyword's. */
  numbers(n: number, type: string, what: string): Float64Array {
    const bytesEach = TYPE_BYTES[type.toLowerCase()];
    if (bytesEach === undefined) throw new LoadError('vtk', 'unsupported', `${what}: the type ${quote(type)} is not read (float, double and the integer types are)`);
    const fit = Math.floor((this.bytes.length - this.at) / (this.binary ? bytesEach : 2)) + 1; // an ASCII value takes a character and a blank
    if (n > fit) throw truncated(`the file ends in ${what}: ${formatCount(n)} values are announced, at most ${formatCount(fit)} fit in the rest of the file`);
    const out = new Float64Array(n);
    if (!this.binary) {
      for (let i = 0; i < n; i++) {
        const w = this.word();
        if (w === null) throw truncated(`the file ends in ${what}, after ${formatCount(i)} of ${formatCount(n)} values`);
        const v = toNumber(w);
        if (v === null) throw malformed(`${what}: value ${formatCount(i + 1)} is ${quote(w)}, not a number`);
        out[i] = v;
      }
      return out;
    }
    this.restOfLine(); // the data starts on the next line
    const end = this.at + n * bytesEach;
    if (end > this.bytes.length) throw truncated(`the file ends in ${what}: ${formatCount(n * bytesEach)} bytes of binary data, ${formatCount(this.bytes.length - this.at)} there`);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, n * bytesEach);
    const read = reader(type.toLowerCase(), bytesEach);
    for (let i = 0; i < n; i++) out[i] = read(view, i * bytesEach);
    this.at = end;
    return out;
  }
}

/** A big-endian value of `type` at a byte offset. */
function reader(type: string, bytesEach: number): (view: DataView, at: number) => number {
  const unsigned = type.startsWith('unsigned') || type.startsWith('vtktypeuint');
  if (type === 'float') return (v, at) => v.getFloat32(at);
  if (type === 'double') return (v, at) => v.getFloat64(at);
  if (bytesEach === 1) return unsigned ? (v, at) => v.getUint8(at) : (v, at) => v.getInt8(at);
  if (bytesEach === 2) return unsigned ? (v, at) => v.getUint16(at) : (v, at) => v.getInt16(at);
  if (bytesEach === 4) return unsigned ? (v, at) => v.getUint32(at) : (v, at) => v.getInt32(at);
  return unsigned ? (v, at) => Number(v.getBigUint64(at)) : (v, at) => Number(v.getBigInt64(at));
}

/** Cells as versions before 5 write them: `count` cells, `size` numbers, each cell its corner count
 * then its corners. */
function legacyCells(r: Reader, count: number, size: number, what: string): { connectivity: Float64Array; offsets: Float64Array } {
  const list = r.numbers(size, 'int', what);
  const offsets = new Float64Array(count + 1);
  const connectivity = new Float64Array(Math.max(0, size - count));
  let at = 0;
  let filled = 0;
  for (let cell = 0; cell < count; cell++) {
    const n = list[at];
    if (n === undefined || !(Number.isInteger(n) && n >= 0) || at + 1 + n > size) throw malformed(`${what}: cell ${formatCount(cell)}'s corner count (${n}) runs past the ${formatCount(size)} numbers given`);
    connectivity.set(list.subarray(at + 1, at + 1 + n), filled);
    filled += n;
    at += 1 + n;
    offsets[cell + 1] = filled;
  }
  return { connectivity: connectivity.subarray(0, filled), offsets };
}

/** Cells as 5.x writes them: "OFFSETS type" and "CONNECTIVITY type" arrays after the keyword's
 * counts (offsets, then connectivity entries). */
function modernCells(r: Reader, offsetCount: number, connectivityCount: number, what: string): { connectivity: Float64Array; offsets: Float64Array } {
  const read = (name: string, n: number) => {
    const keyword = r.word();
    if (keyword?.toUpperCase() !== name) throw malformed(`${what}: expected ${name}, found ${quote(keyword ?? 'the end of the file')}`);
    const type = r.word() ?? '';
    return r.numbers(n, type, `${what} ${name}`);
  };
  const offsets = read('OFFSETS', offsetCount);
  const connectivity = read('CONNECTIVITY', connectivityCount);
  return { connectivity, offsets: offsets.length === 0 ? Float64Array.of(0) : offsets }; // none: no cells
}

/** The cell types of a polydata section: all of one kind. */
const POLYDATA_TYPES: Readonly<Record<string, number>> = { VERTICES: 1, LINES: 4, POLYGONS: 7, TRIANGLE_STRIPS: 6 };

/** A VTK file: legacy by its first line, else XML whose root is <VTKFile>. */
export function parseVtk(bytes: Uint8Array): Parsed {
  const start = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 256)));
  if (start.startsWith('# vtk')) return parseLegacy(bytes);
  if (/^(\ufeff|\xef\xbb\xbf)?\s*</.test(start)) return parseVtkXml(bytes);
  throw malformed(`the file does not start with "# vtk DataFile Version" (a legacy VTK file) or with XML (<VTKFile>; it starts with ${Array.from(bytes.subarray(0, 8), hexByte).join(' ')})`);
}

function parseLegacy(bytes: Uint8Array): Parsed {
  const header = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 256)));
  const version = /^# vtk DataFile Version (\d+)\.(\d+)/.exec(header);
  if (!version) throw malformed(`the first line is ${quote(header.split('\n')[0]!)}, not "# vtk DataFile Version n.m"`);
  const major = Number(version[1]);
  const probe = new Reader(bytes, false);
  probe.restOfLine(); // the version line
  probe.restOfLine(); // the title
  const mode = probe.word()?.toUpperCase();
  if (mode !== 'ASCII' && mode !== 'BINARY') throw malformed(`the third line says ${quote(mode ?? 'nothing')}, not ASCII or BINARY`);
  const r = new Reader(bytes, mode === 'BINARY');
  r.at = probe.at;
  if (r.word()?.toUpperCase() !== 'DATASET') throw malformed('no DATASET line after ASCII / BINARY');
  const dataset = (r.word() ?? '').toUpperCase();
  if (dataset === 'STRUCTURED_POINTS' || dataset === 'RECTILINEAR_GRID') {
    throw new LoadError('vtk', 'unsupported', `the data set is an image volume (${dataset}), not a shape; extract its surface (ParaView: Contour, then Extract Surface) and save that as a .vtk or .vtp`);
  }
  if (dataset !== 'POLYDATA' && dataset !== 'UNSTRUCTURED_GRID' && dataset !== 'STRUCTURED_GRID') {
    throw new LoadError('vtk', 'unsupported', `the data set ${quote(dataset || 'of no type')} is not read (POLYDATA, UNSTRUCTURED_GRID and STRUCTURED_GRID are)`);
  }

  let points: Float64Array | null = null;
  const parts: CellPart[] = [];
  let pendingCells: { connectivity: Float64Array; offsets: Float64Array } | null = null;
  for (let keyword = r.word(); keyword !== null; keyword = r.word()) {
    const key = keyword.toUpperCase();
    if (key === 'POINT_DATA' || key === 'CELL_DATA') break; // attributes: not read
    if (key === 'METADATA') {
      skipMetadata(r);
    } else if (key === 'FIELD') {
      skipField(r);
    } else if (key === 'DIMENSIONS') {
      for (let k = 0; k < 3; k++) r.count('a dimension');
    } else if (key === 'POINTS') {
      const n = r.count('the point count', LIMITS.maxPoints);
      points = r.numbers(3 * n, r.word() ?? '', 'POINTS');
    } else if (key in POLYDATA_TYPES || key === 'CELLS') {
      const first = r.count(`${key}'s cell count`);
      const second = r.count(`${key}'s size`);
      const cells = major >= 5 ? modernCells(r, first, second, key) : legacyCells(r, first, second, key);
      if (key === 'CELLS') pendingCells = cells;
      else parts.push({ ...cells, types: new Uint8Array(cells.offsets.length - 1).fill(POLYDATA_TYPES[key]!), pointBase: 0 });
    } else if (key === 'CELL_TYPES') {
      const n = r.count('the cell-type count');
      const types = r.numbers(n, 'int', 'CELL_TYPES');
      const cellCount = pendingCells ? pendingCells.offsets.length - 1 : 0;
      if (!pendingCells || cellCount !== n) throw malformed(`CELL_TYPES gives ${formatCount(n)} types for ${formatCount(cellCount)} cells`);
      parts.push({ ...pendingCells, types, pointBase: 0 });
      pendingCells = null;
    } else {
      throw malformed(`${quote(keyword)} is not a section of a ${dataset} data set`);
    }
  }
  if (points === null) throw truncated('the file has no POINTS');
  if (pendingCells) throw malformed('CELLS are given without CELL_TYPES');
  return shapeOf('vtk', points, joinedCells(parts), []);
}

/** A METADATA block (5.x): its lines up to a blank one. */
function skipMetadata(r: Reader): void {
  r.restOfLine();
  while (r.at < r.bytes.length && r.restOfLine() !== '') {
    // INFORMATION, NAME and DATA lines: not read
  }
}

/** A FIELD block (field data: named arrays of any size), passed over: "FIELD name n", then each
 * array's "name components tuples type" line and its values. */
function skipField(r: Reader): void {
  r.word(); // its name
  const arrays = r.count("the field's array count");
  for (let a = 0; a < arrays; a++) {
    const name = r.word() ?? '';
    const components = r.count(`field array ${quote(name)}'s components`);
    const tuples = r.count(`field array ${quote(name)}'s tuples`);
    const type = r.word() ?? '';
    if (type.toLowerCase() === 'string') throw new LoadError('vtk', 'unsupported', `field array ${quote(name)} holds strings, which are not read; save the file without field data`);
    r.numbers(components * tuples, type, `field array ${quote(name)}`);
    const next = r.at;
    if (r.word()?.toUpperCase() === 'METADATA') skipMetadata(r);
    else r.at = next;
  }
}
