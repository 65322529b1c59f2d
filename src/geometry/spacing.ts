// How far apart a cloud's points lie, and whether a sparse cloud is answered grown
// (docs/geometry.md 1.5, RULE-grow-spacing). Twins of training/any2point/geometry.py `spacing`
// and `answers_grown`, equal bit for bit (tests/fixtures/geometry, the grown cases).
import { grows } from './grow';
import { normalise } from './normalise';
import { pointCount } from './points';

/** A normalised N x 3 cloud (centred, farthest point at 1) -> the lower median over its points of
 * the float64 distance sqrt((dx*dx + dy*dy) + dz*dz) to the nearest point at another position
 * (points at one position have none and are left out; 0 when no point has one): how far apart
 * the points lie. A sparse cloud is answered grown only when this is above its model's
 * calibration.growSpacing (RULE-grow-spacing: a partial scan is sparse because it covers less of
 * the shape, and growing it makes it denser than anything the model was trained on). The twin of
 * training/any2point/geometry.py `spacing`. */
export function spacing(points: Float32Array): number {
  const n = pointCount(points, 'spacing');
  const nearest: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      const dx = points[3 * j] - points[3 * i];
      const dy = points[3 * j + 1] - points[3 * i + 1];
      const dz = points[3 * j + 2] - points[3 * i + 2];
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > 0 && d2 < best) best = d2;
    }
    if (best < Infinity) nearest.push(Math.sqrt(best));
  }
  if (nearest.length === 0) return 0;
  nearest.sort((a, b) => a - b);
  return nearest[(nearest.length - 1) >> 1];
}

/** Whether a model answers this cloud (any scale, as a loader gives it) from it grown (decide.ts
 * step 5): at most N_in / 3 points and, with `minSpacing` (the calibration's growSpacing), its
 * spacing once normalised above it; a partial scan whose points are as close as the model's own
 * stays repeated. */
export function answersGrown(positions: Float32Array, nIn: number, minSpacing?: number): boolean {
  if (!grows(positions.length / 3, nIn)) return false;
  return minSpacing === undefined || spacing(normalise(positions)) > minSpacing;
}
