// Nastran bulk data (src/io/nastran.ts): meshio's .bdf (large-field GRID* cards; tests/io/meshioWrite.py)
// point for point the same triangles as its PLY, its cube of tetrahedra as the boundary; cards as
// Femap and HyperMesh write them by hand here (small and free fields, continuations, numbers such
// as "1.5-3", executive and case control before BEGIN BULK); the refusals, and damaged files.
import { expect, test } from 'vitest';
import { nastranNumber } from '../../src/io/nastran';
import { PARSERS } from '../../src/io/parsers';
import { damagedOutcomes, expectError, load } from './expectLoad';
import { text } from './generate';
import { meshSeen, meshioFiles } from './meshioFiles';

const file = meshioFiles();
const seen = meshSeen;

test("meshio's .bdf: the torus as its PLY, point for point; the cube of tetrahedra as its boundary", () => {
  const r = load('torus.bdf', file('torus.bdf'));
  expect([r.format, r.kind]).toEqual(['bdf', 'mesh']);
  expect(seen(r)).toEqual(seen(load('torus6.ply', file('torus6.ply'))));
  const cube = load('cube.nas', file('cube-tets.bdf'));
  expect([cube.faceCount, cube.warnings]).toEqual([108, ['a volume mesh of 162 solid cells: its boundary is read, 108 of their 648 faces (the others lie between two cells)']]);
});

test("Nastran's numbers: an exponent without its E, a leading or trailing point, D exponents", () => {
  expect(['1.', '-2.5E+3', '1.5-3', '+.5+2', '7', '-1.D-2', '3.0e1', ' 4. '].map(nastranNumber)).toEqual([1, -2500, 0.0015, 50, 7, -0.01, 30, 4]);
  expect(['', 'x', '1.5-', '--1', '1..2'].map(nastranNumber)).toEqual([null, null, null, null, null]);
});

// A hexahedron as Femap writes it: executive and case control, then small-field cards, a CHEXA
// continued on the next line, a grid in free field, numbers in Nastran's short form.
const HEX = `ID FEMAP,FEMAP
SOL SESTATIC
CEND
  TITLE = brick
BEGIN BULK
$ Femap Property 1 : solid
PSOLID         1       1       0
GRID           1       0      0.      0.      0.       0
GRID           2       0      1.      0.      0.       0
GRID           3       0      1.      1.      0.       0
GRID           4       0      0.      1.      0.       0
GRID           5       0      0.      0. 1000.-3       0
GRID           6       0      1.      0.      1.       0
GRID           7       0      1.      1.      1.       0
GRID,8,0,0.,1.,.1+1,0
CHEXA          1       1       1       2       3       4       5       6+
+              7       8
CQUAD4         2       1       1       2       3       4
CBAR           3       1       1       7      1.      0.      0.
ENDDATA
`;

test('small and free fields, continuations, short numbers; control sections and other cards passed over', () => {
  const r = load('brick.bdf', text(HEX));
  expect([r.kind, r.vertexCount, r.faceCount, r.warnings]).toEqual(['mesh', 8, 12, ['a volume mesh of 1 solid cell: its boundary is read, 6 of their 6 faces (the others lie between two cells)', 'left out of the surface: 1 line, 1 surface cell on or inside the volume']]);
  const parsed = PARSERS.bdf(text(HEX));
  if (parsed.kind !== 'mesh') throw new Error('not a mesh');
  expect(Array.from(parsed.mesh.positions.slice(12, 15))).toEqual([0, 0, 1]); // grid 5: "1000.-3"
  expect(Array.from(parsed.mesh.positions.slice(21, 24))).toEqual([0, 1, 1]); // grid 8: free field, ".1+1"
  expect(load('brick.dat', text(HEX)).format).toBe('bdf'); // .dat: by its content
  // Free field: a line that stops short leaves its fields blank, and its continuation's data are
  // fields 10 on (a CHEXA's seventh and eighth grids).
  const free = HEX.replace(/CHEXA[^\n]*\n[^\n]*\n/, 'CHEXA,1,1,1,2,3,4,5,6\n+,7,8\n');
  expect(load('free.bdf', text(free)).faceCount).toBe(12);
  const short = HEX.replace(/CHEXA[^\n]*\n[^\n]*\n/, 'CHEXA,1,1,1,2,3,4\n+,5,6,7,8\n');
  expectError('short.bdf', text(short), 'malformed', "Nastran: line 16: CHEXA's grid 5 is '(blank)', not a whole number");
});

test('INCLUDE, other coordinate systems, missing grids are refused with the reason', () => {
  expectError('inc.bdf', text("BEGIN BULK\nINCLUDE 'mesh.bdf'\nENDDATA\n"), 'unsupported', "Nastran: line 2: INCLUDE reads another file ('mesh.bdf'), which is not read; write the model as one file");
  expectError('cs.bdf', text(HEX.replace('GRID           2       0      1.', 'GRID           2       5      1.')), 'unsupported', 'Nastran: line 9: grid 2 is given in coordinate system 5, which is not read (only the basic system, 0 or blank, is)');
  expectError('hole.bdf', text(HEX.replace('CQUAD4         2       1       1       2       3       4', 'CQUAD4         2       1       1       2       3      44')), 'malformed', 'Nastran: line 18: CQUAD4 2 names grid 44, which no GRID card gives');
  expectError('twice.bdf', text(HEX.replace('GRID           3       0', 'GRID           2       0')), 'malformed', 'Nastran: line 10: grid 2 is given twice');
  expectError('nan.bdf', text(HEX.replace('GRID           4       0      0.', 'GRID           4       0      x.')), 'malformed', "Nastran: line 11: grid 4: 'x.' is not a number");
  expectError('none.bdf', text('BEGIN BULK\nPSOLID         1       1\nENDDATA\n'), 'empty', 'Nastran: the file has no GRID cards (nodes)');
  for (const [name, seed] of [['torus.bdf', 1], ['cube-tets.bdf', 2]] as const) {
    const { loaded, refused } = damagedOutcomes(name, file(name), { seed, count: 80, printable: true });
    expect(loaded + refused, name).toBe(80);
  }
});
