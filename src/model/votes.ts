// Voting over point orders (docs/models.md, "Voting"). The tokenizer's FPS starts at a cloud's
// first point, so the same shape rolled to start at another point gives other, equally valid
// token centres and neighbourhoods. Classifying a few such orders and averaging their softmax
// is steadier than any one of them. Vote v rolls the cloud to start at point (v * ORDER_STRIDE)
// mod n, exactly as the training package's `point_order` does, so the browser's votes are
// PyTorch's (`any2point.evaluate --votes`).

/** A prime: votes 0 .. n-1 start at n different points whenever it does not divide n. */
export const ORDER_STRIDE = 389;
/** Beyond this the extra votes cost time for nothing measurable. */
export const MAX_VOTES = 32;

/** The cloud (xyz, n points) rolled so that point (vote * ORDER_STRIDE) mod n comes first. */
export function rolled(points: Float32Array, vote: number): Float32Array {
  if (points.length % 3 !== 0) throw new Error(`rolled: ${points.length} floats is not a whole number of xyz points`);
  const n = points.length / 3;
  if (!Number.isInteger(vote) || vote < 0) throw new Error(`rolled: vote must be a whole number >= 0, got ${vote}`);
  if (n === 0) return points;
  const start = (vote * ORDER_STRIDE) % n;
  if (start === 0) return points;
  const out = new Float32Array(points.length);
  out.set(points.subarray(3 * start));
  out.set(points.subarray(0, 3 * start), 3 * (n - start));
  return out;
}

/** True for a vote count the app accepts: a whole number in 1..MAX_VOTES. */
export function isVoteCount(votes: unknown): votes is number {
  return Number.isInteger(votes) && (votes as number) >= 1 && (votes as number) <= MAX_VOTES;
}

/** A vote count from a URL or a form field (decimal digits only), or null (the model's default) for anything else. */
export function parseVotes(text: string | null): number | null {
  if (!text || !/^\d+$/.test(text)) return null;
  const votes = Number(text);
  return isVoteCount(votes) ? votes : null;
}

/** A vote count from an option or a manifest: a whole number in 1..MAX_VOTES, or a clear error. */
export function checkVotes(votes: number, where: string): number {
  if (!isVoteCount(votes)) {
    throw new Error(`${where}: votes must be a whole number from 1 to ${MAX_VOTES}, got ${JSON.stringify(votes)}`);
  }
  return votes;
}

/** The mean of several probability vectors of one length. */
export function meanProbabilities(all: readonly Float32Array[]): Float32Array {
  if (all.length === 0) throw new Error('meanProbabilities: no votes');
  const sum = new Float64Array(all[0].length);
  for (const p of all) {
    if (p.length !== sum.length) throw new Error(`meanProbabilities: ${p.length} probabilities, expected ${sum.length}`);
    for (let i = 0; i < p.length; i++) sum[i] += p[i];
  }
  return Float32Array.from(sum, (s) => s / all.length);
}
