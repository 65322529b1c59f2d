// Shared by the kernels that run one invocation per row (knn.wgsl, project1d.wgsl, project2d.wgsl,
// cells.wgsl, voxels.wgsl): src/gpu/shaders.ts puts this file in front of each of them. Each
// declares its own `override WG`, its workgroup size.

// The row an invocation works on. rowDispatch (src/gpu/tuning.ts) splits the workgroups over x
// and y when x alone would exceed the per-dimension limit; this undoes that split.
fn rowIndex(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}
