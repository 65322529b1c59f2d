// Runs a batch's files one after another: the model worker runs one cloud at a time anyway, and
// one file in flight keeps memory to one cloud. A failure is that item's outcome, and the rest go
// on; cancelling stops before the next item (the one under way finishes, it is seconds at most).
// Items may be appended while it runs (an archive's other models): they run after the others, and
// the progress counts them from then on.

export interface QueueProgress {
  /** Items finished, failed ones included. */
  done: number;
  total: number;
  elapsedMs: number;
  /** Estimated from the mean time per item so far; null before the first finishes. */
  leftMs: number | null;
}

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface QueueOptions<R> {
  /** Called before an item's work starts. */
  onStart?: (index: number) => void;
  onOutcome: (index: number, outcome: Outcome<R>) => void;
  onProgress?: (progress: QueueProgress) => void;
  /** Asked before each item. */
  cancelled: () => boolean;
  now?: () => number;
}

export function timeLeft(done: number, total: number, elapsedMs: number): number | null {
  return done === 0 ? null : (elapsedMs / done) * (total - done);
}

export async function runQueue<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  { onStart, onOutcome, onProgress, cancelled, now = () => performance.now() }: QueueOptions<R>,
): Promise<{ done: number; cancelled: boolean }> {
  const start = now();
  onProgress?.({ done: 0, total: items.length, elapsedMs: 0, leftMs: null });
  for (let index = 0; index < items.length; index++) {
    if (cancelled()) return { done: index, cancelled: true };
    onStart?.(index);
    let outcome: Outcome<R>;
    try {
      outcome = { ok: true, value: await work(items[index], index) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    onOutcome(index, outcome);
    const elapsedMs = now() - start;
    onProgress?.({ done: index + 1, total: items.length, elapsedMs, leftMs: timeLeft(index + 1, items.length, elapsedMs) });
  }
  return { done: items.length, cancelled: false };
}
