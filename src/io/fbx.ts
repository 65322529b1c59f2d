// FBX (Autodesk's interchange format: Mixamo, Unity and Unreal assets, most model stores, Maya,
// 3ds Max and Blender exports), binary and ASCII 7.x, read by three.js's FBXLoader: every mesh
// placed by its models' transforms (pivots, pre-rotations and rotation orders as FBX defines
// them), skinned meshes in their bind pose. Geometry only: textures are never loaded (a stub
// takes every texture file), embedded images are not turned into blobs, and a camera's missing
// window size is stubbed, so the loader runs in a worker. three's loader turns a Z-up file
// (UpAxis 2) to Y-up; the app finds the up itself either way. The loader (46 kB minified) is loaded
// only when a file is FBX (`fbxReady`, through loadersReady(bytes)); a binary file's node tree is
// checked first (fbxBinary.ts). Refused with the reason: a tree or array outside the file, an
// array unpacking to other than it declares, a file three cannot parse (its message), no mesh.
import { type Loader as ThreeLoader, LoadingManager, type Object3D, Texture } from 'three';
import { startsWith } from './content';
import { FBX_BINARY_MAGIC, checkBinaryFbx } from './fbxBinary';
import { lazyModule } from './lazyModule';
import { exactArrayBuffer, sceneMeshes, withFileColors } from './three';
import { LoadError, type Parsed } from './types';

interface Loader {
  parse(buffer: ArrayBuffer, path: string): Object3D;
}

const fbxLoader = lazyModule(async (): Promise<Loader> => {
  const { FBXLoader } = await import('three/examples/jsm/loaders/FBXLoader.js');
  const manager = new LoadingManager();
  // Every texture file, whatever its extension, goes to a loader that loads nothing.
  const noTextures = { path: '', setPath(path: string) { this.path = path; return this; }, load: () => new Texture() };
  manager.addHandler(/.*/, noTextures as unknown as ThreeLoader);
  return new FBXLoader(manager);
});

/** Loads three's FBXLoader once; settles (never rejects) when it can be used or is known not to. */
export const fbxReady = fbxLoader.ready;

/** Binary FBX, or ASCII FBX's first comment line ("; FBX 7.4.0 project file"). */
export function isFbx(bytes: Uint8Array): boolean {
  return startsWith(bytes, FBX_BINARY_MAGIC) || /^\uFEFF?; FBX \d/.test(new TextDecoder().decode(bytes.subarray(0, 16)));
}

/** Runs `parse` with what three's loader reaches for in a page stubbed, then restored: `window`
 * (a camera's aspect falls back to the window's size) and URL.createObjectURL (embedded images
 * become blob URLs that nothing would ever revoke). The loader is synchronous. */
function inWorkerStubs<T>(parse: () => T): T {
  const scope = globalThis as { window?: unknown };
  const hadWindow = 'window' in scope;
  const createObjectURL = URL.createObjectURL;
  if (!hadWindow) scope.window = { innerWidth: 1, innerHeight: 1 };
  URL.createObjectURL = () => 'blob:texture-not-read';
  try {
    return parse();
  } finally {
    URL.createObjectURL = createObjectURL;
    if (!hadWindow) delete scope.window;
  }
}

export function parseFbx(bytes: Uint8Array): Parsed {
  const binary = startsWith(bytes, FBX_BINARY_MAGIC);
  if (!binary && !isFbx(bytes)) throw new LoadError('fbx', 'malformed', 'not an FBX file: binary FBX starts with "Kaydara FBX Binary", ASCII FBX with "; FBX"');
  const hasObjects = binary ? checkBinaryFbx(bytes).includes('Objects') : /^\s*Objects:/m.test(new TextDecoder().decode(bytes));
  if (!hasObjects) throw new LoadError('fbx', 'malformed', 'the file has no Objects section (where FBX keeps the geometry): is it cut short?');
  const fbx = fbxLoader.get();
  if (!fbx) throw new LoadError('fbx', 'unsupported', `the FBX reader could not be loaded here: ${fbxLoader.why()}`);
  let root: Object3D;
  try {
    root = withFileColors(() => inWorkerStubs(() => fbx.parse(exactArrayBuffer(bytes), '')));
  } catch (error) {
    throw new LoadError('fbx', 'malformed', `the FBX file cannot be read: ${error instanceof Error ? error.message.replace(/^THREE\.FBXLoader: /, '') : String(error)}`);
  }
  // three's loader turns a Z-up file to Y-up: its meshes are y up, along which separate objects
  // standing side by side are looked for in a scene of several (objects.ts sceneUp).
  return sceneMeshes('fbx', root, 'FBX scene', 'y');
}
