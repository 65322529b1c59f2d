// The batch's table: one row per file, sortable by its column headers (buttons, aria-sort), a
// click or Enter on a row opens the file in the viewer. A failed file shows its error in its row.
import { memo } from 'react';
import { sortRows, type BatchRow, type SortKey, type SortOrder } from '../../batch/rows';
import { countOf } from '../../io/limits';
import { formatCount, formatMs } from '../numbers';

const percent = (p: number) => `${(p * 100).toFixed(1)} %`;

interface Column {
  key: SortKey | null;
  title: string;
  numeric?: boolean;
}

function columns(withFolder: boolean): Column[] {
  return [
    { key: 'file', title: 'File' },
    ...(withFolder ? [{ key: 'folder', title: 'Folder' } as Column] : []),
    { key: 'points', title: 'Points', numeric: true },
    { key: 'top1', title: 'Top-1' },
    { key: 'probability', title: 'Probability', numeric: true },
    { key: null, title: 'Top-5' },
    { key: 'time', title: 'Time', numeric: true },
  ];
}

interface RowProps {
  row: BatchRow;
  withFolder: boolean;
  /** Whether the top-1 is the folder's class: true / false, null when the file is not scored. */
  correct: boolean | null;
  selected: boolean;
  onOpen: (id: number) => void;
}

const Row = memo(function Row({ row, withFolder, correct, selected, onOpen }: RowProps) {
  const top = row.top?.[0];
  const cells =
    row.status === 'failed' ? (
      <td colSpan={5} className="batch-error" data-testid="batch-row-error">
        {row.error}
      </td>
    ) : row.status !== 'done' ? (
      <td colSpan={5} className="muted">
        {row.status === 'running' ? 'Classifying…' : 'Queued'}
      </td>
    ) : (
      <>
        <td className="num">
          {formatCount(row.points ?? 0)}
          {row.warnings && (
            <span className="muted" data-testid="batch-row-warnings" title={row.warnings.join('\n')}>
              {' '}
              {row.leftOut ? `(${formatCount(row.leftOut)} left out)` : `(${countOf(row.warnings.length, 'warning')})`}
            </span>
          )}
        </td>
        <td className={correct === null ? '' : correct ? 'batch-right' : 'batch-wrong'} data-testid="batch-row-top1">
          {top?.label}
          {row.notSure && (
            <span className="muted" title="Below the model's threshold: this may not be one of its classes">
              {' '}
              (not sure)
            </span>
          )}
        </td>
        <td className="num">{top ? percent(top.probability) : ''}</td>
        <td className="batch-top5 muted" title={row.top?.map((c) => `${c.label} ${percent(c.probability)}`).join('\n')}>
          {row.top?.map((c) => `${c.label} ${(c.probability * 100).toFixed(0)}`).join(' · ')}
        </td>
        <td className="num">{row.ms !== undefined ? formatMs(row.ms) : ''}</td>
      </>
    );
  return (
    <tr
      className={selected ? 'selected' : undefined}
      data-testid="batch-row"
      data-path={row.path}
      data-status={row.status}
      data-top1={top?.label ?? ''}
      // The row open in the viewer; aria-selected is only valid in a grid, not a plain table.
      aria-current={selected ? 'true' : undefined}
      onClick={() => onOpen(row.id)}
    >
      <td className="batch-file">
        {/* The row's keyboard handle: a real button, so Tab reaches it and Enter / Space open the file. */}
        <button type="button" className="link" onClick={(e) => (e.stopPropagation(), onOpen(row.id))} title={row.path}>
          {row.path}
        </button>
      </td>
      {withFolder && <td>{row.folder ?? ''}</td>}
      {cells}
    </tr>
  );
});

interface Props {
  rows: readonly BatchRow[];
  order: SortOrder;
  onOrder: (order: SortOrder) => void;
  correctOf: (row: BatchRow) => boolean | null;
  selected: number | null;
  onOpen: (id: number) => void;
}

export function BatchTable({ rows, order, onOrder, correctOf, selected, onOpen }: Props) {
  const withFolder = rows.some((r) => r.folder !== undefined);
  const sorted = sortRows(rows, order);
  return (
    <table className="batch-table" data-testid="batch-table">
      <thead>
        <tr>
          {columns(withFolder).map(({ key, title, numeric }) => {
            const active = key !== null && key === order.key;
            return (
              <th key={title} className={numeric ? 'num' : undefined} aria-sort={active ? (order.descending ? 'descending' : 'ascending') : undefined} scope="col">
                {key === null ? (
                  title
                ) : (
                  <button type="button" className="link" data-testid={`batch-sort-${key}`} onClick={() => onOrder({ key, descending: active ? !order.descending : numeric === true })}>
                    {title}
                    <span aria-hidden="true">{active ? (order.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <Row key={row.id} row={row} withFolder={withFolder} correct={correctOf(row)} selected={row.id === selected} onOpen={onOpen} />
        ))}
      </tbody>
    </table>
  );
}
