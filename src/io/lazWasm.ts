// laz-perf's wasm as the browser gets it: from the app's own origin, checked against the sha256 the
// build recorded (scripts/vite-plugin-integrity.ts) before it is compiled. Browser only: laz.ts
// imports this module dynamically, and Node (the CLI, the tests) never loads it.
import wasmUrl from 'laz-perf/lib/laz-perf.wasm?url';
import wasmSha from 'laz-perf/lib/laz-perf.wasm?sha256';
import { fetchChecked } from '../integrity/sha256';

export function fetchLazWasm(): Promise<Uint8Array> {
  return fetchChecked('LAZ decoder wasm (laz-perf.wasm)', wasmUrl, wasmSha);
}
