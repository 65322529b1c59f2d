// What the network's outputs become for the UI: class probabilities with the top k, and the
// class token's attention carried back from the T tokens to every point of the input cloud.
//
// Points -> tokens: a point takes the value of the NEAREST TOKEN CENTRE (the last tokenizer
// stage's FPS centres, in the normalised coordinates the network saw), float32 squared distance
// as in docs/geometry.md, ties to the lower token index. Each token's k-NN group is the set of
// points closest to its centre, so this is the partition of the cloud that the groups overlap
// on; unlike the groups, it covers every point exactly once, including points that FPS dropped
// when the cloud had more than N_in points.
import { pointCount, sq } from '../geometry/points';

export interface RankedClass {
  index: number;
  label: string;
  probability: number;
}

/** softmax in float64 (max subtracted first), returned as float32. A NaN or infinite logit is an
 * error, not a row of NaN probabilities: a result is never shown as "NaN %". */
export function softmax(logits: ArrayLike<number>): Float32Array {
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i])) {
      throw new Error(`the model's output is not usable: logit ${i} of ${logits.length} is ${logits[i]}`);
    }
  }
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float32Array(logits.length);
  let sum = 0;
  const exp = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    exp[i] = Math.exp(logits[i] - max);
    sum += exp[i];
  }
  for (let i = 0; i < logits.length; i++) out[i] = exp[i] / sum;
  return out;
}

/** The k most probable classes, by (probability desc, index asc). */
export function topK(probabilities: ArrayLike<number>, labels: readonly string[], k: number): RankedClass[] {
  if (labels.length !== probabilities.length) {
    throw new Error(`topK: ${probabilities.length} probabilities for ${labels.length} class labels`);
  }
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`topK: probability ${i} (${labels[i]}) is ${p}, not a number from 0 to 1`);
  }
  const order = Array.from({ length: probabilities.length }, (_, i) => i);
  order.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return order.slice(0, Math.max(0, k)).map((index) => ({ index, label: labels[index], probability: probabilities[index] }));
}

/** For every point (N x 3), the index of its nearest token centre (T x 3). */
export function nearestToken(points: Float32Array, tokens: Float32Array): Uint32Array {
  const n = pointCount(points, 'nearestToken');
  const t = pointCount(tokens, 'nearestToken (tokens)');
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const x = points[3 * i];
    const y = points[3 * i + 1];
    const z = points[3 * i + 2];
    let best = Infinity;
    let bestToken = 0;
    for (let j = 0; j < t; j++) {
      const d = sq(tokens, j, x, y, z);
      if (d < best) {
        best = d;
        bestToken = j;
      }
    }
    out[i] = bestToken;
  }
  return out;
}

/** The attention output of one cloud: [layers, heads, T], row-major. Plain data, so it crosses
 * the worker boundary as it is. */
export interface AttentionMaps {
  data: Float32Array;
  layers: number;
  heads: number;
  tokens: number;
}

export function attentionMaps(data: Float32Array, layers: number, heads: number, tokens: number): AttentionMaps {
  if (data.length !== layers * heads * tokens) {
    throw new Error(`attention: ${data.length} values, expected layers ${layers} x heads ${heads} x tokens ${tokens}`);
  }
  return { data, layers, heads, tokens };
}

/** One head's attention to the T tokens, or the mean over heads when `head` is 'mean'. */
export function tokenValues(a: AttentionMaps, layer: number, head: number | 'mean'): Float32Array {
  if (!Number.isInteger(layer) || layer < 0 || layer >= a.layers) throw new Error(`attention: layer must be 0..${a.layers - 1}, got ${layer}`);
  const t = a.tokens;
  if (head !== 'mean') {
    if (!Number.isInteger(head) || head < 0 || head >= a.heads) throw new Error(`attention: head must be 0..${a.heads - 1} or 'mean', got ${head}`);
    const start = (layer * a.heads + head) * t;
    return a.data.slice(start, start + t);
  }
  const out = new Float32Array(t);
  for (let h = 0; h < a.heads; h++) {
    const start = (layer * a.heads + h) * t;
    for (let j = 0; j < t; j++) out[j] += a.data[start + j];
  }
  for (let j = 0; j < t; j++) out[j] /= a.heads;
  return out;
}

/** Per-point values: each point gets its token's value (the rule at the top of this file). */
export function pointValues(a: AttentionMaps, tokenOfPoint: Uint32Array, layer: number, head: number | 'mean'): Float32Array {
  const values = tokenValues(a, layer, head);
  const out = new Float32Array(tokenOfPoint.length);
  for (let i = 0; i < out.length; i++) out[i] = values[tokenOfPoint[i]];
  return out;
}
