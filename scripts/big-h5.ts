// HDF5 data sets over 256 MiB, read by pages (docs/io.md "HDF5 over 256 MiB"): ScanObjectNN's
// layout (N x 2,048 x 3 float32 contiguous, `label`, `mask` int64; N = 11,416, its augmented
// training split's count: 446 MiB) and the same clouds in one chunk each (268 MiB), written by h5py
// from the ModelNet40 test split in ../shared (each cloud its 1,024 points twice). Prints, for
// clouds 0, 5,000, 11,415, 100 and 7 of each, the time loadLargeFile takes and the bytes it reads.
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/big-h5.ts', { configFile: false, logLevel: 'warn' });" -- /tmp
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadLargeFile } from '../src/io/largeFile';

const folder = process.argv[1] ?? '/tmp';
const shared = path.resolve('../shared/datasets/modelnet40');
const script = `import h5py, numpy as np, sys
pts = np.fromfile(sys.argv[1] + '/test_points.f32', '<f4').reshape(2468, -1, 3)
lab = np.fromfile(sys.argv[1] + '/test_labels.u8', 'u1')
n = 11416
idx = np.arange(n) % len(pts)
data = np.concatenate([pts[idx], pts[idx]], axis=1)
with h5py.File(sys.argv[2] + '/big-contiguous.h5', 'w') as f:
    f.create_dataset('data', data=data)
    f.create_dataset('label', data=lab[idx].astype('i8'))
    f.create_dataset('mask', data=np.zeros((n, data.shape[1]), 'i8'))
with h5py.File(sys.argv[2] + '/big-chunked.h5', 'w') as f:
    f.create_dataset('data', data=data, chunks=(1, data.shape[1], 3))
    f.create_dataset('label', data=lab[idx].reshape(-1, 1))`;
execFileSync('/usr/bin/python3', ['-c', script, shared, folder], { stdio: 'inherit' });

for (const name of ['big-contiguous.h5', 'big-chunked.h5']) {
  const file = path.join(folder, name);
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  let bytes = 0;
  const read = async (from: number, to: number) => {
    const out = new Uint8Array(to - from);
    bytes += readSync(fd, out, 0, out.length, from);
    return out;
  };
  let models: string[] = [];
  for (const k of [0, 5000, 11415, 100, 7]) {
    bytes = 0;
    const start = performance.now();
    const result = await loadLargeFile(name, size, read, k === 0 ? {} : { archiveEntry: models[k]! });
    if (k === 0) models = result.archive!.models;
    console.log(`${name} (${(size / 2 ** 20).toFixed(0)} MiB): ${result.archive!.read}, ${result.cloud.count} points, ${(performance.now() - start).toFixed(0)} ms, ${(bytes / 2 ** 20).toFixed(2)} MiB read`);
  }
  closeSync(fd);
}
