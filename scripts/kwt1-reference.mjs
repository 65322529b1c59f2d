#!/usr/bin/env node
// Runs a TFLite model with the ORIGINAL TensorFlow Lite runtime: the WebAssembly build shipped
// in the npm package @tensorflow/tfjs-tflite (TFLite's C++ interpreter compiled to wasm, the same
// one that package runs in browsers), so that the PyTorch re-implementation of KWT-1 can be
// checked against it (training/tests/test_kwt1.py).
//
// Input (stdin, JSON): { "model": "path/to/model.tflite", "inputs": [[flat float32 values], ...] }
//   one entry per run; each is the model's single input tensor, row-major.
// Output (stdout, one JSON line):
//   { "runtime", "version", "input": {name, shape}, "output": {name, shape}, "outputs": [[...], ...] }
// Usage: node scripts/kwt1-reference.mjs < request.json
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const PACKAGE = '@tensorflow/tfjs-tflite';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function validateRequest(request) {
  if (typeof request?.model !== 'string') throw new Error('kwt1-reference: request.model must be a file path');
  const inputs = request.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => Array.isArray(x))) {
    throw new Error('kwt1-reference: request.inputs must be a non-empty array of number arrays');
  }
  return { model: request.model, inputs };
}

// The package's wasm module is an Emscripten factory written for browsers (a script defining
// `tflite_web_api_ModuleFactory`). Node runs it as that script, with the wasm bytes handed over
// directly so nothing is fetched. The plain (no SIMD, no threads) build is used.
async function loadRuntime() {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${PACKAGE}/package.json`);
  const dir = path.join(path.dirname(pkgJson), 'wasm');
  const version = JSON.parse(await readFile(pkgJson, 'utf8')).version;
  const script = path.join(dir, 'tflite_web_api_cc.js');
  vm.runInThisContext(await readFile(script, 'utf8'), { filename: script });
  const factory = globalThis.tflite_web_api_ModuleFactory;
  if (typeof factory !== 'function') throw new Error(`kwt1-reference: ${script} defined no module factory`);
  const module = await factory({ wasmBinary: await readFile(path.join(dir, 'tflite_web_api_cc.wasm')) });
  return { module, version };
}

function tensorInfo(t) {
  return { name: t.name, shape: t.shape.split(',').map(Number), dataType: t.dataType };
}

async function main() {
  if (process.argv.length > 2) throw new Error('kwt1-reference: no arguments; the request comes on stdin');
  const { model, inputs } = validateRequest(JSON.parse(await readStdin()));
  const { module, version } = await loadRuntime();

  const bytes = await readFile(model);
  const ptr = module._malloc(bytes.length);
  module.HEAPU8.set(bytes, ptr);
  const created = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
    numThreads: 1, enableProfiling: false, maxProfilingBufferEntries: 1024,
  });
  if (!created.ok()) throw new Error(`kwt1-reference: TFLite refused ${model}: ${created.errorMessage()}`);
  const runner = created.value();
  const ins = runner.GetInputs();
  const outs = runner.GetOutputs();
  if (ins.size() !== 1 || outs.size() !== 1) {
    throw new Error(`kwt1-reference: expected 1 input and 1 output, the model has ${ins.size()} and ${outs.size()}`);
  }
  const input = ins.get(0);
  const output = outs.get(0);
  if (input.dataType !== 'float32' || output.dataType !== 'float32') {
    throw new Error(`kwt1-reference: float32 tensors only (input ${input.dataType}, output ${output.dataType})`);
  }
  const outputs = inputs.map((values, r) => {
    const dst = input.data();
    if (values.length !== dst.length) {
      throw new Error(`kwt1-reference: inputs[${r}] has ${values.length} values, ${input.name} takes ${dst.length}`);
    }
    dst.set(values);
    if (!runner.Infer()) throw new Error(`kwt1-reference: inference failed on inputs[${r}]`);
    return Array.from(output.data());
  });
  process.stdout.write(JSON.stringify({
    runtime: `${PACKAGE} (TFLite interpreter, wasm)`,
    version,
    input: tensorInfo(input),
    output: tensorInfo(output),
    outputs,
  }) + '\n');
  runner.delete();
  module._free(ptr);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
