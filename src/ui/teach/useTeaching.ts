// Teaching a head in the page: every file through the parse worker, its features through the
// model worker (the frozen model, vote 0: the cloud as given), then the head trained and
// cross-validated in the model worker. Features are kept per file and model, so adding a file and
// teaching again computes only the new one. A file that fails is listed and left out; the rest go on.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { describeListing, type FolderListing } from '../../files/folder';
import { upWithFloor } from '../../geometry/upTurn';
import type { UpAxis } from '../../geometry/normalise';
import { modelIdentity } from '../../model/taughtHead';
import type { ModelClient } from '../../model/worker/client';
import type { OpenedModel, Trained, TrainProgress } from '../../model/worker/protocol';
import { DEFAULT_ITERATIONS, DEFAULT_WEIGHT_DECAY } from '../../teach/head';
import type { HeadFile } from '../../teach/headFile';
import { ParseClient } from '../../worker/client';
import { WorkerError } from '../../worker/transport';
import { useWorkerClient } from '../useWorkerClient';
import { mergeListing, newClass, teachProblem, usedClasses, type TeachClass } from './teachClasses';

export type TeachPhase =
  | { kind: 'idle' }
  | { kind: 'features'; done: number; total: number; path: string; elapsedMs: number }
  | { kind: 'training'; progress: TrainProgress | null }
  | { kind: 'trained'; file: HeadFile; cv: Trained['cv']; shapes: number; featuresMs: number; trainMs: number; computed: number }
  | { kind: 'failed'; message: string };

export interface FileFailure {
  path: string;
  message: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Thrown for what stops the whole teaching, not just one file. */
class TeachStop extends Error {}

/** The one-file path's Cancel replaces the model worker; the file under way then fails with 'disposed'. */
const replacedWorker = (e: unknown) => e instanceof WorkerError && e.kind === 'disposed';

const MODEL_CHANGED = 'The model changed while teaching; teach again.';

/** Which model is open (id and ONNX sha256), or null; never throws, unlike modelIdentity. */
const modelKey = (opened: OpenedModel | null): string | null => {
  if (!opened) return null;
  const { manifest } = opened;
  const sha = manifest.files[manifest.onnx.file]?.sha256;
  return sha ? `${manifest.id}/${sha}` : null;
};

export function useTeaching(client: RefObject<ModelClient | null>, opened: OpenedModel | null, up: UpAxis | 'auto') {
  const parser = useWorkerClient(() => new ParseClient());
  const [classes, setClasses] = useState<TeachClass[]>(() => [newClass(), newClass()]);
  const [phase, setPhase] = useState<TeachPhase>({ kind: 'idle' });
  const [failures, setFailures] = useState<FileFailure[]>([]);
  const [listingNote, setListingNote] = useState<string | null>(null);
  /** Features per file, for the model (sha256) and up they were computed with. */
  const cache = useRef(new WeakMap<File, { key: string; features: Float32Array }>());
  const run = useRef(0);
  /** The model the teaching under way started with (modelKey), null when none runs. */
  const runModel = useRef<string | null>(null);
  const openKey = modelKey(opened);
  /** The model open now, read after each await: features from another model are never kept. */
  const openModel = useRef<string | null>(null);
  openModel.current = openKey;

  // A model switched mid-teach: the features so far and the head's stamp would be of two models.
  useEffect(() => {
    if (runModel.current === null || runModel.current === openKey) return;
    run.current++;
    runModel.current = null;
    setPhase({ kind: 'failed', message: MODEL_CHANGED });
  }, [openKey]);

  const teach = useCallback(async () => {
    const problem = teachProblem(classes);
    if (problem) return setPhase({ kind: 'failed', message: problem });
    const model = client.current;
    const files = parser.current;
    if (!opened || !model || !files) return setPhase({ kind: 'failed', message: 'The model is still opening: teach once it is open.' });
    const request = ++run.current;
    const stale = () => request !== run.current;
    const startedWith = modelKey(opened);
    runModel.current = startedWith;
    const modelChanged = () => openModel.current !== startedWith;
    const used = usedClasses(classes);
    const identity = modelIdentity(opened.manifest);
    const key = `${identity.modelSha256}/${up}`;
    const items = used.flatMap((c, label) => c.files.map((f) => ({ ...f, label })));
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    const failed: FileFailure[] = [];
    setFailures([]);
    const start = performance.now();
    let computed = 0;
    /** One file's features; once more on the new worker after the model worker was replaced under it. */
    const featuresOf = async (file: File): Promise<Float32Array> => {
      for (let attempt = 0; ; attempt++) {
        const worker = attempt === 0 ? model : client.current;
        if (!worker) throw new Error('The page is closing.');
        try {
          const loaded = await files.loadFile(file);
          const { cloud } = loaded.result;
          const result = await worker.classify(cloud.positions.subarray(0, cloud.count * 3), upWithFloor(up, loaded.result.floorUp), 1);
          if (!result.features) {
            throw new TeachStop(`${opened.manifest.name} has no 'features' output, so it cannot be taught: export it again (python -m any2point.export).`);
          }
          return result.features;
        } catch (e) {
          if (attempt === 0 && replacedWorker(e) && !stale()) continue;
          throw e;
        }
      }
    };
    try {
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        setPhase({ kind: 'features', done: i, total: items.length, path: item.path, elapsedMs: performance.now() - start });
        let features = cache.current.get(item.file)?.key === key ? cache.current.get(item.file)!.features : null;
        if (!features) {
          try {
            const computedNow = await featuresOf(item.file);
            if (stale()) return;
            if (modelChanged()) throw new TeachStop(MODEL_CHANGED);
            features = computedNow;
            cache.current.set(item.file, { key, features });
            computed++;
          } catch (e) {
            if (e instanceof TeachStop || stale()) throw e;
            failed.push({ path: item.path, message: message(e) });
          }
          if (stale()) return;
          if (!features) continue;
        }
        rows.push(features);
        labels.push(item.label);
      }
      const featuresMs = performance.now() - start;
      setFailures(failed);
      const counts = used.map((_, q) => labels.filter((l) => l === q).length);
      const lost = used.find((_, q) => counts[q] === 0);
      if (lost) throw new TeachStop(`None of the files of "${lost.name}" could be read: give it other files.`);
      const dim = rows[0].length;
      const features = new Float32Array(rows.length * dim);
      rows.forEach((r, i) => features.set(r, i * dim));
      setPhase({ kind: 'training', progress: null });
      // The worker now, not the one at the start: a one-file Cancel may have replaced it.
      const trainer = client.current;
      if (!trainer) throw new Error('The page is closing.');
      const trained = await trainer.train({ features, dim, labels, classes: used.map((c) => c.name) }, (progress) => {
        if (!stale()) setPhase({ kind: 'training', progress });
      });
      if (stale()) return;
      if (modelChanged()) throw new TeachStop(MODEL_CHANGED);
      const file: HeadFile = {
        model: { id: identity.modelId, sha256: identity.modelSha256 },
        created: new Date().toISOString(),
        head: trained.head,
        examplesPerClass: counts,
        crossValidation: trained.cv.possible ? { folds: trained.cv.folds, accuracy: trained.cv.accuracy } : null,
        training: { method: 'logistic-regression', weightDecay: DEFAULT_WEIGHT_DECAY, iterations: DEFAULT_ITERATIONS },
      };
      setPhase({ kind: 'trained', file, cv: trained.cv, shapes: rows.length, featuresMs, trainMs: trained.ms.crossValidate + trained.ms.train, computed });
    } catch (e) {
      if (stale()) return;
      setFailures(failed);
      setPhase({ kind: 'failed', message: message(e) });
    } finally {
      if (!stale()) runModel.current = null;
    }
  }, [classes, client, parser, opened, up]);

  /** Files of class folders join (or make) the classes of those names. */
  const addListing = useCallback((listing: FolderListing) => {
    setClasses((current) => mergeListing(current, listing.files).classes);
    const unlabelled = listing.files.filter((f) => !f.label).length;
    const outside = unlabelled > 0 ? ` ${unlabelled} file${unlabelled === 1 ? '' : 's'} outside a class folder left out.` : '';
    setListingNote(`${describeListing(listing)}${outside}`);
  }, []);

  /** A folder that could not be listed: said where the listing note goes. */
  const listingFailed = useCallback((e: unknown) => setListingNote(`Could not read the folder: ${message(e)}`), []);

  /** Stops the teaching under way (the file being read finishes in the background). */
  const cancel = useCallback(() => {
    run.current++;
    runModel.current = null;
    setPhase({ kind: 'idle' });
  }, []);

  return { classes, setClasses, addListing, listingFailed, listingNote, phase, failures, teach, cancel, busy: phase.kind === 'features' || phase.kind === 'training' };
}

export type Teaching = ReturnType<typeof useTeaching>;
