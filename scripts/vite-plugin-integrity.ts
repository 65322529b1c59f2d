// The locked-down page (docs/security.md): the Content-Security-Policy, and the build-time sha256
// digests the app checks what it fetches against.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** The policy of the built app, sent as a header by `vite preview` and written into every built
 * page as a meta tag. Why each part is there:
 * - script-src: only the app's own files; 'wasm-unsafe-eval' lets onnxruntime compile its wasm
 *   (nothing else: no inline script, no eval / new Function).
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
