// Several objects on a floor, or side by side in a scene file (io/objects.ts): the file shown whole (each object in its colour,
// viewer/objectColours.ts), or one object alone. The answer for the whole is "not sure"
// (Predictions); each object's answer alone is listed beside it once it runs (useObjectAnswers);
// an object picked is shown and classified by itself.
import type { Objects } from '../io/objects';
import { formatCount } from './numbers';
import type { ObjectAnswer } from './useObjectAnswers';
import { objectColour } from './viewer/objectColours';

interface Props {
  objects: Objects;
  /** Points of the whole cloud. */
  total: number;
  /** Whether they stand on a floor the clean-up found (a scan), or side by side in a scene file. */
  onFloor: boolean;
  /** The object shown alone (1-based), or null: all together. */
  object: number | null;
  onObject: (object: number | null) => void;
  /** Each object's answer alone (useObjectAnswers), undefined while it runs. */
  answers?: readonly (ObjectAnswer | undefined)[];
}

function answerText(answer: ObjectAnswer | undefined): string {
  if (answer === undefined) return '…';
  const text = `${answer.label} ${(answer.probability * 100).toFixed(1)} %`;
  return answer.notSure ? `not sure (${text})` : text;
}

export function ObjectPicker({ objects, total, onFloor, object, onObject, answers }: Props) {
  const { sizes } = objects;
  return (
    <fieldset className="objects" data-testid="objects" data-count={sizes.length}>
      <legend>
        {sizes.length} separate objects stand {onFloor ? 'on the floor' : 'side by side'}
      </legend>
      <p className="hint muted">The model knows one shape at a time: pick one to see it alone and classify it. Shown together, each has its colour.</p>
      <label>
        <input type="radio" name="object" checked={object === null} data-testid="object-all" onChange={() => onObject(null)} />
        All together · {formatCount(total)} points
      </label>
      {sizes.map((size, i) => (
        <label key={i}>
          <input type="radio" name="object" checked={object === i + 1} data-testid={`object-${i + 1}`} onChange={() => onObject(i + 1)} />
          <span className="swatch" style={{ background: objectColour(i + 1) }} aria-hidden="true" />
          Object {i + 1} · {formatCount(size)} points ({Math.round((100 * size) / total)} %)
          {answers && (
            <span className="object-answer muted" data-testid={`object-answer-${i + 1}`} data-label={answers[i]?.label ?? ''} data-not-sure={answers[i]?.notSure ?? ''}>
              {' '}· {answerText(answers[i])}
            </span>
          )}
        </label>
      ))}
    </fieldset>
  );
}
