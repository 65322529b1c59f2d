// The one request/answer transport between the page and its workers (the parse worker and the
// model worker both use it, on both sides). A worker's API is a map of request names to `Call`
// types; `connect` gives the page a typed `call`, `serve` runs the worker's handlers. Requests
// carry an id that every reply repeats, so several can be in flight; a request may get progress
// replies before its answer or error. Errors cross as { name, message, kind, detail } and are
// re-raised as WorkerError. Our own module rather than Comlink: we need progress per request,
// errors that keep a machine-readable kind, and a crashed worker failing every pending call,
// which Comlink's proxies leave to the caller; this is about a hundred lines.

/** One request type: what the page sends, what comes back, what progress is reported meanwhile. */
export interface Call<Payload, Answer, Progress = never> {
  payload: Payload;
  answer: Answer;
  progress: Progress;
}

/** A worker's requests by name (`interface ParseApi { load: Call<...> }`). */
export type Api<A> = { [M in keyof A]: Call<unknown, unknown, unknown> };

/** A Worker, a worker's `self`, or a MessagePort. */
export interface Endpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror' | 'error', listener: (event: Event) => void): void;
  /** MessagePorts only deliver to addEventListener listeners after start(). */
  start?(): void;
  terminate?(): void;
}

/** Plain data that survives structured cloning. */
export type ErrorDetail = Readonly<Record<string, string | number | boolean>>;

export interface SerialisedError {
  /** The original error's class name (LoadError, SessionError, FetchFileError, ...). */
  name: string;
  message: string;
  /** What went wrong, for code: a loader's reason, or one of the transport's own kinds:
   * 'internal' (an error without a kind), 'unknown-request', 'worker-failed' (the worker threw
   * outside a request or could not start), 'unreadable' (a message could not be deserialised),
   * 'disposed' (the page closed the worker). */
  kind: string;
  detail?: ErrorDetail;
}

/** A failure of a worker request, re-raised on the page with the worker's name, message and kind. */
export class WorkerError extends Error {
  readonly kind: string;
  readonly detail: ErrorDetail;
  constructor({ name, message, kind, detail }: SerialisedError) {
    super(message);
    this.name = name;
    this.kind = kind;
    this.detail = detail ?? {};
  }
}

/** The default: name and message kept, kind taken from a WorkerError, else 'internal'. */
export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof WorkerError) return { name: error.name, message: error.message, kind: error.kind, detail: error.detail };
  if (error instanceof Error) return { name: error.name, message: error.message, kind: 'internal' };
  return { name: 'Error', message: String(error), kind: 'internal' };
}

type RequestMessage = { kind: 'request'; id: number; method: string; payload: unknown };
type ReplyMessage =
  | { kind: 'progress'; id: number; progress: unknown }
  | { kind: 'answer'; id: number; answer: unknown }
  | { kind: 'error'; id: number; error: SerialisedError }
  /** The worker got a request it could not read: which one is unknown, so all fail. */
  | { kind: 'unreadable'; error: SerialisedError };

/** An answer and the buffers to move (not copy) with it. */
export class Transferring<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}

export const withTransfer = <T>(value: T, transfer: Transferable[]): Transferring<T> => new Transferring(value, transfer);

export interface CallOptions<Progress> {
  /** Buffers of the payload to move to the worker; the caller's copies become empty. */
  transfer?: Transferable[];
  onProgress?: (progress: Progress) => void;
}

export interface Connection<A extends Api<A>> {
  call<M extends keyof A & string>(method: M, payload: A[M]['payload'], options?: CallOptions<A[M]['progress']>): Promise<A[M]['answer']>;
  /** Terminates the worker (when the endpoint is one) and fails pending and later calls with kind 'disposed'. */
  close(): void;
}

interface Pending {
  resolve: (answer: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: never) => void;
}

/** The page's side. `label` names the worker in the messages of its failures ("file worker"). */
export function connect<A extends Api<A>>(endpoint: Endpoint, label: string): Connection<A> {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const failure = (kind: string, message: string) => new WorkerError({ name: 'WorkerError', kind, message });

  endpoint.addEventListener('message', (event) => {
    const reply = (event as MessageEvent<ReplyMessage | null>).data;
    if (typeof reply?.kind !== 'string') return; // not ours
    if (reply.kind === 'unreadable') return failAll(new WorkerError(reply.error));
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.kind === 'progress') return p.onProgress?.(reply.progress as never);
    pending.delete(reply.id);
    if (reply.kind === 'answer') p.resolve(reply.answer);
    else p.reject(new WorkerError(reply.error));
  });
  // Which reply could not be read is unknown, so every caller hears of it rather than waiting.
  endpoint.addEventListener('messageerror', () => failAll(failure('unreadable', `A reply from the ${label} could not be read.`)));
  // A worker that fails to start or throws outside a request would leave callers waiting.
  endpoint.addEventListener('error', (event) => {
    event.preventDefault();
    const detail = (event as ErrorEvent).message;
    failAll(failure('worker-failed', `The ${label} stopped: ${detail || 'it could not be started'}`));
  });
  endpoint.start?.();

  return {
    call(method, payload, options = {}) {
      if (closed) return Promise.reject(failure('disposed', `The ${label} was closed.`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (answer: unknown) => void, reject, onProgress: options.onProgress as Pending['onProgress'] });
        const request: RequestMessage = { kind: 'request', id, method, payload };
        endpoint.postMessage(request, options.transfer ?? []);
      });
    },
    close() {
      closed = true;
      endpoint.terminate?.();
      failAll(failure('disposed', `The ${label} was closed.`));
    },
  };
}

export interface HandlerContext<Progress> {
  progress(value: Progress, transfer?: Transferable[]): void;
}

export type Handlers<A extends Api<A>> = {
  [M in keyof A]: (
    payload: A[M]['payload'],
    context: HandlerContext<A[M]['progress']>,
  ) => A[M]['answer'] | Transferring<A[M]['answer']> | Promise<A[M]['answer'] | Transferring<A[M]['answer']>>;
};

export interface ServeOptions {
  /** How a thrown error crosses to the page; `serialiseError` when absent. */
  serialise?: (error: unknown) => SerialisedError;
}

/** The worker's side: runs one handler per request and posts its progress, answer or error. */
export function serve<A extends Api<A>>(endpoint: Endpoint, handlers: Handlers<A>, options: ServeOptions = {}): void {
  const serialise = options.serialise ?? serialiseError;
  const post = (reply: ReplyMessage, transfer: Transferable[] = []) => endpoint.postMessage(reply, transfer);

  endpoint.addEventListener('message', async (event) => {
    const request = (event as MessageEvent<RequestMessage>).data;
    if (request?.kind !== 'request') return;
    const { id, method } = request;
    try {
      if (!Object.hasOwn(handlers, method)) {
        throw new WorkerError({ name: 'WorkerError', kind: 'unknown-request', message: `Unknown request ${JSON.stringify(method)}` });
      }
      const handler = handlers[method as keyof A] as (payload: unknown, context: HandlerContext<unknown>) => unknown;
      const result = await handler(request.payload, { progress: (progress, transfer) => post({ kind: 'progress', id, progress }, transfer) });
      if (result instanceof Transferring) post({ kind: 'answer', id, answer: result.value }, result.transfer);
      else post({ kind: 'answer', id, answer: result });
    } catch (error) {
      post({ kind: 'error', id, error: serialise(error) });
    }
  });
  endpoint.addEventListener('messageerror', () =>
    post({ kind: 'unreadable', error: { name: 'WorkerError', kind: 'unreadable', message: 'The worker could not read a request.' } }),
  );
  endpoint.start?.();
}
