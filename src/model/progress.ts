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

/** Reports one file's bytes: done so far and its size (0 while unknown). */
export type FileProgress = (file: string, loaded: number, total: number) => void;

/**
 * One 'download' figure over several files fetched together. The total is the sum of every
 * file's size and is reported only once all sizes are known (from the manifest, a cached copy,
 * or the response's Content-Length), so it is fixed from the first report on and the bar never
 * jumps back; until then the bar shows 0 of 0 (unknown).
 */
export function combinedDownload(files: readonly string[], onProgress?: ProgressCallback): FileProgress {
  const state = new Map<string, [number, number]>(files.map((f) => [f, [0, 0]]));
  let total = 0;
  return (file, loaded, size) => {
    const entry = state.get(file);
    if (!entry) throw new Error(`combinedDownload: ${file} is not one of ${files.join(', ')}`);
    entry[0] = loaded;
    if (size > 0) entry[1] = size;
    if (total === 0 && [...state.values()].every(([, s]) => s > 0)) total = [...state.values()].reduce((sum, [, s]) => sum + s, 0);
    let done = 0;
    for (const [d] of state.values()) done += d;
    onProgress?.({ phase: 'download', file, loaded: total === 0 ? 0 : Math.min(done, total), total });
  };
}
