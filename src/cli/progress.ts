// Progress on stderr, one line per file as it finishes: n of N, the rate so far, the time left,
// and the file's top-1 or its error (so a failed file is named where it happened).
export class Progress {
  private finished = 0;
  private readonly start = performance.now();

  constructor(
    private readonly total: number,
    private readonly log: (line: string) => void,
  ) {}

  done(name: string, what: string, failed: boolean): void {
    this.finished++;
    const seconds = (performance.now() - this.start) / 1000;
    const rate = this.finished / Math.max(seconds, 1e-3);
    const left = (this.total - this.finished) / rate;
    this.log(`[${this.finished}/${this.total}, ${rate.toFixed(1)}/s, ${formatSeconds(left)} left] ${name}: ${failed ? `FAILED: ${what}` : what}`);
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
