import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Dawn (npm `webgpu`) is a native addon: one process keeps one GPU instance alive.
    pool: 'forks',
  },
});
