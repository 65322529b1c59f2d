// "What the model sees" (View panel): the cloud on screen as the network got it, centred, scaled
// into the unit sphere and stood on the up it was classified in (the detected or the forced one),
// drawn z up. The viewer's points keep their order, so the attention colours and the hover
// read-out stay theirs. Shown once a result of this cloud is there (its up is known then).
import { useMemo } from 'react';
import { normaliseSubset } from '../geometry/normalise';
import type { PointCloud } from '../types/cloud';
import type { BoundingSphere } from './viewer/cloudToGeometry';
import type { UpAxis } from '../geometry/upTurn';

export interface ModelView {
  cloud: PointCloud;
  sphere: BoundingSphere;
  up: UpAxis;
}

const UNIT_SPHERE: BoundingSphere = { center: [0, 0, 0], radius: 1 };

/** `shown`: the viewer's points of `cloud` (a subset by `indices` for a huge cloud, else all). */
export function useModelView(
  enabled: boolean,
  cloud: PointCloud | null,
  shown: { cloud: PointCloud; indices: Uint32Array | null } | null,
  resultUp: UpAxis | null,
): ModelView | null {
  return useMemo(() => {
    if (!enabled || !cloud || !shown || !resultUp || cloud.count === 0) return null;
    const positions = normaliseSubset(cloud.positions.subarray(0, 3 * cloud.count), resultUp, shown.indices);
    return { cloud: { ...shown.cloud, positions, normals: undefined }, sphere: UNIT_SPHERE, up: 'z' };
  }, [enabled, cloud, shown, resultUp]);
}
