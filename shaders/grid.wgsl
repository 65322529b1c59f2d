// Spatial grid of a cloud (the acceleration structure FPS and k-NN prune with): a G x G x G
// grid over the cloud's bounding box, points counting-sorted by cell, and every cell's range and
// bounding box. One workgroup per cloud. Which cell a point lands in only affects speed, never
// results: FPS and k-NN test the cells' real bounding boxes conservatively and order everything
// by (distance, original index).
// INF and point: shaders/common/points.wgsl, put in front of this file.

override WG: u32 = 64u;

struct Params {
  n: u32,      // points per cloud
  grid: u32,   // cells per axis, G
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;                 // B x N x 3
@group(0) @binding(2) var<storage, read_write> sorted: array<vec4f>;         // B x N: x, y, z, bitcast(index)
@group(0) @binding(3) var<storage, read_write> cellEnd: array<atomic<u32>>;  // B x G^3: end of each cell in `sorted`
// B x (2 + 2 G^3): [lo.xyz, G] [scale.xyz, 0], then per cell [box lo] [box hi]
@group(0) @binding(4) var<storage, read_write> cellData: array<vec4f>;

var<workgroup> boxLo: array<vec3f, WG>;
var<workgroup> boxHi: array<vec3f, WG>;

fn cellOf(p: vec3f, lo: vec3f, scale: vec3f) -> u32 {
  let g = params.grid;
  let c = min(vec3u(max((p - lo) * scale, vec3f(0.0))), vec3u(g - 1u));
  return (c.z * g + c.y) * g + c.x;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3u) {
  let cloud = wid.x;
  let n = params.n;
  let pBase = cloud * n * 3u;
  let sBase = cloud * n;
  let cells = params.grid * params.grid * params.grid;
  let cBase = cloud * cells;
  let dBase = cloud * (2u + 2u * cells);

  // 1. Bounding box of the cloud; clear the histogram.
  var lo = vec3f(INF);
  var hi = vec3f(-INF);
  for (var i = lane; i < n; i += WG) {
    let p = point(pBase, i);
    lo = min(lo, p);
    hi = max(hi, p);
  }
  boxLo[lane] = lo;
  boxHi[lane] = hi;
  for (var c = lane; c < cells; c += WG) {
    atomicStore(&cellEnd[cBase + c], 0u);
  }
  storageBarrier();
  workgroupBarrier();
  lo = boxLo[0];
  hi = boxHi[0];
  for (var l = 1u; l < WG; l++) {
    lo = min(lo, boxLo[l]);
    hi = max(hi, boxHi[l]);
  }
  let extent = hi - lo;
  let scale = select(vec3f(0.0), vec3f(f32(params.grid)) / extent, extent > vec3f(0.0));
  if (lane == 0u) {
    cellData[dBase] = vec4f(lo, f32(params.grid));
    cellData[dBase + 1u] = vec4f(scale, 0.0);
  }

  // 2. Points per cell.
  for (var i = lane; i < n; i += WG) {
    atomicAdd(&cellEnd[cBase + cellOf(point(pBase, i), lo, scale)], 1u);
  }
  storageBarrier();
  workgroupBarrier();

  // 3. Exclusive prefix sum: every cell's count becomes its write cursor (its start).
  if (lane == 0u) {
    var run = 0u;
    for (var c = 0u; c < cells; c++) {
      let k = atomicLoad(&cellEnd[cBase + c]);
      atomicStore(&cellEnd[cBase + c], run);
      run += k;
    }
  }
  storageBarrier();
  workgroupBarrier();

  // 4. Scatter; afterwards each cursor sits at its cell's end.
  for (var i = lane; i < n; i += WG) {
    let p = point(pBase, i);
    let slot = atomicAdd(&cellEnd[cBase + cellOf(p, lo, scale)], 1u);
    sorted[sBase + slot] = vec4f(p, bitcast<f32>(i));
  }
  storageBarrier();
  workgroupBarrier();

  // 5. Cell bounding boxes (empty cells: lo = +inf, hi = -inf).
  for (var c = lane; c < cells; c += WG) {
    var start = 0u;
    if (c > 0u) {
      start = atomicLoad(&cellEnd[cBase + c - 1u]);
    }
    let end = atomicLoad(&cellEnd[cBase + c]);
    var blo = vec3f(INF);
    var bhi = vec3f(-INF);
    for (var j = start; j < end; j++) {
      let q = sorted[sBase + j].xyz;
      blo = min(blo, q);
      bhi = max(bhi, q);
    }
    cellData[dBase + 2u + 2u * c] = vec4f(blo, 0.0);
    cellData[dBase + 3u + 2u * c] = vec4f(bhi, 0.0);
  }
}
