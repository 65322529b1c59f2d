// The classify pipeline, transformers.js style:
//   const clf = await createClassifier(id, { device, onProgress });
//   const r = await clf.classify(cloud);
//   await clf.dispose();
// preprocess (normalise, resample, tokenizer geometry: WebGPU kernels on the device ORT runs on,
// their output buffers handed to ORT's webgpu session as they are; the CPU twins on wasm) ->
// network -> postprocess (top-k, attention per point). If the GPU device is lost, the same
// classifier carries on with wasm + CPU twins.
import { DeviceLostError } from '../gpu/errors';
import type { GpuContext } from '../gpu/device';
import { createGeometry, type GpuGeometry } from '../gpu/geometryStage';
import { runGeometry } from '../gpu/runGeometry';
import { normalise, type UpAxis } from '../geometry/normalise';
import { posWidth, tokenCount, viewCount, type GeometryOutput } from '../geometry/spec';
import type { PointCloud } from '../types/cloud';
import { cachedFrozen, frozenSourceUrls, loadFrozen, reportFrozenReady } from './assemble';
import type { FileCache } from './cache';
import { fetchFile, modelFileUrl } from './fetchFiles';
import { attentionMaps, nearestToken, softmax, topK, type AttentionMaps, type RankedClass } from './postprocess';
import { combinedDownload, type ProgressCallback } from './progress';
import { createSession, type Backend, type DeviceChoice, type InputTensor, type ModelSession, type OutputTensor } from './session';
import { sharedGpuContext } from './sharedGpu';
import { answerFrom, AUTO_UPS, decide, UNCALIBRATED, wantsSecondLook, type Answer } from './decide';
import { answersGrown } from '../geometry/spacing';
import { checkVotes, meanProbabilities, rolled } from './votes';
import { GpuBatch, MAX_PASSES_PER_RUN, splitOutputs, stackFeeds } from './batchFeeds';
import { loadManifest, type ZooManifest } from './zoo';

export interface ClassifierOptions {
  device?: DeviceChoice;
  onProgress?: ProgressCallback;
  /** How many classes `classify` ranks (default 5). */
  topK?: number;
  /** 'wasm': the network on WebAssembly even when the geometry kernels get WebGPU (Node: the CLI's
   * Dawn runs the kernels, but onnxruntime-web's WebGPU EP fails there, src/cli/device.ts). */
  network?: 'wasm';
  cache?: FileCache;
  fetch?: typeof fetch;
  base?: string;
}

export interface ClassifyOptions {
  /** The cloud's up axis (default 'z', as the network was trained), or 'auto': the cloud is
   * classified z-up and y-up and the more confident kept (decide.ts, docs/confidence.md). */
  up?: UpAxis | 'auto';
  /** Point orders to classify and average (votes.ts); default the manifest's `votes`, else 1.
   * With up 'auto', per candidate up: default the calibration's `votesPerUp`, else half the
   * manifest's votes (rounded up), so the automatic up costs the default's network runs. */
  votes?: number;
  /** A head taught in the app (src/teach) that ranks its own classes from the network's
   * `features` output, in place of the model's own head; the attention is the same either way. */
  head?: TaughtHead;
}

/** A taught head as the classifier uses it: the network's features (its own head's input) in,
 * one logit per taught class out. */
export interface TaughtHead {
  name: string;
  classes: readonly string[];
  logits(features: Float32Array): Float32Array;
}

export interface Timings {
  /** Normalise + resample + tokenizer geometry (all votes). */
  geometry: number;
  /** onnxruntime runs, including moving inputs and outputs (all votes). */
  network: number;
  /** How many onnxruntime runs that took: every pass (ups x votes) of a classify goes in one
   * batched run (at most MAX_PASSES_PER_RUN passes each); one per pass for a batch-1 model. */
  runs: number;
  /** The whole classify() call. */
  total: number;
}

export interface Classification {
  top: RankedClass[];
  /** The mean of the votes' softmax (the softmax of `logits` with one vote). */
  probabilities: Float32Array;
  /** The network's logits for the cloud in its own point order (vote 0); a taught head's, with one. */
  logits: Float32Array;
  /** The network's `features` output (its head's input) for vote 0; null when the model has none. */
  features: Float32Array | null;
  /** The name of the taught head that ranked `top`; null: the model's own head. */
  head: string | null;
  /** How many point orders were classified and averaged (per up, with up 'auto'). */
  votes: number;
  /** Every vote's logits, for the up the result is of (decide.ts works on them). */
  voteLogits: Float32Array[];
  /** The app's answer (decide.ts): the up, the calibrated probabilities, and whether it is sure. */
  answer: Answer;
  /** The class token's attention to every token, per layer and head. */
  attention: AttentionMaps;
  /** For every input point, the token whose value it shows (nearest token centre). */
  tokenOfPoint: Uint32Array;
  /** Token centres, T x 3, in the normalised frame the network saw. */
  tokens: Float32Array;
  /** Token positions on the backbone's grid: M x T (1D) or M x T x 2 (2D: column, row). */
  pos: Float32Array;
  timings: Timings;
  /** Execution provider of the network and where the geometry ran. */
  backend: Backend;
  geometryPath: 'gpu' | 'cpu';
  /** Why the run is not on the GPU when it was meant to be (null otherwise). */
  fallbackReason: string | null;
}

export interface Classifier {
  readonly manifest: ZooManifest;
  /** The backend classify() currently runs on (may turn 'wasm' after a lost device). */
  readonly backend: Backend;
  readonly fallbackReason: string | null;
  classify(cloud: PointCloud | Float32Array, options?: ClassifyOptions): Promise<Classification>;
  dispose(): Promise<void>;
}

/** The bytes a classifier is built from. */
export interface ModelFiles {
  manifest: ZooManifest;
  model: Uint8Array;
  /** frozen.bin, when the manifest has frozen weights. */
  frozen: Uint8Array | null;
}

/** Downloads (or takes from the cache) and assembles a zoo model, then opens it. */
export async function createClassifier(id: string, options: ClassifierOptions = {}): Promise<Classifier> {
  const manifest = await loadManifest(id, options);
  const file = manifest.onnx.file;
  const modelUrl = modelFileUrl(id, file, options.base);
  const cached = manifest.frozen ? await cachedFrozen(id, manifest.frozen, options) : null;
  const sources = manifest.frozen && !cached ? frozenSourceUrls(manifest.backbone.name, manifest.frozen, options.base) : [];
  // The model and the backbone's source files download together under one bar, whose total is
  // fixed once every size is known (the model's from the manifest) instead of growing per file.
  const download = combinedDownload([modelUrl, ...sources], options.onProgress);
  const modelBytes = fetchFile(modelUrl, {
    cache: options.cache,
    fetch: options.fetch,
    expected: manifest.files[file],
    onProgress: (loaded, total) => download(modelUrl, loaded, total),
  });
  const frozenBytes = manifest.frozen
    ? (cached ?? loadFrozen(id, manifest.backbone.name, manifest.frozen, { ...options, download, downloadDone: modelBytes.catch(() => null) }))
    : null;
  // The model's own error (e.g. a sha256 mismatch) comes first; a later one of the frozen part is
  // still thrown when the model is fine.
  void Promise.resolve(frozenBytes).catch(() => undefined);
  const model = await modelBytes;
  const frozen = await frozenBytes;
  if (cached && manifest.frozen) reportFrozenReady(manifest.frozen, options.onProgress);
  return openClassifier({ manifest, model, frozen }, options);
}

/** A classifier from files already in memory (tests, tools). */
export async function openClassifier(files: ModelFiles, options: Pick<ClassifierOptions, 'device' | 'onProgress' | 'topK' | 'network'> = {}): Promise<Classifier> {
  const { manifest } = files;
  if (manifest.frozen && !files.frozen) throw new Error(`${manifest.id}: the manifest lists frozen weights (${manifest.frozen.file}) but none were given`);
  const externalData = manifest.frozen && files.frozen ? [{ path: manifest.frozen.file, data: files.frozen }] : [];
  const device = options.device ?? 'auto';
  options.onProgress?.({ phase: 'session', loaded: 0, total: 1 });
  // The kernels' device first, so that ORT runs on it too.
  let context: GpuContext | null = null;
  let noGpu: string | null = null;
  if (device !== 'wasm') {
    try {
      context = await sharedGpuContext();
    } catch (error) {
      if (device === 'webgpu') throw new Error(`WebGPU was asked for but cannot be used: ${error instanceof Error ? error.message : String(error)}`);
      noGpu = error instanceof Error ? error.message : String(error);
    }
  }
  const session = await createSession(files.model, {
    device: context && options.network !== 'wasm' ? device : 'wasm',
    externalData,
    gpuDevice: context?.device,
    gpuAdapterInfo: context ? { isFallbackAdapter: context.adapter.isFallbackAdapter, description: `${context.adapter.vendor} ${context.adapter.architecture} ${context.adapter.description}`.trim() } : undefined,
  });
  options.onProgress?.({ phase: 'session', loaded: 1, total: 1 });
  checkSignature(manifest, session);
  // The geometry kernels use WebGPU whenever it was acquired, also when 'auto' put the network on
  // wasm because the adapter is a software one: there the GPU FPS still beats the CPU twin ~4x on
  // 100k-point clouds. 'wasm' asked for by name is the all-CPU pipeline (CPU twins).
  const pipeline = new Pipeline(files, session, context, externalData, options.topK ?? 5);
  if (noGpu) pipeline.noteFallback(noGpu);
  return pipeline;
}

function checkSignature(manifest: ZooManifest, session: ModelSession): void {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(session.inputNames, manifest.onnx.inputs)) {
    throw new Error(`${manifest.id}: the model takes [${session.inputNames}], the manifest says [${manifest.onnx.inputs}]`);
  }
  for (const out of ['logits', 'attention']) {
    if (!session.outputNames.includes(out)) throw new Error(`${manifest.id}: the model has no '${out}' output (it has [${session.outputNames}])`);
  }
}

/** A taught head's logits from the features output, checked: the model must have that output and
 * the head must give one logit per class. */
function taughtLogits(manifest: ZooManifest, head: TaughtHead, features: Float32Array | null): Float32Array {
  if (!features) throw new Error(`${manifest.id}: the model has no 'features' output, so the taught head "${head.name}" cannot be used with it (export the model again)`);
  const logits = head.logits(features);
  if (logits.length !== head.classes.length) throw new Error(`taught head "${head.name}": ${logits.length} logits for ${head.classes.length} classes`);
  return logits;
}

/** One up's results over every vote (Pipeline.infer). */
interface Inference {
  up: UpAxis;
  votes: number;
  voteLogits: Float32Array[];
  /** Vote 0, the cloud as given: what the UI draws. */
  first: { tokens: Float32Array; pos: Float32Array; path: 'gpu' | 'cpu'; outputs: Record<string, OutputTensor>; logits: Float32Array; features: Float32Array | null };
}

/** Every up's inference, with the time and runs they took together. */
interface Inferences {
  byUp: Inference[];
  geometryMs: number;
  networkMs: number;
  runs: number;
}

/** One network pass: the cloud rolled for a vote, under one up. */
interface Pass {
  up: UpAxis;
  vote: number;
}

/** What a pass's geometry gives the network, and vote 0's drawing data. */
interface PassGeometry {
  feeds: Record<string, InputTensor>;
  tokens: Float32Array;
  pos: Float32Array;
  path: 'gpu' | 'cpu';
}

class Pipeline implements Classifier {
  readonly manifest: ZooManifest;
  private fallback: string | null;
  /** The kernels whose output buffers feed the WebGPU session (kept: buffers reused per run). */
  private gpuGeometry: GpuGeometry | null = null;
  /** Where the passes' GPU inputs are stacked for one batched run (kept between runs). */
  private gpuBatch: GpuBatch | null = null;

  constructor(
    private readonly files: ModelFiles,
    private session: ModelSession,
    private context: GpuContext | null,
    private readonly externalData: { path: string; data: Uint8Array }[],
    private readonly k: number,
  ) {
    this.manifest = files.manifest;
    this.fallback = session.fallbackReason;
  }

  get backend(): Backend {
    return this.session.backend;
  }

  get fallbackReason(): string | null {
    return this.fallback;
  }

  /** Why 'auto' is on wasm when WebGPU could not even be acquired. */
  noteFallback(reason: string): void {
    this.fallback = reason;
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** One classification at a time: the GPU geometry reuses its buffers from run to run. */
  classify(cloud: PointCloud | Float32Array, options: ClassifyOptions = {}): Promise<Classification> {
    const next = this.queue.then(() => this.classifyNow(cloud, options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async classifyNow(cloud: PointCloud | Float32Array, options: ClassifyOptions): Promise<Classification> {
    try {
      return await this.run(cloud, options);
    } catch (error) {
      if (!this.context || !this.deviceLost(error)) throw error;
      await this.fallBackToWasm(`the WebGPU device was lost (${error instanceof Error ? error.message : String(error)})`);
      return this.run(cloud, options);
    }
  }

  private deviceLost(error: unknown): boolean {
    return error instanceof DeviceLostError || (this.context?.isLost ?? false);
  }

  private async fallBackToWasm(reason: string): Promise<void> {
    this.context = null;
    this.gpuGeometry = null; // its device is gone, and its buffers with it
    this.gpuBatch = null;
    this.fallback = reason;
    if (this.session.backend === 'wasm') return;
    const old = this.session;
    this.session = await createSession(this.files.model, { device: 'wasm', externalData: this.externalData });
    await old.dispose().catch(() => undefined);
  }

  /** up 'auto': the cloud classified under each candidate up (z, y, and with the learned picker's
   * second look the other four when neither looks upright), the answer of decide.ts; its tokens and
   * attention are those of the chosen up (worked out for it alone), the timings the sum. */
  private async runAuto(cloud: PointCloud | Float32Array, options: ClassifyOptions): Promise<Classification> {
    const { manifest } = this;
    const start = performance.now();
    const positions = cloud instanceof Float32Array ? cloud : cloud.positions;
    const votes = checkVotes(options.votes ?? manifest.calibration?.votesPerUp ?? Math.ceil((manifest.votes ?? 1) / 2), `${manifest.id}: classify`);
    const head = options.head ?? null;
    // The novelty check compares the two ups' features (novelty.ts) and the learned up picker scores
    // them (upright.ts); both were fitted on the model's own head, so a taught head uses neither.
    const upright = head ? null : (manifest.upright ?? null);
    const asRuns = (all: Inferences) => all.byUp.map((r) => ({ up: r.up, voteLogits: r.voteLogits, features: r.first.features }));
    let inferred = await this.infer(positions, AUTO_UPS, votes, head);
    // Neither z nor y looks upright: the picker's second look classifies the other four ups too,
    // in one more batched run (docs/pose.md "H").
    if (upright?.secondLook && wantsSecondLook(asRuns(inferred), upright)) {
      const more = await this.infer(positions, upright.secondLook.ups, votes, head);
      inferred = { byUp: [...inferred.byUp, ...more.byUp], geometryMs: inferred.geometryMs + more.geometryMs,
        networkMs: inferred.networkMs + more.networkMs, runs: inferred.runs + more.runs };
    }
    const { answer, chosen } = decide(asRuns(inferred), this.labels(head), this.calibration(head), this.k, head ? null : (manifest.novelty ?? null), upright);
    if (!this.growsAnswer(positions)) return this.finish(positions, inferred.byUp[chosen], head, answer, start, inferred);
    // A sparse cloud: the up was found on it as given (repeated, as the picker was fitted); its
    // answer is read from the same ups' passes of the cloud grown (decide.ts step 5), one more run.
    const ups = answer.upScores.filter((s) => (answer.mixed ? (s.weight ?? 0) > 0 : s.up === answer.up)).map((s) => s.up);
    const grown = await this.infer(positions, ups, votes, head, true);
    const regrown = answerFrom(answer, asRuns(grown), this.labels(head), this.calibration(head), this.k);
    const all = { byUp: [...inferred.byUp, ...grown.byUp], geometryMs: inferred.geometryMs + grown.geometryMs,
      networkMs: inferred.networkMs + grown.networkMs, runs: inferred.runs + grown.runs };
    return this.finish(positions, grown.byUp.find((r) => r.up === answer.up)!, head, regrown, start, all);
  }

  /** Whether this cloud's answer is read from it grown (decide.ts step 5): a model whose
   * calibration says so, at most N_in / 3 points and, with the calibration's growSpacing, points
   * farther apart than it (spacing.ts). A taught head too, so that the features it
   * was taught from (a result's `features`, those of the passes answered from) and the features it
   * reads are of the same cloud. */
  private growsAnswer(positions: Float32Array): boolean {
    const c = this.manifest.calibration;
    return c?.sparse === 'grown' && answersGrown(positions, this.manifest.geometry.points, c.growSpacing);
  }

  private async run(cloud: PointCloud | Float32Array, options: ClassifyOptions): Promise<Classification> {
    if (options.up === 'auto') return this.runAuto(cloud, options);
    const { manifest } = this;
    const start = performance.now();
    const positions = cloud instanceof Float32Array ? cloud : cloud.positions;
    const votes = checkVotes(options.votes ?? manifest.votes ?? 1, `${manifest.id}: classify`);
    const head = options.head ?? null;
    // A forced up needs no picker: a sparse cloud is classified grown directly (decide.ts step 5).
    const grow = this.growsAnswer(positions);
    const inferred = await this.infer(positions, [options.up ?? 'z'], votes, head, grow);
    const [only] = inferred.byUp;
    const { answer } = decide([{ up: only.up, voteLogits: only.voteLogits }], this.labels(head), this.calibration(head), this.k);
    return this.finish(positions, only, head, { ...answer, grown: grow }, start, inferred);
  }

  private labels(head: TaughtHead | null): readonly string[] {
    return head?.classes ?? this.manifest.classes;
  }

  /** A taught head has its own classes and no fitted temperature: never "not sure". */
  private calibration(head: TaughtHead | null) {
    return head ? UNCALIBRATED : (this.manifest.calibration ?? UNCALIBRATED);
  }

  /** Geometry and network for every pass (each up x each vote): the logits of each vote per up,
   * and vote 0's (the cloud as given) tokens, outputs and features, which the UI draws. The
   * passes go through the network together, stacked on the batch axis (batchFeeds.ts), at most
   * MAX_PASSES_PER_RUN to a run; a model exported with batch 1 runs them one by one. */
  private async infer(positions: Float32Array, ups: readonly UpAxis[], votes: number, head: TaughtHead | null, grow = false): Promise<Inferences> {
    const passes: Pass[] = ups.flatMap((up) => Array.from({ length: votes }, (_, vote) => ({ up, vote })));
    const perRun = this.session.batched ? MAX_PASSES_PER_RUN : 1;
    const outputs: Record<string, OutputTensor>[] = [];
    const drawn = new Map<UpAxis, PassGeometry>();
    let geometryMs = 0;
    let networkMs = 0;
    let runs = 0;
    for (let from = 0; from < passes.length; from += perRun) {
      const chunk = passes.slice(from, from + perRun);
      const t0 = performance.now();
      const feeds = await this.batchGeometry(positions, chunk, drawn, grow);
      const t1 = performance.now();
      const out = await this.session.run(feeds);
      geometryMs += t1 - t0;
      networkMs += performance.now() - t1;
      runs++;
      outputs.push(...(chunk.length === 1 ? [out] : splitOutputs(out, chunk.length)));
    }
    const byUp = ups.map((up, u): Inference => {
      const results = outputs.slice(u * votes, (u + 1) * votes).map((o) => this.passResult(o, head));
      const geometry = drawn.get(up)!;
      return { up, votes, voteLogits: results.map((r) => r.logits), first: { ...geometry, ...results[0], outputs: outputs[u * votes] } };
    });
    return { byUp, geometryMs, networkMs, runs };
  }

  /** The geometry of a run's passes as the network's inputs, stacked when there are several;
   * vote 0's of each up kept in `drawn`. */
  private async batchGeometry(positions: Float32Array, chunk: readonly Pass[], drawn: Map<UpAxis, PassGeometry>, grow: boolean): Promise<Record<string, InputTensor>> {
    const each: Record<string, InputTensor>[] = [];
    for (const [slot, pass] of chunk.entries()) {
      const g = await this.geometry(pass.vote === 0 ? positions : rolled(positions, pass.vote), pass.up, grow);
      if (pass.vote === 0) drawn.set(pass.up, g);
      if (chunk.length === 1) return g.feeds;
      const onGpu = Object.values(g.feeds).some((f) => 'gpuBuffer' in f);
      if (onGpu) {
        // The kernels overwrite their buffers on the next pass: copied into the batch first.
        this.gpuBatch ??= new GpuBatch(this.context!);
        await this.gpuBatch.put(slot, chunk.length, g.feeds);
        if (slot === chunk.length - 1) return this.gpuBatch.feeds(chunk.length, g.feeds);
      } else {
        each.push(g.feeds);
      }
    }
    return stackFeeds(each);
  }

  /** A pass's logits (the model's head, or a taught head's from the features) and features. */
  private passResult(outputs: Record<string, OutputTensor>, head: TaughtHead | null): { logits: Float32Array; features: Float32Array | null } {
    const { manifest } = this;
    const features = outputs.features ? (outputs.features.data as Float32Array) : null;
    if (head) return { features, logits: taughtLogits(manifest, head, features) };
    const logits = outputs.logits.data as Float32Array;
    if (logits.length !== manifest.classes.length) {
      throw new Error(`${manifest.id}: ${logits.length} logits for ${manifest.classes.length} classes`);
    }
    return { features, logits };
  }

  /** The result of one up's inference: probabilities, attention maps and every point's token. */
  private finish(positions: Float32Array, inferred: Inference, head: TaughtHead | null, answer: Answer, start: number, all: Inferences): Classification {
    const { manifest } = this;
    const { up, votes, voteLogits } = inferred;
    const { tokens, pos, path, outputs, logits, features } = inferred.first;
    const voted = voteLogits.map((l) => softmax(l));
    const probabilities = votes === 1 ? voted[0] : meanProbabilities(voted);
    const t = tokenCount(manifest.geometry);
    const attention = attentionMaps(outputs.attention.data as Float32Array, manifest.attention.layers, manifest.attention.heads, t);
    // Token of every input point, in the same normalised frame as the token centres.
    const tokenOfPoint = nearestToken(normalise(positions, up), tokens);
    const end = performance.now();
    return {
      top: topK(probabilities, this.labels(head), this.k),
      probabilities,
      logits,
      features,
      head: head?.name ?? null,
      votes,
      voteLogits,
      answer,
      attention,
      tokenOfPoint,
      tokens,
      pos,
      timings: { geometry: all.geometryMs, network: all.networkMs, runs: all.runs, total: end - start },
      backend: this.session.backend,
      geometryPath: path,
      fallbackReason: this.fallback,
    };
  }

  /** The network's inputs. With the network on WebGPU they stay in the kernels' GPU buffers (same
   * device, no CPU round trip; only the token centres and positions come back, for drawing);
   * otherwise the geometry runs where it can (GPU kernels or CPU twins) and is read back. */
  private async geometry(positions: Float32Array, up: UpAxis, grow: boolean): Promise<PassGeometry> {
    const spec = this.manifest.geometry;
    if (this.context && this.session.backend === 'webgpu') {
      this.gpuGeometry ??= createGeometry(this.context);
      const g = await this.gpuGeometry.runCloudToBuffers(positions, spec, { up, grow });
      const feeds: Record<string, InputTensor> = {};
      const byName = new Map(g.inputs.map((i) => [i.name, i]));
      for (const name of this.session.inputNames) {
        const input = byName.get(name);
        if (!input) throw new Error(`${this.manifest.id}: the model input '${name}' is not one the geometry stage produces ([${[...byName.keys()]}])`);
        feeds[name] = { type: input.type, gpuBuffer: input.gpuBuffer, dims: input.dims };
      }
      return { feeds, tokens: g.tokens, pos: g.pos, path: 'gpu' as const };
    }
    const geometry = await runGeometry(positions, spec, this.context ? { context: this.context, up, grow } : { prefer: 'cpu', up, grow });
    if (this.context && geometry.path === 'cpu') throw new DeviceLostError('lost', geometry.fallbackReason ?? 'the geometry kernels fell back to the CPU');
    return { feeds: this.feeds(geometry.output), tokens: geometry.output.tokens, pos: geometry.output.pos, path: geometry.path };
  }

  /** The ONNX inputs of docs/geometry.md, for the names the model takes. */
  private feeds(g: GeometryOutput): Record<string, InputTensor> {
    const spec = this.manifest.geometry;
    const t = tokenCount(spec);
    const m = viewCount(spec.projection);
    const int32 = (u: Uint32Array) => new Int32Array(u.buffer, u.byteOffset, u.length);
    const all: Record<string, InputTensor> = {
      points: { type: 'float32', data: g.points, dims: [1, spec.points, 3] },
      pos: { type: 'float32', data: g.pos, dims: posWidth(spec.projection) === 1 ? [1, m, t] : [1, m, t, 2] },
      cell_mask: { type: 'float32', data: g.cellMask, dims: [1, m, t, t] },
      voxel_mask: { type: 'float32', data: g.voxelMask, dims: [1, t, t] },
    };
    spec.stages.forEach((stage, i) => {
      all[`fps_${i + 1}`] = { type: 'int32', data: int32(g.stages[i].fps), dims: [1, stage.centers] };
      all[`knn_${i + 1}`] = { type: 'int32', data: int32(g.stages[i].knn), dims: [1, stage.centers, stage.k] };
    });
    const feeds: Record<string, InputTensor> = {};
    for (const name of this.session.inputNames) {
      const input = all[name];
      if (!input) throw new Error(`${this.manifest.id}: the model input '${name}' is not one the geometry stage produces ([${Object.keys(all)}])`);
      feeds[name] = input;
    }
    return feeds;
  }

  async dispose(): Promise<void> {
    // The GPU context is shared by every classifier of this worker (sharedGpu.ts): kept.
    this.gpuGeometry?.dispose();
    this.gpuGeometry = null;
    this.gpuBatch?.dispose();
    this.gpuBatch = null;
    this.context = null;
    await this.session.dispose();
  }
}
