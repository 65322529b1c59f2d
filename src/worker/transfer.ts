import type { LoadResult } from '../io/types';

/** The buffers of a LoadResult's typed arrays, to hand over without copying. */
export function loadResultTransferables(result: LoadResult): ArrayBuffer[] {
  const { positions, colors, normals } = result.cloud;
  const buffers = new Set<ArrayBuffer>();
  for (const array of [positions, colors, normals, result.objects?.labels]) {
    // A SharedArrayBuffer cannot be transferred (and needs no transfer).
    if (array && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  }
  return [...buffers];
}
