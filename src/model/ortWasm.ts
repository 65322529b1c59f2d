// onnxruntime's wasm binaries, fetched by the app and checked against the sha256 the build
// recorded before onnxruntime compiles them (handed over as env.wasm.wasmBinary). Browser only:
// the `?sha256` imports need the build's plugin (scripts/vite-plugin-integrity.ts), so
// session.ts imports this module dynamically, and Node (the unit tests) never loads it.
// onnxruntime's JavaScript loader is not a separate file: the bundled entries
// ('onnxruntime-web/webgpu', '/wasm') carry it, so it is checked with the chunk it is in.
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyWasmSha from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?sha256';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainWasmSha from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?sha256';
import { fetchChecked } from '../integrity/sha256';

type Backend = 'webgpu' | 'wasm';

// webgpu: the asyncify build (ORT's WebGPU EP + the wasm EP); wasm: the plain threaded SIMD one.
const BINARIES: Record<Backend, { name: string; url: string; sha256: string }> = {
  webgpu: { name: 'ort-wasm-simd-threaded.asyncify.wasm', url: asyncifyWasmUrl, sha256: asyncifyWasmSha },
  wasm: { name: 'ort-wasm-simd-threaded.wasm', url: plainWasmUrl, sha256: plainWasmSha },
};

/** The verified bytes of the backend's wasm; an IntegrityError names both digests when they differ. */
export function fetchOrtWasm(backend: Backend): Promise<Uint8Array> {
  const { name, url, sha256 } = BINARIES[backend];
  return fetchChecked(`onnxruntime wasm (${name})`, url, sha256);
}
