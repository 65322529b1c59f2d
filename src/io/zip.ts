// The zip packages some formats are (3MF, .npz, USDZ), unpacked by three.js's copy of fflate: only
// the entries a reader uses, their declared sizes counted against LIMITS.maxFileBytes before
// anything is unpacked (a zip bomb stops at its directory), and a package fflate cannot read
// refused with its message.
import { unzipSync } from 'three/examples/jsm/libs/fflate.module.js';
import type { FormatId } from './formats';
import { LIMITS, formatCount } from './limits';
import { LoadError } from './types';

export interface Unzipped {
  /** The entries kept, by name. */
  files: Record<string, Uint8Array>;
  /** The package's first entry's name, kept or not (USDZ's root layer); undefined for an empty zip. */
  first: string | undefined;
}

/**
 * The entries of `bytes` whose names `keep` accepts. `parts` names them in the too-large refusal
 * ("its model parts unpack to more than ..."), `what` the package in the unreadable one ("the zip
 * package cannot be read: ...").
 */
export function unzipEntries(format: FormatId, bytes: Uint8Array, keep: (name: string) => boolean, parts: string, what: string): Unzipped {
  let total = 0;
  let first: string | undefined;
  try {
    const files = unzipSync(bytes, {
      filter: (f) => {
        first ??= f.name;
        if (!keep(f.name)) return false;
        total += f.originalSize;
        if (total > LIMITS.maxFileBytes) {
          throw new LoadError(format, 'too-large', `its ${parts} unpack to more than ${formatCount(LIMITS.maxFileBytes)} bytes (LIMITS.maxFileBytes)`);
        }
        return true;
      },
    });
    return { files, first };
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw new LoadError(format, 'malformed', `${what} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The names of a zip's entries, read from its directory alone (nothing is unpacked); none when
 * the zip cannot be read (its reader then says why). */
export function zipEntryNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return false;
      },
    });
  } catch {
    return [];
  }
  return names;
}
