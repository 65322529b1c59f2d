import type { WorkerFailure } from '../worker/protocol';
import { formatLabel } from '../io/formats';

export interface ShownFailure extends WorkerFailure {
  fileName: string;
}

export function ErrorBanner({ failure, onDismiss }: { failure: ShownFailure; onDismiss: () => void }) {
  return (
    <div className="error-banner" role="alert" data-testid="error" data-reason={failure.reason} data-format={failure.format}>
      <div className="error-text">
        <strong>
          Could not open {failure.fileName}
          {failure.format !== 'unknown' ? ` (${formatLabel(failure.format)})` : ''}
        </strong>
        <span data-testid="error-message">{failure.message}</span>
      </div>
      <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}
