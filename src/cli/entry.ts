// What bin/any2point.mjs loads through Vite's module runner, in the main thread and in every
// worker thread. The work happens while this module is evaluated (top-level await), because the
// runner closes once the import settles, and the app's modules import parts of themselves lazily
// (onnxruntime's build, the frozen-weight assembler): those imports must come while it is open.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

if (isMainThread) {
  const { main } = await import('./main');
  process.exitCode = await main(process.argv.slice(2), { root, workerScript: path.join(root, 'bin', 'any2point.mjs') });
} else {
  const { runWorker } = await import('./worker');
  await runWorker();
}
