import { describe, expect, it } from 'vitest';
import { runQueue, timeLeft, type Outcome, type QueueProgress } from '../../src/batch/queue';

describe('the batch queue', () => {
  it('runs items one at a time, in order; a failure is that item outcome and the rest go on', async () => {
    let inFlight = 0;
    let most = 0;
    const outcomes: [number, Outcome<string>][] = [];
    const progress: QueueProgress[] = [];
    let clock = 0;
    const result = await runQueue(
      ['a', 'bad', 'c'],
      async (item) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        clock += 100;
        inFlight--;
        if (item === 'bad') throw new Error('broken file');
        return item.toUpperCase();
      },
      { onOutcome: (i, o) => outcomes.push([i, o]), onProgress: (p) => progress.push(p), cancelled: () => false, now: () => clock },
    );
    expect(most).toBe(1);
    expect(result).toEqual({ done: 3, cancelled: false });
    expect(outcomes.map(([i, o]) => [i, o.ok ? o.value : (o.error as Error).message])).toEqual([
      [0, 'A'],
      [1, 'broken file'],
      [2, 'C'],
    ]);
    expect(progress).toEqual([
      { done: 0, total: 3, elapsedMs: 0, leftMs: null },
      { done: 1, total: 3, elapsedMs: 100, leftMs: 200 },
      { done: 2, total: 3, elapsedMs: 200, leftMs: 100 },
      { done: 3, total: 3, elapsedMs: 300, leftMs: 0 },
    ]);
  });

  it("runs items appended while it runs (an archive's other models) after the others, and counts them from then on", async () => {
    const items = ['set.zip', 'b.ply'];
    const ran: string[] = [];
    const totals: number[] = [];
    const result = await runQueue(
      items,
      async (item) => {
        ran.push(item);
        if (item === 'set.zip') items.push('set.zip › plane', 'set.zip › broken');
        return item;
      },
      { onOutcome: () => {}, onProgress: (p) => totals.push(p.total), cancelled: () => false },
    );
    expect(ran).toEqual(['set.zip', 'b.ply', 'set.zip › plane', 'set.zip › broken']);
    expect(totals).toEqual([2, 4, 4, 4, 4]);
    expect(result).toEqual({ done: 4, cancelled: false });
  });

  it('stops before the next item once cancelled; the item under way finishes', async () => {
    let stop = false;
    const started: number[] = [];
    const result = await runQueue(
      [1, 2, 3, 4],
      async (n) => {
        if (n === 2) stop = true;
        return n;
      },
      { onStart: (i) => started.push(i), onOutcome: () => {}, cancelled: () => stop },
    );
    expect(started).toEqual([0, 1]);
    expect(result).toEqual({ done: 2, cancelled: true });
  });

  it('estimates the time left from the mean so far', () => {
    expect(timeLeft(0, 10, 0)).toBeNull();
    expect(timeLeft(4, 10, 2000)).toBe(3000);
  });
});
