// The full schema of public/models/<id>/manifest.json, written by training/any2point/export.py.
// The app reads the fields it needs through src/model/zoo.ts; the geometry kernels take
// `geometry` as their GeometrySpec (src/geometry/spec.ts); the frozen recipe is assembled by
// src/model/frozen/assembleFrozen.ts and scripts/assemble-model.mjs.
import type { GeometrySpec } from '../geometry/spec';
import type { FrozenSpec } from './frozen/assembleFrozen';

/** Where the frozen weights come from: an npm dependency, or a public file checked by sha256
 * (in this environment found in ../shared/backbones/<name>/). 'none': the model has none. */
export type BackboneSource =
  | { kind: 'npm'; package: string; version: string; license: string }
  | { kind: 'url'; url: string; sha256: string; file: string; license: string }
  | { kind: 'none' };

export interface ModelManifest {
  /** Folder name under public/models. */
  id: string;
  name: string;
  backbone: {
    name: string;
    modality: '1d' | '2d';
    layers: number;
    /** Attention heads per block. */
    heads: number[];
    widthIn: number;
    widthOut: number;
    source: BackboneSource;
  };
  dataset: string;
  /** Label order of the logits. */
  classes: string[];
  geometry: GeometrySpec;
  onnx: {
    file: string;
    opset: number;
    /** The graph's inputs in order: points, fps_t / knn_t per stage, pos, cell_mask, voxel_mask
     * (a model without blocks has no cell_mask / voxel_mask). */
    inputs: string[];
    /** features (the head's input, what a taught head is trained on) from the export of issue 25 on. */
    outputs: ['logits', 'attention'] | ['logits', 'attention', 'features'];
  };
  /** features output [1, dim], when the model has it. */
  features?: { dim: number };
  /** attention output [1, layers, heads, T]: the class token's attention to every token. A model
   * without blocks reports one pseudo-layer: each token's share of the head's max pool. */
  attention: { layers: number; heads: number };
  /** null when the model has no frozen third-party weights. */
  frozen: FrozenSpec | null;
  /** Every committed file of the model folder: size and sha256. */
  files: Record<string, { bytes: number; sha256: string }>;
  parameters: { trainable: number; total: number };
  metrics: {
    testOverallAccuracy: number | null;
    testMeanClassAccuracy: number | null;
    valOverallAccuracy: number | null;
    epochs: number | null;
    /** The evaluation report beside the manifest (report.json), when there is one. */
    report: string | null;
  };
  /** How the model was trained to see poses: rotate "z" = every heading about the up axis
   * (zooOrder.ts ranks such models first). Absent in manifests exported before 2026-12-02. */
  training?: { rotate: string };
  /** Point orders classify() averages by default (src/model/votes.ts), chosen on validation;
   * the metrics were measured with as many. Absent: 1. */
  votes?: number;
  /** Temperature and "not sure" threshold fitted on validation, with the figures they were judged
   * by (any2point.tools.calibrate; docs/confidence.md). Absent: temperature 1, never "not sure". */
  calibration?: {
    temperature: number;
    threshold: number;
    /** Votes per candidate up with the up on Auto. */
    votesPerUp?: number;
    ups?: string[];
    rule?: string;
    targetAccuracy?: number;
    /** Per variant and pooled: accuracy, ECE before / after, coverage, ... (fractions). */
    validation?: Record<string, Record<string, unknown>>;
    test?: Record<string, unknown>;
  };
  /** The novelty check ("unlike any training shape"): the turn similarity's threshold fitted on
   * validation, with the figures it was judged by (any2point.tools.novelty; docs/confidence.md).
   * Absent: no such check. */
  novelty?: {
    score: string;
    ups: string[];
    threshold: number;
    /** Share of validation clouds the threshold was set to flag. */
    flagRate: number;
    checkpointSha256?: string;
    flaggedVal?: Record<string, unknown>;
    junkCaught?: Record<string, number>;
    withConfidence?: Record<string, unknown>;
    test?: Record<string, unknown>;
  };
  /** The learned up picker (any2point.tools.upright; docs/pose.md "E"): each candidate up scores
   * weights . features(vote 0) + confidenceWeight * ln(max softmax), the highest score's up is
   * kept. Fitted on validation, with the figures it was judged by. Absent: the more confident up. */
  upright?: {
    rule?: string;
    score?: string;
    ups: ['+z', '+y'];
    /** One per feature (features.dim). */
    weights: number[];
    confidenceWeight: number;
    lambda?: number;
    checkpointSha256?: string;
    validation?: Record<string, unknown>;
    test?: Record<string, unknown>;
  };
  /** ONNX (onnxruntime-web, wasm) vs PyTorch on test clouds, measured by the export. */
  parity: {
    clouds: number;
    sameTop1: number;
    maxLogitDiff: number;
    maxAttentionDiff: number;
    runtime: string;
    tolerance: number;
  };
}
