// USD (src/io/usd.ts): USDZ packages as three.js's USDZExporter writes them (USDA layers, the
// geometry in layers of its own, referenced), a hand-written USDA (Z up, centimetres), and the
// refusals. A binary crate (.usdc, as Apple's Object Capture writes it inside its USDZ) is parsed
// by three.js's USDCParser; no crate writer runs here, so only its refusal is tested.
import { BoxGeometry, Box3, Mesh, MeshStandardMaterial, Scene, TorusKnotGeometry, Vector3 } from 'three';
import { USDZExporter } from 'three/examples/jsm/exporters/USDZExporter.js';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { LoadError } from '../../src/io/types';
import { sniffFormat } from '../../src/io/sniff';
import { parseUsd } from '../../src/io/usd';
import { expectError, load } from './expectLoad';
import { text } from './generate';

async function usdz(scene: Scene): Promise<Uint8Array> {
  return new USDZExporter().parseAsync(scene) as Promise<Uint8Array>;
}

function twoShapes(): Scene {
  const scene = new Scene();
  const knot = new Mesh(new TorusKnotGeometry(1, 0.3, 32, 6), new MeshStandardMaterial({ color: 0xff0000 }));
  knot.position.set(3, 0.5, -1);
  knot.rotation.set(0.3, 0.2, 0.1);
  scene.add(knot);
  const box = new Mesh(new BoxGeometry(1, 2, 3), new MeshStandardMaterial());
  box.scale.set(2, 1, 1);
  scene.add(box);
  scene.updateMatrixWorld(true);
  return scene;
}

/** The world-space bounds of the positions of a parsed mesh. */
function boundsOf(positions: Float32Array): Box3 {
  const box = new Box3();
  for (let i = 0; i < positions.length; i += 3) box.expandByPoint(new Vector3(positions[i], positions[i + 1], positions[i + 2]));
  return box;
}

const USDA_Z_UP = `#usda 1.0
(
    upAxis = "Z"
    metersPerUnit = 0.01
)

def Xform "Root"
{
    double3 xformOp:translate = (10, 0, 0)
    uniform token[] xformOpOrder = ["xformOp:translate"]

    def Mesh "Wedge"
    {
        int[] faceVertexCounts = [3, 4]
        int[] faceVertexIndices = [0, 1, 2, 0, 1, 3, 4]
        point3f[] points = [(0, 0, 0), (2, 0, 0), (0, 0, 5), (2, 1, 0), (0, 1, 0)]
    }
}
`;

describe('USD', () => {
  test('a USDZ of two meshes (USDA layers referencing geometry layers): every triangle where the scene put it', async () => {
    const scene = twoShapes();
    const bytes = await usdz(scene);
    expect(sniffFormat(bytes)).toBe('usd');
    const parsed = parseUsd(bytes);
    if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
    // The exporter writes each mesh unindexed: 3 vertices a triangle.
    const triangles = (32 * 6 * 2) + 12;
    expect([parsed.mesh.faceCount, parsed.mesh.vertexCount]).toEqual([triangles, 3 * triangles]);
    const want = new Box3().setFromObject(scene, true);
    const got = boundsOf(parsed.mesh.positions);
    for (const k of ['x', 'y', 'z'] as const) {
      expect(got.min[k]).toBeCloseTo(want.min[k], 4);
      expect(got.max[k]).toBeCloseTo(want.max[k], 4);
    }
  });

  test('loaded as a mesh and sampled, named USD, whatever the name says', async () => {
    const bytes = await usdz(twoShapes());
    const r = load('chair.usdz', bytes);
    expect([r.format, r.kind, r.faceCount]).toEqual(['usd', 'mesh', 32 * 6 * 2 + 12]);
    // The knot and the box are two meshes apart on a Y-up stage: two objects, said so.
    expect(r.objects?.sizes.length).toBe(2);
    expect(r.warnings).toEqual([expect.stringMatching(/^2 separate objects stand side by side/)]);
    expect(r.cloud.count).toBeGreaterThan(1000);
    expect(load('capture.bin', bytes).format).toBe('usd');
  });

  test('a USDA stage Z up in centimetres is read in its own axes and units; a quad is two triangles', () => {
    const parsed = parseUsd(text(USDA_Z_UP));
    if (parsed.kind !== 'mesh') throw new Error('expected a mesh');
    expect(parsed.mesh.faceCount).toBe(3);
    const got = boundsOf(parsed.mesh.positions);
    expect([got.min.x, got.min.y, got.min.z, got.max.x, got.max.y, got.max.z]).toEqual([10, 0, 0, 12, 1, 5]);
    expect(load('wedge.usda', text(USDA_Z_UP)).format).toBe('usd');
  });

  test('refusals say why', () => {
    expectError('model.usdz', zipSync({ 'texture.png': new Uint8Array(8), 'model.usda': text(USDA_Z_UP) }), 'malformed', /first file is "texture.png", not a USD layer/);
    expectError('model.usdz', zipSync({}), 'empty', /holds no files/);
    expectError('thing.usd', text('hello, this is not USD\n'), 'malformed', /not a USD file/);
    expectError('thing.usdc', text('PXR-USDC\0\0\0\0garbage that is no crate'), 'malformed', /the USD stage cannot be read/);
    expectError('empty.usda', text('#usda 1.0\n\ndef Xform "Root"\n{\n}\n'), 'empty', /the USD stage has no mesh with triangles/);
  });

  test('cut or with bytes changed, a USDZ or a USDA loads or fails with a LoadError, never another exception', async () => {
    const files = [{ name: 'scene.usdz', bytes: await usdz(twoShapes()) }, { name: 'wedge.usda', bytes: text(USDA_Z_UP) }];
    const outcome = (name: string, bytes: Uint8Array) => {
      try {
        loadFile(name, bytes, { meshSamples: 64, seed: 1 });
        return 'loaded';
      } catch (error) {
        if (error instanceof LoadError) return 'refused';
        throw error;
      }
    };
    for (const { name, bytes } of files) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (cut) => {
          expect(['loaded', 'refused']).toContain(outcome(name, bytes.slice(0, cut)));
        }),
        { numRuns: 60, seed: 5 },
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
          const changed = bytes.slice();
          for (const [at, value] of flips) changed[at] = value;
          expect(['loaded', 'refused']).toContain(outcome(name, changed));
        }),
        { numRuns: 60, seed: 6 },
      );
    }
  }, 120_000);
});
