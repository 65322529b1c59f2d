// A CLI worker thread: opens one classifier (the app's src/model/classifier.ts) on the files the
// main thread read, says where it runs, then classifies (or computes the features of) one file
// per job, or one model of a file (an archive's, a batch's cloud). Started by bin/any2point.mjs (through src/cli/entry.ts); it runs until the pool
// terminates the thread (a terminated thread needs no clean-up, and Dawn's objects are never
// collected while it lives), so the promise runWorker returns only settles if the model fails to open.
import { parentPort, workerData } from 'node:worker_threads';
import { openClassifier, type Classifier, type TaughtHead } from '../model/classifier';
import { modelIdentity, taughtHeadFor } from '../model/taughtHead';
import { classifyFile, classifyModel, fileFeatures } from './classifyFile';
import { pickDevice } from './device';
import type { FromWorker, Outcome, ToWorker, WorkerSetup } from './protocol';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('src/cli/worker.ts runs in a worker thread');
  const setup = workerData as WorkerSetup;
  const post = (m: FromWorker) => port.postMessage(m);
  let classifier: Classifier;
  let head: TaughtHead | null = null;
  try {
    if (setup.head) head = taughtHeadFor(setup.files.manifest, { ...modelIdentity(setup.files.manifest), name: setup.head.name, head: setup.head.head });
    const pick = await pickDevice(setup.device);
    classifier = await openClassifier(setup.files, { device: pick.device, network: 'wasm' });
    post({ type: 'ready', backend: classifier.backend, geometry: pick.device === 'wasm' ? 'cpu' : 'gpu', reason: pick.reason ?? classifier.fallbackReason });
  } catch (error) {
    post({ type: 'fatal', error: message(error) });
    return;
  }
  const opened = classifier;
  port.on('message', async (m: ToWorker) => {
    const { index, path, entry } = m.job;
    let outcome: Outcome;
    try {
      const options = { votes: setup.votes, up: setup.up, head, keepEveryPoint: setup.keepEveryPoint, objects: setup.objects };
      const value = setup.task === 'features'
        ? await fileFeatures(opened, path, setup.up, setup.keepEveryPoint)
        : entry !== undefined
          ? await classifyModel(opened, path, entry, options)
          : await classifyFile(opened, path, options);
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error: message(error) };
    }
    post({ type: 'result', index, outcome });
  });
  await new Promise<never>(() => undefined);
}
