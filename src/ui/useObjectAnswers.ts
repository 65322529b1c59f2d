// Several objects on a floor (io/objects.ts): each classified alone in the background, once the
// answer on screen is in, so that the object picker names them ("Object 1 · chair 92.1 %") before
// the user picks one. Through the model worker's client, as Batch classifies (one model, not two);
// a new file, up, vote count, head or model starts them again, and answers of an earlier one are
// dropped when they arrive.
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { objectCloud } from '../io/objects';
import type { ModelClient } from '../model/worker/client';
import type { HeadForModel } from '../model/worker/protocol';
import type { LoadResult } from '../io/types';
import type { UpChoice } from './upChoice';

export interface ObjectAnswer {
  label: string;
  probability: number;
  notSure: boolean;
}

interface How {
  up: UpChoice;
  votes: number | null;
  head: HeadForModel | null;
  modelId: string | null;
}

/** Each object's answer (index k - 1 for object k; undefined while it runs) for the file loaded as
 * `loaded`; null for a file of one shape. */
export function useObjectAnswers(loaded: LoadResult | null, start: boolean, client: RefObject<ModelClient | null>, how: How): (ObjectAnswer | undefined)[] | null {
  const { up, votes, head, modelId } = how;
  const key = useMemo(() => ({ loaded, up, votes, head, modelId }), [loaded, up, votes, head, modelId]);
  const [state, setState] = useState<{ key: typeof key; answers: (ObjectAnswer | undefined)[] } | null>(null);
  const running = useRef<typeof key | null>(null);

  useEffect(() => {
    const objects = key.loaded?.objects;
    const model = client.current;
    if (!start || !objects || !model || modelId === null || running.current === key) return;
    running.current = key;
    const { cloud } = key.loaded!;
    void (async () => {
      for (let k = 1; k <= objects.sizes.length; k++) {
        if (running.current !== key) return;
        try {
          const part = objectCloud(cloud, objects.labels, k);
          const { answer } = await model.classify(part.positions, up, votes ?? undefined, undefined, head ?? undefined);
          const top = answer.top[0];
          if (running.current !== key || top === undefined) return;
          setState((s) => {
            const answers = s?.key === key ? [...s.answers] : [];
            answers[k - 1] = { label: top.label, probability: top.probability, notSure: answer.notSure };
            return { key, answers };
          });
        } catch {
          return; // the model changed or the page is closing: the picker shows no answers
        }
      }
    })();
  }, [start, key, client, up, votes, head, modelId]);

  if (!key.loaded?.objects) return null;
  return state?.key === key ? state.answers : [];
}
