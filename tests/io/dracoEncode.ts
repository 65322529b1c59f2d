// Draco data for the tests, written by the draco3d package's encoder (the app itself only
// decodes): a mesh (triangles) or a point cloud, positions quantised to `bits` bits, optionally
// with colours. Returns the attribute's unique id the encoder gave the positions.
import createEncoderModule from 'draco3d/draco_encoder_nodejs.js';

interface Builder {
  AddFacesToMesh(mesh: object, faces: number, indices: Uint32Array): void;
  AddFloatAttributeToMesh(mesh: object, type: number, points: number, components: number, values: Float32Array): number;
  AddUInt8Attribute(cloud: object, type: number, points: number, components: number, values: Uint8Array): number;
  AddFloatAttribute(cloud: object, type: number, points: number, components: number, values: Float32Array): number;
}
interface EncoderModule {
  Encoder: new () => {
    SetAttributeQuantization(type: number, bits: number): void;
    SetEncodingMethod(method: number): void;
    EncodeMeshToDracoBuffer(mesh: object, out: object): number;
    EncodePointCloudToDracoBuffer(cloud: object, deduplicate: boolean, out: object): number;
  };
  MeshBuilder: new () => Builder;
  PointCloudBuilder: new () => Builder;
  Mesh: new () => object;
  PointCloud: new () => object;
  DracoInt8Array: new () => { GetValue(i: number): number };
  POSITION: number;
  COLOR: number;
  GENERIC: number;
  MESH_SEQUENTIAL_ENCODING: number;
  destroy(o: object): void;
}

let encoder: Promise<EncoderModule> | null = null;
const encoderModule = () => (encoder ??= createEncoderModule({}) as Promise<EncoderModule>);

export interface DracoInput {
  positions: Float32Array;
  /** Three vertex indices a triangle; none for a point cloud. */
  triangles?: Uint32Array;
  /** r, g, b (0..255) a point. */
  colors?: Uint8Array;
  bits?: number;
  /** Other attributes (a glTF's JOINTS_0, WEIGHTS_0), stored as GENERIC floats, unquantised. */
  generic?: Array<{ values: Float32Array; components: number }>;
}

export async function encodeDraco({ positions, triangles, colors, bits = 14, generic = [] }: DracoInput): Promise<{ bytes: Uint8Array; positionId: number; genericIds: number[] }> {
  const draco = await encoderModule();
  const count = positions.length / 3;
  const isMesh = triangles !== undefined;
  const builder = isMesh ? new draco.MeshBuilder() : new draco.PointCloudBuilder();
  const geometry = isMesh ? new draco.Mesh() : new draco.PointCloud();
  let positionId: number;
  if (isMesh) {
    builder.AddFacesToMesh(geometry, triangles.length / 3, triangles);
    positionId = builder.AddFloatAttributeToMesh(geometry, draco.POSITION, count, 3, positions);
  } else {
    positionId = builder.AddFloatAttribute(geometry, draco.POSITION, count, 3, positions);
  }
  if (colors) builder.AddUInt8Attribute(geometry, draco.COLOR, count, 3, colors);
  const genericIds = generic.map(({ values, components }) =>
    isMesh ? builder.AddFloatAttributeToMesh(geometry, draco.GENERIC, count, components, values) : builder.AddFloatAttribute(geometry, draco.GENERIC, count, components, values),
  );
  const enc = new draco.Encoder();
  enc.SetAttributeQuantization(draco.POSITION, bits);
  // Sequential keeps the mesh's vertex order, so the decoded triangles can be compared directly.
  if (isMesh) enc.SetEncodingMethod(draco.MESH_SEQUENTIAL_ENCODING);
  const out = new draco.DracoInt8Array();
  const length = isMesh ? enc.EncodeMeshToDracoBuffer(geometry, out) : enc.EncodePointCloudToDracoBuffer(geometry, false, out);
  if (length <= 0) throw new Error('draco3d could not encode the test geometry');
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = out.GetValue(i) & 0xff;
  for (const o of [out, enc, geometry, builder]) draco.destroy(o);
  return { bytes, positionId, genericIds };
}
