"""The surface of a finite-element or VTK mesh, the training twin of src/io/vtkCells.ts: surface
cells (triangles, quadrangles, polygons, and higher-order ones by their corners) as triangles;
solid cells (tetrahedra, hexahedra, wedges, pyramids, by their corners) by their faces, a face two
solids share (inside the volume) left out, and, when there are solids, the surface cells left out
too (they lie on the volume or inside it), so that a volume mesh is read as its boundary, as the
app reads it. Cells are given as meshio gives them: a type name and an array of node indices,
corners first, in VTK's order."""
from __future__ import annotations

import numpy as np

# Each solid's faces by corner, each face's corners in order around it (VTK's numbering).
_TETRA = [[0, 1, 3], [1, 2, 3], [2, 0, 3], [0, 2, 1]]
_HEXAHEDRON = [[0, 1, 2, 3], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
_WEDGE = [[0, 1, 2], [3, 4, 5], [0, 1, 4, 3], [1, 2, 5, 4], [2, 0, 3, 5]]
_PYRAMID = [[0, 1, 2, 3], [0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]]
SOLIDS = {"tetra": _TETRA, "hexahedron": _HEXAHEDRON, "wedge": _WEDGE, "pyramid": _PYRAMID}
# Surface cells by their corner count.
SURFACES = {"triangle": 3, "quad": 4}


def _kind(cell_type: str) -> str:
    """meshio's name without its order: "tetra10" -> "tetra", "quad8" -> "quad"."""
    return cell_type.rstrip("0123456789")


def _fan(corners: np.ndarray) -> np.ndarray:
    """Triangles fanning out from each row's first corner: [m, k] -> [m * (k - 2), 3]."""
    k = corners.shape[1]
    return np.concatenate([corners[:, [0, i, i + 1]] for i in range(1, k - 1)]) if k >= 3 else np.zeros((0, 3), np.int64)


def cell_triangles(cells: list[tuple[str, np.ndarray]]) -> tuple[np.ndarray, int]:
    """Triangles [F, 3] over the mesh's nodes, and the number of solid cells."""
    surface, solid_faces, solid_cells = [], {3: [], 4: []}, 0
    for cell_type, data in cells:
        data = np.asarray(data, np.int64)
        if data.ndim != 2 or len(data) == 0:
            continue
        kind = _kind(cell_type)
        if kind in SOLIDS:
            solid_cells += len(data)
            for face in SOLIDS[kind]:
                solid_faces[len(face)].append(data[:, face])
        elif kind in SURFACES:
            surface.append(_fan(data[:, :SURFACES[kind]]))
        elif kind == "polygon":
            surface.append(_fan(data))
    if solid_cells == 0:
        return (np.concatenate(surface) if surface else np.zeros((0, 3), np.int64)), 0
    boundary = []
    for size, faces in solid_faces.items():
        if not faces:
            continue
        faces = np.concatenate(faces)
        _, first, counts = np.unique(np.sort(faces, axis=1), axis=0, return_index=True, return_counts=True)
        boundary.append(_fan(faces[np.sort(first[counts == 1])]))
    return np.concatenate(boundary), solid_cells
