// Hand-worked: 3 chairs (2 right, 1 taken for a table), 1 table (right), 2 lamps (0 right, both chairs).
import { describe, expect, it } from 'vitest';
import { batchAccuracy, confusion } from '../../src/batch/stats';

const CHAIR = 0;
const TABLE = 3;
const LAMP = 7;
const SCORED = [
  { truth: CHAIR, predicted: CHAIR },
  { truth: CHAIR, predicted: TABLE },
  { truth: LAMP, predicted: CHAIR },
  { truth: CHAIR, predicted: CHAIR },
  { truth: TABLE, predicted: TABLE },
  { truth: LAMP, predicted: CHAIR },
];

describe('accuracy', () => {
  it('overall is right / files; mean class is the mean of each true class recall', () => {
    const a = batchAccuracy(SCORED, 10)!;
    expect(a.count).toBe(6);
    expect(a.overall).toBeCloseTo(3 / 6, 12);
    // chair 2/3, table 1/1, lamp 0/2 -> (2/3 + 1 + 0) / 3
    expect(a.meanClass).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
    expect(a.perClass).toEqual([
      { index: CHAIR, count: 3, accuracy: 2 / 3 },
      { index: TABLE, count: 1, accuracy: 1 },
      { index: LAMP, count: 2, accuracy: 0 },
    ]);
  });

  it('is null with nothing scored', () => {
    expect(batchAccuracy([], 10)).toBeNull();
  });
});

describe('confusion', () => {
  it('covers the classes that are a truth or a prediction, in model order', () => {
    const m = confusion(SCORED);
    expect(m.classes).toEqual([CHAIR, TABLE, LAMP]);
    expect(m.counts).toEqual([
      [2, 1, 0],
      [0, 1, 0],
      [2, 0, 0],
    ]);
  });

  it('a class only predicted gets a column (and an empty row)', () => {
    const m = confusion([{ truth: 1, predicted: 5 }]);
    expect(m.classes).toEqual([1, 5]);
    expect(m.counts).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });
});
