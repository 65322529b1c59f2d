// Adapter neighbourhoods, docs/geometry.md section 6: one invocation per (cloud, view, token)
// writes the token's cell id and its rows of the same-cell mask and of the mean-pooling matrix.
// rowIndex: shaders/common/rows.wgsl, put in front of this file.

override WG: u32 = 64u;
override DIMS: u32 = 1u;   // values per position: 1 (line) or 2 (grid: gx, gy)

struct Params {
  t: u32,        // tokens per cloud
  rows: u32,     // clouds * views * t
  nc: u32,       // cells per axis: ceil(L / cell) or ceil(G / cell)
  cell: f32,     // cell size in position units
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pos: array<f32>;           // B x M x T x DIMS
@group(0) @binding(2) var<storage, read_write> cells: array<u32>;   // B x M x T
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;    // B x M x T x T
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;    // B x M x T x T

fn axisCell(p: f32) -> u32 {
  return min(u32(floor(p / params.cell)), params.nc - 1u);
}

fn cellOf(k: u32) -> u32 {
  if (DIMS == 1u) {
    return axisCell(pos[k]);
  }
  return axisCell(pos[2u * k + 1u]) * params.nc + axisCell(pos[2u * k]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = rowIndex(gid, groups);
  if (row >= params.rows) {
    return;
  }
  let t = params.t;
  let view = row - row % t;
  let mine = cellOf(row);
  var count = 0u;
  for (var j = 0u; j < t; j++) {
    count += select(0u, 1u, cellOf(view + j) == mine);
  }
  let total = f32(count);
  for (var j = 0u; j < t; j++) {
    let same = select(0.0, 1.0, cellOf(view + j) == mine);
    mask[row * t + j] = same;
    mean[row * t + j] = same / total;
  }
  cells[row] = mine;
}
