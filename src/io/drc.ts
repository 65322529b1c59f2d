// Draco files (.drc): a mesh or a point cloud compressed by Google's Draco (draco_encoder, Draco's
// own tools, point-cloud pipelines), decoded by draco.ts. A mesh is sampled like every mesh; the
// colours of either are kept. Draco stores float32 positions already quantised, so no origin
// shift could win back precision (origin.ts): they are used as they are.
import { decodeDraco } from './draco';
import type { Parsed } from './types';

export function parseDrc(bytes: Uint8Array): Parsed {
  const { positions, count, triangles, colors } = decodeDraco('drc', bytes, 'the file', 'by-type');
  const colored = colors ? { colors } : {};
  if (triangles === null) return { kind: 'points', cloud: { positions, count, ...colored }, fileVertexCount: count, warnings: [] };
  const faceCount = triangles.length / 3;
  return { kind: 'mesh', mesh: { positions, indices: triangles, vertexCount: count, faceCount, ...colored }, fileVertexCount: count, fileFaceCount: faceCount, warnings: [] };
}
