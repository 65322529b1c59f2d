// Abaqus input files (src/io/abaqus.ts): meshio's (tests/io/meshioWrite.py) point for point the
// same triangles as its PLY, volume meshes read as their boundary; a file as Abaqus/CAE writes it
// (a part placed by two instances, one moved and turned; sets, a material, a step), elements
// running on over lines; the refusals, and damaged files each a cloud or a LoadError.
import { expect, test } from 'vitest';
import { PARSERS } from '../../src/io/parsers';
import { damagedOutcomes, expectError, load } from './expectLoad';
import { text } from './generate';
import { meshSeen, meshioFiles } from './meshioFiles';

const file = meshioFiles();
const seen = meshSeen;

test("meshio's .inp: the torus as its PLY, point for point; the cube of tetrahedra (linear, 10-node) as its boundary", () => {
  const r = load('torus.inp', file('torus.inp'));
  expect([r.format, r.kind]).toEqual(['inp', 'mesh']);
  expect(seen(r)).toEqual(seen(load('torus.ply', file('torus.ply'))));
  for (const name of ['cube-tets.inp', 'cube-tet10.inp']) {
    const cube = load(name, file(name));
    expect(cube.faceCount, name).toBe(108);
    expect(cube.warnings, name).toContain('a volume mesh of 162 solid cells: its boundary is read, 108 of their 648 faces (the others lie between two cells)');
  }
});

/** The mesh the reader gives (before sampling): its vertex count and corners. */
function parsedMesh(source: string): { vertexCount: number; corners: Float32Array } {
  const parsed = PARSERS.inp(text(source));
  if (parsed.kind !== 'mesh') throw new Error('not a mesh');
  return { vertexCount: parsed.mesh.vertexCount, corners: parsed.mesh.positions };
}

/** A unit tetrahedron as a part, placed as Abaqus/CAE writes an assembly. */
const CAE = (instances: string) => `*Heading
** Job name: bracket Model name: Model-1
*Preprint, echo=NO, model=NO, history=NO, contact=NO
**
** PARTS
**
*Part, name=Tet
*Node
      1,           0.,           0.,           0.
      2,           1.,           0.,           0.
      3,           0.,           1.,           0.
      4,           0.,           0.,           1.
*Element, type=C3D4
1, 1, 2, 3, 4
*Nset, nset=Set-1, generate
 1,  4,  1
*Solid Section, elset=Set-1, material=Steel
,
*End Part
**
** ASSEMBLY
**
*Assembly, name=Assembly
${instances}*End Assembly
*Material, name=Steel
*Elastic
200000., 0.3
** STEP: Step-1
*Step, name=Step-1, nlgeom=NO
*Static
1., 1., 1e-05, 1.
*End Step
`;

test('an Abaqus/CAE file: a part placed by its instances, moved and turned', () => {
  const once = load('tet.inp', text(CAE('*Instance, name=Tet-1, part=Tet\n*End Instance\n')));
  expect([once.kind, once.vertexCount, once.faceCount]).toEqual(['mesh', 4, 4]);
  // The second instance moved by (10, 0, 0), then turned 90 degrees about the z axis through the origin: x -> y.
  const twice = parsedMesh(CAE('*Instance, name=Tet-1, part=Tet\n*End Instance\n*Instance, name=Tet-2, part=Tet\n 10., 0., 0.\n 0., 0., 0., 0., 0., 1., 90.\n*End Instance\n'));
  expect(twice.vertexCount).toBe(8);
  expect(Array.from(twice.corners.slice(12, 15)).map((v) => +v.toFixed(5) + 0)).toEqual([0, 10, 0]);
  expect(Array.from(twice.corners.slice(15, 18)).map((v) => +v.toFixed(5) + 0)).toEqual([0, 11, 0]);
});

test('elements that run on over lines (C3D20), shells and beams; a file under another name is read by its content', () => {
  const nodes = Array.from({ length: 20 }, (_, i) => `${i + 1}, ${i % 2}, ${Math.floor(i / 2) % 2}, ${Math.floor(i / 4) % 2}`).join('\n');
  const hex20 = `*NODE\n${nodes}\n*ELEMENT, TYPE=C3D20R\n1, 1, 2, 4, 3, 5, 6, 8, 7, 9, 10, 11, 12, 13, 14, 15,\n16, 17, 18, 19, 20\n*ELEMENT, TYPE=S4R\n2, 1, 2, 4, 3\n*ELEMENT, TYPE=B31\n3, 1, 2\n`;
  const r = load('brick.inp', text(hex20));
  expect([r.kind, r.faceCount, r.warnings]).toEqual(['mesh', 12, ['a volume mesh of 1 solid cell: its boundary is read, 6 of their 6 faces (the others lie between two cells)', 'left out of the surface: 1 line, 1 surface cell on or inside the volume']]);
  expect(load('brick.txt', text(hex20)).format).toBe('inp');
});

test('includes, unknown elements, missing nodes and parts are refused with the reason', () => {
  expectError('inc.inp', text('*HEADING\n*INCLUDE, INPUT=mesh.inp\n'), 'unsupported', "Abaqus: line 2: *INCLUDE reads another file (mesh.inp), which is not read; write the model as one file (Abaqus/CAE: Write Input)");
  expectError('odd.inp', text('*NODE\n1, 0, 0, 0\n*ELEMENT, TYPE=XYZ9\n1, 1\n'), 'unsupported', /^Abaqus: line 3: element type 'XYZ9' is not read/);
  expectError('hole.inp', text('*NODE\n1, 0, 0, 0\n2, 1, 0, 0\n*ELEMENT, TYPE=S3\n1, 1, 2, 7\n'), 'malformed', 'Abaqus: line 5: an element of the model names node 7, which it does not give');
  expectError('short.inp', text('*NODE\n1, 0, 0, 0\n*ELEMENT, TYPE=C3D4\n1, 1, 1\n'), 'malformed', 'Abaqus: line 4: a C3D4 element with 2 nodes');
  expectError('nan.inp', text('*NODE\n1, 0, x, 0\n'), 'malformed', "Abaqus: line 2: 'x' is not a number");
  expectError('twice.inp', text('*NODE\n1, 0, 0, 0\n1, 1, 0, 0\n'), 'malformed', 'Abaqus: line 3: node 1 is given twice');
  expectError('nopart.inp', text('*Assembly, name=A\n*Instance, name=I, part=Gone\n*End Instance\n*End Assembly\n'), 'malformed', "Abaqus: line 2: *INSTANCE names part 'gone', which no *PART defines");
  expectError('gen.inp', text('*NODE\n1, 0, 0, 0\n10, 9, 0, 0\n*NGEN, NSET=LINE\n1, 10, 1\n'), 'unsupported', /^Abaqus: line 4: \*NGEN generates nodes or elements, which is not read/);
  expectError('cyl.inp', text('*NODE, SYSTEM=C\n1, 1, 90, 0\n'), 'unsupported', 'Abaqus: line 1: nodes in cylindrical coordinates (SYSTEM=C) are not read; write them in rectangular coordinates');
  expectError('empty.inp', text('*HEADING\nnothing\n'), 'empty', 'Abaqus: the file has no nodes (*NODE)');
  for (const [name, seed] of [['torus.inp', 1], ['cube-tets.inp', 2]] as const) {
    const { loaded, refused } = damagedOutcomes(name, file(name), { seed, count: 80, printable: true });
    expect(loaded + refused, name).toBe(80);
  }
});
