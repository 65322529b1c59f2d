"""VTK, Gmsh, Abaqus and Nastran files for tests/io/vtk.test.ts, gmsh.test.ts, abaqus.test.ts and
nastran.test.ts, written by meshio (Debian's python3-meshio), as PyVista, Gmsh and simulation
scripts save them: a torus surface as legacy .vtk (versions 4.2 and 5.1, ASCII and binary), as .vtu
(ASCII, base64, zlib-compressed, UInt64 headers, LZMA), as Gmsh .msh (2.2 and 4.1, ASCII and
binary), as Abaqus .inp and as Nastran .bdf, with the same triangles as a PLY beside them for the
tests to compare point for point; a cube of 3 x 3 x 3 hexahedra and the same cube cut into
tetrahedra, linear and second-order (volume meshes, read as their boundary); a cloud of vertex
cells; a mixed file of triangles, quads and lines.

    /usr/bin/python3 tests/io/meshioWrite.py <folder>
"""
import sys
import warnings
from pathlib import Path

import meshio
import numpy as np

warnings.simplefilter("ignore")
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

# A torus: 24 x 12 quads, each split into two triangles.
u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 24, endpoint=False), np.linspace(0, 2 * np.pi, 12, endpoint=False), indexing="ij")
torus = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], -1).reshape(-1, 3)
ids = np.arange(24 * 12).reshape(24, 12)
a, b, c, d = ids, np.roll(ids, -1, 0), np.roll(np.roll(ids, -1, 0), -1, 1), np.roll(ids, -1, 1)
triangles = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
surface = meshio.Mesh(torus, [("triangle", triangles)], point_data={"height": torus[:, 2]})
meshio.write(out / "torus.ply", surface, binary=True)
meshio.write(out / "torus-51-ascii.vtk", surface, binary=False)
meshio.write(out / "torus-51-binary.vtk", surface, binary=True)
meshio.write(out / "torus-42-ascii.vtk", surface, file_format="vtk42", binary=False)
meshio.write(out / "torus-42-binary.vtk", surface, file_format="vtk42", binary=True)
meshio.write(out / "torus-ascii.vtu", surface, binary=False)
meshio.write(out / "torus-base64.vtu", surface, binary=True, compression=None)
meshio.write(out / "torus-zlib.vtu", surface, binary=True, compression="zlib")
meshio.write(out / "torus-zlib-uint64.vtu", surface, binary=True, compression="zlib", header_type="UInt64")
meshio.write(out / "torus-lzma.vtu", surface, binary=True, compression="lzma")
for version, name in [("gmsh22", "22"), ("gmsh", "41")]:
    meshio.write(out / f"torus-{name}-ascii.msh", surface, file_format=version, binary=False)
    meshio.write(out / f"torus-{name}-binary.msh", surface, file_format=version, binary=True)

# A cube [-1, 1]^3 of 3 x 3 x 3 hexahedra, and each hexahedron cut into 6 tetrahedra.
g = np.linspace(-1, 1, 4)
grid = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3)
at = lambda i, j, k: (i * 4 + j) * 4 + k
hexes = [[at(i, j, k), at(i + 1, j, k), at(i + 1, j + 1, k), at(i, j + 1, k), at(i, j, k + 1), at(i + 1, j, k + 1), at(i + 1, j + 1, k + 1), at(i, j + 1, k + 1)]
         for i in range(3) for j in range(3) for k in range(3)]
tets = np.array([[h[0], h[t1], h[t2], h[6]] for h in hexes for t1, t2 in [(1, 2), (2, 3), (3, 7), (7, 4), (4, 5), (5, 1)]])
meshio.write(out / "cube-hexes.vtk", meshio.Mesh(grid, [("hexahedron", np.array(hexes))]), binary=True)
meshio.write(out / "cube-tets.vtu", meshio.Mesh(grid, [("tetra", tets)]), binary=True, compression="zlib")

# A cloud of vertex cells, and a mixed file: triangles, quads and lines.
cloud = np.random.default_rng(2).normal(size=(500, 3))
meshio.write(out / "cloud.vtk", meshio.Mesh(cloud, [("vertex", np.arange(500)[:, None])]), binary=False)
square = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [2, 0, 0], [2, 1, 0]], float)
meshio.write(out / "mixed.vtu", meshio.Mesh(square, [("quad", np.array([[0, 1, 2, 3]])), ("triangle", np.array([[1, 4, 5], [1, 5, 2]])), ("line", np.array([[0, 4], [3, 5]]))]), binary=False)
np.save(out / "cloud.npy", cloud.astype("<f8"))

# Gmsh: the cube of tetrahedra in each format, and of second-order tetrahedra.
cube = meshio.Mesh(grid, [("tetra", tets)])
for version, name in [("gmsh22", "22"), ("gmsh", "41")]:
    meshio.write(out / f"cube-{name}-binary.msh", cube, file_format=version, binary=True)
    meshio.write(out / f"cube-{name}-ascii.msh", cube, file_format=version, binary=False)
# Second-order tetrahedra: each edge's midpoint a node of its own.
edges = {}
mid = []
def midpoint(p, q):
    key = (min(p, q), max(p, q))
    if key not in edges:
        edges[key] = len(grid) + len(mid)
        mid.append((grid[p] + grid[q]) / 2)
    return edges[key]
tet10 = np.array([[*t, midpoint(t[0], t[1]), midpoint(t[1], t[2]), midpoint(t[0], t[2]), midpoint(t[0], t[3]), midpoint(t[2], t[3]), midpoint(t[1], t[3])] for t in tets])
meshio.write(out / "cube-tet10.msh", meshio.Mesh(np.concatenate([grid, np.array(mid)]), [("tetra10", tet10)]), file_format="gmsh22", binary=False)

# Abaqus: the torus (triangles), the cube of tetrahedra and of 10-node tetrahedra.
meshio.write(out / "torus.inp", meshio.Mesh(torus, [("triangle", triangles)]))
meshio.write(out / "cube-tets.inp", cube)
meshio.write(out / "cube-tet10.inp", meshio.Mesh(np.concatenate([grid, np.array(mid)]), [("tetra10", tet10)]))
# Nastran: the torus (to 6 decimals: meshio's writer fails on longer numbers; its PLY beside it),
# the cube of tetrahedra (meshio writes large-field GRID* cards).
rounded = meshio.Mesh(np.round(torus, 6), [("triangle", triangles)])
meshio.write(out / "torus6.ply", rounded, binary=True)
meshio.write(out / "torus.bdf", rounded)
meshio.write(out / "cube-tets.bdf", meshio.Mesh(np.round(grid, 6), [("tetra", tets)]))
