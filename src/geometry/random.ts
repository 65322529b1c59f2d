// The one seeded generator of the app, its tests and harnesses: same seed, same numbers, in every
// run and every browser, so a mesh's surface samples, a gallery shape and a synthetic test cloud
// are each the same every time. Mulberry32: one 32-bit state, small and fast; its 2^32 period is
// far beyond the few million draws a cloud takes.

export type Random = () => number;

/** Uniform numbers in [0, 1), each a 32-bit value / 2^32. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Exactly `budget` indices out of `count`, ascending, every subset equally likely (selection
 * sampling, Knuth's algorithm S), from a seeded generator so the same file shows the same points.
 */
export function sampleIndices(count: number, budget: number, seed = 1): Uint32Array {
  if (budget >= count) return Uint32Array.from({ length: count }, (_, i) => i);
  const out = new Uint32Array(budget);
  const random = createRandom(seed);
  let chosen = 0;
  for (let i = 0; i < count && chosen < budget; i++) {
    const u = random();
    if ((count - i) * u < budget - chosen) out[chosen++] = i;
  }
  return out;
}
