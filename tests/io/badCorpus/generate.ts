// Writes the bad-file corpus (cases.ts) under tests/io/badCorpus/files/, with expected.json
// listing each file, what it is and the outcome it must have. Run from the repository root:
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./tests/io/badCorpus/generate.ts', { configFile: false, logLevel: 'warn' });"
// corpus.test.ts fails when the committed files differ from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpus } from './cases';

const dir = join(process.cwd(), 'tests/io/badCorpus');
const files = join(dir, 'files');
mkdirSync(files, { recursive: true });
for (const old of readdirSync(files)) rmSync(join(files, old));
const cases = corpus();
for (const c of cases) writeFileSync(join(files, c.file), c.bytes);
const expected = cases.map(({ file, what, outcome }) => ({ file, what, ...outcome }));
writeFileSync(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`wrote ${cases.length} files (${cases.reduce((n, c) => n + c.bytes.length, 0)} bytes) to ${files}`);
