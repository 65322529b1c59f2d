// The zoo as a list to pick from, the execution device, the number of point orders to average,
// and a progress bar while a model downloads, assembles its frozen weights and opens.
import type { LoadProgress } from '../../model/progress';
import { DEVICES, type DeviceChoice } from '../../model/session';
import type { ZooManifest } from '../../model/zoo';
import { formatBytes } from '../numbers';

interface Props {
  models: ZooManifest[];
  modelId: string | null;
  device: DeviceChoice;
  /** null = the model's own default (its manifest's `votes`). */
  votes: number | null;
  progress: LoadProgress | null;
  onModel: (id: string) => void;
  onDevice: (device: DeviceChoice) => void;
  onVotes: (votes: number | null) => void;
}

const DEVICE_LABEL: Record<DeviceChoice, string> = { auto: 'Auto (WebGPU if available)', webgpu: 'WebGPU', wasm: 'WebAssembly (CPU)' };
/** The choices offered besides the model's default: each doubles the time of one classification. */
const VOTE_CHOICES = [1, 2, 4, 8, 16];
const votesLabel = (n: number) => (n === 1 ? '1 (fastest)' : String(n));

const PHASE_LABEL: Record<LoadProgress['phase'], string> = {
  download: 'Downloading',
  assemble: 'Assembling frozen weights',
  session: 'Starting the network',
};

export function ModelPicker({ models, modelId, device, votes, progress, onModel, onDevice, onVotes }: Props) {
  const model = models.find((m) => m.id === modelId);
  const modelVotes = model?.votes ?? 1;
  // With the up on Auto the default is per candidate up (classifier.ts): the calibration's, else half.
  const autoVotes = model?.calibration?.votesPerUp ?? Math.ceil(modelVotes / 2);
  return (
    <section className="panel" aria-labelledby="model-title">
      <h2 id="model-title">Model</h2>
      <label className="field">
        <span>Model</span>
        <select value={modelId ?? ''} data-testid="model-picker" disabled={models.length === 0} onChange={(e) => onModel(e.currentTarget.value)}>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Run on</span>
        <select value={device} data-testid="device-picker" onChange={(e) => onDevice(e.currentTarget.value as DeviceChoice)}>
          {DEVICES.map((d) => (
            <option key={d} value={d}>
              {DEVICE_LABEL[d]}
            </option>
          ))}
        </select>
      </label>
      <label className="field" title="Point orders classified and averaged: each starts the tokenizer's sampling at another point. More votes are steadier and slower.">
        <span>Votes</span>
        <select
          value={votes ?? ''}
          data-testid="votes-picker"
          onChange={(e) => onVotes(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
        >
          <option value="">
            Model default ({autoVotes} per up on Auto, {modelVotes} with the up set)
          </option>
          {VOTE_CHOICES.map((n) => (
            <option key={n} value={n}>
              {votesLabel(n)}
            </option>
          ))}
        </select>
      </label>
      {progress && (
        <div className="model-progress" data-testid="model-progress" data-phase={progress.phase}>
          <progress max={progress.total || 1} value={progress.total ? progress.loaded : undefined} />
          <span className="muted">
            {PHASE_LABEL[progress.phase]}
            {progress.total > 0 && progress.phase === 'download' ? ` ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}` : ''}
          </span>
        </div>
      )}
    </section>
  );
}
