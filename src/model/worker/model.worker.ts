/// <reference lib="webworker" />
// The model worker: hosts one classifier (src/model/classifier.ts) off the main thread, so the
// page never freezes while the network loads or runs.
import { serve, withTransfer } from '../../worker/transport';
import { createClassifier, type Classification, type Classifier } from '../classifier';
import { listModels } from '../zoo';
import { crossValidate } from '../../teach/crossValidate';
import { trainHead } from '../../teach/head';
import { taughtHeadFor } from '../taughtHead';
import type { ModelApi, TrainProgress } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let current: Classifier | null = null;
let opening: Promise<unknown> = Promise.resolve();

/** The arrays of a classification, moved rather than copied to the page. */
function transferables(r: Classification): Transferable[] {
  const arrays = [r.probabilities, r.logits, r.attention.data, r.tokenOfPoint, r.tokens, r.pos, ...(r.features ? [r.features] : [])];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

serve<ModelApi>(self, {
  async list() {
    return { models: await listModels() };
  },
  open({ modelId, device }, { progress }) {
    // Opens run one after another; the last one wins.
    const run = opening.then(async () => {
      const start = performance.now();
      const previous = current;
      current = null;
      await previous?.dispose();
      const clf = await createClassifier(modelId, { device, onProgress: progress });
      current = clf;
      return { manifest: clf.manifest, backend: clf.backend, fallbackReason: clf.fallbackReason, ms: performance.now() - start };
    });
    opening = run.catch(() => undefined);
    return run;
  },
  async classify({ positions, up, votes, head }, { progress }) {
    progress({ stage: 'waiting' });
    await opening;
    progress({ stage: 'running' });
    if (!current) throw new Error('No model is open: choose a model first');
    const taught = head ? taughtHeadFor(current.manifest, head) : undefined;
    const result = await current.classify(positions, { up, votes, head: taught });
    return withTransfer(result, transferables(result));
  },
  train({ examples }, { progress }) {
    // A message per step would outnumber the work: every 10th step and the last are reported.
    const report = (p: TrainProgress) => {
      if (p.iteration % 10 === 0 || p.iteration === p.iterations) progress(p);
    };
    const t0 = performance.now();
    const cv = crossValidate(examples, { onProgress: (p) => report({ stage: 'cross-validating', ...p }) });
    const t1 = performance.now();
    const head = trainHead(examples, { onProgress: (p) => report({ stage: 'training', fold: 1, folds: 1, ...p }) });
    const answer = { head, cv, ms: { crossValidate: t1 - t0, train: performance.now() - t1 } };
    return withTransfer(answer, [head.mean.buffer as ArrayBuffer, head.weights.buffer as ArrayBuffer, head.bias.buffer as ArrayBuffer]);
  },
});
