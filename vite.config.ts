import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { zoo } from './scripts/vite-plugin-zoo.ts';
import { pwa } from './scripts/pwa.ts';

// onnxruntime-web's threaded wasm needs SharedArrayBuffer, which needs cross-origin isolation.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // zoo(): models/index.json from the manifests, and the frozen weights' source files
  // (node_modules, ../shared) under backbones/ for assembly in the browser.
  // pwa(): the service worker and web app manifest (scripts/pwa.ts).
  plugins: [react(), zoo(), pwa()],
  server: { headers: isolation, port: 5173, strictPort: false },
  preview: { headers: isolation, port: 4173 },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // kernels.html: the WGSL kernel check page driven by e2e/kernels.spec.ts and the benchmark.
    // accuracy.html: the model worker fed clouds in bulk, driven by scripts/bench-accuracy.ts.
    rollupOptions: { input: { main: 'index.html', kernels: 'kernels.html', accuracy: 'accuracy.html' } },
    // The largest chunk is the lazily loaded 3D viewer, i.e. three.js itself (~560 kB minified);
    // the page's own chunk is ~250 kB.
    chunkSizeWarningLimit: 600,
  },
});
