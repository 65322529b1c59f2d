// The zoo on disk: public/models/<id>/ as the app serves it. The model's files are read and
// checked against the manifest's sha256 (as the app's fetchFiles does), and frozen.bin is the one
// scripts/assemble-model.mjs builds from the backbone's original source (the same recipe code the
// browser runs): reused when it is there and its sha256 is right, otherwise assembled and written
// there for the next run.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelFiles } from '../model/classifier';
import { parseManifest, type ZooManifest } from '../model/zoo';
import { zooOrder } from '../model/zooOrder';
import { UsageError } from './args';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function modelsDir(root: string): string {
  return path.join(root, 'public', 'models');
}

export function readManifest(root: string, id: string): ZooManifest {
  const file = path.join(modelsDir(root), id, 'manifest.json');
  return parseManifest(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** The models public/models holds, in the app's order (its default first). */
export function modelIds(root: string): string[] {
  const dir = modelsDir(root);
  const ids = existsSync(dir) ? readdirSync(dir).filter((id) => existsSync(path.join(dir, id, 'manifest.json'))) : [];
  return zooOrder(ids.map((id) => readManifest(root, id)));
}

/** The model asked for, checked against public/models, or the app's default. */
export function chooseModel(root: string, asked: string | null): string {
  const ids = modelIds(root);
  if (asked === null) {
    if (!ids.length) throw new Error(`${modelsDir(root)} holds no model`);
    return ids[0];
  }
  if (!ids.includes(asked)) throw new UsageError(`--model ${asked}: no such model (${modelsDir(root)} has ${ids.join(', ')})`);
  return asked;
}

/** The manifest, network and frozen weights of model `id`, checked. */
export async function readModelFiles(root: string, id: string, log: (line: string) => void): Promise<ModelFiles> {
  const dir = path.join(modelsDir(root), id);
  const manifest = readManifest(root, id);
  const file = manifest.onnx.file;
  const model = new Uint8Array(readFileSync(path.join(dir, file)));
  const expected = manifest.files[file];
  if (model.byteLength !== expected.bytes || sha256(model) !== expected.sha256.toLowerCase()) {
    throw new Error(`${id}: ${path.join(dir, file)} is not the file its manifest describes (sha256 ${sha256(model)}, expected ${expected.sha256})`);
  }
  if (!manifest.frozen) return { manifest, model, frozen: null };
  const frozenPath = path.join(dir, manifest.frozen.file);
  if (existsSync(frozenPath)) {
    const bytes = new Uint8Array(readFileSync(frozenPath));
    if (sha256(bytes) === manifest.frozen.sha256.toLowerCase()) return { manifest, model, frozen: bytes };
    log(`${frozenPath} has the wrong sha256: assembling it again`);
  }
  log(`assembling ${id}'s frozen weights from ${manifest.backbone.name}'s source (scripts/assemble-model.mjs)`);
  const script = pathToFileURL(path.join(root, 'scripts', 'assemble-model.mjs')).href;
  const { assembleFrozen } = (await import(/* @vite-ignore */ script)) as {
    assembleFrozen: (modelDir: string, options: { repo: string }) => Promise<{ file: string; data: Uint8Array } | null>;
  };
  const assembled = await assembleFrozen(dir, { repo: root });
  if (!assembled) throw new Error(`${id}: the manifest lists frozen weights but assemble-model found none`);
  writeFileSync(frozenPath, assembled.data);
  return { manifest, model, frozen: assembled.data };
}
