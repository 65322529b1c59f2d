// Legacy binary VTK writers for the benchmark (scripts/bench-load.ts), the browser tests and the
// user files (scripts/user-files.ts): an unstructured grid of cells of one type, as VTK 4.2 writes
// it (big-endian floats and ints; each cell its corner count then its corners), and a cloud as
// PyVista saves a PolyData of points (5.1). Written from VTK's file-format notes; the reader's
// tests use meshio's files.
import { concat, text } from './generate';

function bigEndian(values: ArrayLike<number>, float: boolean): Uint8Array {
  const view = new DataView(new ArrayBuffer(4 * values.length));
  for (let i = 0; i < values.length; i++) {
    if (float) view.setFloat32(4 * i, values[i]!);
    else view.setInt32(4 * i, values[i]!);
  }
  return new Uint8Array(view.buffer);
}

/** `points` (x y z each) and cells of `corners` corners each, all of VTK cell type `type`. */
export function binaryVtk(points: ArrayLike<number>, connectivity: ArrayLike<number>, corners: number, type: number): Uint8Array {
  const cells = connectivity.length / corners;
  const list = new Int32Array(cells * (corners + 1));
  for (let c = 0; c < cells; c++) {
    list[c * (corners + 1)] = corners;
    for (let k = 0; k < corners; k++) list[c * (corners + 1) + 1 + k] = connectivity[c * corners + k]!;
  }
  return concat(
    text(`# vtk DataFile Version 4.2\nwritten for a benchmark\nBINARY\nDATASET UNSTRUCTURED_GRID\nPOINTS ${points.length / 3} float\n`),
    bigEndian(points, true),
    text(`\nCELLS ${cells} ${list.length}\n`),
    bigEndian(list, false),
    text(`\nCELL_TYPES ${cells}\n`),
    bigEndian(new Int32Array(cells).fill(type), false),
    text('\n'),
  );
}

/** A cloud as PyVista saves a PolyData of points: legacy VTK 5.1, binary (big-endian), a vertex
 * cell for each point. */
export function pointsVtk(points: Float32Array): Uint8Array {
  const n = points.length / 3;
  const ints = (values: (i: number) => number, count: number) => {
    const view = new DataView(new ArrayBuffer(8 * count));
    for (let i = 0; i < count; i++) view.setBigInt64(8 * i, BigInt(values(i)));
    return new Uint8Array(view.buffer);
  };
  return concat(
    text(`# vtk DataFile Version 5.1\nvtk output\nBINARY\nDATASET POLYDATA\nPOINTS ${n} float\n`),
    bigEndian(points, true),
    text(`\nVERTICES ${n + 1} ${n}\nOFFSETS vtktypeint64\n`),
    ints((i) => i, n + 1),
    text('\nCONNECTIVITY vtktypeint64\n'),
    ints((i) => i, n),
    text('\n'),
  );
}
