// DXF (src/io/dxf.ts): drawings written as CAD programs export 3D meshes (a group code line, then
// its value line): 3DFACEs, a polyface mesh in a BLOCK placed twice by INSERTs, a polygon mesh,
// AutoCAD's MESH; 2D drawings and ACIS solids refused saying why; damaged files never another
// exception.
import { describe, expect, test } from 'vitest';
import { sniffFormat } from '../../src/io/sniff';
import { parseDxf } from '../../src/io/dxf';
import { damagedOutcomes, expectError, expectWellFormed, load, meshBounds } from './expectLoad';

type Groups = [number, string | number][];

/** A drawing's text: a header, the BLOCKS and ENTITIES sections, EOF; codes right-aligned as AutoCAD writes them. */
function dxf(entities: Groups, blocks: Groups = []): Uint8Array {
  const all: Groups = [[999, 'written by a test'], [0, 'SECTION'], [2, 'HEADER'], [9, '$ACADVER'], [1, 'AC1015'], [0, 'ENDSEC'], [0, 'SECTION'], [2, 'BLOCKS'], ...blocks, [0, 'ENDSEC'], [0, 'SECTION'], [2, 'ENTITIES'], ...entities, [0, 'ENDSEC'], [0, 'EOF']];
  return new TextEncoder().encode(all.map(([c, v]) => `${String(c).padStart(3)}\r\n${v}\r\n`).join(''));
}

const CORNERS = [[0, 0, 0], [2, 0, 0], [2, 1, 0], [0, 1, 0], [0, 0, 3], [2, 0, 3], [2, 1, 3], [0, 1, 3]];
const QUADS = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
const xyz = (base: number, [x, y, z]: number[]): Groups => [[base, x!], [base + 10, y!], [base + 20, z!]];

const faces3d: Groups = QUADS.flatMap((q) => [[0, '3DFACE'], [8, '0'], ...q.flatMap((v, k) => xyz(10 + k, CORNERS[v]!))] as Groups);

const polyface = (layer: string): Groups => [
  [0, 'POLYLINE'], [8, layer], [66, 1], [70, 64], [71, 8], [72, 6],
  ...CORNERS.flatMap((c) => [[0, 'VERTEX'], [8, layer], ...xyz(10, c), [70, 192]] as Groups),
  ...QUADS.flatMap((q) => [[0, 'VERTEX'], [8, layer], ...xyz(10, [0, 0, 0]), [70, 128], [71, q[0]! + 1], [72, -(q[1]! + 1)], [73, q[2]! + 1], [74, q[3]! + 1]] as Groups),
  [0, 'SEQEND'],
];

/** The drawing's vertex bounds and its triangle count. */
function vertexBounds(data: Uint8Array): number[] {
  const p = parseDxf(data);
  return [...meshBounds(p), p.kind === 'mesh' ? p.mesh.faceCount : 0];
}

describe('DXF drawings', () => {
  test('3DFACEs (a box of quads) read to its 12 triangles; recognised by content', () => {
    const file = dxf(faces3d);
    expect(sniffFormat(file)).toBe('dxf');
    const r = load('box.dxf', file);
    expectWellFormed(r);
    expect([r.format, r.kind, r.faceCount, r.warnings]).toEqual(['dxf', 'mesh', 12, []]);
    expect(vertexBounds(file)).toEqual([0, 0, 0, 2, 1, 3, 12]);
  });

  test('a polyface mesh in a BLOCK, INSERTed twice: moved, turned a quarter about z, scaled', () => {
    const block: Groups = [[0, 'BLOCK'], [2, 'box'], [70, 0], ...xyz(10, [0, 0, 0]), ...polyface('0'), [0, 'ENDBLK']];
    const inserts: Groups = [[0, 'INSERT'], [2, 'box'], ...xyz(10, [10, 0, 0]), [0, 'INSERT'], [2, 'box'], ...xyz(10, [0, 20, 0]), [41, 2], [42, 2], [43, 2], [50, 90]];
    // The second: scaled by 2 (4 x 2 x 6), turned so that x runs along y: x in [-2, 0], y in [20, 24].
    expect(vertexBounds(dxf(inserts, block))).toEqual([-2, 0, 0, 12, 24, 6, 24]);
  });

  test("a 3 x 3 polygon mesh and AutoCAD's MESH", () => {
    const grid: Groups = [[0, 'POLYLINE'], [66, 1], [70, 16], [71, 3], [72, 3], ...[0, 1, 2].flatMap((r) => [0, 1, 2].flatMap((c) => [[0, 'VERTEX'], ...xyz(10, [c, r, (r * c) / 4]), [70, 64]] as Groups)), [0, 'SEQEND']];
    expect(vertexBounds(dxf(grid))).toEqual([0, 0, 0, 2, 2, 1, 8]);
    const mesh: Groups = [[0, 'MESH'], [100, 'AcDbSubDMesh'], [71, 2], [72, 0], [91, 0], [92, 8], ...CORNERS.flatMap((c) => xyz(10, c)), [93, 30], ...QUADS.flatMap((q) => [[90, 4], ...q.map((v) => [90, v])] as Groups), [94, 1], [90, 0], [90, 1]];
    expect(vertexBounds(dxf(mesh))).toEqual([0, 0, 0, 2, 1, 3, 12]);
  });
});

describe('DXF drawings refused, saying why', () => {
  test('2D drawings, ACIS solids, binary DXF, bad groups and values, a missing block', () => {
    const line: Groups = [[0, 'LINE'], ...xyz(10, [0, 0, 0]), ...xyz(11, [1, 1, 0])];
    expectError('plan.dxf', dxf([...line, ...line]), 'empty', 'DXF: the drawing has no 3D faces (2 lines and curves): it is 2D');
    expectError('part.dxf', dxf([[0, '3DSOLID'], [1, 'encrypted ACIS data']]), 'unsupported', "DXF: the drawing's 3D shapes are ACIS solids (3DSOLID), which are not read; export the model as a mesh (glTF, OBJ or STL)");
    expect(load('mixed.dxf', dxf([...faces3d, [0, '3DSOLID']])).warnings).toEqual(['DXF: 1 3DSOLID entity skipped (ACIS solids are not read; export the model as a mesh: glTF, OBJ or STL)']);
    expectError('b.dxf', new Uint8Array([...new TextEncoder().encode('AutoCAD Binary DXF\r\n'), 0x1a, 0, 0, 0]), 'unsupported', 'DXF: binary DXF is not read; save the drawing as ASCII DXF, or export the model as glTF, OBJ or STL');
    const text = new TextDecoder().decode(dxf(faces3d));
    expectError('a.dxf', new TextEncoder().encode(text.replace(' 10\r\n0\r\n', ' 10\r\n0,5\r\n')), 'malformed', /^DXF: line \d+: '0,5' \(group 10 of a 3DFACE\) is not a number$/);
    expectError('a.dxf', new TextEncoder().encode(text.replace('  8\r\n0\r\n', 'x8\r\n0\r\n')), 'malformed', /^DXF: line \d+: 'x8' is not a group code/);
    expectError('a.dxf', dxf([[0, 'INSERT'], [2, 'chair'], ...xyz(10, [0, 0, 0])]), 'malformed', /^DXF: line \d+: an INSERT of the block 'chair', which the drawing does not define$/);
    const loop: Groups = [[0, 'BLOCK'], [2, 'a'], ...xyz(10, [0, 0, 0]), [0, 'INSERT'], [2, 'a'], ...xyz(10, [0, 0, 0]), [0, 'ENDBLK']];
    expectError('a.dxf', dxf([[0, 'INSERT'], [2, 'a'], ...xyz(10, [0, 0, 0])], loop), 'malformed', /^DXF: line \d+: the block 'a' inserts itself$/);
  });

  test('240 cut or byte-changed files: a mesh or a LoadError, never another exception', () => {
    const outcomes = damagedOutcomes('d.dxf', dxf([...faces3d, ...polyface('1')]), { seed: 4, printable: true });
    expect(outcomes.refused).toBeGreaterThan(20);
    expect(outcomes.loaded).toBeGreaterThan(50);
  });
});
