// One file through the app's pipeline, in a worker: bytes -> src/io's loadFile (the same loaders,
// mesh sampling and checks as the parse worker) -> the classifier (src/model) -> the plain record
// the CLI reports. A file that cannot be read or classified throws; the pool reports it and goes on.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { classNamesIn } from '../files/companions';
import { upWithFloor } from '../geometry/upTurn';
import type { Classifier, TaughtHead } from '../model/classifier';
import { formatOfName } from '../io/formats';
import type { SidecarFiles } from '../io/gltf';
import { LIMITS, loadWhenReady } from '../io/index';
import { loadLargeFile } from '../io/largeFile';
import { largestRead } from '../io/limits';
import { centreOf, objectCloud } from '../io/objects';
import { type ArchiveModels, LoadError } from '../io/types';
import type { UpAxis } from '../geometry/normalise';

type Up = UpAxis | 'auto';

export interface FileOptions {
  votes: number | null;
  up: Up;
  head: TaughtHead | null;
  /** Read every point: the loaders' clean-up (stray pieces, a floor, walls) off. */
  keepEveryPoint?: boolean;
  /** --objects: each of several objects standing on a floor (io/objects.ts) classified alone too. */
  objects?: boolean;
}

/** One model of an archive of several, classified (--archive-models), or why it could not be. */
export type ClassifiedModel =
  | {
      model: string;
      format: string;
      points: number;
      top: { label: string; index: number; probability: number }[];
      up: UpAxis;
      notSure: boolean;
      /** A data set's cloud: the class its label names (a shape_names.txt beside the file), scored as a class folder is. */
      labelClass?: string;
    }
  | { model: string; error: string };

/** One of several objects on a floor, classified alone (--objects). */
export interface ClassifiedObject {
  /** 1-based, the object with most points first (the file's warning lists them in this order). */
  object: number;
  points: number;
  /** The mean of its points, in the file's coordinates. */
  centre: [number, number, number];
  top: { label: string; index: number; probability: number }[];
  up: UpAxis;
  notSure: boolean;
}

export interface Classified {
  format: string;
  kind: 'points' | 'mesh';
  /** Points classified (a mesh's surface samples). */
  points: number;
  warnings: string[];
  /** The app's answer (model/decide.ts): the best classes with the model's fitted temperature, as
   * the app's one-file panel and batch table show them. */
  top: { label: string; index: number; probability: number }[];
  /** The up the answer is for (detected with --up auto). */
  up: UpAxis;
  /** The app's answer (model/decide.ts, the model's fitted temperature) is "not sure", or the
   * file holds several objects on a floor (the answer is for them together). */
  notSure: boolean;
  /** Several objects on a floor: how many (each classified alone with --objects). */
  objectCount?: number;
  objects?: ClassifiedObject[];
  /** An archive: its models (largest first) and the one the answer is for. */
  archive?: ArchiveModels;
  /** With --archive-models, every model of an archive of several, the one read first (each read
   * by a job of its own: classifyCommand.ts). */
  archiveModels?: ClassifiedModel[];
  /** The answer was read from the cloud grown (a sparse cloud, decide.ts step 5). */
  grown: boolean;
  /** Vote 0's logits for that up (the taught head's, with one). */
  logits: number[];
  votes: number;
  ms: number;
}

/** The bytes of the last file of several models (an archive, a batch of clouds) read in this
 * thread, by path, size and date, as the parse worker keeps them: its other models are jobs of
 * their own (--archive-models), often in this thread, and are read from these bytes (and what
 * they unpack to, which loadFile keeps for them: io/compressed.ts) without reading the file again. */
let lastSeveral: { key: string; bytes: Uint8Array } | null = null;

/** A file's points, as the app reads them (the parse worker's loadFile, or loadLargeFile for a
 * file over LIMITS.maxFileBytes that is read a slice at a time: a scan, an HDF5 data set). */
export async function readCloud(file: string, keepEveryPoint = false, archiveEntry?: string) {
  const name = path.basename(file);
  const stats = statSync(file);
  const size = stats.size;
  let loaded;
  if (size > LIMITS.maxFileBytes && largestRead(formatOfName(name)).bytes > LIMITS.maxFileBytes) {
    const fd = openSync(file, 'r');
    try {
      const read = async (start: number, end: number) => {
        const bytes = new Uint8Array(end - start);
        const got = readSync(fd, bytes, 0, bytes.length, start);
        return bytes.subarray(0, got);
      };
      loaded = await loadLargeFile(name, size, read, { keepEveryPoint, ...(archiveEntry === undefined ? {} : { archiveEntry }) });
    } finally {
      closeSync(fd);
    }
  } else {
    const key = `${path.resolve(file)}\n${size}\n${stats.mtimeMs}`;
    const bytes = archiveEntry !== undefined && lastSeveral?.key === key ? lastSeveral.bytes : new Uint8Array(readFileSync(file));
    loaded = await loadWhenReady(name, bytes, { keepEveryPoint, sidecar: besideOnDisk(file), ...(archiveEntry === undefined ? {} : { archiveEntry }) });
    lastSeveral = loaded.archive && loaded.archive.models.length > 1 ? { key, bytes } : null;
  }
  return { loaded, positions: loaded.cloud.positions.subarray(0, loaded.cloud.count * 3) };
}

/** The class names beside a data set on disk (companions.ts CLASS_NAME_FILES: PointNet's shape_names.txt). */
export function classNamesBeside(file: string): string[] | undefined {
  return classNamesIn((name, maxBytes) => {
    const beside = path.join(path.dirname(file), name);
    const stats = statSync(beside, { throwIfNoEntry: false });
    return stats?.isFile() && stats.size <= maxBytes ? readFileSync(beside, 'utf8') : undefined;
  });
}

/** A .gltf's separate files, read from the disk relative to its folder (at most LIMITS.maxFileBytes each). */
function besideOnDisk(file: string): SidecarFiles {
  return (uri) => {
    let relative = uri;
    try {
      relative = decodeURIComponent(uri);
    } catch {
      // a uri that is not percent-encoding: its text is the name
    }
    const beside = path.resolve(path.dirname(file), relative);
    // Plain files only: a uri naming a device (/dev/zero) or a folder is not read.
    const stats = statSync(beside, { throwIfNoEntry: false });
    if (!stats?.isFile() || stats.size > LIMITS.maxFileBytes) return undefined;
    return new Uint8Array(readFileSync(beside));
  };
}

/** One model of a file of several (an archive's, a batch's cloud), read and classified alone
 * (classify --archive-models); a model that cannot be read gives its error. */
export async function classifyModel(classifier: Classifier, file: string, entry: string, options: FileOptions): Promise<ClassifiedModel> {
  try {
    const { loaded, positions } = await readCloud(file, options.keepEveryPoint, entry);
    const a = await classifier.classify(positions, { up: upWithFloor(options.up, loaded.floorUp), votes: options.votes ?? undefined, head: options.head ?? undefined });
    return modelAnswer(entry, loaded.format, loaded.cloud.count, a.answer);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    return { model: entry, error: error.message };
  }
}

/** A model's answer as --archive-models lists it. */
export function modelAnswer(model: string, format: string, points: number, answer: { top: { label: string; index: number; probability: number }[]; up: UpAxis; notSure: boolean }): ClassifiedModel {
  return { model, format, points, top: answer.top.map(({ label, index, probability }) => ({ label, index, probability })), up: answer.up, notSure: answer.notSure };
}

export async function classifyFile(classifier: Classifier, file: string, options: FileOptions): Promise<Classified> {
  const start = performance.now();
  const { loaded, positions } = await readCloud(file, options.keepEveryPoint);
  const how = { up: upWithFloor(options.up, loaded.floorUp), votes: options.votes ?? undefined, head: options.head ?? undefined };
  const r = await classifier.classify(positions, how);
  const several = loaded.objects;
  const objects: ClassifiedObject[] = [];
  if (several && options.objects) {
    const shift = loaded.offset ?? [0, 0, 0];
    for (let k = 1; k <= several.sizes.length; k++) {
      const cloud = objectCloud(loaded.cloud, several.labels, k);
      const o = await classifier.classify(cloud.positions, how);
      objects.push({
        object: k,
        points: cloud.count,
        centre: centreOf(cloud).map((v, a) => v + shift[a]!) as [number, number, number],
        top: o.answer.top.map(({ label, index, probability }) => ({ label, index, probability })),
        up: o.answer.up,
        notSure: o.answer.notSure,
      });
    }
  }
  return {
    format: loaded.format,
    kind: loaded.kind,
    points: loaded.cloud.count,
    warnings: loaded.warnings,
    top: r.answer.top.map(({ label, index, probability }) => ({ label, index, probability })),
    up: r.answer.up,
    notSure: r.answer.notSure || several !== undefined,
    ...(several && { objectCount: several.sizes.length }),
    ...(options.objects && several && { objects }),
    ...(loaded.archive && { archive: loaded.archive }),
    grown: r.answer.grown,
    logits: Array.from(r.logits),
    votes: r.votes,
    ms: performance.now() - start,
  };
}

/** The network's `features` output (its head's input) for a file, vote 0 (of the chosen up with
 * 'auto'), as teach needs it. */
export async function fileFeatures(classifier: Classifier, file: string, up: Up, keepEveryPoint = false): Promise<Float32Array> {
  const { loaded, positions } = await readCloud(file, keepEveryPoint);
  const r = await classifier.classify(positions, { up: upWithFloor(up, loaded.floorUp), votes: 1 });
  if (!r.features) throw new Error(`${classifier.manifest.id} has no 'features' output: export the model again (any2point.export) to teach on it`);
  return r.features;
}
