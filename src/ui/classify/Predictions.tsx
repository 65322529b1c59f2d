// Top-5 classes with probability bars, the model (name, test accuracy), timings and the backend
// that really ran. Plain values ride in data-* attributes for the tests. The probabilities are
// the answer's (src/model/decide.ts: the model's fitted temperature); below the model's threshold
// or when the cloud looks alike whichever way up it stands (src/model/novelty.ts) the panel says
// "not sure", says which check fired, and lists the classes as candidates, not as an answer. The up line
// says which up the cloud was classified in and whether it was found or forced; a sparse cloud
// answered from it grown (decide.ts step 5) says so.
import type { Classification } from '../../model/classifier';
import type { Answer } from '../../model/decide';
import type { OpenedModel } from '../../model/worker/protocol';
import { formatMs } from '../numbers';

interface Props {
  opened: OpenedModel | null;
  result: Classification | null;
  classifying: boolean;
  /** Parse time of the file in the parse worker, when the cloud came from a file. */
  parseMs: number | null;
  /** What the shown result is of (a file name, or 'gallery:<id>'), for tests and screen readers. */
  source: string | null;
  /** The up was set by the floor the loaders found under the shape (upWithFloor), not by the user. */
  upFromFloor?: boolean;
  /** The cloud classified holds this many separate objects, on a floor or side by side in a scene
   * file (io/objects.ts): the answer is for them together, so not sure. */
  objects?: number;
}

const percent = (p: number) => `${(p * 100).toFixed(1)} %`;

const objectsText = (objects: number) =>
  `The cloud holds ${objects} separate objects, and the model knows one shape at a time: pick one under File to classify it alone.`;

/** Why the answer is "not sure": each check that fired, in words (docs/confidence.md). */
function notSureReasons(answer: Answer, objects: number | undefined): { key: 'objects' | 'novelty' | 'confidence'; text: string }[] {
  return [
    ...(objects ? [{ key: 'objects' as const, text: objectsText(objects) }] : []),
    ...(answer.unlikeTraining ? [{ key: 'novelty' as const, text: 'it looks alike to the model whichever way up it stands, unlike any training shape' }] : []),
    ...(answer.lowConfidence ? [{ key: 'confidence' as const, text: `the model's confidence is low, ${percent(answer.top[0]?.probability ?? 0)}, as it is for many partial, sparse or noisy scans` }] : []),
  ];
}

/** The chosen up's share of a mixed answer (decide.ts step 3), or null when the answer is the
 * chosen up's alone. */
function upWeight(answer: Answer): number | null {
  if (!answer.mixed) return null;
  return answer.upScores.find((s) => s.up === answer.up)?.weight ?? null;
}

function upText(answer: Answer, fromFloor: boolean): string {
  if (!answer.upDetected) return fromFloor ? '(from the floor found under the shape)' : '(set under View)';
  const w = upWeight(answer);
  const likely = w === null ? '' : `, ${percent(w)} likely`;
  return answer.secondLook ? `(detected${likely}; neither z nor y looked upright, so all six ups were tried)` : `(detected${likely})`;
}

export function Predictions({ opened, result, classifying, parseMs, source, upFromFloor = false, objects }: Props) {
  const accuracy = opened?.manifest.metrics.testOverallAccuracy;
  const notSure = Boolean(result && (result.answer.notSure || objects));
  const reasons = result ? notSureReasons(result.answer, objects) : [];
  const modelReasons = reasons.filter((r) => r.key !== 'objects');
  return (
    <section className="panel predictions" aria-labelledby="predictions-title" data-testid="predictions" aria-busy={classifying} data-source={result ? (source ?? '') : ''}>
      <h2 id="predictions-title">Prediction</h2>
      {opened && (
        <p className="model-line" data-testid="model-name">
          {opened.manifest.name}
          <span className="muted" data-testid="model-accuracy" data-value={accuracy ?? ''}>
            {accuracy != null ? ` · ${percent(accuracy)} on the ModelNet40 test split` : ' · accuracy not measured'}
          </span>
        </p>
      )}
      {result ? (
        <>
          {result.head && (
            <p className="taught-line" data-testid="taught-head" data-value={result.head}>
              Classes taught here: {result.head}
            </p>
          )}
          <p className="up-line" data-testid="up-line" data-value={result.answer.up} data-detected={result.answer.upDetected}
            data-up-rule={result.answer.upRule} data-second-look={result.answer.secondLook} data-up-weight={upWeight(result.answer) ?? ''}
            data-up-from={!result.answer.upDetected && upFromFloor ? 'floor' : ''}>
            up: {result.answer.up} {upText(result.answer, upFromFloor)}
          </p>
          {result.answer.grown && (
            <p className="hint muted grown-line" data-testid="grown-line" data-points={result.tokenOfPoint.length}>
              Sparse cloud: its {result.tokenOfPoint.length} points were filled in between neighbours to the
              {opened ? ` ${opened.manifest.geometry.points}` : ''} the model reads (the up was found on the points as given).
            </p>
          )}
          {notSure && (
            <p
              className="not-sure"
              data-testid="not-sure"
              role="status"
              data-threshold={result.answer.threshold}
              data-reasons={reasons.map((r) => r.key).join(' ')}
              data-turn-similarity={result.answer.turnSimilarity ?? ''}
            >
              {modelReasons.length > 0
                ? `Not sure: this may not be one of the ${result.answer.probabilities.length} classes (${modelReasons.map((r) => r.text).join('; ')}).`
                : 'Not sure.'}
              {objects ? ` ${objectsText(objects)} The closest candidates for them together:` : ' The closest candidates:'}
            </p>
          )}
          <ol
            className={notSure ? 'top-classes candidates' : 'top-classes'}
            data-testid="top-classes"
            data-logits={JSON.stringify(Array.from(result.logits))}
            data-not-sure={notSure}
          >
            {result.answer.top.map((c, i) => (
              <li key={c.index} data-testid={`class-${i}`} data-label={c.label} data-probability={c.probability}>
                <span className="class-label">{c.label}</span>
                <span className="class-bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(0.5, c.probability * 100)}%` }} />
                </span>
                <span className="class-value">{percent(c.probability)}</span>
              </li>
            ))}
          </ol>
          {result.answer.notSure && result.answer.upDetected && (
            <p className="hint muted up-hint" data-testid="up-hint">
              Auto often misses the up of a file lying on its side or upside down: if the shape does not stand upright
              under “What the model sees”, set its up under View.
            </p>
          )}
          <p className="backend-line">
            <span className={`badge badge-${result.backend}`} data-testid="backend" data-value={result.backend}>
              {result.backend === 'webgpu' ? 'WebGPU' : 'WebAssembly'}
            </span>
            <span className="muted" data-testid="geometry-path" data-value={result.geometryPath}>
              geometry on the {result.geometryPath === 'gpu' ? 'GPU' : 'CPU'}
            </span>
          </p>
          {result.fallbackReason && (
            <p className="hint muted" data-testid="fallback-reason">
              Not on WebGPU: {result.fallbackReason}
            </p>
          )}
          <dl className="facts timings" data-testid="timings">
            {parseMs != null && (
              <>
                <dt>Parse</dt>
                <dd data-value={parseMs}>{formatMs(parseMs)}</dd>
              </>
            )}
            <dt>Geometry</dt>
            <dd data-testid="time-geometry" data-value={result.timings.geometry}>{formatMs(result.timings.geometry)}</dd>
            <dt>Network</dt>
            <dd data-testid="time-network" data-value={result.timings.network}>{formatMs(result.timings.network)}</dd>
            <dt>Total</dt>
            <dd data-testid="time-total" data-value={result.timings.total}>{formatMs(result.timings.total)}</dd>
            <dt title="Point orders classified and averaged: each starts the tokenizer's sampling at another point">Votes</dt>
            <dd data-testid="votes" data-value={result.votes}>
              {result.votes}
              {result.answer.upDetected ? ` per up (${result.answer.upScores.map((u) => u.up).join(', ')})` : ''}
            </dd>
          </dl>
        </>
      ) : (
        <p className="muted">{classifying ? 'Classifying…' : 'Open a file or pick a gallery shape.'}</p>
      )}
    </section>
  );
}
