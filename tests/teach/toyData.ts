// Seeded toy feature sets for the head tests: Gaussian blobs around well-separated centres.
import { createRandom } from '../../src/geometry/random';
import type { Examples } from '../../src/teach/examples';

/** `perClass[c]` rows of class c around centre c (unit vector along channel c, times `spread`). */
export function blobs(perClass: number[], dim: number, seed: number, noise = 0.3): Examples {
  const rand = createRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const labels: number[] = [];
  perClass.forEach((k, c) => labels.push(...new Array<number>(k).fill(c)));
  const features = new Float32Array(labels.length * dim);
  labels.forEach((c, i) => {
    for (let d = 0; d < dim; d++) features[i * dim + d] = (d === c ? 3 : 0) + 1 + noise * gauss();
  });
  return { features, dim, labels, classes: perClass.map((_, c) => `class ${c}`) };
}

export function argmaxRows(values: Float32Array, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length / c; i++) {
    let best = 0;
    for (let q = 1; q < c; q++) if (values[i * c + q] > values[i * c + best]) best = q;
    out.push(best);
  }
  return out;
}
