// Surfaces the gallery shapes are built from. Each knows its area (for area-weighted sampling)
// and draws a uniform point on itself from a seeded random source. Axis-aligned, z up.
import type { Random } from '../geometry/random';
import type { Vec3 } from '../types/cloud';

export type Axis = 'x' | 'y' | 'z';

export interface Surface {
  area: number;
  sample(random: Random): Vec3;
}

/** (u along the axis, a, b across it) -> x, y, z, for an axis and a centre. */
function place(axis: Axis, centre: Vec3, along: number, a: number, b: number): Vec3 {
  const [cx, cy, cz] = centre;
  if (axis === 'z') return [cx + a, cy + b, cz + along];
  if (axis === 'x') return [cx + along, cy + a, cz + b];
  return [cx + a, cy + along, cz + b];
}

/** The six faces of an axis-aligned box from `min` to `max`. */
export function box(min: Vec3, max: Vec3): Surface {
  const [dx, dy, dz] = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
  if (!(dx >= 0 && dy >= 0 && dz >= 0)) throw new Error(`box: max ${max} is not above min ${min}`);
  const faces = [dy * dz, dy * dz, dx * dz, dx * dz, dx * dy, dx * dy];
  const area = faces.reduce((a, b) => a + b, 0);
  return {
    area,
    sample(random) {
      let pick = random() * area;
      let face = 0;
      while (face < 5 && pick >= faces[face]) pick -= faces[face++];
      const u = random();
      const v = random();
      const side = (axis: number) => (face % 2 === 0 ? min[axis] : max[axis]);
      if (face < 2) return [side(0), min[1] + u * dy, min[2] + v * dz];
      if (face < 4) return [min[0] + u * dx, side(1), min[2] + v * dz];
      return [min[0] + u * dx, min[1] + v * dy, side(2)];
    },
  };
}

/** The side of a frustum (a cylinder when r0 === r1, a cone when one radius is 0) around `axis`,
 * from `centre` (at radius r0) to `centre + length * axis` (at radius r1). */
export function frustum(axis: Axis, centre: Vec3, length: number, r0: number, r1: number): Surface {
  const slant = Math.hypot(length, r1 - r0);
  const area = Math.PI * (r0 + r1) * slant;
  return {
    area,
    sample(random) {
      // Uniform over the area: the radius grows linearly along the side, so invert the CDF of t.
      const u = random();
      const t = r0 === r1 ? u : (Math.sqrt(r0 * r0 + u * (r1 * r1 - r0 * r0)) - r0) / (r1 - r0);
      const r = r0 + t * (r1 - r0);
      const angle = random() * 2 * Math.PI;
      return place(axis, centre, t * length, r * Math.cos(angle), r * Math.sin(angle));
    },
  };
}

/** A flat disk (or ring, inner > 0) across `axis` at `centre`. */
export function disk(axis: Axis, centre: Vec3, radius: number, inner = 0): Surface {
  return {
    area: Math.PI * (radius * radius - inner * inner),
    sample(random) {
      const r = Math.sqrt(inner * inner + random() * (radius * radius - inner * inner));
      const angle = random() * 2 * Math.PI;
      return place(axis, centre, 0, r * Math.cos(angle), r * Math.sin(angle));
    },
  };
}

/** A sphere, or the part of it with z between zMin and zMax (relative to the centre). */
export function sphere(centre: Vec3, radius: number, zMin = -radius, zMax = radius): Surface {
  // Archimedes: the area of a zone is proportional to its height, so z is uniform.
  return {
    area: 2 * Math.PI * radius * (zMax - zMin),
    sample(random) {
      const z = zMin + random() * (zMax - zMin);
      const r = Math.sqrt(Math.max(0, radius * radius - z * z));
      const angle = random() * 2 * Math.PI;
      return [centre[0] + r * Math.cos(angle), centre[1] + r * Math.sin(angle), centre[2] + z];
    },
  };
}

/** A torus in the xz plane (a cup handle): ring radius R, tube radius r. Sampled with rejection
 * so that the outer side, which has more area, gets more points. */
export function torusXZ(centre: Vec3, R: number, r: number, fromAngle = 0, toAngle = 2 * Math.PI): Surface {
  return {
    area: 2 * Math.PI * r * R * (toAngle - fromAngle),
    sample(random) {
      for (;;) {
        const theta = fromAngle + random() * (toAngle - fromAngle);
        const phi = random() * 2 * Math.PI;
        if (random() * (R + r) > R + r * Math.cos(phi)) continue;
        const ring = R + r * Math.cos(phi);
        return [centre[0] + ring * Math.cos(theta), centre[1] + r * Math.sin(phi), centre[2] + ring * Math.sin(theta)];
      }
    },
  };
}
