// Farthest point sampling, docs/geometry.md section 2: one workgroup per cloud runs every
// iteration in a single dispatch. Points are first binned into spatial blocks; an iteration then
// revisits only the blocks whose bounding box is nearer to the new centre than their farthest
// unchosen point. The skip test is conservative (float32 rounding is monotonic, plus a margin),
// so the result equals the plain O(N * S) algorithm of the CPU twin exactly.

override WG: u32 = 64u;

const INF: f32 = 0x1.fffffep+127f;
// Skip a block only when its lower bound clearly exceeds the farthest distance in it.
const SKIP_MARGIN: f32 = 0.99999f;

struct Params {
  n: u32,      // points per cloud
  s: u32,      // samples per cloud
  grid: u32,   // blocks per axis, G (the runner picks it from n)
  pad: u32,
}

// A non-empty grid cell: the bounding box of its points and their range in `sorted`.
struct Block {
  lo: vec4f,
  hi: vec4f,
  start: u32,
  count: u32,
  pad0: u32,
  pad1: u32,
}

// A lane's farthest unchosen point within one block: d (-1 when none) and its original index.
struct Best {
  v: f32,
  i: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;                 // B x N x 3
@group(0) @binding(2) var<storage, read_write> outIdx: array<u32>;           // B x S
@group(0) @binding(3) var<storage, read_write> outXyz: array<f32>;           // B x S x 3
@group(0) @binding(4) var<storage, read_write> sorted: array<vec4f>;         // B x N: x, y, z, d
@group(0) @binding(5) var<storage, read_write> sortedIdx: array<u32>;        // B x N
@group(0) @binding(6) var<storage, read_write> blocks: array<Block>;         // B x G^3
@group(0) @binding(7) var<storage, read_write> counters: array<atomic<u32>>; // B x G^3
@group(0) @binding(8) var<storage, read_write> laneBest: array<Best>;        // B x G^3 x WG

var<workgroup> boxLo: array<vec3f, WG>;
var<workgroup> boxHi: array<vec3f, WG>;
// Two halves, alternating per iteration, so one barrier per iteration suffices.
var<workgroup> redV: array<f32, 2u * WG>;
var<workgroup> redI: array<u32, 2u * WG>;
var<workgroup> blockCount: u32;

fn point(base: u32, i: u32) -> vec3f {
  let k = base + 3u * i;
  return vec3f(points[k], points[k + 1u], points[k + 2u]);
}

// ((dx*dx + dy*dy) + dz*dz), the contract's float32 squared distance.
fn sq(a: vec3f, b: vec3f) -> f32 {
  let d = a - b;
  return (d.x * d.x + d.y * d.y) + d.z * d.z;
}

// Squared distance from c to a box, in the same operation order as sq: never above sq(p, c)
// for a point p inside the box.
fn boxDistance(lo: vec3f, hi: vec3f, c: vec3f) -> f32 {
  let g = max(max(lo - c, vec3f(0.0)), c - hi);
  return (g.x * g.x + g.y * g.y) + g.z * g.z;
}

// (value, index) order: larger value first, then lower index.
fn better(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  return v > bv || (v == bv && i < bi);
}

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
  let bBase = cloud * cells;

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
    atomicStore(&counters[bBase + c], 0u);
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

  // 2. Points per cell.
  for (var i = lane; i < n; i += WG) {
    atomicAdd(&counters[bBase + cellOf(point(pBase, i), lo, scale)], 1u);
  }
  storageBarrier();
  workgroupBarrier();

  // 3. Non-empty cells become blocks; counters become each cell's write cursor.
  if (lane == 0u) {
    var run = 0u;
    var nb = 0u;
    for (var c = 0u; c < cells; c++) {
      let k = atomicLoad(&counters[bBase + c]);
      if (k > 0u) {
        blocks[bBase + nb] = Block(vec4f(0.0), vec4f(0.0), run, k, 0u, 0u);
        nb++;
      }
      atomicStore(&counters[bBase + c], run);
      run += k;
    }
    blockCount = nb;
  }
  storageBarrier();
  let nb = workgroupUniformLoad(&blockCount);

  // 4. Scatter the points into their blocks (order inside a block does not matter: every
  //    comparison below is by (distance, original index)).
  for (var i = lane; i < n; i += WG) {
    let p = point(pBase, i);
    let slot = atomicAdd(&counters[bBase + cellOf(p, lo, scale)], 1u);
    sorted[sBase + slot] = vec4f(p, INF);
    sortedIdx[sBase + slot] = i;
  }
  storageBarrier();
  workgroupBarrier();

  // 5. Block boxes; every lane of a block starts with d = +inf (or -1 when it has no point there).
  for (var b = lane; b < nb; b += WG) {
    let blk = blocks[bBase + b];
    var blo = vec3f(INF);
    var bhi = vec3f(-INF);
    for (var j = blk.start; j < blk.start + blk.count; j++) {
      let q = sorted[sBase + j].xyz;
      blo = min(blo, q);
      bhi = max(bhi, q);
    }
    blocks[bBase + b].lo = vec4f(blo, 0.0);
    blocks[bBase + b].hi = vec4f(bhi, 0.0);
    for (var l = 0u; l < WG; l++) {
      laneBest[(bBase + b) * WG + l] = Best(select(-1.0, INF, l < blk.count), 0u);
    }
  }
  storageBarrier();
  workgroupBarrier();

  // 6. The FPS iterations. Lane `lane` owns points start + lane, start + lane + WG, ... of every
  //    block; chosen points hold d = -1.
  let take = min(n, params.s);
  let oBase = cloud * params.s;
  var c = 0u;
  var cp = point(pBase, 0u);
  if (lane == 0u) {
    outIdx[oBase] = 0u;
    outXyz[3u * oBase] = cp.x;
    outXyz[3u * oBase + 1u] = cp.y;
    outXyz[3u * oBase + 2u] = cp.z;
  }
  for (var s = 1u; s < take; s++) {
    var bv = -2.0;
    var bi = 0u;
    for (var b = 0u; b < nb; b++) {
      let slot = (bBase + b) * WG + lane;
      var mine = laneBest[slot];
      if (mine.v >= 0.0) {
        let blk = blocks[bBase + b];
        if (boxDistance(blk.lo.xyz, blk.hi.xyz, cp) * SKIP_MARGIN <= mine.v) {
          mine = Best(-1.0, 0u);
          for (var j = blk.start + lane; j < blk.start + blk.count; j += WG) {
            var q = sorted[sBase + j];
            let i = sortedIdx[sBase + j];
            if (q.w >= 0.0) {
              q.w = select(min(q.w, sq(q.xyz, cp)), -1.0, i == c);
              sorted[sBase + j].w = q.w;
            }
            if (better(q.w, i, mine.v, mine.i)) {
              mine = Best(q.w, i);
            }
          }
          laneBest[slot] = mine;
        }
      }
      if (better(mine.v, mine.i, bv, bi)) {
        bv = mine.v;
        bi = mine.i;
      }
    }
    let half = (s & 1u) * WG;
    redV[half + lane] = bv;
    redI[half + lane] = bi;
    workgroupBarrier();
    var gv = redV[half];
    var gi = redI[half];
    for (var l = 1u; l < WG; l++) {
      if (better(redV[half + l], redI[half + l], gv, gi)) {
        gv = redV[half + l];
        gi = redI[half + l];
      }
    }
    c = gi;
    cp = point(pBase, gi);
    if (lane == 0u) {
      outIdx[oBase + s] = gi;
      outXyz[3u * (oBase + s)] = cp.x;
      outXyz[3u * (oBase + s) + 1u] = cp.y;
      outXyz[3u * (oBase + s) + 2u] = cp.z;
    }
  }

  // N < S: the FPS order of all points, repeated.
  if (lane == 0u) {
    for (var s = take; s < params.s; s++) {
      let j = oBase + s % take;
      outIdx[oBase + s] = outIdx[j];
      outXyz[3u * (oBase + s)] = outXyz[3u * j];
      outXyz[3u * (oBase + s) + 1u] = outXyz[3u * j + 1u];
      outXyz[3u * (oBase + s) + 2u] = outXyz[3u * j + 2u];
    }
  }
}
