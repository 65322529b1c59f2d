// 7-Zip's wasm as the browser gets it: from the app's own origin, checked against the sha256 the
// build recorded (scripts/vite-plugin-integrity.ts) before it is compiled. Browser only: sevenZip.ts
// imports this module dynamically, and Node (the CLI, the tests) never loads it.
import wasmUrl from '7z-wasm/7zz.wasm?url';
import wasmSha from '7z-wasm/7zz.wasm?sha256';
import { fetchChecked } from '../integrity/sha256';

export function fetchSevenZipWasm(): Promise<Uint8Array> {
  return fetchChecked('archive decoder wasm (7zz.wasm)', wasmUrl, wasmSha);
}
