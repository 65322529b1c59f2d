import { describe, expect, it } from 'vitest';
import { fullIndex, shownHover, shownPointValues, shownPointValuesInSteps } from '../../src/ui/shownAttention';
import { pointBudgetFor } from '../../src/ui/viewer/pointBudget';
import { SMALLEST_VIEW_BUDGET, VIEW_POINT_BUDGET } from '../../src/worker/shownPoints';

const perToken = new Float32Array([0.1, 0.5, 0.9]);
const tokenOfPoint = new Uint32Array([0, 1, 2, 2, 1, 0]);

describe('attention on a decimated view', () => {
  it('gives each shown point the value of its own point in the classified cloud', () => {
    expect(Array.from(shownPointValues(perToken, tokenOfPoint, new Uint32Array([5, 2, 4])))).toEqual([perToken[0], perToken[2], perToken[1]]);
  });

  it('gives every point its value when all are shown', () => {
    expect(Array.from(shownPointValues(perToken, tokenOfPoint, null))).toEqual(Array.from(tokenOfPoint, (t) => perToken[t]));
  });

  it('gives the same values in steps, yielding between them', async () => {
    const indices = new Uint32Array([5, 2, 4, 0, 1]);
    let yields = 0;
    const stepped = await shownPointValuesInSteps(perToken, tokenOfPoint, indices, 2, async () => void yields++);
    expect(Array.from(stepped)).toEqual(Array.from(shownPointValues(perToken, tokenOfPoint, indices)));
    expect(yields).toBe(2);
    expect(Array.from(await shownPointValuesInSteps(perToken, tokenOfPoint, null, 4, async () => undefined))).toEqual(Array.from(tokenOfPoint, (t) => perToken[t]));
  });

  it('names the classified point under the pointer, with its token and value', () => {
    const indices = new Uint32Array([5, 2, 4]);
    const values = shownPointValues(perToken, tokenOfPoint, indices);
    expect(fullIndex(1, indices)).toBe(2);
    expect(shownHover(1, tokenOfPoint, values, indices)).toEqual({ point: 2, token: 2, value: perToken[2] });
    expect(shownHover(3, tokenOfPoint, values, indices)).toBeNull();
    expect(shownHover(null, tokenOfPoint, values, indices)).toBeNull();
  });
});

describe('pointBudgetFor', () => {
  it('gives software GLs the smallest budget and others the full one', () => {
    expect(pointBudgetFor('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(SMALLEST_VIEW_BUDGET);
    expect(pointBudgetFor('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(SMALLEST_VIEW_BUDGET);
    expect(pointBudgetFor('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0)')).toBe(VIEW_POINT_BUDGET);
  });
});
