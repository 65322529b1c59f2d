// The only place a PointCloud becomes three.js geometry.
import { BufferAttribute, BufferGeometry, Sphere, Vector3 } from 'three';
import type { PointCloud } from '../../types/cloud';
import type { ColorMode } from './colorMode';
import { fillCloudColors } from './colors';

export interface BoundingSphere {
  center: [number, number, number];
  radius: number;
}

/**
 * Positions share the cloud's array (no copy); colours get their own array so they can be
 * rewritten in place (colour mode, attention) without touching the cloud.
 */
export function cloudToGeometry(cloud: PointCloud, colorMode: ColorMode, sphere?: BoundingSphere): BufferGeometry {
  const geometry = new BufferGeometry();
  const positions = cloud.positions.length === cloud.count * 3 ? cloud.positions : cloud.positions.subarray(0, cloud.count * 3);
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  const colors = new Float32Array(cloud.count * 3);
  fillCloudColors(colors, cloud, colorMode);
  geometry.setAttribute('color', new BufferAttribute(colors, 3));
  // A sphere the parse worker already found saves a walk over the points on the main thread.
  if (sphere) geometry.boundingSphere = new Sphere(new Vector3(...sphere.center), sphere.radius);
  else geometry.computeBoundingSphere();
  return geometry;
}

/** The first `count` points of a cloud, sharing its arrays (no copy). */
export function prefixCloud(cloud: PointCloud, count: number): PointCloud {
  if (count >= cloud.count) return cloud;
  return {
    positions: cloud.positions.subarray(0, count * 3),
    count,
    ...(cloud.colors && { colors: cloud.colors.subarray(0, count * 3) }),
    ...(cloud.normals && { normals: cloud.normals.subarray(0, count * 3) }),
  };
}
