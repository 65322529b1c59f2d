// What a long main-thread task was doing, from a Chrome trace (`bench:huge -- --trace`): for each
// task of the page's main thread over 50 ms, the chain of trace events that make up most of it
// (e.g. "ProxyMain::BeginMainFrame > Commit > GLES2::ReadPixels > CommandBufferHelper::Finish",
// the compositor waiting for a software GL), and the script functions it ran longest.

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; lineNumber?: number } };
}

const LONG_US = 50_000;
/** A child event counts as "most of" its parent when it takes this share of it. */
const MOST = 0.5;

/** One line per long task of the renderer main thread(s) that started at or after `sinceUs` (trace
 * clock, µs; 0: all), with its start from `sinceUs` or the trace's first event. */
export function longTaskCauses(trace: string, sinceUs = 0): string[] {
  const parsed = JSON.parse(trace) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined && mainThreads.has(`${e.pid}:${e.tid}`));
  const tasks = complete.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > LONG_US && e.ts >= sinceUs);
  const origin = sinceUs || complete.reduce((min, e) => Math.min(min, e.ts), Infinity);
  return tasks.map((task) => {
    const end = task.ts + (task.dur ?? 0);
    const inside = complete.filter((e) => e !== task && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
    // Walk down: at each level the longest event inside the current one, while it is most of it.
    const chain: string[] = [];
    let current = task;
    for (;;) {
      const from = current.ts;
      const to = current.ts + (current.dur ?? 0);
      const next = inside
        .filter((e) => e !== current && e.ts >= from && e.ts + (e.dur ?? 0) <= to && (e.dur ?? 0) < (current.dur ?? 0))
        .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))[0];
      if (!next || (next.dur ?? 0) < MOST * (task.dur ?? 0)) break;
      const fn = next.args?.data?.functionName;
      chain.push(fn ? `${next.name}(${fn} ${next.args?.data?.url?.split('/').at(-1) ?? ''}:${next.args?.data?.lineNumber ?? ''})` : next.name);
      current = next;
    }
    return `${((task.dur ?? 0) / 1000).toFixed(0)} ms at +${((task.ts - origin) / 1000).toFixed(0)} ms: ${chain.join(' > ') || '(no single cause)'}`;
  });
}
