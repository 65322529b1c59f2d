// The accuracy page (accuracy.html): the app's own model worker (the pipeline the UI runs:
// normalise -> geometry -> onnxruntime-web), fed clouds in bulk instead of dropped files.
// scripts/bench-accuracy.ts drives it through `window.accuracy`.
import type { DeviceChoice } from '../src/model/session';
import { ModelClient } from '../src/model/worker/client';

export interface OpenSummary {
  backend: string;
  fallbackReason: string | null;
  classes: string[];
  ms: number;
}

export interface BatchResult {
  /** clouds x classes, flattened: vote 0's logits, and the probabilities of all votes. */
  logits: number[];
  probabilities: number[];
  votes: number;
  /** Every backend / geometry path the clouds ran on (one each when nothing fell back). */
  backends: string[];
  geometryPaths: string[];
  /** classify() time inside the worker, per cloud. */
  classifyMs: number[];
}

export interface AccuracyPage {
  open(modelId: string, device: DeviceChoice): Promise<OpenSummary>;
  /** `base64`: clouds of `points` x 3 little-endian float32, back to back; `votes`: the manifest's when absent. */
  classify(base64: string, points: number, votes?: number): Promise<BatchResult>;
}

let client: ModelClient | null = null;

function decode(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

const page: AccuracyPage = {
  async open(modelId, device) {
    client?.dispose();
    client = new ModelClient();
    const opened = await client.open(modelId, device);
    return { backend: opened.backend, fallbackReason: opened.fallbackReason, classes: opened.manifest.classes, ms: opened.ms };
  },
  async classify(base64, points, votes) {
    if (!client) throw new Error('accuracy page: open a model first');
    const all = decode(base64);
    const size = points * 3;
    if (all.length % size !== 0) throw new Error(`accuracy page: ${all.length} floats is not a whole number of ${points}-point clouds`);
    const logits: number[] = [];
    const probabilities: number[] = [];
    let used = 1;
    const backends = new Set<string>();
    const geometryPaths = new Set<string>();
    const classifyMs: number[] = [];
    for (let at = 0; at < all.length; at += size) {
      const r = await client.classify(all.subarray(at, at + size), 'z', votes);
      logits.push(...r.logits);
      probabilities.push(...r.probabilities);
      used = r.votes;
      backends.add(r.backend);
      geometryPaths.add(r.geometryPath);
      classifyMs.push(r.timings.total);
    }
    return { logits, probabilities, votes: used, backends: [...backends], geometryPaths: [...geometryPaths], classifyMs };
  },
};

(window as unknown as { accuracy: AccuracyPage }).accuracy = page;
document.body.dataset.ready = 'true';
