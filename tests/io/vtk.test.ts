// VTK (src/io/vtk.ts, vtkXml.ts, vtkCells.ts): legacy .vtk and XML .vtu written by meshio
// (tests/io/meshioWrite.py), each read point for point as the same triangles saved as PLY; .vtp and
// legacy POLYDATA written here, from VTK's file-format notes, in each of the XML encodings (ASCII,
// base64, appended raw and base64, zlib, UInt64 headers, several pieces); volume meshes read as
// their boundary; the refusals, and damaged files each a cloud or a LoadError.
import { zlibSync } from 'three/examples/jsm/libs/fflate.module.js';
import { describe, expect, test } from 'vitest';
import { PARSERS } from '../../src/io/parsers';
import { cellTriangles } from '../../src/io/vtkCells';
import { damagedOutcomes, expectError, load } from './expectLoad';
import { concat, text } from './generate';
import { meshSeen, meshioFiles } from './meshioFiles';

const file = meshioFiles();

const seen = meshSeen;

/** The torus as the PLY reader gives it: float32 positions and triangles. */
const torus = (() => {
  const parsed = PARSERS.ply(file('torus.ply'));
  if (parsed.kind !== 'mesh') throw new Error('torus.ply is not a mesh');
  return parsed.mesh;
})();
const plain = seen(load('torus.ply', file('torus.ply')));

/** Little-endian bytes of `values` as VTK XML type `type`. */
function typed(type: 'Float32' | 'Int32' | 'UInt8' | 'Int64', values: ArrayLike<number>): Uint8Array {
  const size = { Float32: 4, Int32: 4, UInt8: 1, Int64: 8 }[type];
  const view = new DataView(new ArrayBuffer(values.length * size));
  for (let i = 0; i < values.length; i++) {
    if (type === 'Float32') view.setFloat32(4 * i, values[i]!, true);
    else if (type === 'Int32') view.setInt32(4 * i, values[i]!, true);
    else if (type === 'Int64') view.setBigInt64(8 * i, BigInt(values[i]!), true);
    else view.setUint8(i, values[i]!);
  }
  return new Uint8Array(view.buffer);
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

interface Encoding {
  format: 'ascii' | 'binary' | 'appended';
  zlib?: boolean;
  uint64?: boolean;
  appendedBase64?: boolean;
  /** binary: header and data as one base64 stream (some writers) rather than two. */
  joint?: boolean;
}

/** An array's size header and data as VTK writes them (compressed: one zlib block). */
function framed(data: Uint8Array, e: Encoding): { header: Uint8Array; body: Uint8Array } {
  const int = (n: number) => (e.uint64 ? typed('Int64', [n]) : typed('Int32', [n]));
  if (!e.zlib) return { header: int(data.length), body: data };
  const block = zlibSync(data);
  return { header: concat(int(1), int(data.length), int(data.length), int(block.length)), body: block };
}

/** A .vtp of `pieces` (points and triangles each) in encoding `e`. */
function vtp(pieces: { positions: ArrayLike<number>; triangles: ArrayLike<number> }[], e: Encoding): Uint8Array {
  const appended: Uint8Array[] = [];
  let appendedLength = 0;
  const array = (type: 'Float32' | 'Int32', name: string, values: ArrayLike<number>, components = 1): string => {
    const attrs = `type="${type}" Name="${name}" NumberOfComponents="${components}" format="${e.format}"`;
    if (e.format === 'ascii') return `<DataArray ${attrs}>\n${Array.from(values).join(' ')}\n</DataArray>`;
    const { header, body } = framed(typed(type, values), e);
    if (e.format === 'binary') {
      const encoded = e.joint && !e.zlib ? base64(concat(header, body)) : base64(header) + base64(body);
      return `<DataArray ${attrs}>\n${encoded}\n</DataArray>`;
    }
    const chunk = e.appendedBase64 ? text(base64(header) + base64(body)) : concat(header, body);
    const tag = `<DataArray ${attrs} offset="${appendedLength}"/>`;
    appended.push(chunk);
    appendedLength += chunk.length;
    return tag;
  };
  const body = pieces
    .map((p) => {
      const cells = p.triangles.length / 3;
      const offsets = Array.from({ length: cells }, (_, i) => 3 * (i + 1));
      return `<Piece NumberOfPoints="${p.positions.length / 3}" NumberOfVerts="0" NumberOfLines="0" NumberOfStrips="0" NumberOfPolys="${cells}">
<Points>${array('Float32', 'Points', p.positions, 3)}</Points>
<Polys>${array('Int32', 'connectivity', p.triangles)}${array('Int32', 'offsets', offsets)}</Polys>
</Piece>`;
    })
    .join('\n');
  const attributes = `type="PolyData" version="1.0" byte_order="LittleEndian" header_type="${e.uint64 ? 'UInt64' : 'UInt32'}"${e.zlib ? ' compressor="vtkZLibDataCompressor"' : ''}`;
  const head = text(`<?xml version="1.0"?>\n<VTKFile ${attributes}>\n<PolyData>\n${body}\n</PolyData>\n`);
  if (e.format !== 'appended') return concat(head, text('</VTKFile>\n'));
  return concat(head, text(`<AppendedData encoding="${e.appendedBase64 ? 'base64' : 'raw'}">\n_`), ...appended, text('\n</AppendedData>\n</VTKFile>\n'));
}

const ENCODINGS: Encoding[] = [
  { format: 'ascii' },
  { format: 'binary' },
  { format: 'binary', joint: true },
  { format: 'binary', zlib: true },
  { format: 'binary', uint64: true },
  { format: 'appended' },
  { format: 'appended', zlib: true, uint64: true },
  { format: 'appended', appendedBase64: true },
  { format: 'appended', appendedBase64: true, zlib: true },
];

describe('VTK files', () => {
  test('meshio\'s legacy .vtk (4.2 and 5.1, ASCII and binary) and .vtu (ASCII, base64, zlib, UInt64 headers): the PLY\'s points, point for point', () => {
    for (const name of ['torus-42-ascii.vtk', 'torus-42-binary.vtk', 'torus-51-ascii.vtk', 'torus-51-binary.vtk', 'torus-ascii.vtu', 'torus-base64.vtu', 'torus-zlib.vtu', 'torus-zlib-uint64.vtu']) {
      const r = load(name, file(name));
      expect([r.format, r.kind], name).toEqual(['vtk', 'mesh']);
      expect(seen(r), name).toEqual(plain);
    }
    expectError('torus.vtu', file('torus-lzma.vtu'), 'unsupported', "VTK: its data is compressed by 'vtkLZMADataCompressor', which is not read; save it uncompressed or with zlib (ParaView: Compressor Type ZLib)");
  });

  test('.vtp in every encoding, in one piece or several: the PLY\'s points, point for point', () => {
    const { positions, indices } = torus;
    const half = 3 * 300; // the second piece's triangles, over its own copy of the points
    const pieces = [
      { positions, triangles: indices.subarray(0, half) },
      { positions, triangles: indices.subarray(half) },
    ];
    for (const e of ENCODINGS) {
      expect(seen(load('torus.vtp', vtp([{ positions, triangles: indices }], e))), JSON.stringify(e)).toEqual(plain);
      const split = load('torus.vtp', vtp(pieces, e));
      expect([split.vertexCount, split.faceCount], JSON.stringify(e)).toEqual([2 * positions.length / 3, indices.length / 3]);
    }
  });

  test('volume meshes (hexahedra; tetrahedra, zlib) are read as their boundary: every point on the cube\'s faces', () => {
    for (const name of ['cube-hexes.vtk', 'cube-tets.vtu']) {
      const r = load(name, file(name));
      expect(r.faceCount, name).toBe(6 * 9 * 2);
      let inside = 0;
      for (let i = 0; i < r.cloud.count; i++) {
        const p = r.cloud.positions.subarray(3 * i, 3 * i + 3);
        if (Math.max(Math.abs(p[0]!), Math.abs(p[1]!), Math.abs(p[2]!)) < 1 - 1e-5) inside++;
      }
      expect(inside, name).toBe(0);
    }
    expect(load('cube.vtk', file('cube-hexes.vtk')).warnings).toContain('a volume mesh of 27 solid cells: its boundary is read, 54 of their 162 faces (the others lie between two cells)');
    expect(load('cube.vtu', file('cube-tets.vtu')).warnings).toContain('a volume mesh of 162 solid cells: its boundary is read, 108 of their 648 faces (the others lie between two cells)');
  });

  test('a unit cube as one voxel, two wedges or six pyramids: its 6 faces, 12 triangles, the shared ones left out', () => {
    // Corners as VTK's voxel numbers them: x fastest, then y, then z; 8 is the centre.
    const corners = [0, 1, 2, 3, 4, 5, 6, 7];
    const hexOrder = [0, 1, 3, 2, 4, 5, 7, 6];
    const cube = (cells: { type: number; corners: number[] }[]) => {
      const connectivity = cells.flatMap((c) => c.corners);
      const offsets = [0];
      for (const c of cells) offsets.push(offsets[offsets.length - 1]! + c.corners.length);
      return cellTriangles('vtk', { connectivity, offsets, types: cells.map((c) => c.type) }, 9);
    };
    const faces = (r: ReturnType<typeof cube>) => [r.indices.length / 3, r.solids.boundary];
    expect(faces(cube([{ type: 11, corners }]))).toEqual([12, 6]);
    expect(faces(cube([{ type: 12, corners: hexOrder }]))).toEqual([12, 6]);
    // Two wedges, split along the plane x = y: triangles 0 1 3 / 0 3 2 at z = 0, the same at z = 1.
    expect(faces(cube([{ type: 13, corners: [0, 1, 3, 4, 5, 7] }, { type: 13, corners: [0, 3, 2, 4, 7, 6] }]))).toEqual([12, 8]);
    // Six pyramids, each a face of the cube (its corners around it) and the centre.
    const sides = [[0, 1, 3, 2], [4, 5, 7, 6], [0, 1, 5, 4], [2, 3, 7, 6], [0, 2, 6, 4], [1, 3, 7, 5]];
    expect(faces(cube(sides.map((side) => ({ type: 14, corners: [...side, 8] }))))).toEqual([12, 6]);
    expect(() => cube([{ type: 10, corners: [0, 1, 2, 9] }])).toThrow('cell 0 names point 9; the file has 9 points');
  });

  test('vertex cells are a cloud (the points themselves); lines give no faces, quads two', () => {
    const r = load('cloud.vtk', file('cloud.vtk'));
    expect([r.kind, r.cloud.count, r.warnings]).toEqual(['points', 500, ['no cell gives a face (500 vertices); the points are read']]);
    expect(Array.from(r.cloud.positions)).toEqual(Array.from(load('cloud.npy', file('cloud.npy')).cloud.positions));
    const mixed = load('mixed.vtu', file('mixed.vtu'));
    expect([mixed.kind, mixed.vertexCount, mixed.faceCount, mixed.warnings]).toEqual(['mesh', 6, 4, ['left out of the surface: 2 lines']]);
  });

  test('legacy POLYDATA as PyVista writes it: field data first, METADATA, polygons, strips; ASCII and big-endian binary', () => {
    const ascii = text(`# vtk DataFile Version 5.1
vtk output
ASCII
DATASET POLYDATA
FIELD FieldData 1
TimeValue 1 1 double
0.5
POINTS 6 float
0 0 0 1 0 0 1 1 0 0 1 0 2 0 0 2 1 0
METADATA
INFORMATION 0

POLYGONS 3 7
OFFSETS vtktypeint64
0 4 7
CONNECTIVITY vtktypeint64
0 1 2 3 1 4 5
TRIANGLE_STRIPS 2 4
OFFSETS vtktypeint64
0 4
CONNECTIVITY vtktypeint64
1 4 2 5
POINT_DATA 6
SCALARS h float
LOOKUP_TABLE default
0 1 2 3 4 5
`);
    const r = load('square.vtk', ascii);
    expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 6, 2 + 1 + 2]);
    const be = (values: number[], type: 'f' | 'i') => {
      const view = new DataView(new ArrayBuffer(4 * values.length));
      values.forEach((v, i) => (type === 'f' ? view.setFloat32(4 * i, v) : view.setInt32(4 * i, v)));
      return new Uint8Array(view.buffer);
    };
    const binary = concat(
      text('# vtk DataFile Version 3.0\nvtk output\nBINARY\nDATASET POLYDATA\nPOINTS 6 float\n'),
      be([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 2, 0, 0, 2, 1, 0], 'f'),
      text('\nPOLYGONS 2 9\n'),
      be([4, 0, 1, 2, 3, 3, 1, 4, 5], 'i'),
      text('\nTRIANGLE_STRIPS 1 5\n'),
      be([4, 1, 4, 2, 5], 'i'),
      text('\n'),
    );
    expect(seen(load('square.vtk', binary))).toEqual(seen(r));
  });

  test('a VTK file under another name is read by its content', () => {
    expect(load('torus.txt', file('torus-51-ascii.vtk')).format).toBe('vtk');
    expect(load('torus.xml', file('torus-zlib.vtu')).format).toBe('vtk');
  });

  test('image volumes, parallel files and broken files are refused with the reason', () => {
    expectError('ct.vtk', text('# vtk DataFile Version 3.0\nCT\nASCII\nDATASET STRUCTURED_POINTS\nDIMENSIONS 2 2 2\n'), 'unsupported', /^VTK: the data set is an image volume \(STRUCTURED_POINTS\), not a shape; extract its surface/);
    expectError('ct.vti', text('<VTKFile type="ImageData" version="1.0"><ImageData/></VTKFile>'), 'unsupported', /^VTK: the data set is an image volume \(ImageData\)/);
    expectError('series.pvd', text('<?xml version="1.0"?>\n<VTKFile type="Collection" version="0.1">\n<Collection>\n<DataSet timestep="0" file="flow_0.vtu"/>\n</Collection>\n</VTKFile>\n'), 'unsupported', 'VTK: the file is a ParaView collection (.pvd: a time series), which lists its data in other files; open one of them (.vtu, .vtp)');
    expectError('blocks.vtm', text('<VTKFile type="vtkMultiBlockDataSet" version="1.0"><vtkMultiBlockDataSet><DataSet index="0" file="b/b_0.vtu"/></vtkMultiBlockDataSet></VTKFile>'), 'unsupported', /^VTK: the file is a multiblock data set \(\.vtm\)/);
    expectError('all.pvtp', text('<VTKFile type="PPolyData" version="1.0"><PPolyData/></VTKFile>'), 'unsupported', /^VTK: a parallel PolyData file lists its pieces in other files/);
    const good = file('torus-51-binary.vtk');
    expectError('cut.vtk', good.subarray(0, 2000), 'truncated', /^VTK: the file ends in POINTS: 864 values are announced, at most \d+ fit in the rest of the file$/);
    expectError('far.vtk', text('# vtk DataFile Version 4.2\nx\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n0 0 0 1 0 0 0 1 0\nPOLYGONS 1 4\n3 0 1 7\n'), 'malformed', 'VTK: cell 0 names point 7; the file has 3 points');
    expectError('nan.vtk', text('# vtk DataFile Version 4.2\nx\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n0 0 0 1 nan 0 0 1 0\n'), 'malformed', 'VTK: point 1 has a coordinate that is not a finite number (NaN)');
    const noCells = text('# vtk DataFile Version 5.1\nx\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n0 0 0 1 0 0 0 1 0\nPOLYGONS 0 0\nOFFSETS vtktypeint64\n\nCONNECTIVITY vtktypeint64\n\n');
    expect([load('none.vtk', noCells).kind, load('none.vtk', noCells).cloud.count]).toEqual(['points', 3]);
    expectError('none.vtk', text('# vtk DataFile Version 4.2\nx\nASCII\nDATASET POLYDATA\nPOINTS 0 float\n'), 'empty', 'VTK: the file has no points');
    const zlib = file('torus-zlib.vtu');
    expectError('cut.vtu', zlib.subarray(0, zlib.length - 1500), 'truncated', /cut short|is not closed/);
    const appended = vtp([{ positions: torus.positions, triangles: torus.indices }], { format: 'appended', zlib: true });
    expectError('cut.vtp', appended.subarray(0, appended.length - 200), 'truncated', /^VTK: Polys connectivity: compressed block 1 of 1 ends past the data: is the file cut short\?$|^VTK: Polys offsets/);
    expectError('huge.vtk', text('# vtk DataFile Version 4.2\nx\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n0 0 0 1 0 0 0 1 0\nPOLYGONS 1 900000000000\n3 0 1 2\n'), 'truncated', /^VTK: the file ends in POLYGONS: 900,000,000,000 values are announced, at most \d+ fit in the rest of the file$/);
    // Each damaged copy a cloud or a LoadError (any other exception fails the test).
    for (const [name, bytes, seed] of [['torus.vtk', good, 3], ['torus.vtu', file('torus-base64.vtu'), 4], ['torus.vtp', appended, 5], ['torus.vtk', file('torus-42-ascii.vtk'), 6]] as const) {
      const { loaded, refused } = damagedOutcomes(name, bytes, { seed, count: 80 });
      expect(loaded + refused).toBe(80);
    }
  });
});
