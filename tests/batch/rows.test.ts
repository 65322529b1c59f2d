import { describe, expect, it } from 'vitest';
import { sortRows, type BatchRow } from '../../src/batch/rows';

const row = (id: number, path: string, extra: Partial<BatchRow> = {}): BatchRow => ({ id, path, status: 'done', ...extra });
const ROWS: BatchRow[] = [
  row(0, 'f10.ply', { points: 30, top: [{ label: 'chair', index: 0, probability: 0.5 }], ms: 20 }),
  row(1, 'f9.ply', { status: 'failed', error: 'x' }),
  row(2, 'f2.ply', { points: 10, top: [{ label: 'bed', index: 1, probability: 0.9 }], ms: 5 }),
  row(3, 'f1.ply', { points: 30, top: [{ label: 'chair', index: 0, probability: 0.7 }], ms: 7 }),
  row(4, 'f3.ply', { status: 'queued' }),
];
const ids = (rows: BatchRow[]) => rows.map((r) => r.id);

describe('sorting the table', () => {
  it('by file: numbers in names in numeric order', () => {
    expect(ids(sortRows(ROWS, { key: 'file', descending: false }))).toEqual([3, 2, 4, 1, 0]);
    expect(ids(sortRows(ROWS, { key: 'file', descending: true }))).toEqual([0, 1, 4, 2, 3]);
  });

  it('by a number: rows without it last either way, ties in batch order', () => {
    expect(ids(sortRows(ROWS, { key: 'points', descending: false }))).toEqual([2, 0, 3, 1, 4]);
    expect(ids(sortRows(ROWS, { key: 'points', descending: true }))).toEqual([0, 3, 2, 1, 4]);
    expect(ids(sortRows(ROWS, { key: 'probability', descending: true }))).toEqual([2, 3, 0, 1, 4]);
    expect(ids(sortRows(ROWS, { key: 'time', descending: false }))).toEqual([2, 3, 0, 1, 4]);
  });

  it('by top-1 label', () => {
    expect(ids(sortRows(ROWS, { key: 'top1', descending: false }))).toEqual([2, 0, 3, 1, 4]);
  });

  it('leaves its input alone', () => {
    const before = ids(ROWS);
    sortRows(ROWS, { key: 'time', descending: true });
    expect(ids(ROWS)).toEqual(before);
  });
});
