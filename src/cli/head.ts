// classify --head: a head file written by `any2point teach` or saved from the app, read and checked
// by the app's own code (src/teach/headFile.ts: format, version, every field; and that it was
// taught on this model, same id and model.onnx sha256).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Head } from '../teach/head';
import { parseHeadFile } from '../teach/headFile';
import { modelIdentity } from '../model/taughtHead';
import type { ZooManifest } from '../model/zoo';
import { UsageError } from './args';

export interface CliHead {
  /** How results name it: the file's name. */
  name: string;
  head: Head;
}

export function readHead(file: string, manifest: ZooManifest): CliHead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--head ${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const own = modelIdentity(manifest);
  try {
    const parsed = parseHeadFile(text, { id: own.modelId, sha256: own.modelSha256 });
    return { name: path.basename(file), head: parsed.head };
  } catch (error) {
    throw new UsageError(`--head ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
