// The downloads: the CSV read back by papaparse (an independent reader of what it wrote) and the JSON.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvRecords, toCsv, toJson } from '../../src/batch/export';
import type { BatchRow } from '../../src/batch/rows';
import { summarise } from '../../src/batch/summary';

const CLASSES = ['chair', 'table', 'bed', 'lamp', 'sofa', 'desk'];
const ranked = (order: number[]) => order.map((index, k) => ({ label: CLASSES[index], index, probability: [0.6, 0.2, 0.1, 0.06, 0.04][k] }));

const ROWS: BatchRow[] = [
  { id: 0, path: 'scans/chair/a, "quoted".ply', folder: 'chair', status: 'done', points: 1024, top: ranked([0, 1, 2, 3, 4]), up: 'z', notSure: false, ms: 812.4 },
  { id: 1, path: 'scans/chair/b.ply', folder: 'chair', status: 'done', points: 2048, top: ranked([1, 0, 2, 3, 4]), up: 'y', notSure: true, ms: 700 },
  { id: 2, path: 'scans/chair/broken.ply', folder: 'chair', status: 'failed', error: 'PLY: header declares 5,000 vertices\nbut the file ends after 100' },
  { id: 3, path: '=cmd.ply', status: 'done', points: 5, top: ranked([5, 4, 3, 2, 1]), ms: 3 },
];

describe('CSV', () => {
  const classOf = summarise(ROWS, CLASSES)!.matching.classOf;
  const parsed = Papa.parse<Record<string, string>>(toCsv(ROWS, classOf), { header: true, skipEmptyLines: true });

  it('reads back as one record per file with the columns in order', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual(Object.keys(csvRecords(ROWS)[0]));
    expect(parsed.meta.fields).toEqual(['file', 'folder', 'points', 'up', 'top1', 'probability1', 'top2', 'probability2', 'top3', 'probability3', 'top4', 'probability4', 'top5', 'probability5', 'sure', 'correct', 'ms', 'error']);
    expect(parsed.data).toHaveLength(4);
  });

  it('keeps commas, quotes and line breaks inside cells', () => {
    expect(parsed.data[0].file).toBe('scans/chair/a, "quoted".ply');
    expect(parsed.data[2].error).toBe('PLY: header declares 5,000 vertices\nbut the file ends after 100');
  });

  it('writes the top-5, correctness and times', () => {
    const [a, b, broken] = parsed.data;
    expect([a.top1, a.probability1, a.top5, a.probability5]).toEqual(['chair', '0.6', 'sofa', '0.04']);
    expect([a.correct, b.correct, broken.correct]).toEqual(['yes', 'no', '']);
    expect([a.up, b.up, broken.up]).toEqual(['z', 'y', '']);
    expect([a.sure, b.sure, broken.sure]).toEqual(['yes', 'no', '']);
    expect([a.ms, a.points, broken.points, broken.top1]).toEqual(['812', '1024', '', '']);
  });

  it('defuses a cell a spreadsheet would run as a formula', () => {
    expect(parsed.data[3].file).toBe("'=cmd.ply");
  });
});

describe('JSON', () => {
  it('holds the files and, for class folders, the accuracy and confusion by class name', () => {
    const summary = summarise(ROWS, CLASSES)!;
    const json = toJson(ROWS, { model: 'm', up: 'z', votes: 1, started: '2026-12-02T08:00:00.000Z' }, CLASSES, summary.accuracy, summary.confusion);
    expect(json.files[2]).toEqual({ file: 'scans/chair/broken.ply', folder: 'chair', points: null, up: null, notSure: null, top: [], ms: null, error: ROWS[2].error });
    expect([json.files[1].up, json.files[1].notSure]).toEqual(['y', true]);
    expect(json.files[0].top[0]).toEqual({ label: 'chair', probability: 0.6 });
    expect(json.accuracy).toEqual({ files: 2, overall: 0.5, meanClass: 0.5, classes: ['chair', 'table'], confusion: [[1, 1], [0, 0]] });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
