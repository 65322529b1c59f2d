// A classification head taught on the frozen model's `features` output (the input of the
// network's own head: [class token, max-pooled tokens]). Pure TypeScript: it runs in the page,
// the worker and Node alike.
//
// The method, chosen by measurement (docs/teach.md): every feature row is centred on the mean of
// the training rows and scaled to unit length, then a multinomial logistic regression with weight
// decay is fitted by full-batch Nesterov gradient descent from zero, a fixed number of steps. It is
// deterministic (no random start, no shuffling), and with one example per class its first steps
// point at the class means, so it degrades gracefully to a nearest-class-mean rule.
//
// Speed: with n examples and D feature channels, while n <= D (the usual case: tens of shapes,
// D = 1024) each step works on the n x n Gram matrix instead of the D-wide rows. Gradient descent
// from zero keeps the weights in the span of the rows (W = A Z), so updating A gives exactly the
// same iterates at n^2 C instead of 2 n D C per step.

import { checkExamples, type Examples } from './examples';

export type { Examples } from './examples';

/** A taught head: logits = weights . unit(x - mean) + bias. */
export interface Head {
  dim: number;
  classes: string[];
  /** [dim]: subtracted from a feature row before it is scaled to unit length. */
  mean: Float32Array;
  /** [classes, dim], row-major. */
  weights: Float32Array;
  /** [classes]. */
  bias: Float32Array;
}

export interface TrainProgress {
  iteration: number; // 1-based
  iterations: number;
  /** Mean training cross-entropy at this step (weight decay not included). */
  loss: number;
}

export interface TrainOptions {
  /** L2 penalty (lambda / 2) |W|^2 added to the mean cross-entropy. */
  weightDecay?: number;
  iterations?: number;
  onProgress?: (p: TrainProgress) => void;
}

/** Picked on ModelNet40 validation shapes (docs/teach.md). */
export const DEFAULT_WEIGHT_DECAY = 1e-3;
export const DEFAULT_ITERATIONS = 100;

/** Rows centred on `mean` and scaled to unit length, as float64 [n, dim]. */
function unitRows(features: Float32Array, n: number, dim: number, mean: ArrayLike<number>): Float64Array {
  const z = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = features[i * dim + d] - mean[d];
      z[i * dim + d] = v;
      norm += v * v;
    }
    // A row equal to the mean has no direction: it stays zero and only the bias speaks for it.
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) z[i * dim + d] *= s;
  }
  return z;
}

function columnMean(features: Float32Array, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += features[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  return mean;
}

/** Row-wise softmax of [n, c] scores in place; returns the mean cross-entropy against `labels`. */
function softmaxLoss(s: Float64Array, n: number, c: number, labels: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, s[i * c + k]);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(s[i * c + k] - max);
    loss += Math.log(sum) + max - s[i * c + labels[i]];
    for (let k = 0; k < c; k++) s[i * c + k] = Math.exp(s[i * c + k] - max) / sum;
  }
  return loss / n;
}

/**
 * The linear part of the model in one of two equivalent forms: `scores` maps parameters to
 * [n, c] scores (bias excluded), `gradient` the [n, c] residual to the parameters' gradient of
 * the mean cross-entropy, `weights` the parameters to the [c, dim] weight matrix.
 */
interface Linear {
  size: number;
  scores(theta: Float64Array, out: Float64Array): void;
  gradient(residual: Float64Array, out: Float64Array): void;
  weights(theta: Float64Array): Float32Array;
}

/** Parameters A [c, n] (class-major, so the inner loops run over contiguous memory) with
 * W = A Z: scores K A^T (K = Z Z^T), gradient direction = the residual itself. */
function dualForm(z: Float64Array, n: number, dim: number, c: number): Linear {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += z[i * dim + d] * z[j * dim + d];
      k[i * n + j] = dot;
      k[j * n + i] = dot;
    }
  }
  return {
    size: c * n,
    scores(a, out) {
      for (let i = 0; i < n; i++) {
        for (let q = 0; q < c; q++) {
          let dot = 0;
          for (let j = 0; j < n; j++) dot += k[i * n + j] * a[q * n + j];
          out[i * c + q] = dot;
        }
      }
    },
    gradient(residual, out) {
      for (let i = 0; i < n; i++) for (let q = 0; q < c; q++) out[q * n + i] = residual[i * c + q];
    },
    weights(a) {
      const w = new Float64Array(c * dim);
      for (let q = 0; q < c; q++) {
        for (let i = 0; i < n; i++) {
          const aqi = a[q * n + i];
          for (let d = 0; d < dim; d++) w[q * dim + d] += aqi * z[i * dim + d];
        }
      }
      return Float32Array.from(w);
    },
  };
}

/** Parameters W [c, dim] directly: cheaper once there are more examples than channels. */
function primalForm(z: Float64Array, n: number, dim: number, c: number): Linear {
  return {
    size: c * dim,
    scores(w, out) {
      for (let i = 0; i < n; i++) {
        for (let q = 0; q < c; q++) {
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += w[q * dim + d] * z[i * dim + d];
          out[i * c + q] = dot;
        }
      }
    },
    gradient(residual, out) {
      out.fill(0);
      for (let i = 0; i < n; i++) {
        for (let q = 0; q < c; q++) {
          const r = residual[i * c + q];
          if (r === 0) continue;
          for (let d = 0; d < dim; d++) out[q * dim + d] += r * z[i * dim + d];
        }
      }
    },
    weights: (w) => Float32Array.from(w),
  };
}

/** Teach a head on labelled feature rows. Throws on malformed examples (examples.ts). */
export function trainHead(examples: Examples, options: TrainOptions = {}): Head {
  const { n, dim, c } = checkExamples(examples);
  const lambda = options.weightDecay ?? DEFAULT_WEIGHT_DECAY;
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!(lambda > 0) || !Number.isFinite(lambda)) throw new Error(`trainHead: weightDecay must be a positive number, got ${lambda}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`trainHead: iterations must be a positive integer, got ${iterations}`);
  const labels = examples.labels;
  const mean = columnMean(examples.features, n, dim);
  const z = unitRows(examples.features, n, dim, mean);
  const lin = n <= dim ? dualForm(z, n, dim, c) : primalForm(z, n, dim, c);

  // Unit rows plus the bias' constant 1 have squared norm 2, so the Hessian of the mean
  // cross-entropy is at most 0.5 * 2 = 1 (softmax curvature <= 1/2): step 1 / (1 + lambda) is
  // safe for any data, and the momentum is the one for a lambda-strongly convex loss.
  const step = 1 / (1 + lambda);
  const root = Math.sqrt(lambda / (1 + lambda));
  const momentum = (1 - root) / (1 + root);

  const theta = new Float64Array(lin.size), prev = new Float64Array(lin.size), look = new Float64Array(lin.size);
  const bias = new Float64Array(c), prevBias = new Float64Array(c), lookBias = new Float64Array(c);
  const s = new Float64Array(n * c), grad = new Float64Array(lin.size);
  for (let it = 1; it <= iterations; it++) {
    for (let p = 0; p < lin.size; p++) look[p] = theta[p] + momentum * (theta[p] - prev[p]);
    for (let q = 0; q < c; q++) lookBias[q] = bias[q] + momentum * (bias[q] - prevBias[q]);
    lin.scores(look, s);
    for (let i = 0; i < n; i++) for (let q = 0; q < c; q++) s[i * c + q] += lookBias[q];
    const loss = softmaxLoss(s, n, c, labels);
    // s now holds the probabilities; the residual (P - Y) / n is the scores' gradient.
    for (let i = 0; i < n; i++) {
      s[i * c + labels[i]] -= 1;
      for (let q = 0; q < c; q++) s[i * c + q] /= n;
    }
    lin.gradient(s, grad);
    prev.set(theta);
    prevBias.set(bias);
    for (let p = 0; p < lin.size; p++) theta[p] = look[p] - step * (grad[p] + lambda * look[p]);
    for (let q = 0; q < c; q++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += s[i * c + q];
      bias[q] = lookBias[q] - step * g; // the bias is not decayed
    }
    options.onProgress?.({ iteration: it, iterations, loss });
  }
  return {
    dim,
    classes: [...examples.classes],
    mean: Float32Array.from(mean),
    weights: lin.weights(theta),
    bias: Float32Array.from(bias),
  };
}

/** [n, classes] logits of row-major [n, dim] feature rows. */
export function headLogits(head: Head, features: Float32Array): Float32Array {
  const { dim } = head;
  const c = head.classes.length;
  if (features.length % dim !== 0) throw new Error(`headLogits: ${features.length} feature values are not whole rows of ${dim}`);
  const n = features.length / dim;
  const z = unitRows(features, n, dim, head.mean);
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < c; q++) {
      let dot = head.bias[q];
      for (let d = 0; d < dim; d++) dot += head.weights[q * dim + d] * z[i * dim + d];
      out[i * c + q] = dot;
    }
  }
  return out;
}

/** Row-wise softmax of [n, classes] logits. */
export function headProbabilities(head: Head, features: Float32Array): Float32Array {
  const c = head.classes.length;
  const s = Float64Array.from(headLogits(head, features));
  const n = s.length / c;
  softmaxLoss(s, n, c, new Int32Array(n));
  return Float32Array.from(s);
}
