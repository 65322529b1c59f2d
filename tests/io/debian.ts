// Real files from Debian packages. A missing file fails the test with the package to install:
// CI installs them (scripts/system-deps.sh), so a skip would hide a broken set-up.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

type DebianPackage = 'assimp-testmodels' | 'glmark2-data' | 'libcgal-demo';

function requireFile(path: string, pkg: DebianPackage): string {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the Debian package '${pkg}' (apt-get install ${pkg}; scripts/system-deps.sh installs it)`);
  }
  return path;
}

function read(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** A file of assimp-testmodels, relative to /usr/share/assimp/models. */
export function assimp(relative: string): Uint8Array {
  return read(requireFile(join('/usr/share/assimp/models', relative), 'assimp-testmodels'));
}

/** bunny.obj from glmark2-data. */
export function bunnyObj(): Uint8Array {
  return read(requireFile('/usr/share/glmark2/models/bunny.obj', 'glmark2-data'));
}

const CGAL_TARBALL = '/usr/share/doc/libcgal-dev/data.tar.gz';
let cgalDir: string | undefined;
let cgalRoot: string | undefined;

// Registered while the importing test file is collected, so it runs when that file is done.
afterAll(() => {
  if (cgalDir !== undefined) rmSync(cgalDir, { recursive: true, force: true });
  cgalDir = cgalRoot = undefined;
});

/** A file of CGAL's example data (libcgal-demo ships it as data.tar.gz), relative to its data/
 * folder, e.g. 'meshes/cactus.off'. The archive is unpacked once per test file into a temporary
 * folder that is removed when the test file is done. */
export function cgal(relative: string): Uint8Array {
  if (cgalRoot === undefined) {
    requireFile(CGAL_TARBALL, 'libcgal-demo');
    cgalDir = mkdtempSync(join(tmpdir(), 'any2point-cgal-'));
    execFileSync('tar', ['-xzf', CGAL_TARBALL, '-C', cgalDir, 'data/meshes', 'data/points_3']);
    cgalRoot = join(cgalDir, 'data');
  }
  const path = join(cgalRoot, relative);
  if (!existsSync(path)) throw new Error(`${relative} is not in ${CGAL_TARBALL} (libcgal-demo changed?)`);
  return read(path);
}
