#!/usr/bin/env node
// `npx any2point classify|teach ...` (src/cli, docs/cli.md). The CLI is the app's TypeScript run
// as it is through Vite's module runner (as scripts/bench-*.ts run), so there is no build step: a
// clone after `npm ci` runs it. This file also starts the worker threads (src/cli/entry.ts tells
// them apart).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { runnerImport } = await import('vite');
await runnerImport(join(root, 'src', 'cli', 'entry.ts'), { configFile: false, logLevel: 'warn', root });
