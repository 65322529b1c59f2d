/// <reference lib="webworker" />
// The worker that parses files off the main thread. One handler per request type; a new type
// (classification) adds an entry to `handlers` and to the maps in protocol.ts.
import { loadFile } from '../io/index';
import { toFailure } from './failure';
import type { RequestPayloads, RequestType, ResponsePayloads, WorkerRequest, WorkerResponse } from './protocol';
import { loadResultTransferables } from './transfer';

declare const self: DedicatedWorkerGlobalScope;

interface Handled<T extends RequestType> {
  answer: ResponsePayloads[T];
  transfer: Transferable[];
}

type Handlers = { [T in RequestType]: (payload: RequestPayloads[T]) => Handled<T> | Promise<Handled<T>> };

const handlers: Handlers = {
  load({ name, bytes }) {
    const start = performance.now();
    const result = loadFile(name, new Uint8Array(bytes));
    const ms = performance.now() - start;
    return { answer: { result, ms }, transfer: loadResultTransferables(result) };
  },
};

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const { id, type, payload } = event.data;
  const handler = handlers[type] as (p: typeof payload) => Handled<typeof type> | Promise<Handled<typeof type>>;
  let response: WorkerResponse;
  let transfer: Transferable[] = [];
  try {
    const handled = await handler(payload);
    response = { id, type, ok: handled.answer } as WorkerResponse;
    transfer = handled.transfer;
  } catch (error) {
    response = { id, type, error: toFailure(error) };
  }
  self.postMessage(response, transfer);
};
