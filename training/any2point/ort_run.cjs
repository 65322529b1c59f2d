// Runs an exported model with onnxruntime-web (its Node build, wasm EP) on inputs written by
// export.py, for the ONNX-vs-PyTorch parity check (there is no Python onnxruntime here).
//   node ort_run.cjs <model.onnx> <frozen.bin|-> <request.json>
// request.json: { count, inputs: [{ name, type: 'float32'|'int32', dims, file }], out }
// Each input file holds `count` clouds back to back; the outputs of every cloud are written
// back to back to out.<name>.bin (float32), with their dims in out.json.
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
  for (let c = 0; c < req.count; c++) {
    const feeds = {};
    req.inputs.forEach((inp, j) => {
      const per = inp.dims.reduce((a, b) => a * b, 1);
      const Ctor = inp.type === 'int32' ? Int32Array : Float32Array;
      const buf = buffers[j];
      const all = new Ctor(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      feeds[inp.name] = new ort.Tensor(inp.type, all.slice(c * per, (c + 1) * per), inp.dims);
    });
    const out = await session.run(feeds);
    for (const name of session.outputNames) {
      (outChunks[name] ??= []).push(Buffer.from(new Float32Array(out[name].data).buffer));
      outDims[name] = out[name].dims;
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
