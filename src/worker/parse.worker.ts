/// <reference lib="webworker" />
// The worker that parses files off the main thread: one handler per request of protocol.ts.
import { loadFile } from '../io/index';
import { serialiseLoadError } from './failure';
import type { ParseApi } from './protocol';
import { loadResultTransferables } from './transfer';
import { serve, withTransfer } from './transport';

declare const self: DedicatedWorkerGlobalScope;

serve<ParseApi>(
  self,
  {
    load({ name, bytes }) {
      const start = performance.now();
      const result = loadFile(name, new Uint8Array(bytes));
      const ms = performance.now() - start;
      return withTransfer({ result, ms }, loadResultTransferables(result));
    },
  },
  { serialise: serialiseLoadError },
);
