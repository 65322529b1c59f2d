// meshopt-compressed glTF buffers (EXT_meshopt_compression, KHR_meshopt_compression: gltfpack's
// and glTF-Transform's compression) decoded by three.js's copy of the meshoptimizer decoder. Its
// WebAssembly compiles asynchronously once, so loadFile's callers await `loadersReady()` (index.ts)
// before they read a file; the glTF reader itself stays synchronous.
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';

let ready = false;
let failed: string | null = null;

/** Settles once the decoder can be used (or is known not to work here). */
export const meshoptReady: Promise<void> = MeshoptDecoder.supported
  ? MeshoptDecoder.ready.then(
      () => {
        ready = true;
      },
      (error: unknown) => {
        failed = error instanceof Error ? error.message : String(error);
      },
    )
  : Promise.resolve().then(() => {
      failed = 'this runtime has no WebAssembly';
    });

/** Why the decoder cannot be used now, or null when it can. */
export function meshoptUnavailable(): string | null {
  if (ready) return null;
  return failed ?? 'the meshopt decoder is still loading';
}

/** `count` elements of `size` bytes decoded from a meshopt stream (the extension's mode and filter). */
export function decodeMeshopt(source: Uint8Array, count: number, size: number, mode: string, filter: string): Uint8Array {
  const target = new Uint8Array(count * size);
  MeshoptDecoder.decodeGltfBuffer(target, count, size, source, mode, filter);
  return target;
}
