"""Gmsh files for tests/io/gmsh.test.ts, written by meshio (Debian's python3-meshio) in Gmsh's
formats 2.2 and 4.1, ASCII and binary: a torus surface (with the same triangles as a PLY beside it,
for the test to compare point for point), a cube of 3 x 3 x 3 hexahedra cut into tetrahedra (a
volume mesh, read as its boundary), second-order tetrahedra, and node tags that are not 1..n.

    /usr/bin/python3 tests/io/gmshWrite.py <folder>
"""
import sys
import warnings
from pathlib import Path

import meshio
import numpy as np

warnings.simplefilter("ignore")
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 24, endpoint=False), np.linspace(0, 2 * np.pi, 12, endpoint=False), indexing="ij")
torus = np.stack([(2 + np.cos(v)) * np.cos(u), (2 + np.cos(v)) * np.sin(u), np.sin(v)], -1).reshape(-1, 3)
ids = np.arange(24 * 12).reshape(24, 12)
a, b, c, d = ids, np.roll(ids, -1, 0), np.roll(np.roll(ids, -1, 0), -1, 1), np.roll(ids, -1, 1)
triangles = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
surface = meshio.Mesh(torus, [("triangle", triangles)])
meshio.write(out / "torus.ply", surface, binary=True)
for version, name in [("gmsh22", "22"), ("gmsh", "41")]:
    meshio.write(out / f"torus-{name}-ascii.msh", surface, file_format=version, binary=False)
    meshio.write(out / f"torus-{name}-binary.msh", surface, file_format=version, binary=True)

g = np.linspace(-1, 1, 4)
grid = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3)
at = lambda i, j, k: (i * 4 + j) * 4 + k
hexes = [[at(i, j, k), at(i + 1, j, k), at(i + 1, j + 1, k), at(i, j + 1, k), at(i, j, k + 1), at(i + 1, j, k + 1), at(i + 1, j + 1, k + 1), at(i, j + 1, k + 1)]
         for i in range(3) for j in range(3) for k in range(3)]
tets = np.array([[h[0], h[t1], h[t2], h[6]] for h in hexes for t1, t2 in [(1, 2), (2, 3), (3, 7), (7, 4), (4, 5), (5, 1)]])
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
