import { describe, expect, it } from 'vitest';
import { classKey, matchClasses } from '../../src/batch/classNames';

const MODELNET = ['airplane', 'flower_pot', 'night_stand', 'tv_stand', 'chair'];

describe('folder names -> classes', () => {
  it("ignores case and treats '_', '-' and spaces alike", () => {
    const { classOf, unmatched } = matchClasses(['Flower Pot', 'night-stand', 'TV_Stand', ' chair ', 'AIRPLANE', 'tv  -stand'], MODELNET);
    expect([...classOf]).toEqual([
      ['Flower Pot', 1],
      ['night-stand', 2],
      ['TV_Stand', 3],
      [' chair ', 4],
      ['AIRPLANE', 0],
      ['tv  -stand', 3],
    ]);
    expect(unmatched).toEqual([]);
  });

  it('reports near-misses rather than guessing, sorted', () => {
    const { classOf, unmatched } = matchClasses(['chairs', 'flowerpot', 'airplane'], MODELNET);
    expect(classOf.get('chairs')).toBeNull();
    expect(classOf.get('airplane')).toBe(0);
    expect(unmatched).toEqual(['chairs', 'flowerpot']);
  });

  it('compares composed and decomposed accents alike', () => {
    expect(classKey('caf\u00e9')).toBe(classKey('cafe\u0301'));
  });
});
