// The heads kept in this browser: use one (the app then classifies with it, also after a reload),
// stop using it, download it as a file, delete it; and load a head file, checked field by field
// and against the open model, with the reason shown when it is refused.
import { useState } from 'react';
import type { OpenedModel } from '../../model/worker/protocol';
import { FileButton } from './FileButton';
import type { SavedEntry, TaughtHeads } from './useTaughtHeads';

interface Props {
  heads: TaughtHeads;
  opened: OpenedModel | null;
}

const percent = (p: number) => `${(p * 100).toFixed(1)} %`;

function download(entry: SavedEntry) {
  const url = URL.createObjectURL(new Blob([entry.saved.text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `head-${entry.file?.head.classes.join('-').replace(/[^\w-]+/g, '_').slice(0, 60) ?? 'unreadable'}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SavedHeads({ heads, opened }: Props) {
  const [loadError, setLoadError] = useState<string | null>(null);
  return (
    <section className="saved-heads" data-testid="saved-heads" aria-labelledby="saved-heads-title">
      <h3 id="saved-heads-title">Saved heads</h3>
      {heads.error && (
        <p className="classify-error" role="alert" data-testid="saved-heads-error">
          {heads.error}
        </p>
      )}
      {heads.entries.length === 0 ? (
        <p className="muted">None yet: teach one above, or load a head file.</p>
      ) : (
        <ul>
          {heads.entries.map((entry) => {
            const active = entry.saved.id === heads.activeId;
            const refusal = heads.refusals.get(entry.saved.id) ?? null;
            const cv = entry.file?.crossValidation;
            return (
              <li key={entry.saved.id} data-testid="saved-head" data-active={active} data-name={entry.name}>
                <strong>{entry.name}</strong>
                <span className="muted">
                  {entry.file
                    ? ` · ${entry.file.model.id} · ${entry.file.examplesPerClass.reduce((a, b) => a + b, 0)} shapes · ${cv ? `cross-validated ${percent(cv.accuracy)}` : 'not cross-validated'} · ${new Date(entry.file.created).toLocaleString()}`
                    : ''}
                </span>
                {refusal && opened && <p className="hint muted" data-testid="saved-head-refusal">{refusal}</p>}
                <span className="saved-head-actions">
                  {active ? (
                    <button type="button" data-testid="head-stop" onClick={() => void heads.use(null)}>
                      Stop using
                    </button>
                  ) : (
                    <button type="button" data-testid="head-use" disabled={refusal !== null} onClick={() => void heads.use(entry.saved.id)}>
                      Use
                    </button>
                  )}
                  <button type="button" data-testid="head-download" onClick={() => download(entry)}>
                    Download
                  </button>
                  <button type="button" data-testid="head-delete" onClick={() => void heads.remove(entry.saved.id)}>
                    Delete
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <FileButton
        accept=".json,application/json"
        testId="head-load"
        onFiles={([file]) => {
          if (file) void heads.load(file).then(setLoadError);
        }}
      >
        Load a head file…
      </FileButton>
      {loadError && (
        <p className="classify-error" role="alert" data-testid="head-load-error">
          {loadError}
        </p>
      )}
    </section>
  );
}
