// The offline app: vite-plugin-pwa (Workbox generateSW) precaches everything the build writes,
// the app, onnxruntime's wasm, the models and the backbones' source files, so a reload without
// network still classifies. The service worker is registered by the script the plugin injects
// into the HTML (registerSW.js) and updates itself when a new build is deployed.
//
// Cross-origin isolation offline: Workbox stores each precached response with its headers, and
// `vite preview` / any host that serves COOP + COEP stores them on index.html too, so a page served
// from the cache is still isolated (e2e/offline.spec.ts checks crossOriginIsolated). Where a host
// sends no such headers, src/model/session.ts runs wasm single-threaded.
import { VitePWA } from 'vite-plugin-pwa';

/** onnxruntime's asyncify wasm (the webgpu build) is ~27 MB; the largest precached file must fit. */
const LARGEST_FILE = 40 * 1024 * 1024;

export function pwa() {
  return VitePWA({
    registerType: 'autoUpdate',
    injectRegister: 'script-defer',
    includeAssets: ['favicon.svg', 'icons/*.png'],
    manifest: {
      name: 'Any2Point Web',
      short_name: 'Any2Point',
      description: 'Classify 3D point clouds and meshes on your own machine, offline.',
      theme_color: '#111214',
      background_color: '#111214',
      display: 'standalone',
      start_url: '.',
      scope: '.',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    workbox: {
      // Everything the build writes, including the backbones' extensionless weight shards.
      globPatterns: ['**/*'],
      // Source maps are for developers; frozen.bin is never served (it is assembled).
      globIgnores: ['**/*.map', '**/frozen.bin'],
      maximumFileSizeToCacheInBytes: LARGEST_FILE,
      navigateFallback: 'index.html',
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: true,
    },
  });
}
