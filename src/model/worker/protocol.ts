// The model worker's requests (model.worker.ts), carried by src/worker/transport.ts.
import type { UpAxis } from '../../geometry/normalise';
import type { Call } from '../../worker/transport';
import type { Classification } from '../classifier';
import type { LoadProgress } from '../progress';
import type { Backend, DeviceChoice } from '../session';
import type { ZooManifest } from '../zoo';

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

export interface ModelApi {
  /** The zoo's manifests. */
  list: Call<Record<string, never>, { models: ZooManifest[] }>;
  /** Downloads / assembles / opens a model; replaces the open one. Reports download progress. */
  open: Call<{ modelId: string; device: DeviceChoice }, OpenedModel, LoadProgress>;
  /** Classifies with the open model. `positions` is transferred, and so are the result's arrays.
   * Reports its stage: waiting for a model being opened, then running. */
  classify: Call<{ positions: Float32Array; up: UpAxis | 'auto'; votes?: number }, Classification, ClassifyProgress>;
}
