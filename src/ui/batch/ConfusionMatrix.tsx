// The confusion matrix as a plot: rows are the folders' classes, columns the model's top-1, each
// cell shaded by its share of the row. A cell with files is a button that filters the table to them.
import type { Confusion } from '../../batch/stats';

interface Props {
  matrix: Confusion;
  labels: readonly string[];
  /** The cell the table is filtered to, if any. */
  selected: { truth: number; predicted: number } | null;
  onCell: (truth: number, predicted: number) => void;
}

/** The accent colour (app.css --accent) at the cell's share of its row. */
function shade(share: number, diagonal: boolean): string {
  const alpha = share === 0 ? 0 : 0.15 + 0.85 * share;
  return diagonal ? `rgba(90, 169, 255, ${alpha})` : `rgba(255, 140, 90, ${alpha})`;
}

export function ConfusionMatrix({ matrix, labels, selected, onCell }: Props) {
  const { classes, counts } = matrix;
  return (
    <figure className="confusion" data-testid="confusion">
      <table aria-label="Confusion matrix: rows are the folders' classes, columns the predicted classes">
        <thead>
          <tr>
            <th scope="col" className="confusion-corner">
              <span className="muted">folder ↓ / predicted →</span>
            </th>
            {classes.map((c) => (
              <th key={c} scope="col" className="confusion-column">
                <span>{labels[c]}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {classes.map((truth, row) => {
            const rowTotal = counts[row].reduce((a, b) => a + b, 0);
            return (
              <tr key={truth}>
                <th scope="row">{labels[truth]}</th>
                {classes.map((predicted, column) => {
                  const n = counts[row][column];
                  const isSelected = selected?.truth === truth && selected.predicted === predicted;
                  return (
                    <td
                      key={predicted}
                      style={{ background: shade(rowTotal ? n / rowTotal : 0, truth === predicted) }}
                      className={isSelected ? 'selected' : undefined}
                      data-testid="confusion-cell"
                      data-truth={labels[truth]}
                      data-predicted={labels[predicted]}
                      data-count={n}
                    >
                      {n > 0 && (
                        <button
                          type="button"
                          aria-pressed={isSelected}
                          aria-label={`${labels[truth]} predicted as ${labels[predicted]}: ${n} ${n === 1 ? 'file' : 'files'}`}
                          onClick={() => onCell(truth, predicted)}
                        >
                          {n}
                        </button>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <figcaption className="muted">A cell lists its files in the table.</figcaption>
    </figure>
  );
}
