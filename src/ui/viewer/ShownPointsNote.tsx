// Says when the viewer draws fewer points than the cloud has (its point budget), so a user does
// not take the view for the whole cloud; the classification always uses every point.
import { formatCount } from '../numbers';

export function ShownPointsNote({ shown, total }: { shown: number; total: number }) {
  if (shown === 0 || shown >= total) return null;
  return (
    <p className="shown-points muted" data-testid="shown-points" data-shown={shown} data-total={total}>
      Showing {formatCount(shown)} of {formatCount(total)} points (all are classified)
    </p>
  );
}
