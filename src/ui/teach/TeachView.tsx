// "Teach": the user's own classes. Name classes and give each a few files (or a folder of class
// folders); the frozen model computes every file's features, a head is trained and
// cross-validated in seconds, and "Use this head" keeps it (IndexedDB) and classifies with it
// from then on, in the one-file view too, with the model's attention as before.
import { useState } from 'react';
import type { OpenedModel } from '../../model/worker/protocol';
import type { HeadFile } from '../../teach/headFile';
import { formatMs } from '../numbers';
import { ClassRows } from './ClassRows';
import { SavedHeads } from './SavedHeads';
import { secondsLeft, teachProblem } from './teachClasses';
import type { Teaching, TeachPhase } from './useTeaching';
import type { TaughtHeads } from './useTaughtHeads';
import './teach.css';

interface Props {
  teaching: Teaching;
  opened: OpenedModel | null;
  heads: TaughtHeads;
}

const percent = (p: number) => `${(p * 100).toFixed(1)} %`;
const duration = (ms: number) => (ms < 1000 ? formatMs(ms) : `${(ms / 1000).toFixed(1)} s`);

function Progress({ phase, onCancel }: { phase: TeachPhase; onCancel(): void }) {
  if (phase.kind === 'features') {
    const left = secondsLeft(phase.done, phase.total, phase.elapsedMs);
    return (
      <div className="teach-progress" data-testid="teach-progress" data-stage="features">
        <progress value={phase.done} max={phase.total} />
        <span>
          Features of file {phase.done + 1} of {phase.total} <span className="muted">({phase.path}{left !== null ? `, about ${left} s left` : ''})</span>
        </span>
        <button type="button" onClick={onCancel} data-testid="teach-cancel">
          Cancel
        </button>
      </div>
    );
  }
  if (phase.kind === 'training') {
    const p = phase.progress;
    return (
      <div className="teach-progress" data-testid="teach-progress" data-stage="training">
        <progress value={p ? p.iteration : undefined} max={p ? p.iterations : undefined} />
        <span>
          {p ? (p.stage === 'cross-validating' ? `Cross-validating: fold ${p.fold} of ${p.folds}` : 'Training the head on every shape') : 'Training…'}
        </span>
      </div>
    );
  }
  return null;
}

export function TeachView({ teaching, opened, heads }: Props) {
  const { phase } = teaching;
  const problem = teachProblem(teaching.classes);
  // The head taught last, once "Use this head" was pressed: pressed again it would save a duplicate.
  const [saving, setSaving] = useState<{ file: HeadFile; done: boolean } | null>(null);
  const saveState = phase.kind === 'trained' && saving?.file === phase.file ? (saving.done ? 'saved' : 'saving') : null;
  const saveHead = async (file: HeadFile) => {
    setSaving({ file, done: false });
    // A failed save (the panel shows why) may be tried again.
    const error = await heads.save(file, true);
    setSaving(error ? null : { file, done: true });
  };
  return (
    <section className="panel teach" data-testid="teach" aria-labelledby="teach-title">
      <h2 id="teach-title">Teach your own classes</h2>
      <p className="muted">
        Name two or more classes and give each a few files. {opened ? opened.manifest.name : 'The model'} stays as it is: its features of
        your files train a small new head here, in seconds, and nothing leaves your machine.
      </p>
      <ClassRows classes={teaching.classes} disabled={teaching.busy} onChange={teaching.setClasses} onListing={teaching.addListing} onListingError={teaching.listingFailed} note={teaching.listingNote} />
      <p className="teach-go">
        <button type="button" className="primary" data-testid="teach-start" disabled={teaching.busy || problem !== null || !opened} onClick={() => void teaching.teach()}>
          Teach
        </button>
        {problem && <span className="muted" data-testid="teach-problem">{problem}</span>}
      </p>
      <Progress phase={phase} onCancel={teaching.cancel} />
      {phase.kind === 'failed' && (
        <p className="classify-error" role="alert" data-testid="teach-error">
          {phase.message}
        </p>
      )}
      {teaching.failures.length > 0 && (
        <details className="teach-failures" data-testid="teach-failures" open>
          <summary>{teaching.failures.length} file{teaching.failures.length === 1 ? '' : 's'} could not be used and were left out</summary>
          <ul>
            {teaching.failures.map((f) => (
              <li key={f.path}>
                <code>{f.path}</code>: {f.message}
              </li>
            ))}
          </ul>
        </details>
      )}
      {phase.kind === 'trained' && (
        <div className="teach-result" data-testid="teach-result" data-accuracy={phase.cv.possible ? phase.cv.accuracy : ''}>
          <p className="teach-accuracy" data-testid="teach-accuracy">
            {phase.cv.possible ? (
              <>
                Cross-validated accuracy: <strong>{percent(phase.cv.accuracy)}</strong>{' '}
                <span className="muted">
                  ({phase.cv.correct} of {phase.cv.total} shapes right when left out of training; {phase.cv.folds} folds)
                </span>
              </>
            ) : (
              <>No cross-validated accuracy: {phase.cv.reason}.</>
            )}
          </p>
          {phase.cv.possible && (
            <ul className="teach-per-class muted">
              {phase.file.head.classes.map((name, q) => (
                <li key={name}>
                  {name}: {percent(phase.cv.possible ? phase.cv.perClass[q] : 0)} of {phase.file.examplesPerClass[q]}
                </li>
              ))}
            </ul>
          )}
          <p className="muted" data-testid="teach-timings" data-features-ms={phase.featuresMs} data-train-ms={phase.trainMs} data-shapes={phase.shapes}>
            Features of {phase.shapes} shapes in {duration(phase.featuresMs)}
            {phase.computed < phase.shapes ? ` (${phase.computed} computed, the rest remembered)` : ''}; head trained and cross-validated in {duration(phase.trainMs)}.
          </p>
          <button type="button" className="primary" data-testid="teach-use" disabled={saveState !== null} onClick={() => void saveHead(phase.file)}>
            {saveState === 'saved' ? 'Saved' : saveState === 'saving' ? 'Saving…' : 'Use this head'}
          </button>{' '}
          <span className="muted">It is kept in this browser; open files in “One file” to classify them with it.</span>
        </div>
      )}
      <SavedHeads heads={heads} opened={opened} />
    </section>
  );
}
