// The taught heads the app keeps (src/teach/store.ts, IndexedDB): the list, the one in use, and
// putting that one in the classifier whenever it fits the open model, so a reload (online or
// offline) classifies with it again. Lives at the page's level, not in the teach view: the head
// in use matters in every mode.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { modelIdentity } from '../../model/taughtHead';
import type { HeadForModel, OpenedModel } from '../../model/worker/protocol';
import { headFileText, parseHeadFile, type HeadFile } from '../../teach/headFile';
import { openHeadStore, type HeadStore, type SavedHead } from '../../teach/store';
import { headName } from './teachClasses';

export interface SavedEntry {
  saved: SavedHead;
  /** null when the stored text no longer reads (then `error` says why). */
  file: HeadFile | null;
  error: string | null;
  name: string;
  /** The classifier's form of it, made once per entry (the same object while it stays). */
  forModel: HeadForModel | null;
}

interface Classifier {
  state: { opened: OpenedModel | null; head: HeadForModel | null };
  selectHead(head: HeadForModel | null): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function entryOf(saved: SavedHead): SavedEntry {
  try {
    const file = parseHeadFile(saved.text);
    const name = headName(file.head.classes);
    return { saved, file, error: null, name, forModel: { name, modelId: file.model.id, modelSha256: file.model.sha256, head: file.head } };
  } catch (e) {
    return { saved, file: null, error: message(e), name: 'Unreadable head', forModel: null };
  }
}

/** Why the head cannot be used with the open model, or null when it can. */
export function refusalFor(entry: SavedEntry, opened: OpenedModel | null): string | null {
  if (!entry.file) return entry.error;
  if (!opened) return 'The model is still opening.';
  try {
    const own = modelIdentity(opened.manifest);
    parseHeadFile(entry.saved.text, { id: own.modelId, sha256: own.modelSha256 });
    return null;
  } catch (e) {
    return message(e);
  }
}

export function useTaughtHeads(classifier: Classifier) {
  const storeRef = useRef<Promise<HeadStore> | null>(null);
  const byId = useRef(new Map<string, SavedEntry>());
  const [entries, setEntries] = useState<SavedEntry[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  const refresh = useCallback(async (store: HeadStore) => {
    const [list, active] = await Promise.all([store.list(), store.activeId()]);
    const next = list.map((saved) => byId.current.get(saved.id) ?? entryOf(saved));
    byId.current = new Map(next.map((e) => [e.saved.id, e]));
    setEntries(next);
    setActiveId(active);
    setReady(true);
  }, []);

  useEffect(() => {
    const opening = openHeadStore();
    storeRef.current = opening;
    opening.then(refresh).catch((e) => setError(`Saved heads are not available: ${message(e)}`));
    return () => {
      storeRef.current = null;
      void opening.then((s) => s.close()).catch(() => undefined);
    };
  }, [refresh]);

  /** Runs a change on the store, then re-reads it; a failure becomes the panel's error and is
   * returned (null when it went through). */
  const change = useCallback(
    async (what: (store: HeadStore) => Promise<unknown>): Promise<string | null> => {
      const opening = storeRef.current;
      if (!opening) return 'Saved heads are not available (the page is closing).';
      try {
        const store = await opening;
        await what(store);
        await refresh(store);
        setError(null);
        return null;
      } catch (e) {
        setError(message(e));
        return message(e);
      }
    },
    [refresh],
  );

  // The head in use goes to the classifier when it fits the open model; otherwise the model's own.
  const { opened, head } = classifier.state;
  const selectHead = useRef(classifier.selectHead);
  selectHead.current = classifier.selectHead;
  // Each entry's refusal parses its stored text: done once per list and open model, not per render.
  // `opened` is the classifier's state: a new object only when a model (re)opens.
  const refusals = useMemo(() => new Map(entries.map((e) => [e.saved.id, refusalFor(e, opened)])), [entries, opened]);
  const active = entries.find((e) => e.saved.id === activeId) ?? null;
  const activeRefusal = active ? (refusals.get(active.saved.id) ?? null) : null;
  useEffect(() => {
    if (!ready || !opened) return;
    const wanted = active && !activeRefusal ? active.forModel : null;
    if (head !== wanted) selectHead.current(wanted);
  }, [ready, opened, active, activeRefusal, head]);

  return {
    entries,
    activeId,
    /** Why the head in use is not applied (it is for another model), or null. */
    activeRefusal,
    /** Why each saved head (by id) cannot be used with the open model, or null when it can. */
    refusals,
    error,
    /** Saves a freshly taught head and, with `use`, classifies with it from now on. */
    save: (file: HeadFile, use: boolean) =>
      change(async (store) => {
        const saved = await store.save(headFileText(file));
        if (use) await store.setActive(saved.id);
      }),
    use: (id: string | null) => change((store) => store.setActive(id)),
    remove: (id: string) => change((store) => store.remove(id)),
    /** Reads a head file the user picked: checked field by field and against the open model;
     * resolves to the error to show, or null once it is saved (and in use). */
    load: async (file: File): Promise<string | null> => {
      const opened = classifier.state.opened;
      if (!opened) return 'The model is still opening; load the head once it is open.';
      try {
        const own = modelIdentity(opened.manifest);
        const text = await file.text();
        parseHeadFile(text, { id: own.modelId, sha256: own.modelSha256 });
        return await change(async (store) => {
          const saved = await store.save(text);
          await store.setActive(saved.id);
        });
      } catch (e) {
        return `${file.name}: ${message(e)}`;
      }
    },
  };
}

export type TaughtHeads = ReturnType<typeof useTaughtHeads>;
