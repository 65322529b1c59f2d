// k nearest neighbours, docs/geometry.md section 3, on the cloud's spatial grid (grid.wgsl): one
// invocation per (cloud, centre) visits the cells in rings of growing Chebyshev radius around
// the centre's cell, skips cells whose bounding box is farther than the current k-th neighbour,
// and stops once every unvisited cell is provably farther. The k best (distance, index) pairs are
// kept sorted by insertion, so the result equals the brute-force CPU twin exactly.
// INF, SKIP_MARGIN, point, sq and boxDistance: shaders/common/points.wgsl, put in front of this file.
// rowIndex: shaders/common/rows.wgsl, likewise.

override WG: u32 = 64u;
override K: u32 = 24u;       // neighbours per centre, 1..MAX_K
const MAX_K: u32 = 64u;

struct Params {
  n: u32,       // points per cloud
  s: u32,       // centres per cloud
  rows: u32,    // clouds * s
  grid: u32,    // cells per axis, G
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;        // B x N x 3
@group(0) @binding(2) var<storage, read> centres: array<u32>;       // B x S, indices into the cloud
@group(0) @binding(3) var<storage, read> sorted: array<vec4f>;      // grid: B x N (x, y, z, bitcast index)
@group(0) @binding(4) var<storage, read> cellEnd: array<u32>;       // grid: B x G^3
@group(0) @binding(5) var<storage, read> cellData: array<vec4f>;    // grid: B x (2 + 2 G^3)
@group(0) @binding(6) var<storage, read_write> out: array<u32>;     // B x S x K

var<private> dist: array<f32, MAX_K>;
var<private> nbr: array<u32, MAX_K>;
var<private> count: u32;
var<private> worstD: f32;   // dist[take - 1] once count == take
var<private> worstI: u32;

// Inserts (q, i) into the sorted list of the best `take` when it beats the current last one
// (kept in registers: most points are rejected by that one comparison).
fn offer(q: f32, i: u32, take: u32) {
  if (count == take && !(q < worstD || (q == worstD && i < worstI))) {
    return;
  }
  var j = count;
  if (count < take) {
    count++;
  } else {
    j = take - 1u;
  }
  while (j > 0u && (dist[j - 1u] > q || (dist[j - 1u] == q && nbr[j - 1u] > i))) {
    dist[j] = dist[j - 1u];
    nbr[j] = nbr[j - 1u];
    j--;
  }
  dist[j] = q;
  nbr[j] = i;
  if (count == take) {
    worstD = dist[take - 1u];
    worstI = nbr[take - 1u];
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = rowIndex(gid, groups);
  if (row >= params.rows) {
    return;
  }
  let n = params.n;
  let g = params.grid;
  let cloud = row / params.s;
  let sBase = cloud * n;
  let cBase = cloud * g * g * g;
  let dBase = cloud * (2u + 2u * g * g * g);
  let cp = point(sBase * 3u, centres[row]);
  let take = min(n, K);

  // The centre's cell, computed exactly as grid.wgsl binned it.
  let lo = cellData[dBase].xyz;
  let scale = cellData[dBase + 1u].xyz;
  let home = vec3i(min(vec3u(max((cp - lo) * scale, vec3f(0.0))), vec3u(g - 1u)));
  let last = i32(g) - 1;
  // Rings beyond `reach` leave the grid; a degenerate axis (scale 0) has a single layer.
  let reach = max(max(max(home.x, last - home.x), max(home.y, last - home.y)), max(home.z, last - home.z));
  // Narrowest cell of the non-degenerate axes: a point r + 1 rings away is at least about r
  // widths away on one axis (the 1 % and 0.1 % margins cover float32 rounding of the binning).
  let width = select(vec3f(INF), 1.0 / scale, scale > vec3f(0.0));
  let narrowest = min(min(width.x, width.y), width.z);

  count = 0u;
  worstD = INF;
  for (var r = 0; r <= reach; r++) {
    let zlo = max(-r, -home.z);
    let zhi = min(r, last - home.z);
    let ylo = max(-r, -home.y);
    let yhi = min(r, last - home.y);
    for (var dz = zlo; dz <= zhi; dz++) {
      for (var dy = ylo; dy <= yhi; dy++) {
        // On the ring's shell every dx; inside it only the two end cells.
        let full = abs(dz) == r || abs(dy) == r;
        let step = select(max(2 * r, 1), 1, full);
        for (var dx = -r; dx <= r; dx += step) {
          let x = home.x + dx;
          if (x < 0 || x > last) {
            continue;
          }
          let cell = u32(((home.z + dz) * i32(g) + home.y + dy) * i32(g) + x);
          var start = 0u;
          if (cell > 0u) {
            start = cellEnd[cBase + cell - 1u];
          }
          let end = cellEnd[cBase + cell];
          if (end == start) {
            continue;
          }
          if (count == take) {
            let box = boxDistance(cellData[dBase + 2u + 2u * cell].xyz, cellData[dBase + 3u + 2u * cell].xyz, cp);
            if (box * SKIP_MARGIN > worstD) {
              continue;
            }
          }
          for (var j = start; j < end; j++) {
            let p = sorted[sBase + j];
            let q = sq(p.xyz, cp);
            offer(q, bitcast<u32>(p.w), take);
          }
        }
      }
    }
    if (count == take) {
      let gap = max(f32(r) - 0.01, 0.0) * narrowest * 0.999;
      if (worstD < gap * gap) {
        break;
      }
    }
  }
  for (var j = 0u; j < K; j++) {
    out[row * K + j] = nbr[j % take];
  }
}
