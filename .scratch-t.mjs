import create from '7z-wasm';
import fs from 'node:fs';
for (const name of ['a.ply.xz','a.ply.bz2','a.ply.zst','nosize.zst','set.tar.xz']) {
  let n = 0; const buf = new Uint8Array(1<<20); const err = [];
  const limit = +process.argv[2] || 1e9;
  const t0 = performance.now();
  const m = await create({ stdin: () => null, stdout: (b) => { if (n >= limit) throw new Error('over'); buf[n++] = b; }, printErr: (l) => err.push(l), print: (l)=>err.push('P '+l) });
  m.FS.writeFile('/in', fs.readFileSync('/tmp/zt/'+name));
  const code = m.callMain(['x', '-so', '/in']);
  console.log(name, code, n, (performance.now()-t0).toFixed(0)+'ms', err.slice(-4).join(' | '));
}
