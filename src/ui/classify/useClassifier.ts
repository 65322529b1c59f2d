// App state of the classification side: the zoo, the chosen model, device and vote count, the
// loading progress, and the last result. The pipeline itself runs in the model worker; switching
// the model or the device re-opens it and re-runs the current cloud; switching the vote count
// re-runs the current cloud.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { UpAxis } from '../../geometry/normalise';
import type { Classification } from '../../model/classifier';
import type { LoadProgress } from '../../model/progress';
import { DEVICES, type DeviceChoice } from '../../model/session';
import { modelIdentity } from '../../model/taughtHead';
import { parseVotes } from '../../model/votes';
import { ModelClient } from '../../model/worker/client';
import type { HeadForModel, OpenedModel } from '../../model/worker/protocol';
import type { ZooManifest } from '../../model/zoo';
import { useWorkerClient } from '../useWorkerClient';

export interface ClassifyInput {
  positions: Float32Array;
  up: UpAxis | 'auto';
}

export interface ClassifierState {
  models: ZooManifest[];
  modelId: string | null;
  device: DeviceChoice;
  /** Point orders to average (model/votes.ts); null = the model's own default. */
  votes: number | null;
  opened: OpenedModel | null;
  /** Set while a model downloads / assembles / opens. */
  progress: LoadProgress | null;
  classifying: boolean;
  /** While classifying: how many points, and the model worker's stage ('sending' until it answers). */
  classifyStage: { points: number; stage: 'sending' | 'waiting' | 'running' } | null;
  result: Classification | null;
  /** The input `result` belongs to. */
  resultInput: ClassifyInput | null;
  error: string | null;
  /** The taught head classify runs with (src/teach); null: the model's own classes. */
  head: HeadForModel | null;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `?device=webgpu|wasm|auto`, `?model=<id>` and `?votes=<n>` choose the start-up model, device and vote count (links, benchmarks). */
function fromUrl(): { device: DeviceChoice; model: string | null; votes: number | null } {
  const params = new URLSearchParams(typeof location !== 'undefined' ? location.search : '');
  const device = params.get('device');
  return {
    device: (DEVICES as readonly string[]).includes(device ?? '') ? (device as DeviceChoice) : 'auto',
    model: params.get('model'),
    votes: parseVotes(params.get('votes')),
  };
}

export function useClassifier() {
  const clientRef = useWorkerClient(() => new ModelClient());
  const inputRef = useRef<ClassifyInput | null>(null);
  const openedRef = useRef<OpenedModel | null>(null);
  // The device choice also holds before the zoo is listed (the first open uses it).
  const start = useRef(fromUrl()).current;
  const deviceRef = useRef<DeviceChoice>(start.device);
  const modelRef = useRef<string | null>(null);
  const votesRef = useRef<number | null>(start.votes);
  const headRef = useRef<HeadForModel | null>(null);
  const openRequest = useRef(0);
  const classifyRequest = useRef(0);
  const [state, setState] = useState<ClassifierState>({
    models: [],
    modelId: null,
    device: start.device,
    votes: start.votes,
    opened: null,
    progress: null,
    classifying: false,
    classifyStage: null,
    result: null,
    resultInput: null,
    error: null,
    head: null,
  });
  const set = (patch: Partial<ClassifierState>) => setState((s) => ({ ...s, ...patch }));

  const run = useCallback(async (input: ClassifyInput) => {
    const client = clientRef.current;
    if (!client) return;
    const request = ++classifyRequest.current;
    const points = input.positions.length / 3;
    set({ classifying: true, classifyStage: { points, stage: 'sending' } });
    try {
      const result = await client.classify(input.positions, input.up, votesRef.current ?? undefined, ({ stage }) => {
        if (request === classifyRequest.current) set({ classifyStage: { points, stage } });
      }, headRef.current ?? undefined);
      if (request === classifyRequest.current) set({ result, resultInput: input, error: null });
    } catch (e) {
      // The previous result stays; the error is shown beside it.
      if (request === classifyRequest.current) set({ error: message(e) });
    } finally {
      if (request === classifyRequest.current) set({ classifying: false, classifyStage: null });
    }
  }, []);

  const open = useCallback(
    async (modelId: string, device: DeviceChoice) => {
      const client = clientRef.current;
      if (!client) return;
      const request = ++openRequest.current;
      openedRef.current = null;
      modelRef.current = modelId;
      deviceRef.current = device;
      set({ modelId, device, opened: null, progress: { phase: 'download', loaded: 0, total: 0 }, error: null });
      try {
        const opened = await client.open(modelId, device, (progress) => {
          if (request === openRequest.current) set({ progress });
        });
        if (request !== openRequest.current) return;
        openedRef.current = opened;
        // A taught head belongs to one model (file): another one would only be refused by the worker.
        const head = headRef.current;
        const own = modelIdentity(opened.manifest);
        if (head && (head.modelId !== own.modelId || head.modelSha256 !== own.modelSha256)) {
          headRef.current = null;
          set({ head: null });
        }
        set({ opened, progress: null });
        if (inputRef.current) await run(inputRef.current);
      } catch (e) {
        if (request === openRequest.current) set({ progress: null, error: message(e) });
      }
    },
    [run],
  );

  // Runs after useWorkerClient's effect made the client (effects run in order).
  useEffect(() => {
    const client = clientRef.current;
    if (!client) return;
    client
      .list()
      .then((models) => {
        if (clientRef.current !== client) return;
        set({ models });
        if (models.length === 0) set({ error: 'No models in this build (public/models is empty).' });
        else void open(models.find((m) => m.id === start.model)?.id ?? models[0].id, deviceRef.current);
      })
      .catch((e) => {
        // A client closed on unmount (StrictMode's rehearsal) is not an error to show.
        if (clientRef.current === client) set({ error: `Could not list the models: ${message(e)}` });
      });
  }, [open, clientRef]);

  const classify = useCallback(
    (input: ClassifyInput) => {
      inputRef.current = input;
      // Before the model is open, the open() that is under way runs it when it finishes.
      if (openedRef.current) void run(input);
    },
    [run],
  );

  /** Stops the classification under way: the model worker is replaced and the model re-opened
   * (from the cache); the previous result stays. The cancelled cloud is not run again. */
  const cancelClassify = useCallback(() => {
    const client = clientRef.current;
    if (!client) return;
    classifyRequest.current++;
    inputRef.current = null;
    client.restart();
    set({ classifying: false, classifyStage: null });
    if (modelRef.current) void open(modelRef.current, deviceRef.current);
  }, [open, clientRef]);

  return {
    state,
    /** The model worker's client: the batch mode classifies through it (one model, not two). */
    client: clientRef,
    classify,
    cancelClassify,
    selectModel: (id: string) => void open(id, deviceRef.current),
    selectDevice: (device: DeviceChoice) => {
      deviceRef.current = device;
      if (modelRef.current) void open(modelRef.current, device);
      else set({ device });
    },
    /** Classify with a taught head (null: the model's own classes); the current cloud runs again. */
    selectHead: (head: HeadForModel | null) => {
      headRef.current = head;
      set({ head });
      if (openedRef.current && inputRef.current) void run(inputRef.current);
    },
    selectVotes: (votes: number | null) => {
      votesRef.current = votes;
      set({ votes });
      if (openedRef.current && inputRef.current) void run(inputRef.current);
    },
  };
}
