// VTK's XML files: .vtp (PolyData), .vtu (UnstructuredGrid), .vts (StructuredGrid), as ParaView,
// PyVista and meshio save them. The XML (xml.ts) gives each Piece's point count, its Points array
// and its cells (PolyData's Verts, Lines, Strips and Polys; an unstructured grid's Cells with their
// types), read as vtkCells.ts makes them a surface (a volume mesh as its boundary), or the points
// when no cell gives a face. A DataArray's values are written as ASCII text, as base64 in the
// element ("binary"), or in the AppendedData section after the XML (raw bytes, or base64), each
// block preceded by its size (UInt32 or UInt64: header_type), or, compressed, by its blocks' sizes
// (vtkZLibDataCompressor: each block a zlib stream; LZ4 and LZMA are refused by name). Image
// volumes (ImageData, RectilinearGrid) and parallel files (.pvtp, .pvtu: pieces in other files)
// are refused with the reason.
import { unzlibSync } from 'three/examples/jsm/libs/fflate.module.js';
import { LIMITS, formatBytes, formatCount } from './limits';
import { toNumber } from './numbers';
import { decodeText, quote } from './text';
import { LoadError, type Parsed } from './types';
import { type CellPart, joinedCells, shapeOf } from './vtkCells';
import { type XmlElement, childNamed, childrenNamed, parseXml } from './xml';

const malformed = (detail: string) => new LoadError('vtk', 'malformed', detail);

/** Bytes of each DataArray type; Int64 and UInt64 are read as doubles (exact to 2^53). */
const TYPE_BYTES: Readonly<Record<string, number>> = { Int8: 1, UInt8: 1, Int16: 2, UInt16: 2, Int32: 4, UInt32: 4, Int64: 8, UInt64: 8, Float32: 4, Float64: 8 };

/** An inflated array holds at most this many bytes (a small file can inflate to gigabytes). */
const MAX_INFLATED = 4 * LIMITS.maxFileBytes;

/** How the file's arrays are stored: the header's integers, the byte order, the compressor, and
 * the appended section (after its "_"), if there is one. */
interface Storage {
  headerBytes: 4 | 8;
  littleEndian: boolean;
  compressed: boolean;
  appended: { bytes: Uint8Array; base64: boolean } | null;
}

/** The bytes of `text`, base64 (blanks ignored). */
function fromBase64(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    throw malformed(`${what}: its data is not valid base64`);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Characters of base64 that encode `n` bytes. */
const base64Chars = (n: number): number => 4 * Math.ceil(n / 3);

function headerInt(bytes: Uint8Array, at: number, storage: Storage, what: string): number {
  if (at + storage.headerBytes > bytes.length) throw new LoadError('vtk', 'truncated', `${what}: the data ends inside its size header: is the file cut short?`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, storage.headerBytes);
  return storage.headerBytes === 4 ? view.getUint32(0, storage.littleEndian) : Number(view.getBigUint64(0, storage.littleEndian));
}

/** An array's bytes from its header and data: uncompressed, a size then the bytes; compressed, a
 * block count, the block size, the last block's size and each block's compressed size, then the
 * blocks. `header(n)` gives the header's first n bytes, `body(h, n)` the n bytes after a header of
 * h bytes (fewer where the data ends). */
function arrayBytes(storage: Storage, header: (n: number) => Uint8Array, body: (headerLength: number, n: number) => Uint8Array, what: string): Uint8Array {
  const h = storage.headerBytes;
  const cutShort = (detail: string) => new LoadError('vtk', 'truncated', `${what}: ${detail}: is the file cut short?`);
  if (!storage.compressed) {
    const size = headerInt(header(h), 0, storage, what);
    const data = body(h, size);
    if (size > data.length) throw cutShort(`${formatCount(size)} bytes of data are announced, ${formatCount(data.length)} there`);
    return data;
  }
  const blocks = headerInt(header(h), 0, storage, what);
  if (blocks > 1 << 20) throw malformed(`${what}: its header gives ${formatCount(blocks)} compressed blocks`);
  const head = header(h * (3 + blocks));
  const blockSize = headerInt(head, h, storage, what);
  const lastSize = headerInt(head, 2 * h, storage, what);
  const total = blocks === 0 ? 0 : (blocks - 1) * blockSize + (lastSize === 0 ? blockSize : lastSize);
  if (total > MAX_INFLATED) throw new LoadError('vtk', 'too-large', `${what} inflates to ${formatBytes(total)}; at most ${formatBytes(MAX_INFLATED)} are read (4 x LIMITS.maxFileBytes)`);
  const sizes = Array.from({ length: blocks }, (_, b) => headerInt(head, h * (3 + b), storage, what));
  const packed = sizes.reduce((sum, n) => sum + n, 0);
  const data = body(h * (3 + blocks), packed);
  if (data.length < packed) throw cutShort(`${formatCount(packed)} bytes of compressed blocks are announced, ${formatCount(data.length)} there`);
  const out = new Uint8Array(total);
  let from = 0;
  for (const [b, size] of sizes.entries()) {
    if (from + size > data.length) throw cutShort(`compressed block ${b + 1} of ${blocks} ends past the data`);
    let block: Uint8Array;
    try {
      block = unzlibSync(data.subarray(from, from + size));
    } catch (error) {
      throw malformed(`${what}: compressed block ${b + 1} of ${blocks} does not inflate (${error instanceof Error ? error.message : String(error)})`);
    }
    const expected = b === blocks - 1 && lastSize !== 0 ? lastSize : blockSize;
    if (block.length !== expected) throw malformed(`${what}: compressed block ${b + 1} inflates to ${formatCount(block.length)} bytes, not the ${formatCount(expected)} its header gives`);
    out.set(block, b * blockSize);
    from += size;
  }
  return out;
}

/** An array's bytes from base64 `text` (an element's, or the appended section's from the array's
 * offset): the header is base64 of its own (it ends in padding, and always when compressed), or
 * header and data were encoded as one stream (uncompressed, some writers). */
function base64ArrayBytes(storage: Storage, text: string, what: string): Uint8Array {
  return arrayBytes(
    storage,
    (n) => fromBase64(text.slice(0, base64Chars(n)), what),
    (h, n) => {
      const chars = base64Chars(h);
      if (storage.compressed || text[chars - 1] === '=') return fromBase64(text.slice(chars, chars + base64Chars(n)), what);
      return fromBase64(text.slice(0, base64Chars(h + n)), what).subarray(h);
    },
    what,
  );
}

/** A DataArray's values, `count` of them. */
function readArray(array: XmlElement, count: number, storage: Storage, what: string): Float64Array {
  const type = array.attributes.type ?? '';
  const bytesEach = TYPE_BYTES[type];
  if (bytesEach === undefined) throw new LoadError('vtk', 'unsupported', `${what}: the type ${quote(type)} is not read (Int8 to UInt64, Float32, Float64 are)`);
  const format = array.attributes.format ?? 'ascii';
  if (format === 'ascii') {
    const words = array.text.trim() === '' ? [] : array.text.trim().split(/\s+/);
    if (words.length < count) throw new LoadError('vtk', 'truncated', `${what}: ${formatCount(words.length)} values, ${formatCount(count)} expected`);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = toNumber(words[i]!);
      if (v === null) throw malformed(`${what}: value ${formatCount(i + 1)} is ${quote(words[i]!)}, not a number`);
      out[i] = v;
    }
    return out;
  }
  let bytes: Uint8Array;
  if (format === 'binary') {
    bytes = base64ArrayBytes(storage, array.text.replace(/\s+/g, ''), what);
  } else if (format === 'appended') {
    const appended = storage.appended;
    if (!appended) throw malformed(`${what}: its data is "appended", but the file has no AppendedData section`);
    const offset = Number(array.attributes.offset);
    if (!Number.isInteger(offset) || offset < 0 || offset >= appended.bytes.length) throw malformed(`${what}: its offset ${quote(array.attributes.offset ?? '(none)')} is not within the appended data`);
    const at = appended.bytes.subarray(offset);
    if (appended.base64) {
      const end = at.indexOf(0x3c); // the section's closing tag
      bytes = base64ArrayBytes(storage, decodeText(at.subarray(0, end < 0 ? at.length : end)), what);
    } else {
      bytes = arrayBytes(storage, (n) => at.subarray(0, n), (h, n) => at.subarray(h, h + n), what);
    }
  } else {
    throw new LoadError('vtk', 'unsupported', `${what}: the format ${quote(format)} is not read (ascii, binary and appended are)`);
  }
  if (bytes.length < count * bytesEach) throw new LoadError('vtk', 'truncated', `${what}: ${formatCount(bytes.length)} bytes, ${formatCount(count * bytesEach)} expected (${formatCount(count)} ${type})`);
  const out = new Float64Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * bytesEach);
  const le = storage.littleEndian;
  const get: (at: number) => number =
    type === 'Float32' ? (at) => view.getFloat32(at, le)
    : type === 'Float64' ? (at) => view.getFloat64(at, le)
    : type === 'Int8' ? (at) => view.getInt8(at)
    : type === 'UInt8' ? (at) => view.getUint8(at)
    : type === 'Int16' ? (at) => view.getInt16(at, le)
    : type === 'UInt16' ? (at) => view.getUint16(at, le)
    : type === 'Int32' ? (at) => view.getInt32(at, le)
    : type === 'UInt32' ? (at) => view.getUint32(at, le)
    : type === 'Int64' ? (at) => Number(view.getBigInt64(at, le))
    : (at) => Number(view.getBigUint64(at, le));
  for (let i = 0; i < count; i++) out[i] = get(i * bytesEach);
  return out;
}

/** A whole-number attribute of a Piece. */
function countAttribute(piece: XmlElement, name: string, index: number): number {
  const raw = piece.attributes[name] ?? '0';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw malformed(`piece ${index + 1}: ${name} is ${quote(raw)}, not a count`);
  return n;
}

/** The DataArray of `parent` named `name` (or its only one). */
function namedArray(parent: XmlElement, name: string | null, what: string): XmlElement {
  const arrays = childrenNamed(parent, 'DataArray');
  const found = name === null ? arrays[0] : arrays.find((a) => a.attributes.Name === name);
  if (!found) throw malformed(`${what}: no DataArray${name === null ? '' : ` named ${quote(name)}`}`);
  return found;
}

/** PolyData's cell sections, and the VTK cell type each holds. */
const POLY_SECTIONS: readonly [string, string, number][] = [
  ['Verts', 'NumberOfVerts', 1],
  ['Lines', 'NumberOfLines', 4],
  ['Strips', 'NumberOfStrips', 6],
  ['Polys', 'NumberOfPolys', 7],
];

export function parseVtkXml(bytes: Uint8Array): Parsed {
  // The appended section holds raw bytes: the XML is what comes before it.
  const marker = indexOfText(bytes, '<AppendedData');
  let appended: Storage['appended'] = null;
  let xml: string;
  if (marker >= 0) {
    const close = bytes.indexOf(0x3e, marker);
    const underscore = close < 0 ? -1 : bytes.indexOf(0x5f, close);
    if (underscore < 0) throw new LoadError('vtk', 'truncated', 'the AppendedData section has no "_" starting its data: is the file cut short?');
    const tag = decodeText(bytes.subarray(marker, close + 1));
    appended = { bytes: bytes.subarray(underscore + 1), base64: /encoding\s*=\s*["']base64["']/.test(tag) };
    xml = `${decodeText(bytes.subarray(0, marker))}</VTKFile>`;
  } else {
    xml = decodeText(bytes);
  }
  const root = parseXml('vtk', xml);
  if (root.name !== 'VTKFile') throw malformed(`the root element is <${root.name}>, not <VTKFile>`);
  const type = root.attributes.type ?? '';
  if (type === 'ImageData' || type === 'RectilinearGrid') {
    throw new LoadError('vtk', 'unsupported', `the data set is an image volume (${type}), not a shape; extract its surface (ParaView: Contour, then Extract Surface) and save that as a .vtp`);
  }
  if (/^P(PolyData|UnstructuredGrid|StructuredGrid|ImageData|RectilinearGrid)$/.test(type)) {
    throw new LoadError('vtk', 'unsupported', `a parallel ${type.slice(1)} file lists its pieces in other files; open a piece (.vtp, .vtu, .vts) or save the whole as one file`);
  }
  if (type === 'Collection' || type === 'vtkMultiBlockDataSet' || type === 'vtkPartitionedDataSetCollection') {
    const what = type === 'Collection' ? 'a ParaView collection (.pvd: a time series)' : 'a multiblock data set (.vtm)';
    throw new LoadError('vtk', 'unsupported', `the file is ${what}, which lists its data in other files; open one of them (.vtu, .vtp)`);
  }
  if (type !== 'PolyData' && type !== 'UnstructuredGrid' && type !== 'StructuredGrid') {
    throw new LoadError('vtk', 'unsupported', `the data set ${quote(type || 'of no type')} is not read (PolyData, UnstructuredGrid and StructuredGrid are)`);
  }
  const compressor = root.attributes.compressor;
  if (compressor !== undefined && compressor !== 'vtkZLibDataCompressor') {
    throw new LoadError('vtk', 'unsupported', `its data is compressed by ${quote(compressor)}, which is not read; save it uncompressed or with zlib (ParaView: Compressor Type ZLib)`);
  }
  const headerType = root.attributes.header_type ?? 'UInt32';
  if (headerType !== 'UInt32' && headerType !== 'UInt64') throw malformed(`header_type ${quote(headerType)} is neither UInt32 nor UInt64`);
  const storage: Storage = { headerBytes: headerType === 'UInt64' ? 8 : 4, littleEndian: root.attributes.byte_order !== 'BigEndian', compressed: compressor !== undefined, appended };

  const dataSet = childNamed(root, type);
  if (!dataSet) throw malformed(`<VTKFile type="${type}"> holds no <${type}>`);
  const pieces = childrenNamed(dataSet, 'Piece');
  if (pieces.length === 0) throw new LoadError('vtk', 'empty', `the <${type}> holds no Piece`);
  const pointParts: Float64Array[] = [];
  const cellParts: CellPart[] = [];
  let base = 0;
  for (const [index, piece] of pieces.entries()) {
    const what = pieces.length > 1 ? `piece ${index + 1}: ` : '';
    const n = type === 'StructuredGrid' ? extentPoints(piece, index) : countAttribute(piece, 'NumberOfPoints', index);
    if (base + n > LIMITS.maxPoints) throw new LoadError('vtk', 'too-large', `more than ${formatCount(LIMITS.maxPoints)} points; the limit is ${formatCount(LIMITS.maxPoints)} (LIMITS.maxPoints)`);
    const pointsElement = childNamed(piece, 'Points');
    if (n > 0 && !pointsElement) throw malformed(`${what}no <Points> for its ${formatCount(n)} points`);
    if (pointsElement) {
      const array = namedArray(pointsElement, null, `${what}Points`);
      const components = Number(array.attributes.NumberOfComponents ?? '1');
      if (components !== 3) throw malformed(`${what}the Points array has ${array.attributes.NumberOfComponents ?? 1} components, not 3`);
      pointParts.push(readArray(array, 3 * n, storage, `${what}Points`));
    }
    const sections: [XmlElement, number, number | null][] = [];
    if (type === 'PolyData') {
      for (const [name, countName, cellType] of POLY_SECTIONS) {
        const section = childNamed(piece, name);
        const cells = countAttribute(piece, countName, index);
        if (section && cells > 0) sections.push([section, cells, cellType]);
      }
    } else if (type === 'UnstructuredGrid') {
      const section = childNamed(piece, 'Cells');
      const cells = countAttribute(piece, 'NumberOfCells', index);
      if (section && cells > 0) sections.push([section, cells, null]);
    }
    for (const [section, cells, cellType] of sections) {
      const label = `${what}${section.name}`;
      const ends = readArray(namedArray(section, 'offsets', label), cells, storage, `${label} offsets`);
      const total = cells === 0 ? 0 : ends[cells - 1]!;
      if (!Number.isInteger(total) || total < 0 || total > 64 * LIMITS.maxFaces) throw malformed(`${label}: its last offset (${total}) is not a count of corners`);
      const connectivity = readArray(namedArray(section, 'connectivity', label), total, storage, `${label} connectivity`);
      const types = cellType === null ? readArray(namedArray(section, 'types', label), cells, storage, `${label} types`) : new Uint8Array(cells).fill(cellType);
      const offsets = new Float64Array(cells + 1); // VTK XML gives each cell's end
      offsets.set(ends, 1);
      cellParts.push({ connectivity, offsets, types, pointBase: base });
    }
    base += n;
  }
  const points = new Float64Array(3 * base);
  let at = 0;
  for (const p of pointParts) {
    points.set(p, at);
    at += p.length;
  }
  return shapeOf('vtk', points, joinedCells(cellParts), []);
}

/** The points of a StructuredGrid piece, from its Extent (x0 x1 y0 y1 z0 z1). */
function extentPoints(piece: XmlElement, index: number): number {
  const extent = (piece.attributes.Extent ?? '').trim().split(/\s+/).map(Number);
  if (extent.length !== 6 || extent.some((v) => !Number.isInteger(v))) throw malformed(`piece ${index + 1}: its Extent ${quote(piece.attributes.Extent ?? '(none)')} is not six whole numbers`);
  const n = [0, 2, 4].reduce((product, k) => product * (extent[k + 1]! - extent[k]! + 1), 1);
  if (!(n >= 0)) throw malformed(`piece ${index + 1}: its Extent ${quote(piece.attributes.Extent!)} is empty`);
  return n;
}

/** Where the ASCII `text` first occurs in `bytes`, or -1. */
function indexOfText(bytes: Uint8Array, text: string): number {
  const first = text.charCodeAt(0);
  for (let i = bytes.indexOf(first); i >= 0 && i + text.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let k = 1;
    while (k < text.length && bytes[i + k] === text.charCodeAt(k)) k++;
    if (k === text.length) return i;
  }
  return -1;
}
