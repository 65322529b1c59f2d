import { defineConfig } from '@playwright/test';

// Debian's Chromium with its SwiftShader WebGPU adapter (see ../shared/DESIGN.md). Playwright
// cannot download browsers here, so the system binary is used.
export const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// E2E_PORT lets a second checkout run its browser tests while another serves on the default port.
const port = Number(process.env.E2E_PORT ?? 4173);
// E2E_DIST serves a build of its own (vite build --outDir $E2E_DIST), so a second job building
// into dist/ does not change the files under test.
const dist = process.env.E2E_DIST ? ` --outDir ${process.env.E2E_DIST}` : '';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 300_000,
  // Assertions wait on what they check (text, attributes, the viewer's frame counter); the
  // ceiling is generous so a machine loaded by other jobs is slow, not red.
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort${dist}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
