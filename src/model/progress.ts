// What a loading classifier reports, so the UI can draw one progress bar.

export type LoadPhase = 'download' | 'assemble' | 'session';

export interface LoadProgress {
  phase: LoadPhase;
  /** The file being fetched or built, when there is one. */
  file?: string;
  /** Bytes done and expected over the whole phase (0 / 0 when unknown). */
  loaded: number;
  total: number;
}

export type ProgressCallback = (progress: LoadProgress) => void;
