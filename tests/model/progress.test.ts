import { describe, expect, it } from 'vitest';
import { combinedDownload, type LoadProgress } from '../../src/model/progress';

describe('combinedDownload (one bar over several files)', () => {
  it('shows 0 of 0 until every size is known, then one fixed total', () => {
    const seen: LoadProgress[] = [];
    const report = combinedDownload(['a', 'b', 'c'], (p) => seen.push(p));
    report('a', 0, 100); // b and c have not answered yet
    report('a', 40, 100);
    report('b', 0, 300);
    expect(seen.map((p) => [p.loaded, p.total])).toEqual([[0, 0], [0, 0], [0, 0]]);
    report('c', 10, 600); // the last size: 100 + 300 + 600
    report('b', 300, 300);
    report('a', 100, 100);
    report('c', 600, 600);
    expect(seen.slice(3).map((p) => [p.loaded, p.total])).toEqual([[50, 1000], [350, 1000], [410, 1000], [1000, 1000]]);
    expect(seen.every((p) => p.phase === 'download')).toBe(true);
  });

  it('keeps the total when a file later reports a different size, and never shows more than it', () => {
    const seen: LoadProgress[] = [];
    const report = combinedDownload(['a'], (p) => seen.push(p));
    report('a', 0, 10);
    report('a', 15, 15); // a server that sent more than it said
    expect(seen.map((p) => [p.loaded, p.total])).toEqual([[0, 10], [10, 10]]);
  });

  it('refuses a file it was not told about', () => {
    expect(() => combinedDownload(['a'])('b', 1, 1)).toThrow('combinedDownload: b is not one of a');
  });
});
