// Writes per-point colours into an existing Float32Array (count * 3), so the viewer can update
// its colour attribute in place instead of allocating a new one.
import type { PointCloud } from '../../types/cloud';
import { type ColorMode, heightAxis } from './colorMode';
import { objectRgb } from './objectColours';
import { COLORMAP_SIZE, type ColormapId, colormapTable } from './colormaps';

const HEIGHT_COLORMAP: ColormapId = 'viridis';

/** Smallest and largest of the values (NaN ignored). */
export function valueBounds(values: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Maps values to colours through a colormap, scaling `range` (the values' own [min, max] when
 * absent) to [0, 1]. */
export function fillScalarColors(target: Float32Array, values: Float32Array, colormap: ColormapId, range = valueBounds(values)): void {
  if (target.length !== values.length * 3) {
    throw new Error(`colour buffer holds ${target.length / 3} points but ${values.length} values were given`);
  }
  const [min, max] = range;
  const table = colormapTable(colormap);
  const scale = max > min ? (COLORMAP_SIZE - 1) / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    // NaN falls to entry 0 rather than reading outside the table.
    const entry = Math.min(COLORMAP_SIZE - 1, Math.max(0, Math.round((values[i] - min) * scale) || 0)) * 3;
    target[i * 3] = table[entry];
    target[i * 3 + 1] = table[entry + 1];
    target[i * 3 + 2] = table[entry + 2];
  }
}

function fillHeightColors(target: Float32Array, positions: Float32Array, count: number, axis: number, sign: 1 | -1): void {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const h = sign * positions[i * 3 + axis];
    if (h < min) min = h;
    if (h > max) max = h;
  }
  const table = colormapTable(HEIGHT_COLORMAP);
  const scale = max > min ? (COLORMAP_SIZE - 1) / (max - min) : 0;
  for (let i = 0; i < count; i++) {
    const entry = Math.round((sign * positions[i * 3 + axis] - min) * scale) * 3;
    target[i * 3] = table[entry];
    target[i * 3 + 1] = table[entry + 1];
    target[i * 3 + 2] = table[entry + 2];
  }
}

/** Colours a cloud by height, or with its own colours; a cloud without colours falls back to height (z up). */
export function fillCloudColors(target: Float32Array, cloud: PointCloud, mode: ColorMode): void {
  if (target.length !== cloud.count * 3) {
    throw new Error(`colour buffer holds ${target.length / 3} points but the cloud has ${cloud.count}`);
  }
  if (mode.kind === 'file' && cloud.colors) {
    target.set(cloud.colors.subarray(0, cloud.count * 3));
    return;
  }
  if (mode.kind === 'objects' && mode.labels.length === cloud.count) {
    const rgb = new Map<number, [number, number, number]>();
    for (let i = 0; i < cloud.count; i++) {
      const k = mode.labels[i]!;
      let c = rgb.get(k);
      if (c === undefined) rgb.set(k, (c = objectRgb(k)));
      target.set(c, 3 * i);
    }
    return;
  }
  const up = mode.kind === 'height' ? mode.up : 'z';
  const { axis, sign } = heightAxis(up);
  fillHeightColors(target, cloud.positions, cloud.count, axis, sign);
}
