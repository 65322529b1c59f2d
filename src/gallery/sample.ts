// Surfaces -> a point cloud: points spread over the parts by area, each part sampled uniformly,
// all from one seeded generator, so a gallery shape is the same cloud on every machine.
import type { PointCloud } from '../types/cloud';
import { createRandom } from '../geometry/random';
import type { Surface } from './primitives';

/** `count` points over the surfaces, as many per surface as its share of the total area
 * (largest remainders get the leftovers). */
export function samplePoints(surfaces: Surface[], count: number, seed: number): PointCloud {
  if (surfaces.length === 0) throw new Error('samplePoints: no surfaces');
  if (!Number.isInteger(count) || count < 1) throw new Error(`samplePoints: count must be a positive integer, got ${count}`);
  const total = surfaces.reduce((sum, s) => sum + s.area, 0);
  if (!(total > 0)) throw new Error('samplePoints: the surfaces have no area');
  const exact = surfaces.map((s) => (s.area / total) * count);
  const counts = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; j < count - counts.reduce((a, b) => a + b, 0); j++) counts[order[j][1]]++;
  const random = createRandom(seed);
  const positions = new Float32Array(3 * count);
  let p = 0;
  surfaces.forEach((surface, i) => {
    for (let j = 0; j < counts[i]; j++) {
      const [x, y, z] = surface.sample(random);
      positions[p++] = x;
      positions[p++] = y;
      positions[p++] = z;
    }
  });
  return { positions, count };
}
