// The draco3d package ships no types. The decoder module's factory, as src/io/draco.ts loads it
// (the module's own API is described there, by the parts it uses); the tests' encoder is typed
// in tests/io/dracoEncode.ts.
declare module 'draco3d/draco_decoder_nodejs.js' {
  const createDecoderModule: (options: { wasmBinary?: Uint8Array }) => Promise<unknown>;
  export default createDecoderModule;
}
declare module 'draco3d/draco_encoder_nodejs.js' {
  const createEncoderModule: (options: object) => Promise<unknown>;
  export default createEncoderModule;
}
