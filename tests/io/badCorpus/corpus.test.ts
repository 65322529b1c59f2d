// The committed bad-file corpus (issue 24), run against the loaders: every file gives exactly the
// outcome expected.json states, and the committed files are what generate.ts writes from cases.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../../src/io/index';
import { LoadError } from '../../../src/io/types';
import { corpus, type Outcome } from './cases';

const dir = join(__dirname);
type Entry = { file: string; what: string } & Outcome;
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Entry[];

function outcomeOf(file: string, bytes: Uint8Array): { reason: string; message: string } | { points: number; warnings: string[] } {
  try {
    const r = loadFile(file, bytes, { meshSamples: 100, seed: 1 });
    return { points: r.cloud.count, warnings: r.warnings };
  } catch (error) {
    if (error instanceof LoadError) return { reason: error.reason, message: error.message };
    throw error; // an uncaught exception is a failure of the loader, not an outcome
  }
}

describe('bad-file corpus (tests/io/badCorpus)', () => {
  test('the committed files are what cases.ts generates', () => {
    const cases = corpus();
    expect(readdirSync(join(dir, 'files')).sort()).toEqual(cases.map((c) => c.file).sort());
    for (const c of cases) expect([c.file, Buffer.from(readFileSync(join(dir, 'files', c.file))).equals(Buffer.from(c.bytes))]).toEqual([c.file, true]);
    expect(expected.map((e) => e.file)).toEqual(cases.map((c) => c.file));
  });

  for (const entry of expected) {
    test(`${entry.file}: ${entry.what}`, () => {
      const got = outcomeOf(entry.file, new Uint8Array(readFileSync(join(dir, 'files', entry.file))));
      if ('points' in entry) {
        expect(got).toEqual({ points: entry.points, warnings: entry.warnings });
      } else if ('message' in entry) {
        expect(got).toEqual({ reason: entry.reason, message: entry.message });
      } else {
        expect('reason' in got && got.reason).toBe(entry.reason);
        for (const phrase of entry.includes) expect('message' in got ? got.message : '').toContain(phrase);
      }
    });
  }
});
