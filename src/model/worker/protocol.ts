// The model worker's requests (model.worker.ts), carried by src/worker/transport.ts.
import type { UpAxis } from '../../geometry/normalise';
import type { Call } from '../../worker/transport';
import type { Classification } from '../classifier';
import type { LoadProgress } from '../progress';
import type { Backend, DeviceChoice } from '../session';
import type { ZooManifest } from '../zoo';
import type { CrossValidation } from '../../teach/crossValidate';
import type { Examples, Head } from '../../teach/head';

export interface OpenedModel {
  manifest: ZooManifest;
  backend: Backend;
  fallbackReason: string | null;
  /** Load time: download, assembly and session creation. */
  ms: number;
}

export interface ClassifyProgress {
  stage: 'waiting' | 'running';
}

/** A taught head (src/teach) and the model it was taught on, sent with each classify call so the
 * worker holds no head state a restart could lose. The worker refuses it for any other model. */
export interface HeadForModel {
  name: string;
  modelId: string;
  /** sha256 of the model's ONNX file (manifest.files[onnx.file]). */
  modelSha256: string;
  head: Head;
}

/** Teaching: cross-validation folds first, then the head on every example. */
export interface TrainProgress {
  stage: 'cross-validating' | 'training';
  fold: number;
  folds: number;
  iteration: number;
  iterations: number;
}

export interface Trained {
  head: Head;
  cv: CrossValidation;
  /** Milliseconds spent cross-validating and training the final head. */
  ms: { crossValidate: number; train: number };
}

export interface ModelApi {
  /** The zoo's manifests. */
  list: Call<Record<string, never>, { models: ZooManifest[] }>;
  /** Downloads / assembles / opens a model; replaces the open one. Reports download progress. */
  open: Call<{ modelId: string; device: DeviceChoice }, OpenedModel, LoadProgress>;
  /** Classifies with the open model. `positions` is transferred, and so are the result's arrays.
   * Reports its stage: waiting for a model being opened, then running. */
  classify: Call<{ positions: Float32Array; up: UpAxis | 'auto'; votes?: number; head?: HeadForModel }, Classification, ClassifyProgress>;
  /** Teaches a head on feature rows (src/teach/head.ts) and cross-validates it, off the page's thread. */
  train: Call<{ examples: Examples }, Trained, TrainProgress>;
}
