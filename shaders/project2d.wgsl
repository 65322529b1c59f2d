// Virtual projection onto a 2D position grid, docs/geometry.md section 5.2: one invocation per
// (cloud, view) rotates and perspective-projects the tokens, then maps them onto the G x G grid
// with one scale for both axes (aspect kept, centred; row 0 at the top).
// rowIndex: shaders/common/rows.wgsl, put in front of this file.

override WG: u32 = 64u;

struct Params {
  t: u32,          // tokens per cloud
  m: u32,          // views
  rows: u32,       // clouds * m
  distance: f32,   // D
  last: f32,       // G - 1
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> tokens: array<f32>;      // B x T x 3
@group(0) @binding(2) var<storage, read> views: array<f32>;       // M x 9, row-major rotations
@group(0) @binding(3) var<storage, read_write> pos: array<f32>;   // B x M x T x 2: (gx, gy)

fn rotateRow(r: u32, p: vec3f) -> f32 {
  return (views[r] * p.x + views[r + 1u] * p.y) + views[r + 2u] * p.z;
}

// (u, v) of token i in view m: (x' * D) / w, (y' * D) / w with w = D + z'.
fn image(m: u32, base: u32, i: u32) -> vec2f {
  let k = base + 3u * i;
  let p = vec3f(tokens[k], tokens[k + 1u], tokens[k + 2u]);
  let r = 9u * m;
  let xr = rotateRow(r, p);
  let yr = rotateRow(r + 3u, p);
  let zr = rotateRow(r + 6u, p);
  let D = params.distance;
  let w = D + zr;
  return vec2f((xr * D) / w, (yr * D) / w);
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
  var lo = image(m, base, 0u);
  var hi = lo;
  for (var i = 1u; i < t; i++) {
    let uv = image(m, base, i);
    lo = min(lo, uv);
    hi = max(hi, uv);
  }
  let ue = hi.x - lo.x;
  let ve = hi.y - lo.y;
  let e = max(ue, ve);
  let padU = (e - ue) * 0.5;
  let padV = (e - ve) * 0.5;
  let centre = params.last * 0.5;
  for (var i = 0u; i < t; i++) {
    var g = vec2f(centre, centre);
    if (e != 0.0) {
      let uv = image(m, base, i);
      g = vec2f((((uv.x - lo.x) + padU) / e) * params.last, (((hi.y - uv.y) + padV) / e) * params.last);
    }
    pos[2u * (row * t + i)] = g.x;
    pos[2u * (row * t + i) + 1u] = g.y;
  }
}
