import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GALLERY, GALLERY_POINTS, galleryShape } from '../../src/gallery/shapes';
import { box, disk, frustum, sphere } from '../../src/gallery/primitives';
import { samplePoints } from '../../src/gallery/sample';
import { createRandom } from '../../src/geometry/random';

const digest = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer)).digest('hex');

describe('gallery shapes', () => {
  it.each(GALLERY.map((s) => [s.id, s] as const))('%s: the same finite cloud every time', (_id, s) => {
    const a = s.make();
    const b = s.make();
    expect(a.count).toBe(GALLERY_POINTS);
    expect(a.positions).toHaveLength(3 * GALLERY_POINTS);
    expect(digest(a.positions)).toBe(digest(b.positions));
    expect(a.positions.every(Number.isFinite)).toBe(true);
  });

  it('shapes differ from each other', () => {
    const digests = new Set(GALLERY.map((s) => digest(s.make().positions)));
    expect(digests.size).toBe(GALLERY.length);
  });

  it('names the known shapes when asked for an unknown one', () => {
    expect(galleryShape('cup').name).toBe('Cup');
    expect(() => galleryShape('sofa')).toThrow('gallery: no shape "sofa" (there are chair, table, airplane, cup, bowl, lamp, bottle)');
  });
});

describe('surfaces', () => {
  const r = createRandom(42);
  const pts = (s: ReturnType<typeof box>, n = 2000) => Array.from({ length: n }, () => s.sample(r));

  it('box points lie on a face, spread by face area', () => {
    const b = box([0, 0, 0], [2, 1, 1]);
    expect(b.area).toBe(10);
    const p = pts(b);
    for (const [x, y, z] of p) {
      const onFace = [x === 0, x === 2, y === 0, y === 1, z === 0, z === 1].some(Boolean);
      expect(onFace).toBe(true);
    }
    const onX = p.filter(([x]) => x === 0 || x === 2).length / p.length; // 2 of 10 area units
    expect(onX).toBeGreaterThan(0.15);
    expect(onX).toBeLessThan(0.25);
  });

  it('frustum points lie on the side, uniform over the area (more near the wide end)', () => {
    const f = frustum('z', [0, 0, 0], 1, 1, 0); // a cone with its base at z = 0
    const p = pts(f);
    for (const [x, y, z] of p) expect(Math.hypot(x, y)).toBeCloseTo(1 - z, 5);
    const lowerHalf = p.filter(([, , z]) => z < 0.5).length / p.length; // 3/4 of the area
    expect(lowerHalf).toBeGreaterThan(0.7);
    expect(lowerHalf).toBeLessThan(0.8);
  });

  it('sphere zone and disk points lie on them', () => {
    for (const [x, y, z] of pts(sphere([0, 0, 0], 2, -2, 0))) {
      expect(Math.hypot(x, y, z)).toBeCloseTo(2, 5);
      expect(z).toBeLessThanOrEqual(0);
    }
    for (const [x, y, z] of pts(disk('z', [0, 0, 1], 1, 0.5))) {
      expect(z).toBe(1);
      expect(Math.hypot(x, y)).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(Math.hypot(x, y)).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('samplePoints splits the count by area and rejects nonsense', () => {
    const c = samplePoints([box([0, 0, 0], [1, 1, 1]), box([5, 5, 5], [6, 6, 8])], 100, 1);
    expect(c.count).toBe(100);
    const first = Array.from({ length: 100 }, (_, i) => c.positions[3 * i] <= 1).filter(Boolean).length;
    expect(first).toBe(30); // areas 6 and 14
    expect(() => samplePoints([], 10, 1)).toThrow('samplePoints: no surfaces');
    expect(() => samplePoints([box([0, 0, 0], [1, 1, 1])], 0, 1)).toThrow('count must be a positive integer');
  });
});
