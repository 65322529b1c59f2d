// CPU twin of shaders/project1d.wgsl and shaders/project2d.wgsl (docs/geometry.md section 5):
// token centres -> positions on the backbone's 1D line or 2D grid, per cloud.
import { pointCount } from './points';

const f = Math.fround;

/** tokens T x 3, lines M x 3 -> pos M x T in [0, L - 1]. */
export function project1d(tokens: Float32Array, lines: ArrayLike<number>[], length: number): Float32Array {
  const t = pointCount(tokens, 'project1d');
  const m = lines.length;
  const last = f(length - 1);
  const pos = new Float32Array(m * t);
  const s = new Float32Array(t);
  for (let v = 0; v < m; v++) {
    const dx = f(lines[v][0]);
    const dy = f(lines[v][1]);
    const dz = f(lines[v][2]);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < t; i++) {
      const si = f(f(f(dx * tokens[3 * i]) + f(dy * tokens[3 * i + 1])) + f(dz * tokens[3 * i + 2]));
      s[i] = si;
      if (si < lo) lo = si;
      if (si > hi) hi = si;
    }
    if (!(hi > lo)) continue; // every token at position 0
    const b = f(hi - lo);
    for (let i = 0; i < t; i++) pos[v * t + i] = f(f(f(s[i] - lo) / b) * last);
  }
  return pos;
}

/** tokens T x 3, views M x 9 (row-major rotations) -> pos M x T x 2 = (gx, gy) on a G x G grid. */
export function project2d(tokens: Float32Array, views: ArrayLike<number>[], distance: number, grid: number): Float32Array {
  const t = pointCount(tokens, 'project2d');
  const m = views.length;
  const D = f(distance);
  const last = f(grid - 1);
  const pos = new Float32Array(m * t * 2);
  const u = new Float32Array(t);
  const w = new Float32Array(t);
  for (let v = 0; v < m; v++) {
    const r = Float32Array.from(views[v]);
    let umin = Infinity;
    let umax = -Infinity;
    let vmin = Infinity;
    let vmax = -Infinity;
    for (let i = 0; i < t; i++) {
      const x = tokens[3 * i];
      const y = tokens[3 * i + 1];
      const z = tokens[3 * i + 2];
      const xr = f(f(f(r[0] * x) + f(r[1] * y)) + f(r[2] * z));
      const yr = f(f(f(r[3] * x) + f(r[4] * y)) + f(r[5] * z));
      const zr = f(f(f(r[6] * x) + f(r[7] * y)) + f(r[8] * z));
      const depth = f(D + zr);
      const ui = f(f(xr * D) / depth);
      const vi = f(f(yr * D) / depth);
      u[i] = ui;
      w[i] = vi;
      if (ui < umin) umin = ui;
      if (ui > umax) umax = ui;
      if (vi < vmin) vmin = vi;
      if (vi > vmax) vmax = vi;
    }
    const ue = f(umax - umin);
    const ve = f(vmax - vmin);
    const e = Math.max(ue, ve);
    const base = v * t * 2;
    if (e === 0) {
      const centre = f(last * 0.5);
      for (let i = 0; i < t; i++) {
        pos[base + 2 * i] = centre;
        pos[base + 2 * i + 1] = centre;
      }
      continue;
    }
    const padU = f(f(e - ue) * 0.5);
    const padV = f(f(e - ve) * 0.5);
    for (let i = 0; i < t; i++) {
      pos[base + 2 * i] = f(f(f(f(u[i] - umin) + padU) / e) * last);
      pos[base + 2 * i + 1] = f(f(f(f(vmax - w[i]) + padV) / e) * last);
    }
  }
  return pos;
}
