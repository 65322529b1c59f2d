// Columns past x, y, z in a table of points (XYZ / CSV rows, NumPy arrays): columns 4-6 read as
// colours or normals, and the warnings for columns that are not read.
import type { PointCloud } from '../types/cloud';

export type Extra = 'colors255' | 'colors1' | 'normals' | 'ignored';

/** Without names: integers up to 255 (one above 1) are colours; unit or zero vectors are normals. */
export function inferExtra(extra: Float32Array, rows: number): Extra {
  let integers = true;
  let max = -Infinity;
  let min = Infinity;
  let unitOrZero = true;
  for (let i = 0; i < rows; i++) {
    const a = extra[3 * i]!;
    const b = extra[3 * i + 1]!;
    const c = extra[3 * i + 2]!;
    for (const v of [a, b, c]) {
      if (!Number.isInteger(v)) integers = false;
      if (v > max) max = v;
      if (v < min) min = v;
    }
    const len2 = a * a + b * b + c * c;
    if (len2 !== 0 && Math.abs(len2 - 1) > 0.02) unitOrZero = false;
  }
  if (integers && min >= 0 && max <= 255 && max > 1) return 'colors255';
  if (unitOrZero) return 'normals';
  if (min >= 0 && max <= 1) return 'colors1';
  return 'ignored';
}

/** Puts columns 4-6 (`values`, 3 a point) on the cloud as `kind` says, or warns they were not read. */
export function useExtraColumns(label: string, cloud: PointCloud, values: Float32Array, kind: Extra, warnings: string[]): void {
  if (kind === 'colors255') for (let i = 0; i < values.length; i++) values[i]! /= 255;
  if (kind === 'colors255' || kind === 'colors1') cloud.colors = values;
  else if (kind === 'normals') cloud.normals = values;
  else warnings.push(`${label}: columns 4 to 6 are neither colours nor unit normals and were ignored`);
}

/** The warning for columns that are read by no one: 4-5 of a 4- or 5-column table, 7 on. */
export function warnUnreadColumns(label: string, columns: number, warnings: string[]): void {
  if (columns > 6 || (columns > 3 && columns < 6)) {
    const from = columns < 6 ? 4 : 7;
    warnings.push(`${label}: column${columns === from ? '' : 's'} ${from}${columns === from ? '' : ` to ${columns}`} ignored`);
  }
}
