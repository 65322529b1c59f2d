import { describe, expect, it } from 'vitest';
import type { BatchRow } from '../../src/batch/rows';
import { cellRows, summarise } from '../../src/batch/summary';

const CLASSES = ['chair', 'table', 'flower_pot'];
const top = (index: number, probability = 0.9) => [{ label: CLASSES[index], index, probability }];

const ROWS: BatchRow[] = [
  { id: 0, path: 'r/Chair/a.ply', folder: 'Chair', status: 'done', points: 10, top: top(0) },
  { id: 1, path: 'r/Chair/b.ply', folder: 'Chair', status: 'done', points: 10, top: top(1) },
  { id: 2, path: 'r/Chair/bad.ply', folder: 'Chair', status: 'failed', error: 'PLY: truncated' },
  { id: 3, path: 'r/flower-pot/c.ply', folder: 'flower-pot', status: 'done', points: 10, top: top(2) },
  { id: 4, path: 'r/misc/d.ply', folder: 'misc', status: 'done', points: 10, top: top(0) },
  { id: 5, path: 'r/table/e.ply', folder: 'table', status: 'queued' },
  { id: 6, path: 'r/loose.ply', status: 'done', points: 10, top: top(1) },
];

describe('summary of a labelled batch', () => {
  it('scores only classified files in matching folders', () => {
    const s = summarise(ROWS, CLASSES)!;
    expect(s.matching.unmatched).toEqual(['misc']);
    expect(s.scored).toEqual([
      { id: 0, truth: 0, predicted: 0 },
      { id: 1, truth: 0, predicted: 1 },
      { id: 3, truth: 2, predicted: 2 },
    ]);
    expect(s.accuracy!.overall).toBeCloseTo(2 / 3, 12);
    expect(s.accuracy!.meanClass).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(cellRows(s, 0, 1)).toEqual([1]);
    expect(cellRows(s, 1, 0)).toEqual([]);
  });

  it('is null when no file sits in a folder', () => {
    expect(summarise(ROWS.filter((r) => r.folder === undefined), CLASSES)).toBeNull();
  });
});
