// The VTK, Gmsh, Abaqus and Nastran files meshio writes for the mesh readers' tests
// (tests/io/meshioWrite.py), in a folder of their own removed after the test file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { LoadResult } from '../../src/io/types';

/** Writes the files; the bytes of one by its name. */
export function meshioFiles(): (name: string) => Uint8Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshio-'));
  execFileSync('/usr/bin/python3', [path.join(__dirname, 'meshioWrite.py'), dir], { stdio: 'pipe' });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => new Uint8Array(readFileSync(path.join(dir, name)));
}

/** What a mesh reader's result is compared by: the sampled points, the counts, the offset. */
export const meshSeen = (r: LoadResult) => ({ count: r.cloud.count, positions: Array.from(r.cloud.positions), vertexCount: r.vertexCount, faceCount: r.faceCount, offset: r.offset });
