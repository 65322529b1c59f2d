// Tiny ONNX models for the model tests, built in the test process (see onnxBuilder.ts).
import { buildModel, FLOAT, INT32, INT64, type Initializer, type NodeSpec, type ValueInfo } from './onnxBuilder';

/** y = x + w, with w [3] stored outside the model (external data `frozen.bin`, offset 0). */
export function addExternalModel(): { model: Uint8Array; frozen: Uint8Array } {
  const w = new Float32Array([1, 2, 3]);
  const model = buildModel({
    inputs: [{ name: 'x', type: FLOAT, dims: [1, 3] }],
    outputs: [{ name: 'y', type: FLOAT, dims: [1, 3] }],
    initializers: [{ name: 'w', type: FLOAT, dims: [3], data: w, external: { location: 'frozen.bin', offset: 0 } }],
    nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
  });
  return { model, frozen: new Uint8Array(w.buffer) };
}

export interface TinyClassifierShape {
  points: number;
  stages: { centers: number; k: number }[];
  /** Lines (1D) or views (2D). */
  views: number;
  kind: '1d' | '2d';
  classes: number;
  layers: number;
  heads: number;
}

/** A model with the Any2Point input/output signature (docs/geometry.md) and simple, checkable
 * arithmetic:
 *   logits    = mean_n(points) [1, 3] @ W [3, C]        (W is external: `frozen.bin`)
 *   attention = softmax_T(scale[l, h] * rowsum(voxel_mask)[t])     [1, L, H, T]
 * Every other input is consumed by a sum multiplied by zero, so the graph really reads them.
 * With `features`, the head's input `mean_n(points)` [1, 3] is an output too (as the zoo's
 * `features`, which taught heads read). */
export function tinyClassifierModel(s: TinyClassifierShape, options: { features?: boolean } = {}): {
  model: Uint8Array;
  frozen: Uint8Array;
  w: Float32Array;
  scale: Float32Array;
} {
  const t = s.stages[s.stages.length - 1].centers;
  const inputs: ValueInfo[] = [{ name: 'points', type: FLOAT, dims: [1, s.points, 3] }];
  s.stages.forEach((st, i) => {
    inputs.push({ name: `fps_${i + 1}`, type: INT32, dims: [1, st.centers] });
    inputs.push({ name: `knn_${i + 1}`, type: INT32, dims: [1, st.centers, st.k] });
  });
  inputs.push({ name: 'pos', type: FLOAT, dims: s.kind === '1d' ? [1, s.views, t] : [1, s.views, t, 2] });
  inputs.push({ name: 'cell_mask', type: FLOAT, dims: [1, s.views, t, t] });
  inputs.push({ name: 'voxel_mask', type: FLOAT, dims: [1, t, t] });

  const w = new Float32Array(3 * s.classes).map((_, i) => Math.fround(Math.sin(i + 1)));
  const scale = new Float32Array(s.layers * s.heads).map((_, i) => i + 1);
  const initializers: Initializer[] = [
    { name: 'W', type: FLOAT, dims: [3, s.classes], data: w, external: { location: 'frozen.bin', offset: 0 } },
    { name: 'scale', type: FLOAT, dims: [1, s.layers, s.heads, 1], data: scale },
    { name: 'axis2', type: INT64, dims: [1], data: new BigInt64Array([2n]) },
    { name: 'shapeT', type: INT64, dims: [4], data: new BigInt64Array([1n, 1n, 1n, BigInt(t)]) },
    { name: 'zero', type: FLOAT, dims: [], data: new Float32Array([0]) },
  ];
  const nodes: NodeSpec[] = [
    { op: 'ReduceMean', inputs: ['points'], outputs: ['mean'], attrs: { axes: [1], keepdims: 0 } },
    { op: 'MatMul', inputs: ['mean', 'W'], outputs: ['raw_logits'] },
  ];
  // unused = sum of every other input, times zero, added to the logits.
  const others = inputs.slice(1).map((v) => v.name);
  const parts: string[] = [];
  for (const name of others) {
    const asFloat = name.startsWith('fps') || name.startsWith('knn') ? `${name}_f` : name;
    if (asFloat !== name) nodes.push({ op: 'Cast', inputs: [name], outputs: [asFloat], attrs: { to: FLOAT } });
    nodes.push({ op: 'ReduceSum', inputs: [asFloat], outputs: [`${name}_sum`], attrs: { keepdims: 0 } });
    parts.push(`${name}_sum`);
  }
  nodes.push({ op: 'Sum', inputs: parts, outputs: ['others'] });
  nodes.push({ op: 'Mul', inputs: ['others', 'zero'], outputs: ['nothing'] });
  nodes.push({ op: 'Add', inputs: ['raw_logits', 'nothing'], outputs: ['logits'] });
  nodes.push({ op: 'ReduceSum', inputs: ['voxel_mask', 'axis2'], outputs: ['rows'], attrs: { keepdims: 0 } });
  nodes.push({ op: 'Reshape', inputs: ['rows', 'shapeT'], outputs: ['rows4'] });
  nodes.push({ op: 'Mul', inputs: ['rows4', 'scale'], outputs: ['scores'] });
  nodes.push({ op: 'Softmax', inputs: ['scores'], outputs: ['attention'], attrs: { axis: -1 } });
  if (options.features) nodes.push({ op: 'Identity', inputs: ['mean'], outputs: ['features'] });
  const model = buildModel({
    inputs,
    outputs: [
      { name: 'logits', type: FLOAT, dims: [1, s.classes] },
      { name: 'attention', type: FLOAT, dims: [1, s.layers, s.heads, t] },
      ...(options.features ? [{ name: 'features', type: FLOAT, dims: [1, 3] } as ValueInfo] : []),
    ],
    initializers,
    nodes,
  });
  return { model, frozen: new Uint8Array(w.buffer.slice(0)), w, scale };
}
