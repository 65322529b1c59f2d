// Gmsh meshes (src/io/gmsh.ts): formats 2.2 and 4.1, ASCII and binary, written by meshio
// (tests/io/meshioWrite.py): the torus point for point the same triangles saved as PLY; volume meshes
// (linear and second-order tetrahedra) read as their boundary; files as Gmsh writes them by hand
// here (tags that are not 1..n, physical names, boundary triangles beside the volume); the
// refusals, and damaged files each a cloud or a LoadError.
import { expect, test } from 'vitest';
import type { LoadResult } from '../../src/io/types';
import { damagedOutcomes, expectError, load } from './expectLoad';
import { text } from './generate';
import { meshSeen, meshioFiles } from './meshioFiles';

const file = meshioFiles();
const seen = meshSeen;

/** Every sampled point on the faces of the cube [-1, 1]^3, none inside. */
function onCubeFaces(r: LoadResult): boolean {
  for (let i = 0; i < r.cloud.count; i++) {
    const p = r.cloud.positions.subarray(3 * i, 3 * i + 3);
    if (Math.max(Math.abs(p[0]!), Math.abs(p[1]!), Math.abs(p[2]!)) < 1 - 1e-5) return false;
  }
  return true;
}

test("meshio's Gmsh 2.2 and 4.1, ASCII and binary: the PLY's points, point for point", () => {
  const plain = seen(load('torus.ply', file('torus.ply')));
  for (const name of ['torus-22-ascii.msh', 'torus-22-binary.msh', 'torus-41-ascii.msh', 'torus-41-binary.msh']) {
    const r = load(name, file(name));
    expect([r.format, r.kind], name).toEqual(['msh', 'mesh']);
    expect(seen(r), name).toEqual(plain);
  }
});

test('volume meshes (tetrahedra in each format, second-order tetrahedra) are read as their boundary', () => {
  for (const name of ['cube-22-ascii.msh', 'cube-22-binary.msh', 'cube-41-ascii.msh', 'cube-41-binary.msh', 'cube-tet10.msh']) {
    const r = load(name, file(name));
    expect([r.faceCount, onCubeFaces(r)], name).toEqual([6 * 9 * 2, true]);
    expect(r.warnings, name).toContain('a volume mesh of 162 solid cells: its boundary is read, 108 of their 648 faces (the others lie between two cells)');
  }
});

// A tetrahedron as Gmsh saves a geometry's mesh: physical names, node tags 10, 20, ..., the
// volume and its boundary triangles (a physical surface), a line and a point element.
const TETRA = `$MeshFormat
2.2 0 8
$EndMeshFormat
$PhysicalNames
2
2 1 "wall"
3 2 "body"
$EndPhysicalNames
$Nodes
4
10 0 0 0
20 1 0 0
30 0 1 0
40 0 0 1
$EndNodes
$Elements
8
1 15 2 0 1 10
2 1 2 0 1 10 20
3 2 2 1 1 10 30 20
4 2 2 1 1 10 20 40
5 2 2 1 1 20 30 40
6 2 2 1 1 10 40 30
7 4 2 2 1 10 20 30 40
8 2 2 1 1 10 20 30
$EndElements
`;

test('tags that are not 1..n, physical names; boundary triangles beside the volume are its faces, read once', () => {
  const r = load('tetra.msh', text(TETRA));
  expect([r.kind, r.vertexCount, r.faceCount]).toEqual(['mesh', 4, 4]);
  expect(r.warnings).toEqual([
    'a volume mesh of 1 solid cell: its boundary is read, 4 of their 4 faces (the others lie between two cells)',
    'left out of the surface: 1 vertex, 1 line, 5 surface cells on or inside the volume',
  ]);
  const surfaceOnly = TETRA.replace('7 4 2 2 1 10 20 30 40\n', '').replace('$Elements\n8\n', '$Elements\n7\n');
  expect(load('shell.msh', text(surfaceOnly)).faceCount).toBe(5);
  const linesOnly = TETRA.replace(/\$Elements[\s\S]*\$EndElements/, '$Elements\n1\n1 1 2 0 1 10 20\n$EndElements');
  expect([load('lines.msh', text(linesOnly)).kind, load('lines.msh', text(linesOnly)).cloud.count]).toEqual(['points', 4]);
  expect(load('tetra.txt', text(TETRA)).format).toBe('msh');
});

test('other versions, unknown elements, missing nodes and cut files are refused with the reason', () => {
  expectError('old.msh', text(TETRA.replace('2.2 0 8', '4 0 8')), 'unsupported', /^Gmsh: Gmsh format 4 is not read \(4\.1 and 2\.x are/);
  expectError('old.msh', text(TETRA.replace('2.2 0 8', '3 0 8')), 'unsupported', /^Gmsh: Gmsh format 3 is not read/);
  expectError('odd.msh', text(TETRA.replace('7 4 2 2 1 10 20 30 40', '7 99 2 2 1 10 20 30 40')), 'unsupported', /^Gmsh: element type 99 is not read/);
  expectError('hole.msh', text(TETRA.replace('7 4 2 2 1 10 20 30 40', '7 4 2 2 1 10 20 30 50')), 'malformed', 'Gmsh: element 7 names node 50, which the $Nodes section does not give');
  expectError('twice.msh', text(TETRA.replace('30 0 1 0', '20 0 1 0')), 'malformed', 'Gmsh: node 20 is given twice');
  expectError('nan.msh', text(TETRA.replace('40 0 0 1', '40 0 0 x')), 'malformed', "Gmsh: node 4: 'x' is not a number");
  expectError('fluent.msh', text('(0 "GAMBIT to Fluent File")\n(2 3)\n'), 'unsupported', "Gmsh: the file looks like an ANSYS Fluent mesh (it starts with '('), which is not read; export the surface as STL");
  expectError('notes.msh', text('some notes\n'), 'malformed', /^Gmsh: the file does not start with "\$MeshFormat"/);
  const binary = file('torus-41-binary.msh');
  expectError('cut.msh', binary.subarray(0, 5000), 'truncated', /^Gmsh: .*: is the file cut short\?$/);
  expectError('cut.msh', file('torus-22-ascii.msh').subarray(0, 20000), 'truncated', /is the file cut short\?$/);
  expectError('huge.msh', text(TETRA.replace('$Nodes\n4\n', '$Nodes\n900000000000\n')), 'truncated', /^Gmsh: the node count is 900,000,000,000; the rest of the file cannot hold them: is the file cut short\?$/);
  for (const [name, seed] of [['torus-22-binary.msh', 1], ['torus-41-binary.msh', 2], ['cube-41-ascii.msh', 3]] as const) {
    const { loaded, refused } = damagedOutcomes('damaged.msh', file(name), { seed, count: 80 });
    expect(loaded + refused, name).toBe(80);
  }
});
