// The Draco decoder's wasm as the browser gets it: from the app's own origin, checked against the
// sha256 the build recorded (scripts/vite-plugin-integrity.ts) before it is compiled. Browser only:
// draco.ts imports this module dynamically, and Node (the CLI, the tests) never loads it.
import wasmUrl from 'draco3d/draco_decoder.wasm?url';
import wasmSha from 'draco3d/draco_decoder.wasm?sha256';
import { fetchChecked } from '../integrity/sha256';

export function fetchDracoWasm(): Promise<Uint8Array> {
  return fetchChecked('Draco decoder wasm (draco_decoder.wasm)', wasmUrl, wasmSha);
}
