// Times the Blender reader on a .blend (docs/io.md "Blender"): parseBlend on the file's bytes (the
// median of 5), then loadersReady + loadFile (unpacking a compressed file, sampling the mesh), once
// each. The figures in docs/io.md come from Suzanne subdivided five times (504,482 vertices), saved
// plain and compressed by Blender (Debian's blender 3.4.1):
//   blender -b --factory-startup --python-expr "import bpy; bpy.ops.wm.read_factory_settings(use_empty=True); bpy.ops.mesh.primitive_monkey_add(); m = bpy.context.object.modifiers.new('s', 'SUBSURF'); m.levels = 5; bpy.ops.object.modifier_apply(modifier='s'); bpy.ops.wm.save_as_mainfile(filepath='/tmp/monkey.blend', compress=False); bpy.ops.wm.save_as_mainfile(filepath='/tmp/monkey-z.blend', compress=True)"
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/bench-blend.ts', { configFile: false, logLevel: 'warn' });" -- /tmp/monkey.blend /tmp/monkey-z.blend
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBlend } from '../src/io/blend';
import { unwrapped } from '../src/io/compressed';
import { loadFile, loadersReady } from '../src/io/index';

const files = process.argv.slice(1).filter((a) => a.endsWith('.blend'));
if (files.length === 0) throw new Error('name one or more .blend files');
for (const file of files) {
  const name = path.basename(file);
  const bytes = new Uint8Array(readFileSync(file));
  let t = performance.now();
  await loadersReady(bytes);
  const loaded = loadFile(name, bytes, { seed: 0 });
  const load = performance.now() - t;
  const plain = unwrapped(name, bytes)?.bytes ?? bytes;
  const times: number[] = [];
  let faces = 0;
  for (let k = 0; k < 5; k++) {
    t = performance.now();
    const parsed = parseBlend(plain);
    times.push(performance.now() - t);
    if (parsed.kind === 'mesh') faces = parsed.mesh.faceCount;
  }
  const median = times.sort((a, b) => a - b)[2]!;
  console.log(`${name}: ${bytes.length.toLocaleString('en')} bytes (${plain.length.toLocaleString('en')} unpacked), ${faces.toLocaleString('en')} triangles; parseBlend ${median.toFixed(0)} ms (median of 5); loadersReady + loadFile ${load.toFixed(0)} ms (${loaded.cloud.count.toLocaleString('en')} points)`);
}
