import { describe, expect, it } from 'vitest';
import { copyInSteps } from '../../src/worker/copyInSteps';

describe('copyInSteps', () => {
  it('copies every value, into its own buffer, yielding between steps', async () => {
    const source = Float32Array.from({ length: 10 }, (_, i) => i * 1.5);
    let yields = 0;
    const copy = await copyInSteps(source, 4, async () => void yields++);
    expect(Array.from(copy)).toEqual(Array.from(source));
    expect(copy.buffer).not.toBe(source.buffer);
    expect(yields).toBe(2);
  });

  it('copies an empty array', async () => {
    expect((await copyInSteps(new Float32Array(0))).length).toBe(0);
  });
});
