// While a cloud is classified: how many points, the model worker's stage, and a Cancel button.
import { formatCount } from '../numbers';
import type { ClassifierState } from './useClassifier';

const STAGES = { sending: 'sending the points', waiting: 'waiting for the model', running: 'running the model' } as const;

export function ClassifyStatus({ stage, onCancel }: { stage: ClassifierState['classifyStage']; onCancel: () => void }) {
  if (!stage) return null;
  return (
    <p className="status" role="status" data-testid="classify-status" data-stage={stage.stage}>
      Classifying {formatCount(stage.points)} points: {STAGES[stage.stage]}…{' '}
      <button type="button" data-testid="cancel-classify" onClick={onCancel}>
        Cancel
      </button>
    </p>
  );
}
