import { OTHER_UP_CHOICES, RADIO_UP_CHOICES, type UpChoice } from './upChoice';

export type ColorSource = 'height' | 'file';

const UP_LABELS: Record<UpChoice, string> = { auto: 'Auto', z: 'Z', y: 'Y', '-y': '-Y', x: 'X', '-x': '-X', '-z': '-Z' };

export interface ViewSettings {
  pointSize: number;
  colorSource: ColorSource;
  up: UpChoice;
  /** Draw the cloud as the model got it: normalised and upright (modelView.ts). */
  modelView: boolean;
}

export const POINT_SIZE_RANGE = { min: 1, max: 12 } as const;

interface Props {
  settings: ViewSettings;
  fileHasColors: boolean;
  onChange: (settings: ViewSettings) => void;
  onResetView: () => void;
}

export function ViewControls({ settings, fileHasColors, onChange, onResetView }: Props) {
  const set = (patch: Partial<ViewSettings>) => onChange({ ...settings, ...patch });
  return (
    <section className="panel" aria-labelledby="view-title">
      <h2 id="view-title">View</h2>
      <label className="field">
        <span>
          Point size <output data-testid="point-size-value">{settings.pointSize} px</output>
        </span>
        <input
          type="range"
          min={POINT_SIZE_RANGE.min}
          max={POINT_SIZE_RANGE.max}
          step={1}
          value={settings.pointSize}
          data-testid="point-size"
          onChange={(event) => set({ pointSize: Number(event.currentTarget.value) })}
        />
      </label>
      <label className="field">
        <span>Colour</span>
        <select
          value={fileHasColors ? settings.colorSource : 'height'}
          data-testid="color-source"
          onChange={(event) => set({ colorSource: event.currentTarget.value as ColorSource })}
        >
          <option value="height">by height</option>
          <option value="file" disabled={!fileHasColors}>
            file colours{fileHasColors ? '' : ' (none in this file)'}
          </option>
        </select>
      </label>
      <fieldset className="field segmented">
        <legend>Up axis</legend>
        {RADIO_UP_CHOICES.map((axis) => (
          <label key={axis}>
            <input
              type="radio"
              name="up-axis"
              value={axis}
              data-testid={`up-${axis}`}
              checked={settings.up === axis}
              onChange={() => set({ up: axis })}
            />
            <span>{UP_LABELS[axis]}</span>
          </label>
        ))}
        {/* The other four axis-aligned ups (scanners, CAD exports, a file upside down): forced only,
            so a list beside the row rather than four more radios. */}
        <select
          aria-label="Other up axis"
          title="The file axis that points up, when it is none of the above"
          data-testid="up-other"
          className="up-other"
          value={(OTHER_UP_CHOICES as readonly UpChoice[]).includes(settings.up) ? settings.up : ''}
          onChange={(event) => {
            const up = event.currentTarget.value as UpChoice;
            if (up) set({ up });
          }}
        >
          <option value="">other</option>
          {OTHER_UP_CHOICES.map((axis) => (
            <option key={axis} value={axis}>
              {UP_LABELS[axis]}
            </option>
          ))}
        </select>
      </fieldset>
      <label className="field checkbox" title="The cloud centred, scaled into the unit sphere and stood on the up it was classified in">
        <input type="checkbox" checked={settings.modelView} data-testid="model-view" onChange={(event) => set({ modelView: event.currentTarget.checked })} />
        <span>What the model sees</span>
      </label>
      <button type="button" onClick={onResetView}>
        Reset view
      </button>
    </section>
  );
}
