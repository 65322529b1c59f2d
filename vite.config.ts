import { type Plugin, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { zoo } from './scripts/vite-plugin-zoo.ts';
import { pwa } from './scripts/pwa.ts';
import { CONTENT_SECURITY_POLICY, cspMeta, pageIntegrity, sha256Imports } from './scripts/vite-plugin-integrity.ts';

// onnxruntime-web's threaded wasm needs SharedArrayBuffer, which needs cross-origin isolation.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The test and benchmark pages (code in harness/), built with the app so Playwright and the
// benchmarks open them from the same server, and left out of the service worker's precache.
// kernels.html: the WGSL kernel check page driven by e2e/kernels.spec.ts and the benchmark.
// accuracy.html: the model worker fed clouds in bulk, driven by scripts/bench-accuracy.ts.
const harnessPages = { kernels: 'kernels.html', accuracy: 'accuracy.html' };

/** draco3d's decoder (src/io/draco.ts) requires node:fs, laz-perf's (src/io/laz.ts) fs and path,
 * and 7-Zip's (src/io/sevenZip.ts) module, only when they run in Node; in the parse worker that
 * branch never runs, so the imports are an empty module instead of Vite's warning. */
function decodersWithoutFs(): Plugin {
  const empty = '\0decoder-node-builtin';
  const nodeOnly = (source: string, importer: string | undefined): boolean =>
    (source === 'node:fs' && !!importer?.includes('/node_modules/draco3d/')) ||
    ((source === 'fs' || source === 'path') && !!importer?.includes('/node_modules/laz-perf/')) ||
    (source === 'module' && !!importer?.includes('/node_modules/7z-wasm/'));
  return {
    name: 'decoders-without-fs',
    enforce: 'pre',
    resolveId: (source, importer) => (nodeOnly(source, importer) ? empty : null),
    load: (id) => (id === empty ? 'export default {};' : null),
  };
}

export default defineConfig({
  // zoo(): models/index.json from the manifests, and the frozen weights' source files
  // (node_modules, ../shared) under backbones/ for assembly in the browser.
  // pwa(): the service worker and web app manifest (scripts/pwa.ts).
  // cspMeta(): the Content-Security-Policy as a meta tag in every built page; pageIntegrity():
  // SRI on the pages' scripts and stylesheets, an import map with every script's digest (and
  // `vite preview`'s policy header with the map's hash); sha256Imports(): `file?sha256` imports, the
  // build-time digests the app checks onnxruntime's wasm against (scripts/vite-plugin-integrity.ts,
  // docs/security.md).
  plugins: [react(), zoo(), pwa(Object.values(harnessPages)), cspMeta(), pageIntegrity(Object.values(harnessPages)), sha256Imports()],
  // The dev server has no CSP: React's refresh preamble is an inline script and HMR uses ws:.
  server: { headers: isolation, port: 5173, strictPort: false },
  preview: { headers: { ...isolation, 'Content-Security-Policy': CONTENT_SECURITY_POLICY }, port: 4173 },
  // The model worker imports src/model/ortWasm.ts, the parse worker src/io/dracoWasm.ts,
  // src/io/lazWasm.ts and src/io/sevenZipWasm.ts, whose digests come from sha256Imports().
  worker: { format: 'es', plugins: () => [sha256Imports(), decodersWithoutFs()] },
  build: {
    target: 'es2022',
    sourcemap: true,
    rollupOptions: { input: { main: 'index.html', ...harnessPages } },
    // The largest chunk is the lazily loaded 3D viewer, i.e. three.js itself (~560 kB minified);
    // the page's own chunk is ~250 kB.
    chunkSizeWarningLimit: 600,
  },
});
