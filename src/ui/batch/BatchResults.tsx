// The batch mode's results, below the viewer: accuracy and the confusion matrix when the files sit
// in class folders (and which folders match no class), then the table, which a confusion cell filters.
import { useCallback, useMemo, useState } from 'react';
import type { BatchHead } from '../../batch/batchClasses';
import type { BatchRow, SortOrder } from '../../batch/rows';
import { cellRows, type LabelledSummary } from '../../batch/summary';
import { BatchTable } from './BatchTable';
import { ConfusionMatrix } from './ConfusionMatrix';

const percent = (p: number) => `${(p * 100).toFixed(1)} %`;

interface Props {
  rows: readonly BatchRow[];
  /** The batch's classes, the model's or a taught head's (the rows' top-1 indices point into it). */
  labels: readonly string[];
  /** The taught head the batch ran with, null for the model's own classes. */
  head: BatchHead | null;
  summary: LabelledSummary | null;
  selected: number | null;
  onOpen: (id: number) => void;
}

export function BatchResults({ rows, labels, head, summary, selected, onOpen }: Props) {
  const [order, setOrder] = useState<SortOrder>({ key: 'file', descending: false });
  const [cell, setCell] = useState<{ truth: number; predicted: number } | null>(null);

  // A filter left from another batch (or a cell now empty) shows all rows.
  const filtered = useMemo(() => {
    if (!cell || !summary) return null;
    const ids = new Set(cellRows(summary, cell.truth, cell.predicted));
    return ids.size > 0 ? rows.filter((r) => ids.has(r.id)) : null;
  }, [cell, summary, rows]);

  const correctOf = useCallback(
    (row: BatchRow): boolean | null => {
      const truth = row.folder !== undefined ? summary?.matching.classOf.get(row.folder) : undefined;
      const top = row.top?.[0];
      return truth == null || !top ? null : truth === top.index;
    },
    [summary],
  );

  const onCell = (truth: number, predicted: number) => {
    const same = cell?.truth === truth && cell.predicted === predicted;
    setCell(same ? null : { truth, predicted });
  };

  if (rows.length === 0) return null;
  const accuracy = summary?.accuracy;
  return (
    <section className="batch-results" aria-label="Batch results" data-testid="batch-results">
      {summary && (
        <div className="batch-summary">
          <div className="batch-numbers">
            {accuracy ? (
              <dl className="facts batch-accuracy" data-testid="batch-accuracy">
                <dt>Overall accuracy</dt>
                <dd data-testid="batch-overall" data-value={accuracy.overall}>
                  {percent(accuracy.overall)} <span className="muted">of {accuracy.count} files</span>
                </dd>
                <dt>Mean class accuracy</dt>
                <dd data-testid="batch-mean-class" data-value={accuracy.meanClass}>
                  {percent(accuracy.meanClass)} <span className="muted">over {accuracy.perClass.length} classes</span>
                </dd>
              </dl>
            ) : (
              <p className="muted">Accuracy shows once files in class folders are classified.</p>
            )}
            {summary.matching.unmatched.length > 0 && (
              <p className="batch-warning" data-testid="batch-unmatched" data-folders={JSON.stringify(summary.matching.unmatched)}>
                {summary.matching.unmatched.length === 1 ? 'This folder matches' : 'These folders match'} no class of {head ? `your head “${head.name}”` : 'the model'}, so {summary.matching.unmatched.length === 1 ? 'its files are' : 'their files are'} not scored:{' '}
                {summary.matching.unmatched.join(', ')}.
              </p>
            )}
          </div>
          {summary.scored.length > 0 && <ConfusionMatrix matrix={summary.confusion} labels={labels} selected={filtered ? cell : null} onCell={onCell} />}
        </div>
      )}
      {filtered && cell && (
        <p className="batch-filter" data-testid="batch-filter">
          Showing the {filtered.length} {filtered.length === 1 ? 'file' : 'files'} of {labels[cell.truth]} predicted as {labels[cell.predicted]}.{' '}
          <button type="button" className="link" onClick={() => setCell(null)}>
            Show all {rows.length}
          </button>
        </p>
      )}
      <BatchTable rows={filtered ?? rows} order={order} onOrder={setOrder} correctOf={correctOf} selected={selected} onOpen={onOpen} />
    </section>
  );
}
