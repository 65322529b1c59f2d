// Runs an exported model with onnxruntime-web (its Node build, wasm EP) on inputs written by
// export.py, for the ONNX-vs-PyTorch parity check (there is no Python onnxruntime here).
//   node ort_run.cjs <model.onnx> <frozen.bin|-> <request.json>
// request.json: { count, batch?, inputs: [{ name, type: 'float32'|'int32', dims, file }], out }
// Each input file holds `count` clouds back to back (dims: one cloud's, batch axis 1); they run
// `batch` at a time (default 1), stacked along the batch axis, as the app runs its passes; the
// outputs of every cloud are written back to back to out.<name>.bin (float32), with one cloud's
// dims in out.json.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-web');

async function main() {
  const [modelPath, frozenPath, requestPath] = process.argv.slice(2);
  if (!modelPath || !frozenPath || !requestPath) {
    throw new Error('usage: node ort_run.cjs <model.onnx> <frozen.bin|-> <request.json>');
  }
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const options = { executionProviders: ['wasm'] };
  if (frozenPath !== '-') {
    options.externalData = [{ path: path.basename(frozenPath), data: new Uint8Array(fs.readFileSync(frozenPath)) }];
  }
  const session = await ort.InferenceSession.create(new Uint8Array(fs.readFileSync(modelPath)), options);
  const req = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const base = path.dirname(requestPath);
  const buffers = req.inputs.map((i) => fs.readFileSync(path.join(base, i.file)));
  const outChunks = {};
  const outDims = {};
  const batch = req.batch ?? 1;
  for (let c = 0; c < req.count; c += batch) {
    const size = Math.min(batch, req.count - c);
    const feeds = {};
    req.inputs.forEach((inp, j) => {
      const per = inp.dims.reduce((a, b) => a * b, 1);
      const Ctor = inp.type === 'int32' ? Int32Array : Float32Array;
      const buf = buffers[j];
      const all = new Ctor(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      feeds[inp.name] = new ort.Tensor(inp.type, all.slice(c * per, (c + size) * per), [size, ...inp.dims.slice(1)]);
    });
    const out = await session.run(feeds);
    for (const name of session.outputNames) {
      if (out[name].dims[0] !== size) throw new Error(`output ${name}: batch ${out[name].dims[0]} for ${size} clouds`);
      (outChunks[name] ??= []).push(Buffer.from(new Float32Array(out[name].data).buffer));
      outDims[name] = [1, ...out[name].dims.slice(1)];
    }
  }
  for (const name of Object.keys(outChunks)) {
    fs.writeFileSync(path.join(base, `${req.out}.${name}.bin`), Buffer.concat(outChunks[name]));
  }
  fs.writeFileSync(path.join(base, `${req.out}.json`), JSON.stringify({ dims: outDims, backend: 'wasm' }));
}

main().catch((e) => {
  console.error(`ort_run: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
