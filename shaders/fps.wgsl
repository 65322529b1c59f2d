// Farthest point sampling, docs/geometry.md section 2: one workgroup per cloud runs every
// iteration in a single dispatch, on the cloud's spatial grid (grid.wgsl). Non-empty cells become
// blocks, consecutive blocks are grouped into superblocks, and an iteration revisits a
// (super)block only when its bounding box is nearer to the new centre than its farthest unchosen
// point. The skip test is conservative (float32 rounding is monotonic, plus a margin), so the
// result equals the plain O(N * S) algorithm of the CPU twin exactly.
//
// Lane `lane` owns points start + lane, start + lane + WG, ... of every block and keeps its own
// farthest point per block and per superblock, so lanes never wait on each other inside an
// iteration; one barrier per iteration combines the lanes.
// INF, SKIP_MARGIN, point, sq and boxDistance: shaders/common/points.wgsl, put in front of this file.

override WG: u32 = 64u;
override SB: u32 = 16u;   // blocks per superblock

struct Params {
  n: u32,      // points per cloud
  s: u32,      // samples per cloud
  grid: u32,   // cells per axis of the grid, G
  pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;             // B x N x 3
@group(0) @binding(2) var<storage, read> sorted: array<vec4f>;           // grid: B x N (x, y, z, bitcast index)
@group(0) @binding(3) var<storage, read> cellEnd: array<u32>;            // grid: B x G^3
@group(0) @binding(4) var<storage, read> cellData: array<vec4f>;         // grid: B x (2 + 2 G^3)
@group(0) @binding(5) var<storage, read_write> dist: array<f32>;         // B x N, by sorted position; -1 = chosen
// Per cloud: blocks [lo.xyz, start] [hi.xyz, count] x C, superblocks [lo] [hi] x S,
// lane bests (d, bitcast index, -, -) x C x WG, then x S x WG.
@group(0) @binding(6) var<storage, read_write> blocks: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> outIdx: array<u32>;       // B x S
@group(0) @binding(8) var<storage, read_write> outXyz: array<f32>;       // B x S x 3

var<workgroup> redV: array<f32, 2u * WG>;  // two halves, alternating per iteration
var<workgroup> redI: array<u32, 2u * WG>;
var<workgroup> blockCount: u32;

// (value, index) order: larger value first, then lower index.
fn better(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  return v > bv || (v == bv && i < bi);
}

fn writeSample(base: u32, s: u32, i: u32, p: vec3f) {
  outIdx[base + s] = i;
  outXyz[3u * (base + s)] = p.x;
  outXyz[3u * (base + s) + 1u] = p.y;
  outXyz[3u * (base + s) + 2u] = p.z;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3u) {
  let cloud = wid.x;
  let n = params.n;
  let pBase = cloud * n * 3u;
  let sBase = cloud * n;
  let cells = params.grid * params.grid * params.grid;
  let supers = (cells + SB - 1u) / SB;
  let cBase = cloud * cells;
  let dBase = cloud * (2u + 2u * cells) + 2u;
  let bBase = cloud * (2u * cells + 2u * supers + (cells + supers) * WG);
  let sbBase = bBase + 2u * cells;            // superblock boxes
  let lbBase = sbBase + 2u * supers;          // lane bests per block
  let lsBase = lbBase + cells * WG;           // lane bests per superblock

  // 1. Non-empty cells become blocks (in cell order, so superblocks are spatially coherent).
  if (lane == 0u) {
    var nb = 0u;
    var start = 0u;
    for (var c = 0u; c < cells; c++) {
      let end = cellEnd[cBase + c];
      if (end > start) {
        blocks[bBase + 2u * nb] = vec4f(cellData[dBase + 2u * c].xyz, bitcast<f32>(start));
        blocks[bBase + 2u * nb + 1u] = vec4f(cellData[dBase + 2u * c + 1u].xyz, bitcast<f32>(end - start));
        nb++;
      }
      start = end;
    }
    blockCount = nb;
  }
  for (var j = lane; j < n; j += WG) {
    dist[sBase + j] = INF;
  }
  storageBarrier();
  let nb = workgroupUniformLoad(&blockCount);
  let ns = (nb + SB - 1u) / SB;

  // 2. Superblock boxes; every lane starts at d = +inf where it owns points, -1 where not.
  for (var sb = lane; sb < ns; sb += WG) {
    var lo = vec3f(INF);
    var hi = vec3f(-INF);
    var widest = 0u;
    for (var b = sb * SB; b < min(nb, sb * SB + SB); b++) {
      let bl = blocks[bBase + 2u * b];
      let bh = blocks[bBase + 2u * b + 1u];
      lo = min(lo, bl.xyz);
      hi = max(hi, bh.xyz);
      let count = bitcast<u32>(bh.w);
      widest = max(widest, count);
      for (var l = 0u; l < WG; l++) {
        blocks[lbBase + b * WG + l] = vec4f(select(-1.0, INF, l < count), 0.0, 0.0, 0.0);
      }
    }
    blocks[sbBase + 2u * sb] = vec4f(lo, 0.0);
    blocks[sbBase + 2u * sb + 1u] = vec4f(hi, 0.0);
    for (var l = 0u; l < WG; l++) {
      blocks[lsBase + sb * WG + l] = vec4f(select(-1.0, INF, l < widest), 0.0, 0.0, 0.0);
    }
  }
  storageBarrier();
  workgroupBarrier();

  // 3. The iterations.
  let take = min(n, params.s);
  let oBase = cloud * params.s;
  var c = 0u;
  var cp = point(pBase, 0u);
  if (lane == 0u) {
    writeSample(oBase, 0u, 0u, cp);
  }
  for (var s = 1u; s < take; s++) {
    var bv = -2.0;
    var bi = 0u;
    for (var sb = 0u; sb < ns; sb++) {
      let sSlot = lsBase + sb * WG + lane;
      var sup = blocks[sSlot].xy;
      if (sup.x >= 0.0 && boxDistance(blocks[sbBase + 2u * sb].xyz, blocks[sbBase + 2u * sb + 1u].xyz, cp) * SKIP_MARGIN <= sup.x) {
        var sv = -1.0;
        var si = 0u;
        for (var b = sb * SB; b < min(nb, sb * SB + SB); b++) {
          let slot = lbBase + b * WG + lane;
          var mine = blocks[slot].xy;
          if (mine.x >= 0.0) {
            let bl = blocks[bBase + 2u * b];
            let bh = blocks[bBase + 2u * b + 1u];
            if (boxDistance(bl.xyz, bh.xyz, cp) * SKIP_MARGIN <= mine.x) {
              var mv = -1.0;
              var mi = 0u;
              let end = bitcast<u32>(bl.w) + bitcast<u32>(bh.w);
              for (var j = bitcast<u32>(bl.w) + lane; j < end; j += WG) {
                let q = sorted[sBase + j];
                let i = bitcast<u32>(q.w);
                var d = dist[sBase + j];
                if (d >= 0.0) {
                  d = select(min(d, sq(q.xyz, cp)), -1.0, i == c);
                  dist[sBase + j] = d;
                }
                if (better(d, i, mv, mi)) {
                  mv = d;
                  mi = i;
                }
              }
              mine = vec2f(mv, bitcast<f32>(mi));
              blocks[slot] = vec4f(mine, 0.0, 0.0);
            }
          }
          if (better(mine.x, bitcast<u32>(mine.y), sv, si)) {
            sv = mine.x;
            si = bitcast<u32>(mine.y);
          }
        }
        sup = vec2f(sv, bitcast<f32>(si));
        blocks[sSlot] = vec4f(sup, 0.0, 0.0);
      }
      if (better(sup.x, bitcast<u32>(sup.y), bv, bi)) {
        bv = sup.x;
        bi = bitcast<u32>(sup.y);
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
      writeSample(oBase, s, gi, cp);
    }
  }

  // N < S: the FPS order of all points, repeated.
  if (lane == 0u) {
    for (var s = take; s < params.s; s++) {
      let j = s % take;
      writeSample(oBase, s, outIdx[oBase + j], vec3f(outXyz[3u * (oBase + j)], outXyz[3u * (oBase + j) + 1u], outXyz[3u * (oBase + j) + 2u]));
    }
  }
}
