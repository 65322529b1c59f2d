// Voxel ids of the token centres, docs/geometry.md section 7: one invocation per (cloud, token)
// writes the token's voxel id and its row of the same-voxel mask.
// rowIndex: shaders/common/rows.wgsl, put in front of this file.

override WG: u32 = 64u;

struct Params {
  t: u32,        // tokens per cloud
  rows: u32,     // clouds * t
  v: u32,        // voxels per axis
  pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> tokens: array<f32>;        // B x T x 3
@group(0) @binding(2) var<storage, read_write> voxels: array<u32>;  // B x T
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;    // B x T x T

fn axisVoxel(x: f32) -> u32 {
  let c = floor(((x + 1.0) * 0.5) * f32(params.v));
  return u32(clamp(c, 0.0, f32(params.v - 1u)));
}

fn voxelOf(i: u32) -> u32 {
  let v = params.v;
  return (axisVoxel(tokens[3u * i + 2u]) * v + axisVoxel(tokens[3u * i + 1u])) * v + axisVoxel(tokens[3u * i]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = rowIndex(gid, groups);
  if (row >= params.rows) {
    return;
  }
  let t = params.t;
  let first = row - row % t;
  let mine = voxelOf(row);
  for (var j = 0u; j < t; j++) {
    mask[row * t + j] = select(0.0, 1.0, voxelOf(first + j) == mine);
  }
  voxels[row] = mine;
}
