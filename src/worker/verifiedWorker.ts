// Workers start only after the build's scripts have been checked against the build's digests
// (docs/security.md). Browsers check a page's own module imports against its import map's
// `integrity` (scripts/vite-plugin-integrity.ts writes it), but nothing checks a worker's script:
// `new Worker()` takes no integrity, and a worker has no import map, so neither its own script
// nor what it imports (onnxruntime's chunks, whose thread workers run the same chunk) would be
// checked on a first visit, before the service worker holds verified copies. So the page fetches
// every script the import map lists with `fetch(url, { integrity })`, where the browser compares
// the bytes, and starts a worker only when all match; otherwise the worker fails at once with an
// error that names the file and both digests. The worker then loads the same URLs, from the HTTP
// cache or the service worker (docs/security.md says what that leaves open).
import type { Endpoint } from './transport';

/** The page's import map's digests (URL -> SRI), or null where it has none (the dev server). */
function buildDigests(): Record<string, string> | null {
  const map = document.querySelector('script[type="importmap"]')?.textContent;
  if (!map) return null;
  const integrity = (JSON.parse(map) as { integrity?: Record<string, string> }).integrity;
  return integrity ?? null;
}

async function sriOf(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

/** Why `url` failed its check: its bytes differ (both digests named), or it could not be fetched. */
async function refusal(url: string, expected: string): Promise<Error> {
  const file = url.split('/').at(-1);
  try {
    // Fetched again without the check, only to say what came instead.
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return new Error(`script ${file} could not be fetched (HTTP ${response.status})`);
    const got = await sriOf(await response.arrayBuffer());
    if (got !== expected) return new Error(`script ${file} does not match the build: sha256 expected ${expected}, got ${got}; the workers were not started`);
  } catch {
    // Fall through: the network failed.
  }
  return new Error(`script ${file} could not be fetched`);
}

let checked: Promise<void> | null = null;

/** Resolves once every script of the build matched its digest (once per page). */
export function checkBuildScripts(): Promise<void> {
  checked ??= (async () => {
    const digests = buildDigests();
    if (!digests) return;
    await Promise.all(
      Object.entries(digests).map(async ([url, integrity]) => {
        try {
          const response = await fetch(url, { integrity });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        } catch {
          throw await refusal(url, integrity);
        }
      }),
    );
  })();
  return checked;
}

/**
 * A module worker behind the check above: messages posted before it starts are queued, its events
 * are passed on, and a failed check arrives as the worker's `error` event (the transport turns it
 * into a 'worker-failed' error: "The model worker stopped: script ... does not match the build").
 */
export class VerifiedWorker extends EventTarget implements Endpoint {
  private worker: Worker | null = null;
  private queued: [unknown, Transferable[]][] = [];
  private terminated = false;
  /** Why the check failed; every later message is answered with it, so no request waits forever. */
  private failure: string | null = null;

  /** `start` makes the worker (written `() => new Worker(new URL('./parse.worker.ts', import.meta.url),
   * ...)` as in src/worker/client.ts so the bundler still sees and builds the worker), called once the check passed. */
  constructor(start: () => Worker) {
    super();
    checkBuildScripts().then(
      () => {
        if (this.terminated) return;
        const worker = start();
        worker.addEventListener('message', (e) => this.dispatchEvent(new MessageEvent('message', { data: e.data })));
        worker.addEventListener('messageerror', () => this.dispatchEvent(new MessageEvent('messageerror')));
        worker.addEventListener('error', (e) => {
          if (!this.dispatchEvent(new ErrorEvent('error', { message: e.message, cancelable: true }))) e.preventDefault();
        });
        for (const [message, transfer] of this.queued) worker.postMessage(message, transfer);
        this.queued = [];
        this.worker = worker;
      },
      (error: unknown) => {
        this.failure = error instanceof Error ? error.message : String(error);
        this.queued = [];
        if (!this.terminated) this.fail();
      },
    );
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (this.worker) this.worker.postMessage(message, transfer);
    else if (this.failure !== null) queueMicrotask(() => this.fail());
    else this.queued.push([message, transfer]);
  }

  private fail(): void {
    this.dispatchEvent(new ErrorEvent('error', { message: this.failure ?? '', cancelable: true }));
  }

  terminate(): void {
    this.terminated = true;
    this.queued = [];
    this.worker?.terminate();
  }
}
