// A cloud's rows picked by a flag per point: what the loaders' clean-up keeps (finish.ts) and an
// object of several on a floor (objects.ts).
import type { PointCloud } from '../types/cloud';

/** Copies the rows of `cloud` whose `keep` flag is set. */
export function selectRows(cloud: PointCloud, keep: Uint8Array, kept: number): PointCloud {
  const pick = (src: Float32Array | undefined): Float32Array | undefined => {
    if (src === undefined) return undefined;
    const out = new Float32Array(kept * 3);
    for (let i = 0, j = 0; i < cloud.count; i++) {
      if (keep[i] === 0) continue;
      out[j] = src[3 * i]!;
      out[j + 1] = src[3 * i + 1]!;
      out[j + 2] = src[3 * i + 2]!;
      j += 3;
    }
    return out;
  };
  return { positions: pick(cloud.positions)!, colors: pick(cloud.colors), normals: pick(cloud.normals), count: kept };
}
