// The locked-down page (docs/security.md): the Content-Security-Policy, and the build-time sha256
// digests the app checks what it fetches against.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { harnessOnlyFiles, type BuiltFile } from './harnessFiles.ts';

/** The policy of the built app, sent as a header by `vite preview` and written into every built
 * page as a meta tag. Why each part is there:
 * - script-src: only the app's own files; 'wasm-unsafe-eval' lets onnxruntime compile its wasm
 *   and the parse worker the meshopt decoder's (built into its chunk; nothing else: no inline
 *   script, no eval / new Function).
 * - style-src 'self': the built CSS file. React and three.js set styles through the CSSOM
 *   (element.style.x = ...), which CSP does not restrict, so no 'unsafe-inline' is needed.
 * - worker-src 'self': the app's two workers, onnxruntime's thread workers (its own chunk, same
 *   origin) and the service worker; no blob: (onnxruntime only makes blob: workers for a script of
 *   another origin).
 * - connect-src 'self': models, backbones and wasm come from the app's own origin; nothing leaves
 *   the machine. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Subresource Integrity metadata (`sha256-<base64>`), as fetch({ integrity }) and Workbox take it. */
export function sriSha256(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
}

/** A CSP source that allows exactly one inline script, by the sha256 of its text. */
export function scriptHashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** The policy with `sources` added to script-src (the hashes of the pages' import maps). */
export function policyWith(sources: string[]): string {
  return CONTENT_SECURITY_POLICY.replace("script-src 'self' 'wasm-unsafe-eval'", ["script-src 'self' 'wasm-unsafe-eval'", ...sources].join(' '));
}

/** A page's import map: no remapping, only the SRI digest of every script of the build that the
 * page (its lazily imported chunks) or its workers (verifiedWorker.ts reads the map) may load.
 * Chromium refuses a module whose bytes do not match its entry, for static and dynamic imports. */
export function importMapOf(scripts: Record<string, string>): string {
  return JSON.stringify({ integrity: scripts });
}

/** Puts the import map right after the policy's meta tag (before any module script or preload, as
 * import maps must be) and writes `policy` into that tag. */
export function withImportMap(html: string, map: string, policy: string): string {
  const meta = /<meta http-equiv="Content-Security-Policy" content="[^"]*"\s*\/?>/i;
  if (!meta.test(html)) throw new Error('import map: the page has no Content-Security-Policy meta tag to follow');
  return html.replace(meta, () => `<meta http-equiv="Content-Security-Policy" content="${policy}">\n    <script type="importmap">${map}</script>`);
}

/** The policy a built page carries in its meta tag (what `vite preview` sends as the header). */
export function policyOfPage(html: string): string | null {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/i.exec(html)?.[1] ?? null;
}

/** Writes the policy as the first element of every page the build writes (`vite dev` is left
 * without it: its React refresh preamble is an inline script, and HMR talks over ws:). */
export function cspMeta(): Plugin {
  return {
    name: 'any2point:csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
      ],
    },
  };
}

const SUFFIX = '?sha256';

/** `import digest from 'some/file?sha256'`: the file's sha256 (hex) as the build saw it, for code
 * that fetches the file at run time and checks it (src/model/ortWasm.ts). The file itself is
 * emitted by its own `?url` import, byte for byte. */
export function sha256Imports(): Plugin {
  return {
    name: 'any2point:sha256-imports',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith(SUFFIX)) return null;
      const resolved = await this.resolve(source.slice(0, -SUFFIX.length), importer, { skipSelf: true });
      if (!resolved) throw new Error(`sha256 import: cannot resolve ${source.slice(0, -SUFFIX.length)} from ${importer}`);
      return `${resolved.id}${SUFFIX}`;
    },
    load(id) {
      if (!id.endsWith(SUFFIX)) return null;
      const file = id.slice(0, -SUFFIX.length);
      this.addWatchFile(file);
      return `export default ${JSON.stringify(sha256Hex(readFileSync(file)))};`;
    },
  };
}

/** Adds Subresource Integrity to a page's own scripts, module preloads and stylesheets (those
 * under `base`), so the browser refuses any whose bytes differ from the build's. `read` gives a
 * file's bytes by its path below `base`. Other tags (icon, manifest) are left as they are: SRI
 * does not apply to them. */
export function withIntegrity(html: string, base: string, read: (path: string) => Uint8Array): string {
  return html.replace(/<(script|link)\b[^>]*>/gi, (tag, name: string) => {
    if (/\sintegrity=/i.test(tag)) return tag;
    if (name.toLowerCase() === 'link' && !/\srel="(modulepreload|stylesheet)"/i.test(tag)) return tag;
    const url = /\s(?:src|href)="([^"]+)"/i.exec(tag)?.[1];
    if (!url || !url.startsWith(base)) return tag;
    const integrity = sriSha256(read(decodeURIComponent(url.slice(base.length))));
    return tag.replace(/\s*(\/?>)$/, ` integrity="${integrity}"$1`);
  });
}

/** On every page the build writes, once every file is on disk (and before the service worker's
 * precache list is made from them): withIntegrity(), and an import map with the digest of every
 * script (the app's pages leave out the harness pages' own chunks, which are not precached, so the
 * workers' check passes offline); the policy allows exactly those import maps by their hashes.
 * `vite preview` then sends the page's policy as its header (configurePreviewServer).
 * @param harnessPages the test and benchmark pages ('kernels.html'), relative to the root */
export function pageIntegrity(harnessPages: string[]): Plugin {
  let base = '/';
  let root = process.cwd();
  return {
    name: 'any2point:page-integrity',
    enforce: 'post',
    configResolved(config) {
      base = config.base;
      root = config.root;
    },
    configurePreviewServer(server) {
      // The header must allow the page's import map too, and its hash changes with every build.
      const page = join(resolve(server.config.root, server.config.build.outDir), 'index.html');
      const policy = policyOfPage(readFileSync(page, 'utf8'));
      if (!policy) throw new Error(`preview: ${page} has no Content-Security-Policy meta tag`);
      server.config.preview.headers = { ...server.config.preview.headers, 'Content-Security-Policy': policy };
    },
    writeBundle: {
      sequential: true,
      order: 'post',
      handler(options, bundle) {
        const dir = options.dir;
        if (!dir) throw new Error('page integrity: the build has no output folder');
        const pages = new Set(harnessPages.map((page) => resolve(root, page)));
        const harnessOnly = harnessOnlyFiles(bundle as unknown as Record<string, BuiltFile>, harnessPages, (id) => pages.has(id));
        const scripts = Object.keys(bundle).filter((name) => name.endsWith('.js')).sort();
        const digests = (names: string[]) => Object.fromEntries(names.map((name) => [`${base}${name}`, sriSha256(readFileSync(join(dir, name)))]));
        const appMap = importMapOf(digests(scripts.filter((name) => !harnessOnly.has(name))));
        const harnessMap = importMapOf(digests(scripts));
        const policy = policyWith([scriptHashSource(appMap), scriptHashSource(harnessMap)]);
        for (const name of Object.keys(bundle).filter((n) => n.endsWith('.html'))) {
          const file = join(dir, name);
          const html = withIntegrity(readFileSync(file, 'utf8'), base, (path) => readFileSync(join(dir, path)));
          writeFileSync(file, withImportMap(html, harnessOnly.has(name) ? harnessMap : appMap, policy));
        }
      },
    },
  };
}
