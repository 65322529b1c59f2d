// three.js's USD parsers and composer (three/examples/jsm/loaders/usd), which @types/three does not
// describe: only what src/io/usd.ts calls.
declare module 'three/examples/jsm/loaders/usd/USDAParser.js' {
  export class USDAParser {
    parseData(text: string): unknown;
  }
}

declare module 'three/examples/jsm/loaders/usd/USDCParser.js' {
  export class USDCParser {
    parseData(buffer: ArrayBuffer): unknown;
  }
}

declare module 'three/examples/jsm/loaders/usd/USDComposer.js' {
  import type { Group, LoadingManager } from 'three';
  export class USDComposer {
    constructor(manager?: LoadingManager);
    compose(layer: unknown, assets?: Record<string, unknown>, variantSelections?: Record<string, string>, basePath?: string): Group;
  }
}
