// The loaders' one entry point: bytes of a named file -> a point cloud, or a LoadError that says
// what is wrong. Pure: no DOM, no network, so it runs in a Web Worker.
import { finish } from './finish';
import { formatForName } from './formats';
import { LIMITS, formatBytes, formatCount } from './limits';
import { PARSERS } from './parsers';
import { chooseFormat } from './sniff';
import { LoadError, type LoadResult } from './types';

export { LIMITS } from './limits';
export { ACCEPT, ACCEPTED_EXTENSIONS, FORMATS, type FormatId } from './formats';
export { LoadError } from './types';
export type { LoadErrorReason, LoadResult } from './types';

export interface LoadOptions {
  /** Points sampled from a mesh's surface (default LIMITS.defaultMeshSamples). */
  meshSamples?: number;
  /** Seed of the surface sampling; same seed, same points (default 0). */
  seed?: number;
}

export function loadFile(name: string, bytes: Uint8Array, options: LoadOptions = {}): LoadResult {
  const meshSamples = options.meshSamples ?? LIMITS.defaultMeshSamples;
  if (!Number.isInteger(meshSamples) || meshSamples < 1 || meshSamples > LIMITS.maxPoints) {
    throw new RangeError(`meshSamples must be an integer from 1 to ${formatCount(LIMITS.maxPoints)}, got ${meshSamples}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);

  const named = formatForName(name)?.id ?? 'unknown';
  if (bytes.length > LIMITS.maxFileBytes) {
    throw new LoadError(
      named,
      'too-large',
      `the file is ${formatBytes(bytes.length)} (${formatCount(bytes.length)} bytes); the limit is ${formatBytes(LIMITS.maxFileBytes)} (LIMITS.maxFileBytes)`,
    );
  }
  if (bytes.length === 0) throw new LoadError(named, 'empty', 'the file is empty (0 bytes)');

  const { entry, warnings } = chooseFormat(name, bytes);
  const parsed = PARSERS[entry.id](bytes);
  parsed.warnings.unshift(...warnings);
  return finish(entry.id, parsed, { meshSamples, seed });
}
