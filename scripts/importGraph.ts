// The import graph of a source folder, and its cycles. Every relative import counts, type-only and
// dynamic ones included: a cycle of type imports still ties two folders into one. Used by
// tests/layout/imports.test.ts and scripts/check-cycles.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** File -> the files it imports, all relative to the folder the graph was built from, with '/'. */
export type ImportGraph = Map<string, string[]>;

const SOURCE = /\.(ts|tsx)$/;
const RESOLVE = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'];

/** Every .ts / .tsx file under `dir`, at any depth. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return SOURCE.test(name) ? [full] : [];
  });
}

/** The TypeScript file a relative specifier names, or undefined (packages, `?raw` assets, .wgsl). */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.') || specifier.includes('?')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  for (const suffix of RESOLVE) {
    const candidate = base + suffix;
    if (SOURCE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export function importGraph(root: string): ImportGraph {
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root).sort()) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => resolve(file, ref.fileName))
      .filter((t): t is string => t !== undefined && t.startsWith(root + path.sep))
      .map(rel);
    graph.set(rel(file), [...new Set(targets)].sort());
  }
  return graph;
}

/** Groups of files that import each other, directly or through others (Tarjan's strongly
 * connected components of more than one file, or a file importing itself). */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;

  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The graph between top-level folders (a file at the root is its own node): `io` -> `geometry`
 * when some file in io imports one in geometry. A cycle here means two folders need each other
 * even when no file-level cycle exists. */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folder = (file: string) => file.split('/')[0]!;
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = folder(file);
    const list = new Set(folders.get(from) ?? []);
    for (const t of targets) if (folder(t) !== from) list.add(folder(t));
    folders.set(from, [...list].sort());
  }
  return folders;
}

/** Imports from files under folder `from` into folder `to`, as "a -> b" lines. */
export function importsBetween(graph: ImportGraph, from: string, to: string): string[] {
  const under = (file: string, folder: string) => file.startsWith(`${folder}/`);
  return [...graph].flatMap(([file, targets]) => (under(file, from) ? targets.filter((t) => under(t, to)).map((t) => `${file} -> ${t}`) : []));
}
