// The offline app: vite-plugin-pwa (Workbox generateSW) precaches what the app uses, its code,
// onnxruntime's wasm, the models and the backbones' source files, so a reload without network
// still classifies. Left out: the test and benchmark pages and whatever only they load
// (scripts/harnessFiles.ts), source maps, the models' evaluation reports. The service worker is
// registered by the script the plugin injects into the HTML (registerSW.js) and updates itself
// when a new build is deployed.
//
// Cross-origin isolation offline: Workbox stores each precached response with its headers, and
// `vite preview` / any host that serves COOP + COEP stores them on index.html too, so a page served
// from the cache is still isolated (e2e/offline.spec.ts checks crossOriginIsolated). Where a host
// sends no such headers, src/model/session.ts runs wasm single-threaded.
//
// Integrity: every precache entry carries the SRI sha256 of the file the build wrote, so the
// service worker's fetch of it (at install, and on a cache miss) fails when the server hands out
// other bytes, and a failed install leaves the previous, verified copy in charge (docs/security.md).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { harnessOnlyFiles, type BuiltFile } from './harnessFiles.ts';
import { sriSha256 } from './vite-plugin-integrity.ts';

/** onnxruntime's asyncify wasm (the webgpu build) is ~27 MB; the largest precached file must fit. */
const LARGEST_FILE = 40 * 1024 * 1024;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** @param harnessPages the test and benchmark pages the build also writes ('kernels.html'), not precached */
export function pwa(harnessPages: string[]): Plugin[] {
  let root = process.cwd();
  let outDir = resolve(root, 'dist');
  let notPrecached: Set<string> | null = null;
  const harness: Plugin = {
    name: 'any2point:harness-files',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    generateBundle(_, bundle) {
      const pages = new Set(harnessPages.map((page) => resolve(root, page)));
      notPrecached = harnessOnlyFiles(bundle as Record<string, BuiltFile>, harnessPages, (id) => pages.has(id));
    },
  };
  const sw = VitePWA({
    registerType: 'autoUpdate',
    injectRegister: 'script-defer',
    // The icons are in public/, so the glob below precaches them already.
    includeManifestIcons: false,
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
      // Everything the build writes, including the backbones' extensionless weight shards, less:
      globPatterns: ['**/*'],
      // source maps (for developers), frozen.bin (never served: it is assembled), the evaluation
      // reports (for people; the app reads the metrics from the manifest),
      globIgnores: ['**/*.map', '**/frozen.bin', 'models/*/report.json', 'manifest.webmanifest'],
      // the web manifest (vite-plugin-pwa lists it itself; the glob would list it a second time),
      // and the harness pages' files.
      manifestTransforms: [
        (entries) => {
          if (!notPrecached) throw new Error('pwa: the harness files were not worked out (generateBundle did not run)');
          const skip = notPrecached;
          const kept = entries.filter((e) => !skip.has(e.url));
          return { manifest: kept.map((e) => ({ ...e, integrity: integrityOf(outDir, e.url) })) };
        },
      ],
      maximumFileSizeToCacheInBytes: LARGEST_FILE,
      navigateFallback: 'index.html',
      // Not precached, so without this a browser that has the app installed would be handed the
      // app (the navigation fallback) when it opens a harness page.
      // (Workbox matches these against a navigation's path and query.)
      navigateFallbackDenylist: harnessPages.map((page) => new RegExp(`/${escapeRegExp(page)}(\\?.*)?$`)),
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: true,
    },
  });
  return [harness, ...sw];
}

/** The SRI digest of a file the build wrote (the manifest's urls are relative to the output folder). */
function integrityOf(outDir: string, url: string): string {
  const file = resolve(outDir, decodeURIComponent(url));
  if (!existsSync(file)) throw new Error(`pwa: precache entry ${url} is not a file under ${outDir}`);
  return sriSha256(readFileSync(file));
}
