// The "Teach" mode of the page (App.tsx's table of modes): a short panel at the top of the side
// panel (the head in use), the teach view below the viewer, and a dropped folder of class folders
// filling the classes.
import type { RefObject } from 'react';
import { listDropped, type Dropped } from '../../files/folder';
import type { UpAxis } from '../../geometry/normalise';
import type { ModelClient } from '../../model/worker/client';
import type { OpenedModel } from '../../model/worker/protocol';
import { TeachView } from './TeachView';
import type { TaughtHeads } from './useTaughtHeads';
import { useTeaching } from './useTeaching';

interface Options {
  modelClient: RefObject<ModelClient | null>;
  opened: OpenedModel | null;
  up: UpAxis | 'auto';
  heads: TaughtHeads;
}

/** The head in use, wherever the page shows it. */
export function HeadInUse({ heads }: { heads: TaughtHeads }) {
  const active = heads.entries.find((e) => e.saved.id === heads.activeId);
  if (!active) return <p className="muted" data-testid="head-in-use" data-value="">Classes: the model’s own.</p>;
  return (
    <div data-testid="head-in-use" data-value={active.name}>
      <p>
        Classes taught here: <strong>{active.name}</strong>{' '}
        <button type="button" onClick={() => void heads.use(null)}>
          Use the model’s own
        </button>
      </p>
      {heads.activeRefusal && <p className="hint muted">{heads.activeRefusal}</p>}
    </div>
  );
}

export function useTeachMode({ modelClient, opened, up, heads }: Options) {
  const teaching = useTeaching(modelClient, opened, up);
  return {
    panel: (
      <section className="panel" aria-label="Teach">
        <p className="muted">Teach the model classes of your own from a few files each, below.</p>
        <HeadInUse heads={heads} />
      </section>
    ),
    below: <TeachView teaching={teaching} opened={opened} heads={heads} />,
    onDropMany: (dropped: Dropped) => void listDropped(dropped).then(teaching.addListing, teaching.listingFailed),
  };
}
