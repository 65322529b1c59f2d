// A taught head (src/teach/head.ts) made usable by the classifier for one model: it is refused,
// with a message that names both, when it was taught on another model or another version of it
// (the features of a re-exported model are not the ones the head learnt from).
import type { Head } from '../teach/head';
import { headLogits } from '../teach/head';
import type { TaughtHead } from './classifier';
import type { ZooManifest } from './zoo';

/** What a head was taught on: the model's id and the sha256 of its ONNX file. */
export interface ModelIdentity {
  modelId: string;
  modelSha256: string;
}

export function modelIdentity(manifest: ZooManifest): ModelIdentity {
  const file = manifest.files[manifest.onnx.file];
  if (!file) throw new Error(`${manifest.id}: the manifest lists no sha256 for ${manifest.onnx.file}`);
  return { modelId: manifest.id, modelSha256: file.sha256 };
}

/** Why `taught` cannot be used with `manifest`, or null when it can. */
export function headRefusal(manifest: ZooManifest, taught: ModelIdentity & { name: string }): string | null {
  const own = modelIdentity(manifest);
  if (taught.modelId !== own.modelId) {
    return `The head "${taught.name}" was taught on the model ${taught.modelId}, not on ${own.modelId} (the one open): choose ${taught.modelId} to use it.`;
  }
  if (taught.modelSha256 !== own.modelSha256) {
    return `The head "${taught.name}" was taught on another version of ${own.modelId} (model sha256 ${taught.modelSha256.slice(0, 12)}…, this one is ${own.modelSha256.slice(0, 12)}…): teach it again on this version.`;
  }
  return null;
}

/** The classifier's view of a head checked against the open model. */
export function taughtHeadFor(manifest: ZooManifest, taught: ModelIdentity & { name: string; head: Head }): TaughtHead {
  const refusal = headRefusal(manifest, taught);
  if (refusal) throw new Error(refusal);
  const { head } = taught;
  return {
    name: taught.name,
    classes: head.classes,
    logits(features) {
      if (features.length !== head.dim) throw new Error(`The head "${taught.name}" reads ${head.dim} features; ${manifest.id} gives ${features.length}.`);
      return headLogits(head, features);
    },
  };
}
