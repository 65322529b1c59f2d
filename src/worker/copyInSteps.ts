// A copy of a large array made in steps, with a task boundary between steps: copying a 9M-point
// cloud's positions (108 MB) in one go took over 100 ms of the main thread on a loaded machine.

/** Floats per step: 4 MB. A 16 MB step (a fresh array's pages touched for the first time) took
 * 80-120 ms of the main thread on a loaded 2-core machine (a Chrome trace of e2e/huge.spec.ts). */
export const COPY_STEP = 1 << 20;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A copy of `source`, `step` floats at a time, awaiting `between` between steps. */
export async function copyInSteps(source: Float32Array, step = COPY_STEP, between: () => Promise<void> = nextTask): Promise<Float32Array> {
  const copy = new Float32Array(source.length);
  for (let i = 0; i < source.length; i += step) {
    if (i > 0) await between();
    copy.set(source.subarray(i, i + step), i);
  }
  return copy;
}
