// Order statistics of float64 arrays without sorting them: the loaders' cloud clean-ups (strays.ts,
// floor.ts) take medians and quantiles of up to millions of distances. The median and quantile
// are numpy's (the mean of the two middle values of an even count; the linear quantile with
// numpy's own interpolation), so the Python twins compute the same numbers.

/** The element of rank k of `values` (reordered in place): iterative quickselect. */
export function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const pivot = median3(values[lo]!, values[mid]!, values[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}


/** The smallest of values[from..] (values[from - 1] after select(values, from - 1)). */
function smallestFrom(values: Float64Array, from: number): number {
  let m = values[from]!;
  for (let i = from + 1; i < values.length; i++) if (values[i]! < m) m = values[i]!;
  return m;
}

/** numpy.median of `values` (reordered in place; not empty). */
export function median(values: Float64Array): number {
  const n = values.length;
  const k = (n - 1) >>> 1;
  const a = select(values, k);
  return n % 2 === 1 ? a : (a + smallestFrom(values, k + 1)) / 2;
}

/** numpy.quantile(values, q) with its default linear method (values reordered in place; not empty). */
export function quantile(values: Float64Array, q: number): number {
  const n = values.length;
  const at = (n - 1) * q;
  if (at >= n - 1) return largest(values);
  const k = Math.max(0, Math.floor(at));
  const a = select(values, k);
  const b = smallestFrom(values, k + 1);
  const t = at - k;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

function largest(values: Float64Array): number {
  let m = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
}
