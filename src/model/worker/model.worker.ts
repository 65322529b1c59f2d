/// <reference lib="webworker" />
// The model worker: hosts one classifier (src/model/classifier.ts) off the main thread, so the
// page never freezes while the network loads or runs.
import { createClassifier, type Classification, type Classifier } from '../classifier';
import { listModels } from '../zoo';
import type { ModelAnswers, ModelMessage, ModelRequest, ModelRequests } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let current: Classifier | null = null;
let opening: Promise<unknown> = Promise.resolve();

function post(message: ModelMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

/** The arrays of a classification, moved rather than copied to the page. */
function transferables(r: Classification): Transferable[] {
  const arrays = [r.probabilities, r.logits, r.attention.data, r.tokenOfPoint, r.tokens, r.pos];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

async function open(id: number, { modelId, device }: ModelRequests['open']): Promise<ModelAnswers['open']> {
  const start = performance.now();
  const previous = current;
  current = null;
  await previous?.dispose();
  const clf = await createClassifier(modelId, { device, onProgress: (progress) => post({ id, kind: 'progress', progress }) });
  current = clf;
  return { manifest: clf.manifest, backend: clf.backend, fallbackReason: clf.fallbackReason, ms: performance.now() - start };
}

self.onmessage = async (event: MessageEvent<ModelRequest>) => {
  const request = event.data;
  const { id } = request;
  try {
    if (request.type === 'list') {
      post({ id, kind: 'answer', answer: { models: await listModels() } });
    } else if (request.type === 'open') {
      // Opens run one after another; the last one wins.
      const run = opening.then(() => open(id, request.payload));
      opening = run.catch(() => undefined);
      post({ id, kind: 'answer', answer: await run });
    } else if (request.type === 'classify') {
      await opening;
      if (!current) throw new Error('No model is open: choose a model first');
      const result = await current.classify(request.payload.positions, { up: request.payload.up, votes: request.payload.votes });
      post({ id, kind: 'answer', answer: result }, transferables(result));
    } else {
      throw new Error(`model worker: unknown request ${JSON.stringify((request as { type: unknown }).type)}`);
    }
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ id, kind: 'error', error: { name: e.name, message: e.message } });
  }
};
