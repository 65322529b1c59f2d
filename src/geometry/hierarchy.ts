// CPU twin of the tokenizer hierarchy (docs/geometry.md section 4): FPS + k-NN per stage, each
// stage working on the previous stage's centres.
import { fps } from './fps';
import { knn } from './knn';
import { gather } from './points';
import type { StageOutput, StageSpec } from './spec';

export interface HierarchyOutput {
  stages: StageOutput[];
  /** The last stage's centres, T x 3. */
  tokens: Float32Array;
}

export function hierarchy(points: Float32Array, stages: StageSpec[]): HierarchyOutput {
  let x = points;
  const out: StageOutput[] = [];
  for (const stage of stages) {
    const f = fps(x, stage.centers);
    out.push({ fps: f, knn: knn(x, f, stage.k) });
    x = gather(x, f);
  }
  return { stages: out, tokens: x };
}
