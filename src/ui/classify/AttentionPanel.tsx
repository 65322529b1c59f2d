// Controls of the attention view: which layer (slider), which head (or the mean of heads), the
// colour legend of the values shown, and the value under the pointer.
import type { AttentionMaps } from '../../model/postprocess';
import { colormapTable, COLORMAP_SIZE, type ColormapId } from '../viewer/colormaps';

export type HeadChoice = number | 'mean';

export interface AttentionView {
  enabled: boolean;
  layer: number;
  head: HeadChoice;
}

interface Props {
  attention: AttentionMaps;
  view: AttentionView;
  colormap: ColormapId;
  /** Range of the values on screen (the legend's ends). */
  range: [number, number] | null;
  /** The hovered point's token and value, when the pointer is over a point. */
  hover: { point: number; token: number; value: number } | null;
  onChange: (view: AttentionView) => void;
}

function gradient(colormap: ColormapId): string {
  const table = colormapTable(colormap);
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const i = Math.round(t * (COLORMAP_SIZE - 1)) * 3;
    const [r, g, b] = [table[i], table[i + 1], table[i + 2]].map((v) => Math.round(v * 255));
    return `rgb(${r}, ${g}, ${b}) ${t * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

const format = (v: number) => (v < 0.001 ? v.toExponential(2) : v.toFixed(4));

export function AttentionPanel({ attention, view, colormap, range, hover, onChange }: Props) {
  const set = (patch: Partial<AttentionView>) => onChange({ ...view, ...patch });
  return (
    <section className="panel" aria-labelledby="attention-title" data-testid="attention-panel">
      <h2 id="attention-title">Attention</h2>
      <label className="field checkbox">
        <input type="checkbox" checked={view.enabled} data-testid="attention-toggle" onChange={(e) => set({ enabled: e.currentTarget.checked })} />
        <span>Colour points by the class token's attention</span>
      </label>
      <label className="field">
        <span>
          Layer <output data-testid="attention-layer-value">{view.layer + 1}</output> of {attention.layers}
        </span>
        <input
          type="range"
          min={0}
          max={attention.layers - 1}
          step={1}
          value={view.layer}
          disabled={!view.enabled || attention.layers < 2}
          data-testid="attention-layer"
          onChange={(e) => set({ layer: Number(e.currentTarget.value) })}
        />
      </label>
      <label className="field">
        <span>Head</span>
        <select
          value={String(view.head)}
          disabled={!view.enabled}
          data-testid="attention-head"
          onChange={(e) => set({ head: e.currentTarget.value === 'mean' ? 'mean' : Number(e.currentTarget.value) })}
        >
          <option value="mean">mean of heads</option>
          {Array.from({ length: attention.heads }, (_, h) => (
            <option key={h} value={h}>
              head {h + 1}
            </option>
          ))}
        </select>
      </label>
      {view.enabled && range && (
        <div className="legend" data-testid="attention-legend">
          <div className="legend-bar" style={{ background: gradient(colormap) }} />
          <div className="legend-ends">
            <span data-testid="legend-min">{format(range[0])}</span>
            <span className="muted">attention to the point's token</span>
            <span data-testid="legend-max">{format(range[1])}</span>
          </div>
        </div>
      )}
      <p className="hint muted" data-testid="attention-hover">
        {hover ? `Point ${hover.point}: token ${hover.token}, attention ${format(hover.value)}` : 'Hover a point to read its value.'}
      </p>
    </section>
  );
}
