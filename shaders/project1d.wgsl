// Virtual projection onto a 1D position line, docs/geometry.md section 5.1: one invocation per
// (cloud, line) finds the token range along the line, then maps every token to [0, L - 1].
// rowIndex: shaders/common/rows.wgsl, put in front of this file.

override WG: u32 = 64u;

struct Params {
  t: u32,        // tokens per cloud
  m: u32,        // lines
  rows: u32,     // clouds * m
  last: f32,     // L - 1
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> tokens: array<f32>;      // B x T x 3
@group(0) @binding(2) var<storage, read> lines: array<f32>;       // M x 3
@group(0) @binding(3) var<storage, read_write> pos: array<f32>;   // B x M x T

fn along(d: vec3f, base: u32, i: u32) -> f32 {
  let k = base + 3u * i;
  return (d.x * tokens[k] + d.y * tokens[k + 1u]) + d.z * tokens[k + 2u];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = rowIndex(gid, groups);
  if (row >= params.rows) {
    return;
  }
  let t = params.t;
  let m = row % params.m;
  let base = (row / params.m) * t * 3u;
  let d = vec3f(lines[3u * m], lines[3u * m + 1u], lines[3u * m + 2u]);
  var lo = along(d, base, 0u);
  var hi = lo;
  for (var i = 1u; i < t; i++) {
    let s = along(d, base, i);
    lo = min(lo, s);
    hi = max(hi, s);
  }
  let b = hi - lo;
  for (var i = 0u; i < t; i++) {
    var p = 0.0;
    if (hi > lo) {
      p = ((along(d, base, i) - lo) / b) * params.last;
    }
    pos[row * t + i] = p;
  }
}
