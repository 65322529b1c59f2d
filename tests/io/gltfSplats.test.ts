// Gaussian splats in glTF (KHR_gaussian_splatting, ratified by Khronos; Cesium, Esri, Niantic
// export it): each splat's opacity is read (an OPACITY attribute) and nearly transparent splats are
// left out as for every splat file; a primitive compressed as SPZ
// (KHR_gaussian_splatting_compression_spz_2, accessors without data) is read from its SPZ stream,
// its right-up-back axes turned back to glTF's.
import { describe, expect, test } from 'vitest';
import { toSpz } from '../../e2e/modelnet';
import { createRandom } from '../../src/geometry/random';
import { LoadError } from '../../src/io/types';
import { expectError, load } from './expectLoad';
import { glbFile } from './generate';

const SURFACE = 500;
const HAZE = 100;

/** Splat centres: 500 on a unit sphere, opaque, then 100 haze splats inside it, nearly
 * transparent (opacity 10 / 255). */
function splats(): { points: Float32Array; alpha: Uint8Array } {
  const random = createRandom(3);
  const points = new Float32Array(3 * (SURFACE + HAZE));
  const alpha = new Uint8Array(SURFACE + HAZE);
  for (let i = 0; i < SURFACE + HAZE; i++) {
    const [x, y, z] = [random() - 0.5, random() - 0.5, random() - 0.5];
    const r = Math.hypot(x, y, z) / (i < SURFACE ? 1 : 0.4);
    points.set([x / r, y / r, z / r], 3 * i);
    alpha[i] = i < SURFACE ? 230 : 10;
  }
  return { points, alpha };
}

const SPLAT_EXTENSION = { kernel: 'ellipse', colorSpace: 'srgb_rec709_display' };

/** A .glb of one point primitive: the splats with their OPACITY attribute (`splat`), or the same
 * points plain. */
function splatGlb(splat: boolean): Uint8Array {
  const { points, alpha } = splats();
  const n = alpha.length;
  const bin = new Uint8Array(points.byteLength + Math.ceil(n / 4) * 4);
  bin.set(new Uint8Array(points.buffer), 0);
  bin.set(alpha, points.byteLength);
  return glbFile(
    {
      asset: { version: '2.0' },
      extensionsUsed: splat ? ['KHR_gaussian_splatting'] : [],
      scenes: [{ nodes: [0] }],
      nodes: [{ mesh: 0 }],
      meshes: [{ primitives: [{ mode: 0, attributes: { POSITION: 0, ...(splat ? { 'KHR_gaussian_splatting:OPACITY': 1 } : {}) }, ...(splat ? { extensions: { KHR_gaussian_splatting: SPLAT_EXTENSION } } : {}) }] }],
      buffers: [{ byteLength: bin.length }],
      bufferViews: [
        { buffer: 0, byteOffset: 0, byteLength: points.byteLength },
        { buffer: 0, byteOffset: points.byteLength, byteLength: n },
      ],
      accessors: [
        { bufferView: 0, componentType: 5126, count: n, type: 'VEC3', min: [-1, -1, -1], max: [1, 1, 1] },
        { bufferView: 1, componentType: 5121, normalized: true, count: n, type: 'SCALAR' },
      ],
    },
    bin,
  );
}

/** The splats as an SPZ-compressed primitive: its accessors hold no data, the SPZ stream (written
 * in SPZ's right-up-back axes, so x and z negated from glTF's) does. */
function spzGlb(stream?: Uint8Array): Uint8Array {
  const { points, alpha } = splats();
  const n = alpha.length;
  const rub = points.map((v, i) => (i % 3 === 1 ? v : -v));
  const bin = stream ?? toSpz(rub, alpha);
  return glbFile(
    {
      asset: { version: '2.0' },
      extensionsUsed: ['KHR_gaussian_splatting', 'KHR_gaussian_splatting_compression_spz_2'],
      extensionsRequired: ['KHR_gaussian_splatting', 'KHR_gaussian_splatting_compression_spz_2'],
      scenes: [{ nodes: [0] }],
      nodes: [{ mesh: 0 }],
      meshes: [
        {
          primitives: [
            {
              mode: 0,
              attributes: { POSITION: 0, 'KHR_gaussian_splatting:OPACITY': 1 },
              extensions: { KHR_gaussian_splatting: { ...SPLAT_EXTENSION, extensions: { KHR_gaussian_splatting_compression_spz_2: { bufferView: 0 } } } },
            },
          ],
        },
      ],
      buffers: [{ byteLength: bin.length }],
      bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: bin.length }],
      accessors: [
        { componentType: 5126, count: n, type: 'VEC3', min: [-1, -1, -1], max: [1, 1, 1] },
        { componentType: 5121, normalized: true, count: n, type: 'SCALAR' },
      ],
    },
    bin,
  );
}

describe('Gaussian splats in glTF', () => {
  test('KHR_gaussian_splatting: the nearly transparent splats are left out, as from a splat PLY; the same points without the extension are all kept', () => {
    const r = load('capture.glb', splatGlb(true));
    expect([r.format, r.kind, r.cloud.count, r.leftOut]).toEqual(['gltf', 'points', SURFACE, HAZE]);
    expect(r.warnings).toContain(`${HAZE} of ${SURFACE + HAZE} splats were nearly transparent (opacity under 0.1) and left out (haze and floaters, not the shape's surface)`);
    // Every splat kept lies on the sphere: the haze inside it is gone.
    for (let i = 0; i < r.cloud.count; i++) expect(Math.hypot(...r.cloud.positions.subarray(3 * i, 3 * i + 3))).toBeGreaterThan(0.99);
    expect(load('points.glb', splatGlb(false)).cloud.count).toBe(SURFACE + HAZE);
  });

  test('KHR_gaussian_splatting_compression_spz_2: the splats come from the SPZ stream, in glTF axes, the transparent ones left out', () => {
    const r = load('capture.glb', spzGlb());
    expect([r.format, r.kind, r.cloud.count, r.leftOut]).toEqual(['gltf', 'points', SURFACE, HAZE]);
    // The same points as the uncompressed file, to SPZ's 1/4096.
    const plain = load('capture.glb', splatGlb(true));
    const key = (p: ArrayLike<number>) => Array.from(p, (v) => Math.round(v * 100)).join(' ');
    const want = new Set(Array.from({ length: plain.cloud.count }, (_, i) => key(plain.cloud.positions.subarray(3 * i, 3 * i + 3))));
    let matched = 0;
    for (let i = 0; i < r.cloud.count; i++) if (want.has(key(r.cloud.positions.subarray(3 * i, 3 * i + 3)))) matched++;
    expect(matched).toBeGreaterThan(0.95 * SURFACE);
  });

  test('a broken SPZ stream is refused, saying so', () => {
    const error = expectError('capture.glb', spzGlb(new Uint8Array([1, 2, 3, 4])), 'malformed', /^glTF: mesh 0 primitive 0's SPZ data: the file is not gzip-compressed/);
    expect(error).toBeInstanceOf(LoadError);
  });
});
