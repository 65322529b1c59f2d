// The app's folders depend one way: no import cycle anywhere in src/, between files or between
// top-level folders, and geometry (pure maths on points) does not reach into io (file parsing).
// The checker is first tried on hand-made graphs and files, so a pass below means "no cycle",
// not "the checker sees nothing".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderGraph, importCycles, importGraph, importsBetween, type ImportGraph } from '../../scripts/importGraph';

const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('the cycle finder', () => {
  it('finds a two-file cycle, a longer one and a self-import, and nothing in a chain', () => {
    const graph = graphOf({
      'a.ts': ['b.ts'],
      'b.ts': ['a.ts', 'c.ts'],
      'c.ts': ['d.ts'],
      'd.ts': ['e.ts'],
      'e.ts': ['c.ts'],
      'f.ts': ['f.ts'],
      'g.ts': ['h.ts'],
      'h.ts': [],
    });
    expect(importCycles(graph).map((c) => c.join(' ')).sort()).toEqual(['a.ts b.ts', 'c.ts d.ts e.ts', 'f.ts']);
    expect(importCycles(graphOf({ 'g.ts': ['h.ts'], 'h.ts': [] }))).toEqual([]);
  });

  it('finds two folders that need each other when no file cycle exists', () => {
    // The shape src/ had before PointCloud left io: geometry took a type from io/types.ts while
    // io/finish.ts used geometry.
    const graph = graphOf({ 'io/finish.ts': ['geometry/sample.ts', 'io/types.ts'], 'io/types.ts': [], 'geometry/sample.ts': ['io/types.ts'] });
    expect(importCycles(graph)).toEqual([]);
    expect(importCycles(folderGraph(graph))).toEqual([['geometry', 'io']]);
  });

  describe('reading files', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'import-graph-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    write('a/types.ts', 'export interface T { x: number }\n');
    write('a/index.ts', "export { b } from '../b/b';\nexport type { T } from './types';\n");
    write('b/b.ts', "import type { T } from '../a/types';\nimport three from 'three';\nimport code from '../k.wgsl?raw';\nexport const b = (t: T) => [t, three, code];\n");
    write('b/lazy.tsx', "export const load = () => import('./b');\n");
    write('main.ts', "import { b } from './a';\nconsole.log(b);\n");

    it('counts type-only, re-export and dynamic imports, resolves folders to index.ts, skips packages and assets', () => {
      const graph = importGraph(root);
      expect(Object.fromEntries(graph)).toEqual({
        'a/index.ts': ['a/types.ts', 'b/b.ts'],
        'a/types.ts': [],
        'b/b.ts': ['a/types.ts'],
        'b/lazy.tsx': ['b/b.ts'],
        'main.ts': ['a/index.ts'],
      });
      expect(importsBetween(graph, 'b', 'a')).toEqual(['b/b.ts -> a/types.ts']);
      expect(importCycles(folderGraph(graph))).toEqual([['a', 'b']]);
    });
  });
});

describe('src/', () => {
  const graph = importGraph(path.resolve('src'));

  it('has no import cycle between files', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(importCycles(graph)).toEqual([]);
  });

  it('has no import cycle between top-level folders', () => {
    expect(importCycles(folderGraph(graph))).toEqual([]);
  });

  it('geometry does not import io', () => {
    expect(importsBetween(graph, 'geometry', 'io')).toEqual([]);
  });
});
