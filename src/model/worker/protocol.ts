// Messages between the page and the model worker (model.worker.ts). Requests carry an id that
// their answer repeats; a request may also get progress events before its answer.
import type { UpAxis } from '../../geometry/normalise';
import type { Classification } from '../classifier';
import type { LoadProgress } from '../progress';
import type { Backend, DeviceChoice } from '../session';
import type { ZooManifest } from '../zoo';

export interface ModelRequests {
  /** The zoo's manifests. */
  list: Record<string, never>;
  /** Downloads / assembles / opens a model; replaces the open one. */
  open: { modelId: string; device: DeviceChoice };
  /** Classifies with the open model. `positions` is transferred. */
  classify: { positions: Float32Array; up: UpAxis; votes?: number };
}

export interface OpenedModel {
  manifest: ZooManifest;
  backend: Backend;
  fallbackReason: string | null;
  /** Load time: download, assembly and session creation. */
  ms: number;
}

export interface ModelAnswers {
  list: { models: ZooManifest[] };
  open: OpenedModel;
  classify: Classification;
}

export type ModelRequestType = keyof ModelRequests;

export type ModelRequest = { [T in ModelRequestType]: { id: number; type: T; payload: ModelRequests[T] } }[ModelRequestType];

export interface ModelFailure {
  /** The error's class name (SessionError, FetchFileError, AssemblyError, ...). */
  name: string;
  message: string;
}

export type ModelMessage =
  | { id: number; kind: 'progress'; progress: LoadProgress }
  | { id: number; kind: 'answer'; answer: ModelAnswers[ModelRequestType] }
  | { id: number; kind: 'error'; error: ModelFailure };
