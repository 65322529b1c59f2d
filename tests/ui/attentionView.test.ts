// The attention arithmetic of the page, on a case small enough to work out by hand.
import { describe, expect, it } from 'vitest';
import type { Classification } from '../../src/model/classifier';
import { attentionMaps, pointValues } from '../../src/model/postprocess';
import type { PointCloud } from '../../src/types/cloud';
import { clampView, hoverInfo, resultForCloud } from '../../src/ui/attentionView';
import { valueBounds } from '../../src/ui/viewer/colors';

// 2 layers x 2 heads x 3 tokens; every value is exact in float32.
const maps = attentionMaps(
  new Float32Array([
    ...[0.75, 0.125, 0.125], // layer 0, head 0
    ...[0.5, 0.25, 0.25], //    layer 0, head 1
    ...[0.5, 0.125, 0.375], //  layer 1, head 0
    ...[0.25, 0.25, 0.5], //    layer 1, head 1
  ]),
  2,
  2,
  3,
);
// Four points: the first belongs to token 2, the next two to token 0, the last to token 1.
const tokenOfPoint = new Uint32Array([2, 0, 0, 1]);

describe('attention view', () => {
  it('clamps the chosen layer and head to what the model has', () => {
    expect(clampView({ enabled: true, layer: 5, head: 3 }, maps)).toEqual({ layer: 1, head: 1 });
    expect(clampView({ enabled: true, layer: 0, head: 'mean' }, maps)).toEqual({ layer: 0, head: 'mean' });
    expect(clampView({ enabled: false, layer: 1, head: 0 }, maps)).toEqual({ layer: 1, head: 0 });
  });

  it('gives the legend range and the hovered value of the layer-1 head mean', () => {
    // Layer 1's mean over heads: token 0 (0.5 + 0.25) / 2 = 0.375, token 1 (0.125 + 0.25) / 2 =
    // 0.1875, token 2 (0.375 + 0.5) / 2 = 0.4375; each point takes its token's value.
    const values = pointValues(maps, tokenOfPoint, 1, 'mean');
    expect([...values]).toEqual([0.4375, 0.375, 0.375, 0.1875]);
    expect(valueBounds(values)).toEqual([0.1875, 0.4375]);
    expect(hoverInfo(3, tokenOfPoint, values)).toEqual({ point: 3, token: 1, value: 0.1875 });
    expect(hoverInfo(0, tokenOfPoint, values)).toEqual({ point: 0, token: 2, value: 0.4375 });
    expect(hoverInfo(4, tokenOfPoint, values)).toBeNull(); // past the cloud's end
    expect(hoverInfo(null, tokenOfPoint, values)).toBeNull();
  });

  it('colours a cloud only with the result computed for it', () => {
    const positions = new Float32Array(12);
    const cloud: PointCloud = { positions, count: 4 };
    const result = { tokenOfPoint, attention: maps } as unknown as Classification;
    // The page classifies a view of the cloud's own buffer.
    expect(resultForCloud(result, { positions: positions.subarray(0, 12), up: 'z' }, cloud)).toBe(result);
    // An earlier cloud's result (another buffer), or one of another size, is not shown.
    expect(resultForCloud(result, { positions: positions.slice(), up: 'z' }, cloud)).toBeNull();
    expect(resultForCloud(result, { positions, up: 'z' }, { positions, count: 3 })).toBeNull();
    expect(resultForCloud(null, { positions, up: 'z' }, cloud)).toBeNull();
    expect(resultForCloud(result, { positions, up: 'z' }, null)).toBeNull();
  });
});
