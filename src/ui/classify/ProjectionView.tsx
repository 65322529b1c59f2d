// The virtual projection (docs/geometry.md 5): where each token landed on the backbone's own
// position grid for one view: a line of L positions (1D backbones) or a G x G grid (2D). Dots are
// coloured by the attention shown on the cloud, so one sees which positions the class token used.
import { useState } from 'react';
import type { ProjectionSpec } from '../../geometry/spec';
import { colormapTable, COLORMAP_SIZE, type ColormapId } from '../viewer/colormaps';

interface Props {
  projection: ProjectionSpec;
  /** M x T (1D) or M x T x 2 (2D). */
  pos: Float32Array;
  tokens: number;
  /** Attention per token (T), or null to draw every dot alike. */
  values: Float32Array | null;
  colormap: ColormapId;
}

const W = 280;
const PAD = 10;

export function ProjectionView({ projection, pos, tokens, values, colormap }: Props) {
  const views = projection.kind === '1d' ? projection.lines.length : projection.views.length;
  const [view, setView] = useState(0);
  const v = Math.min(view, views - 1);
  // A result of another model (just switched, not re-run yet) does not fit this grid.
  if (pos.length !== views * tokens * (projection.kind === '1d' ? 1 : 2)) return null;
  const table = colormapTable(colormap);
  let min = Infinity;
  let max = -Infinity;
  for (const x of values ?? []) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const colour = (t: number) => {
    if (!values || !(max > min)) return 'var(--accent)';
    const i = Math.round(((values[t] - min) / (max - min)) * (COLORMAP_SIZE - 1)) * 3;
    return `rgb(${[table[i], table[i + 1], table[i + 2]].map((c) => Math.round(c * 255)).join(',')})`;
  };
  const dots = [];
  let height: number;
  if (projection.kind === '1d') {
    height = 40;
    const scale = (W - 2 * PAD) / Math.max(1, projection.length - 1);
    for (let t = 0; t < tokens; t++) {
      dots.push(<circle key={t} cx={PAD + pos[v * tokens + t] * scale} cy={20 + ((t % 5) - 2) * 3} r={3} fill={colour(t)} />);
    }
  } else {
    height = W;
    const scale = (W - 2 * PAD) / Math.max(1, projection.grid - 1);
    for (let t = 0; t < tokens; t++) {
      const o = (v * tokens + t) * 2;
      dots.push(<circle key={t} cx={PAD + pos[o] * scale} cy={PAD + pos[o + 1] * scale} r={3} fill={colour(t)} />);
    }
  }
  const extent = projection.kind === '1d' ? `${projection.length} positions` : `${projection.grid} x ${projection.grid} grid`;
  return (
    <section className="panel" aria-labelledby="projection-title" data-testid="projection-view">
      <h2 id="projection-title">Virtual projection</h2>
      <label className="field">
        <span>{projection.kind === '1d' ? 'Line' : 'View'}</span>
        <select value={v} data-testid="projection-view-select" onChange={(e) => setView(Number(e.currentTarget.value))}>
          {Array.from({ length: views }, (_, i) => (
            <option key={i} value={i}>
              {projection.kind === '1d' ? `line ${i + 1}` : `view ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
      <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="img" aria-label={`Token positions on the backbone's ${extent}`}>
        <rect x={PAD / 2} y={PAD / 2} width={W - PAD} height={height - PAD} fill="none" stroke="var(--panel-border)" />
        {dots}
      </svg>
      <p className="hint muted">
        {tokens} tokens on the backbone's {extent}
      </p>
    </section>
  );
}
