// A manifest for the tiny Any2Point-shaped model of tinyModels.ts (same schema as the zoo's).
import { createHash } from 'node:crypto';
import { DEFAULT_LINES } from '../../harness/exampleSpecs';
import { tinyClassifierModel, type TinyClassifierShape } from './tinyModels';

export const TINY_SHAPE: TinyClassifierShape = {
  points: 64,
  stages: [{ centers: 32, k: 8 }, { centers: 8, k: 4 }],
  views: DEFAULT_LINES.length,
  kind: '1d',
  classes: 6,
  layers: 2,
  heads: 3,
};

export const TINY_CLASSES = ['chair', 'table', 'lamp', 'cup', 'bottle', 'airplane'];

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The manifest JSON (untyped, as fetched), the model bytes and its frozen.bin. */
export function tinyZooModel(id = 'tiny-test') {
  const built = tinyClassifierModel(TINY_SHAPE);
  const s = TINY_SHAPE;
  const manifest = {
    id,
    name: 'Tiny test model',
    backbone: { name: 'none', modality: '1d', layers: s.layers, heads: Array(s.layers).fill(s.heads), widthIn: 3, widthOut: 3, source: { kind: 'npm', package: 'x', version: '0' } },
    dataset: 'synthetic',
    classes: TINY_CLASSES,
    geometry: {
      points: s.points,
      up: 'z',
      stages: s.stages,
      projection: { kind: '1d', lines: DEFAULT_LINES, length: 128, cell: 16 },
      voxels: 4,
    },
    onnx: { file: 'model.onnx', opset: 17, inputs: ['points', 'fps_1', 'knn_1', 'fps_2', 'knn_2', 'pos', 'cell_mask', 'voxel_mask'], outputs: ['logits', 'attention'] },
    attention: { layers: s.layers, heads: s.heads },
    frozen: {
      file: 'frozen.bin',
      bytes: built.frozen.byteLength,
      sha256: sha(built.frozen),
      recipe: [{ name: 'W', offset: 0, bytes: built.frozen.byteLength, dims: [3, s.classes], file: 'weights.bin', tensor: 'W', transform: 'identity', from: [{ file: 'dist/weights.bin', offset: 0, bytes: built.frozen.byteLength }] }],
    },
    files: { 'model.onnx': { bytes: built.model.byteLength, sha256: sha(built.model) } },
    parameters: { trainable: 0, total: 3 * s.classes },
    metrics: { testOverallAccuracy: 0.5, testMeanClassAccuracy: 0.4, valOverallAccuracy: 0.5, epochs: 1, report: 'report.json' },
  };
  return { manifest, ...built };
}
