// k nearest neighbours, docs/geometry.md section 3: one invocation per (cloud, centre) keeps the
// k best (distance, index) pairs sorted by insertion. Points arrive in index order, so '<' alone
// keeps the lower index first among equal distances.

override WG: u32 = 64u;
override K: u32 = 24u;       // neighbours per centre, 1..MAX_K
const MAX_K: u32 = 64u;

struct Params {
  n: u32,       // points per cloud
  s: u32,       // centres per cloud
  rows: u32,    // clouds * s
  pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;        // B x N x 3
@group(0) @binding(2) var<storage, read> centres: array<u32>;       // B x S, indices into the cloud
@group(0) @binding(3) var<storage, read_write> out: array<u32>;     // B x S x K

var<private> dist: array<f32, MAX_K>;
var<private> nbr: array<u32, MAX_K>;

fn point(base: u32, i: u32) -> vec3f {
  let k = base + 3u * i;
  return vec3f(points[k], points[k + 1u], points[k + 2u]);
}

fn sq(a: vec3f, b: vec3f) -> f32 {
  let d = a - b;
  return (d.x * d.x + d.y * d.y) + d.z * d.z;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = gid.x + gid.y * groups.x * WG;
  if (row >= params.rows) {
    return;
  }
  let n = params.n;
  let pBase = (row / params.s) * n * 3u;
  let cp = point(pBase, centres[row]);
  let take = min(n, K);
  var count = 0u;
  for (var i = 0u; i < n; i++) {
    let q = sq(point(pBase, i), cp);
    if (count == take && !(q < dist[take - 1u])) {
      continue;
    }
    var j = count;
    if (count < take) {
      count++;
    } else {
      j = take - 1u;
    }
    while (j > 0u && dist[j - 1u] > q) {
      dist[j] = dist[j - 1u];
      nbr[j] = nbr[j - 1u];
      j--;
    }
    dist[j] = q;
    nbr[j] = i;
  }
  for (var j = 0u; j < K; j++) {
    out[row * K + j] = nbr[j % take];
  }
}
