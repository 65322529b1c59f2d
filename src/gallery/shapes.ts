// The gallery: example shapes the project builds from simple surfaces, z up like ModelNet40,
// each named after the ModelNet40 class it imitates. No third-party data.
import type { PointCloud, Vec3 } from '../types/cloud';
import { box, disk, frustum, sphere, torusXZ, type Surface } from './primitives';
import { samplePoints } from './sample';

export interface GalleryShape {
  id: string;
  name: string;
  /** The same cloud every time (seeded sampling). */
  make(): PointCloud;
}

/** Points per gallery cloud: more than a network's 1024, as a real scan or mesh sample would be. */
export const GALLERY_POINTS = 2048;

/** A square leg of side `w` centred at (x, y), from z0 to z1. */
const leg = (x: number, y: number, w: number, z0: number, z1: number): Surface => box([x - w / 2, y - w / 2, z0], [x + w / 2, y + w / 2, z1]);

const corners = (x: number, y: number): [number, number][] => [
  [-x, -y],
  [x, -y],
  [-x, y],
  [x, y],
];

function chair(): Surface[] {
  return [
    box([-0.5, -0.5, 0.9], [0.5, 0.5, 1.0]),
    ...corners(0.44, 0.44).map(([x, y]) => leg(x, y, 0.08, 0, 0.9)),
    box([-0.5, 0.42, 1.0], [0.5, 0.5, 2.0]),
  ];
}

function table(): Surface[] {
  return [box([-1.0, -0.6, 1.4], [1.0, 0.6, 1.5]), ...corners(0.9, 0.5).map(([x, y]) => leg(x, y, 0.1, 0, 1.4))];
}

function airplane(): Surface[] {
  const nose: Vec3 = [2, 0, 0];
  return [
    frustum('x', [-2, 0, 0], 4, 0.25, 0.25), // fuselage
    frustum('x', nose, 0.6, 0.25, 0), // nose cone
    frustum('x', [-2, 0, 0], -0.6, 0.25, 0.05), // tail cone
    box([-0.4, -2.2, -0.04], [0.4, 2.2, 0.04]), // wings
    box([-2.4, -0.8, -0.03], [-2.0, 0.8, 0.03]), // tailplane
    box([-2.4, -0.03, 0], [-2.0, 0.03, 0.9]), // fin
  ];
}

function cup(): Surface[] {
  return [frustum('z', [0, 0, 0], 1.2, 0.4, 0.5), disk('z', [0, 0, 0], 0.4), torusXZ([0.45, 0, 0.6], 0.3, 0.05, -Math.PI / 2, Math.PI / 2)];
}

function bowl(): Surface[] {
  return [sphere([0, 0, 1], 1, -1, -0.25), disk('z', [0, 0, 0.03], 0.3)];
}

function lamp(): Surface[] {
  return [
    disk('z', [0, 0, 0.1], 0.5),
    frustum('z', [0, 0, 0], 0.1, 0.5, 0.5),
    frustum('z', [0, 0, 0.1], 1.4, 0.04, 0.04), // pole
    frustum('z', [0, 0, 1.3], 0.6, 0.6, 0.25), // shade
  ];
}

function bottle(): Surface[] {
  return [
    frustum('z', [0, 0, 0], 1.2, 0.35, 0.35),
    disk('z', [0, 0, 0], 0.35),
    frustum('z', [0, 0, 1.2], 0.3, 0.35, 0.12), // shoulder
    frustum('z', [0, 0, 1.5], 0.4, 0.12, 0.12), // neck
  ];
}

const shape = (id: string, name: string, parts: () => Surface[], seed: number): GalleryShape => ({
  id,
  name,
  make: () => samplePoints(parts(), GALLERY_POINTS, seed),
});

export const GALLERY: readonly GalleryShape[] = [
  shape('chair', 'Chair', chair, 1),
  shape('table', 'Table', table, 2),
  shape('airplane', 'Airplane', airplane, 3),
  shape('cup', 'Cup', cup, 4),
  shape('bowl', 'Bowl', bowl, 5),
  shape('lamp', 'Lamp', lamp, 6),
  shape('bottle', 'Bottle', bottle, 7),
];

export function galleryShape(id: string): GalleryShape {
  const found = GALLERY.find((s) => s.id === id);
  if (!found) throw new Error(`gallery: no shape ${JSON.stringify(id)} (there are ${GALLERY.map((s) => s.id).join(', ')})`);
  return found;
}
