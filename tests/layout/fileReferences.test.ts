// Comments in src/ that name a file (`scripts/vite-plugin-zoo.ts`, `../io/types.ts`) name one that
// exists, so a move or rename cannot leave a comment pointing nowhere. A name is looked up from the
// repository root, the commenting file's folder, src/ and training/ (how comments write them).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../../scripts/importGraph';

/** Paths with a folder and a known extension, inside comments; `<base>models/index.json` (a URL
 * template) is not a file, so a name right after '>' is skipped. */
const REFERENCE = /(?<![\w@>/.-])((?:\.{1,2}\/|[A-Za-z_][\w.-]*\/)[\w./-]*\.(?:ts|tsx|mjs|js|py|wgsl|json|md|html|sh))\b/g;

function commentText(source: string): string[] {
  return source.split('\n').map((line) => {
    const trimmed = line.trim();
    if (trimmed.startsWith('*') || trimmed.startsWith('/*')) return line;
    const at = line.indexOf('//');
    return at >= 0 && !line.slice(0, at).includes("'") ? line.slice(at) : '';
  });
}

function fileReferences(source: string): { line: number; name: string }[] {
  return commentText(source).flatMap((text, i) => [...text.matchAll(REFERENCE)].map((m) => ({ line: i + 1, name: m[1]! })));
}

/** Files the build writes (scripts/vite-plugin-zoo.ts), named in comments but not in the tree. */
const BUILD_OUTPUTS = new Set(['models/index.json']);

function exists(file: string, name: string): boolean {
  if (name.startsWith('../shared/')) return true; // the shared data folder beside the checkout
  if (BUILD_OUTPUTS.has(name)) return true;
  return [name, path.join(path.dirname(file), name), path.join('src', name), path.join('training', name)].some((p) => existsSync(p));
}

describe('file names in comments', () => {
  it('are found in comments and not in code or URL templates', () => {
    const source = [
      '// served by scripts/vite-plugin-zoo.ts, see ./cells.ts',
      "import { x } from './notAComment.ts';",
      ' * the index at `<base>models/index.json`, schema in src/model/manifest.ts.',
    ].join('\n');
    expect(fileReferences(source)).toEqual([
      { line: 1, name: 'scripts/vite-plugin-zoo.ts' },
      { line: 1, name: './cells.ts' },
      { line: 3, name: 'src/model/manifest.ts' },
    ]);
    expect(exists('src/model/zoo.ts', 'scripts/vite-plugin-zoo.ts')).toBe(true);
    expect(exists('src/model/zoo.ts', './cache.ts')).toBe(true);
    expect(exists('src/model/assemble.ts', 'scripts/vite-plugin-backbones.ts')).toBe(false);
  });

  it('in src/ all name files that exist', () => {
    const missing = sourceFiles('src').flatMap((file) =>
      fileReferences(readFileSync(file, 'utf8'))
        .filter((ref) => !exists(file, ref.name))
        .map((ref) => `${file}:${ref.line}: ${ref.name}`),
    );
    expect(missing).toEqual([]);
  });
});
