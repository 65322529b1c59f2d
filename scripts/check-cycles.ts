// Prints the import cycles in src/, between files and between top-level folders, and fails when
// there is one. The same check runs in the unit tests (tests/layout/imports.test.ts); this is the command-line form:
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/check-cycles.ts', { configFile: false, logLevel: 'warn' });"
import path from 'node:path';
import { folderGraph, importCycles, importGraph } from './importGraph';

const graph = importGraph(path.resolve('src'));
const cycles = [...importCycles(graph), ...importCycles(folderGraph(graph)).map((c) => c.map((f) => `${f}/`))];
const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
console.log(`src/: ${graph.size} files, ${edges} imports, ${cycles.length} import cycle(s) between files or top-level folders`);
for (const cycle of cycles) console.log(`  cycle among: ${cycle.join(', ')}`);
if (cycles.length > 0) process.exitCode = 1;
