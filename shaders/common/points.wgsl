// Shared by the kernels that read a cloud's points (grid.wgsl, fps.wgsl, knn.wgsl): src/gpu/shaders.ts
// puts this file in front of each of them. Each declares its own `points: array<f32>` (B x N x 3);
// WGSL resolves module-scope names in any order, so `point` may use it before that declaration.

const INF: f32 = 0x1.fffffep+127f;
// FPS and k-NN skip a (super)block or cell only when its box's lower bound clearly exceeds the
// distance it must beat: the margin covers float32 rounding, so pruning never changes a result.
const SKIP_MARGIN: f32 = 0.99999f;

// Point i of the cloud whose first coordinate is at `base`.
fn point(base: u32, i: u32) -> vec3f {
  let k = base + 3u * i;
  return vec3f(points[k], points[k + 1u], points[k + 2u]);
}

// ((dx*dx + dy*dy) + dz*dz), the contract's float32 squared distance.
fn sq(a: vec3f, b: vec3f) -> f32 {
  let d = a - b;
  return (d.x * d.x + d.y * d.y) + d.z * d.z;
}

// Squared distance from c to a box in the same operation order as sq: never above sq(p, c) for
// a point p inside the box.
fn boxDistance(lo: vec3f, hi: vec3f, c: vec3f) -> f32 {
  let g = max(max(lo - c, vec3f(0.0)), c - hi);
  return (g.x * g.x + g.y * g.y) + g.z * g.z;
}
