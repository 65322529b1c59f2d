// The only place a PointCloud becomes three.js geometry.
import { BufferAttribute, BufferGeometry } from 'three';
import type { PointCloud } from '../../types/cloud';
import type { ColorMode } from './colorMode';
import { fillCloudColors } from './colors';

/**
 * Positions share the cloud's array (no copy); colours get their own array so they can be
 * rewritten in place (colour mode, attention) without touching the cloud.
 */
export function cloudToGeometry(cloud: PointCloud, colorMode: ColorMode): BufferGeometry {
  const geometry = new BufferGeometry();
  const positions = cloud.positions.length === cloud.count * 3 ? cloud.positions : cloud.positions.subarray(0, cloud.count * 3);
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  const colors = new Float32Array(cloud.count * 3);
  fillCloudColors(colors, cloud, colorMode);
  geometry.setAttribute('color', new BufferAttribute(colors, 3));
  geometry.computeBoundingSphere();
  return geometry;
}
