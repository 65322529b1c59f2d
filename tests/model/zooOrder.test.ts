import { describe, expect, it } from 'vitest';
import { zooOrder } from '../../src/model/zooOrder';

describe('zooOrder (the default model first)', () => {
  it('puts the best measured test accuracy first, unevaluated models last, ties by id', () => {
    const order = zooOrder([
      { id: 'none-modelnet40', metrics: { testOverallAccuracy: 0.85 } },
      { id: 'unevaluated', metrics: { testOverallAccuracy: null } },
      { id: 'kwt1-modelnet40', metrics: { testOverallAccuracy: 0.87 } },
      { id: 'use-lite-modelnet40', metrics: { testOverallAccuracy: 0.9 } },
      { id: 'b-tie', metrics: { testOverallAccuracy: 0.85 } },
      { id: 'a-no-metrics' },
    ]);
    expect(order).toEqual(['use-lite-modelnet40', 'kwt1-modelnet40', 'b-tie', 'none-modelnet40', 'a-no-metrics', 'unevaluated']);
  });

  it('puts the no-backbone baseline after every backbone model, even when it scores higher', () => {
    const order = zooOrder([
      { id: 'none-modelnet40', backbone: { name: 'none' }, metrics: { testOverallAccuracy: 0.95 } },
      { id: 'kwt1-modelnet40', backbone: { name: 'kwt1' }, metrics: { testOverallAccuracy: 0.8 } },
      { id: 'unevaluated', backbone: { name: 'vit-mnist' } },
    ]);
    expect(order).toEqual(['kwt1-modelnet40', 'unevaluated', 'none-modelnet40']);
  });

  it('puts models trained on every heading first among backbone models, whatever they score as stored', () => {
    const order = zooOrder([
      { id: 'kwt1-modelnet40', backbone: { name: 'kwt1' }, metrics: { testOverallAccuracy: 0.8772 } },
      { id: 'use-lite-modelnet40', backbone: { name: 'use-lite' }, metrics: { testOverallAccuracy: 0.8768 }, training: { rotate: 'z' } },
      { id: 'z90', backbone: { name: 'use-lite' }, metrics: { testOverallAccuracy: 0.95 }, training: { rotate: 'z90' } },
      { id: 'none-modelnet40', backbone: { name: 'none' }, metrics: { testOverallAccuracy: 0.9 }, training: { rotate: 'z' } },
    ]);
    expect(order).toEqual(['use-lite-modelnet40', 'z90', 'kwt1-modelnet40', 'none-modelnet40']);
  });

  it('does not reorder its input array', () => {
    const input = [{ id: 'b', metrics: { testOverallAccuracy: 0.1 } }, { id: 'a', metrics: { testOverallAccuracy: 0.2 } }];
    expect(zooOrder(input)).toEqual(['a', 'b']);
    expect(input.map((m) => m.id)).toEqual(['b', 'a']);
  });
});
