// Scene files whose format fixes the up (glTF: +Y; 3MF: +Z, the printer's plate; COLLADA: its
// <up_axis>; FBX: y, as three's loader turns it; USD: its upAxis, Y when it names none; Blender:
// z, in blend.test.ts) are looked at for
// separate objects standing side by side without a floor (finish.ts, objects.ts) when they place
// two or more meshes (one may be a scan, which falls apart when partial): a glTF scene of two
// boxes on the ground, a 3MF plate of three parts, a SketchUp-style COLLADA set, an FBX of two
// props, a USD stage of two. The same boxes as a PLY, whose format says nothing of the up, are one shape, as a scan is.
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadersReady } from '../../src/io/index';
import { boxGeometry, collada } from './colladaWrite';
import { binaryFbx, meshTree } from './fbxWrite';
import { glbFile, text } from './generate';
import { load } from './expectLoad';

/** A box's 8 corners (x y z) and 12 triangles, from corner lo to corner hi. */
function box(lo: number[], hi: number[]): { vertices: number[]; triangles: number[] } {
  const vertices = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((c) => [c & 1 ? hi[0]! : lo[0]!, c & 2 ? hi[1]! : lo[1]!, c & 4 ? hi[2]! : lo[2]!]);
  const quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  return { vertices, triangles: quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!]) };
}

/** A .glb of one box mesh placed by a node at each of `at` (translations). */
function boxesGlb(at: number[][]): Uint8Array {
  const { vertices, triangles } = box([-0.5, 0, -0.3], [0.5, 0.8, 0.3]);
  const bin = new Uint8Array(vertices.length * 4 + triangles.length * 2);
  new Float32Array(bin.buffer, 0, vertices.length).set(vertices);
  new Uint16Array(bin.buffer, vertices.length * 4, triangles.length).set(triangles);
  return glbFile(
    {
      asset: { version: '2.0' },
      scene: 0,
      scenes: [{ nodes: at.map((_, i) => i) }],
      nodes: at.map((translation) => ({ mesh: 0, translation })),
      meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1 }] }],
      buffers: [{ byteLength: bin.length }],
      bufferViews: [
        { buffer: 0, byteOffset: 0, byteLength: vertices.length * 4 },
        { buffer: 0, byteOffset: vertices.length * 4, byteLength: triangles.length * 2 },
      ],
      accessors: [
        { bufferView: 0, componentType: 5126, count: 8, type: 'VEC3', min: [-0.5, 0, -0.3], max: [0.5, 0.8, 0.3] },
        { bufferView: 1, componentType: 5123, count: triangles.length, type: 'SCALAR' },
      ],
    },
    bin,
  );
}

/** A 3MF whose build places one box part at each of `at` (x y offsets on the plate). */
function plate3mf(at: number[][]): Uint8Array {
  const { vertices, triangles } = box([0, 0, 0], [20, 10, 15]);
  const mesh = `<mesh><vertices>${[0, 1, 2, 3, 4, 5, 6, 7].map((v) => `<vertex x="${vertices[3 * v]}" y="${vertices[3 * v + 1]}" z="${vertices[3 * v + 2]}"/>`).join('')}</vertices><triangles>${[...Array(12).keys()].map((t) => `<triangle v1="${triangles[3 * t]}" v2="${triangles[3 * t + 1]}" v3="${triangles[3 * t + 2]}"/>`).join('')}</triangles></mesh>`;
  const model = `<?xml version="1.0" encoding="UTF-8"?><model unit="millimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources><object id="1" type="model">${mesh}</object></resources><build>${at.map(([x, y]) => `<item objectid="1" transform="1 0 0 0 1 0 0 0 1 ${x} ${y} 0"/>`).join('')}</build></model>`;
  const rels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>';
  return zipSync({ '[Content_Types].xml': text('<Types/>'), '_rels/.rels': text(rels), '3D/3dmodel.model': text(model) });
}

/** The boxes of `boxesGlb` as an ASCII PLY. */
function boxesPly(at: number[][]): Uint8Array {
  const parts = at.map(([x, y, z]) => box([x! - 0.5, y!, z! - 0.3], [x! + 0.5, y! + 0.8, z! + 0.3]));
  const rows = parts.flatMap((p) => Array.from({ length: 8 }, (_, v) => p.vertices.slice(3 * v, 3 * v + 3).join(' ')));
  const faces = parts.flatMap((p, k) => Array.from({ length: 12 }, (_, t) => `3 ${p.triangles.slice(3 * t, 3 * t + 3).map((v) => v + 8 * k).join(' ')}`));
  return text(`ply\nformat ascii 1.0\nelement vertex ${rows.length}\nproperty float x\nproperty float y\nproperty float z\nelement face ${faces.length}\nproperty list uchar int vertex_indices\nend_header\n${[...rows, ...faces].join('\n')}\n`);
}

/** A binary FBX of two box meshes, `gap` apart in x (or, `oneMesh`, both boxes in one mesh, as a
 * scan exported whole would be); the loader's output is y up. */
function boxesFbx(upAxis: 1 | 2, gap: number, oneMesh = false): Uint8Array {
  const quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  const boxes = [0, 1 + gap].map((x) => box([x, 0, 0], upAxis === 1 ? [x + 1, 0.8, 0.6] : [x + 1, 0.6, 0.8]).vertices);
  if (oneMesh) return binaryFbx(meshTree(boxes.flat(), [...quads, ...quads.map((q) => q.map((v) => v + 8))], [0, 0, 0], upAxis));
  const [first, second] = boxes.map((v) => meshTree(v, quads, [0, 0, 0], upAxis));
  // The second box's geometry and model under ids of their own, connected to the root too.
  const objects = first!.find((n) => n.name === 'Objects')!.children!;
  for (const node of second!.find((n) => n.name === 'Objects')!.children!) {
    const id = node.properties![0]!;
    objects.push({ ...node, properties: [{ type: 'L', value: (id.value as number) + 1 }, ...node.properties!.slice(1)] });
  }
  first!.find((n) => n.name === 'Connections')!.children!.push(
    { name: 'C', properties: [{ type: 'S', value: 'OO' }, { type: 'L', value: 1001 }, { type: 'L', value: 2001 }] },
    { name: 'C', properties: [{ type: 'S', value: 'OO' }, { type: 'L', value: 2001 }, { type: 'L', value: 0 }] },
  );
  return binaryFbx(first!);
}

/** A USDA stage of one box mesh per offset in `at` (x), each box `height` tall along `up` ("Y"
 * or "Z"; `upAxis` the stage's metadata, left out when undefined: USD's default is Y). */
function boxesUsda(at: number[], up: 'Y' | 'Z', upAxis: 'Y' | 'Z' | undefined): Uint8Array {
  const { vertices, triangles } = box([0, 0, 0], up === 'Y' ? [1, 0.8, 0.6] : [1, 0.6, 0.8]);
  const points = Array.from({ length: 8 }, (_, v) => `(${vertices.slice(3 * v, 3 * v + 3).join(', ')})`).join(', ');
  const meshes = at.map((x, i) => `def Xform "Box${i}"
{
    double3 xformOp:translate = (${x}, 0, 0)
    uniform token[] xformOpOrder = ["xformOp:translate"]
    def Mesh "Shape"
    {
        int[] faceVertexCounts = [${Array(12).fill(3).join(', ')}]
        int[] faceVertexIndices = [${triangles.join(', ')}]
        point3f[] points = [${points}]
    }
}`);
  return text(`#usda 1.0\n${upAxis === undefined ? '' : `(\n    upAxis = "${upAxis}"\n)\n`}\n${meshes.join('\n')}\n`);
}

beforeAll(() => loadersReady(boxesFbx(1, 2)));

describe('separate objects in scene files whose format fixes the up', () => {
  test('glTF (+Y up): two boxes on the ground side by side are two objects; one box is one shape', () => {
    const two = load('scene.glb', boxesGlb([[0, 0, 0], [2.5, 0, 0]]), 4000);
    expect(two.objects?.sizes.length).toBe(2);
    expect(two.warnings.join(' ')).toMatch(/^2 separate objects stand side by side \(50 %, 50 % of the points\)/);
    expect(load('one.glb', boxesGlb([[0, 0, 0]]), 4000).objects).toBeUndefined();
    // Stacked, not side by side: the upper box does not stand on the ground.
    expect(load('stack.glb', boxesGlb([[0, 0, 0], [0, 2, 0]]), 4000).objects).toBeUndefined();
  });

  test("3MF (+Z up, the printer's plate): three parts on the plate are three objects", () => {
    const plate = load('plate.3mf', plate3mf([[0, 0], [40, 0], [0, 30]]), 6000);
    expect(plate.objects?.sizes.length).toBe(3);
    expect(load('part.3mf', plate3mf([[0, 0]]), 6000).objects).toBeUndefined();
  });

  test('COLLADA (its <up_axis>): two chairs-worth of boxes side by side, Z_UP as SketchUp writes it, or Y_UP', () => {
    const set = (upAxis: 'Y_UP' | 'Z_UP', along: 1 | 2) => {
      const lo = [0, 0, 0];
      const hi = [0.5, 0.5, 0.5];
      hi[along] = 0.9;
      const shifted = [...lo];
      shifted[0] = 2;
      const shiftedHi = [...hi];
      shiftedHi[0] = 2.5;
      return collada({ upAxis, geometries: [boxGeometry('a', lo, hi), boxGeometry('b', shifted, shiftedHi)], nodes: [{ geometry: 'a' }, { geometry: 'b' }] });
    };
    expect(load('set.dae', set('Z_UP', 2), 4000).objects?.sizes.length).toBe(2);
    expect(load('set.dae', set('Y_UP', 1), 4000).objects?.sizes.length).toBe(2);
  });

  test("FBX (three's loader turns a Z-up file y up): two box meshes side by side, Y-up or Z-up in the file; one mesh of both is one shape", () => {
    expect(load('set.fbx', boxesFbx(1, 2), 4000).objects?.sizes.length).toBe(2);
    expect(load('set.fbx', boxesFbx(2, 2), 4000).objects?.sizes.length).toBe(2);
    // A single mesh may be a scan, and a partial scan falls apart too (objects.ts sceneUp).
    expect(load('scan.fbx', boxesFbx(1, 2, true), 4000).objects).toBeUndefined();
  });

  test('USD (its upAxis; Y when the stage names none): two box meshes side by side are two objects; one box is one shape', () => {
    expect(load('set.usda', boxesUsda([0, 2], 'Z', 'Z'), 4000).objects?.sizes.length).toBe(2);
    expect(load('set.usda', boxesUsda([0, 2], 'Y', 'Y'), 4000).objects?.sizes.length).toBe(2);
    expect(load('set.usda', boxesUsda([0, 2], 'Y', undefined), 4000).objects?.sizes.length).toBe(2);
    // One mesh may be a scan (Object Capture's USDZ holds one), and a partial scan falls apart.
    expect(load('scan.usda', boxesUsda([0], 'Z', 'Z'), 4000).objects).toBeUndefined();
  });

  test('a format that says nothing of the up (PLY): the same boxes are one shape, as a scan without a floor is', () => {
    expect(load('scene.ply', boxesPly([[0, 0, 0], [2.5, 0, 0]]), 4000).objects).toBeUndefined();
  });
});
