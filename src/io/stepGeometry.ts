// STEP's geometry (ISO 10303-42) as step.ts samples it: points, directions and placements; curves
// (line, circle, ellipse, B-spline, polyline, and the curves that wrap one) with a parameter, a
// point at a parameter and the parameter of a point; surfaces (plane, cylinder, cone, sphere,
// torus, B-spline, surface of revolution, linear extrusion) with a point at (u, v) and the (u, v)
// of a point. B-splines are evaluated by de Boor's algorithm, rational ones in homogeneous
// coordinates; a point's parameters on one are found from the nearest of a grid of samples, then
// refined by Gauss-Newton steps.
import type { StepEntity, StepValue } from './stepFile';
import { LoadError } from './types';

export type V3 = [number, number, number];

const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: V3, b: V3): V3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: V3, s: number): V3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const distance = (a: V3, b: V3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
function unit(a: V3): V3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return n > 0 ? [a[0] / n, a[1] / n, a[2] / n] : [0, 0, 1];
}

/** The right-handed axes from a z axis and an x direction made perpendicular to it (ISO
 * 10303-42's placements and base_axis). */
export function axesOf(zAxis: V3, x: V3): { x: V3; y: V3; z: V3 } {
  const z = unit(zAxis);
  const xz = unit(sub(x, scale(z, dot(x, z))));
  return { x: xz, y: cross(z, xz), z };
}

/** A right-handed frame: origin and axes. */
export interface Frame {
  o: V3;
  x: V3;
  y: V3;
  z: V3;
}

/** A point in a frame's coordinates (the frame's axes scaled by a, b, c from its origin). */
function inFrame(f: Frame, a: number, b: number, c: number): V3 {
  return [f.o[0] + a * f.x[0] + b * f.y[0] + c * f.z[0], f.o[1] + a * f.x[1] + b * f.y[1] + c * f.z[1], f.o[2] + a * f.x[2] + b * f.y[2] + c * f.z[2]];
}

export interface Curve {
  /** The parameter range; `period` when the curve closes on itself (a circle). */
  t0: number;
  t1: number;
  period?: number;
  at(t: number): V3;
  param(p: V3): number;
  /** Samples a full period (or the whole range) deserves. */
  samples: number;
}

export interface Surface {
  point(u: number, v: number): V3;
  /** The (u, v) of p; `near`, a neighbour's (u, v), lets an iterative search start there. */
  uv(p: V3, near?: [number, number]): [number, number];
  /** Periods of u and v where the surface closes on itself. */
  periodU?: number;
  periodV?: number;
  /** The whole of a closed or bounded surface, u0 u1 v0 v1: a face with no edges in its bounds (a
   * whole sphere, bounded by a vertex) covers it. */
  domain?: [number, number, number, number];
}

/** Knots of a B-spline with their multiplicities expanded. */
function expandKnots(mults: StepValue, knots: StepValue, what: string): number[] {
  if (!Array.isArray(mults) || !Array.isArray(knots) || mults.length !== knots.length) throw new LoadError('step', 'malformed', `${what}: its knots and multiplicities differ in number`);
  const out: number[] = [];
  mults.forEach((m, i) => {
    if (typeof m !== 'number' || typeof knots[i] !== 'number' || m < 1 || m > 64) throw new LoadError('step', 'malformed', `${what}: a knot multiplicity is ${JSON.stringify(m)}`);
    for (let k = 0; k < m; k++) out.push(knots[i] as number);
  });
  return out;
}

/** The span index of `t` in `knots` for `degree` (the last span for t at the end). */
function spanOf(knots: number[], degree: number, count: number, t: number): number {
  if (t >= knots[count]!) return count - 1;
  if (t <= knots[degree]!) return degree;
  let lo = degree;
  let hi = count;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t < knots[mid]!) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** De Boor's recursion: the point at t of a B-spline (homogeneous when rational), from the degree
 * + 1 control points `d` of t's span `span` (a copy, overwritten). */
function deBoorLocal(knots: number[], degree: number, span: number, d: Float64Array, dim: number, t: number): Float64Array {
  for (let r = 1; r <= degree; r++) {
    for (let j = degree; j >= r; j--) {
      const i = span - degree + j;
      const denominator = knots[i + degree - r + 1]! - knots[i]!;
      const a = denominator === 0 ? 0 : (t - knots[i]!) / denominator;
      for (let k = 0; k < dim; k++) d[j * dim + k] = (1 - a) * d[(j - 1) * dim + k]! + a * d[j * dim + k]!;
    }
  }
  return d.subarray(degree * dim, degree * dim + dim);
}

/** Reads STEP geometry from the entities, each curve and surface built once. */
export class StepGeometry {
  private readonly curves = new Map<number, Curve | null>();
  private readonly surfaces = new Map<number, Surface | null>();
  /** Entity types met that are not read, with how often. */
  readonly unread = new Map<string, number>();

  constructor(
    private readonly entities: Map<number, StepEntity>,
    /** Radians in the file's plane-angle unit (1, or pi / 180 for degrees). */
    private readonly radians: number,
  ) {}

  entity(value: StepValue, what: string): StepEntity {
    const ref = value !== null && typeof value === 'object' && 'ref' in value ? value.ref : undefined;
    const e = ref === undefined ? undefined : this.entities.get(ref);
    if (e === undefined) throw new LoadError('step', 'malformed', `${what} refers to ${ref === undefined ? JSON.stringify(value) : `#${ref}`}, which the file does not define`);
    return e;
  }

  /** A part of an entity, complex or not: its arguments under `type`. */
  static part(e: StepEntity, type: string): StepValue[] | undefined {
    return e.parts ? e.parts.get(type) : e.type === type ? e.args : undefined;
  }

  number(v: StepValue, what: string): number {
    if (typeof v === 'number') return v;
    if (v !== null && typeof v === 'object' && 'type' in v && typeof v.args[0] === 'number') return v.args[0];
    throw new LoadError('step', 'malformed', `${what} is ${JSON.stringify(v)}, not a number`);
  }

  point(v: StepValue, what: string): V3 {
    const e = this.entity(v, what);
    const c = e.args[1];
    if (e.type !== 'CARTESIAN_POINT' || !Array.isArray(c) || c.length < 2 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new LoadError('step', 'malformed', `${what} (#${e.id}) is not a point of coordinates`);
    return [c[0] as number, c[1] as number, (c[2] as number | undefined) ?? 0];
  }

  direction(v: StepValue, what: string): V3 {
    const e = this.entity(v, what);
    if (e.type === 'VECTOR') return this.direction(e.args[1]!, what);
    const c = e.args[1];
    if (e.type !== 'DIRECTION' || !Array.isArray(c) || c.length < 2 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new LoadError('step', 'malformed', `${what} (#${e.id}) is not a direction`);
    return unit([c[0] as number, c[1] as number, (c[2] as number | undefined) ?? 0]);
  }

  /** AXIS2_PLACEMENT_3D (location, axis, ref_direction; z and x default as ISO 10303-42 says). */
  frame(v: StepValue, what: string): Frame {
    const e = this.entity(v, what);
    if (e.type !== 'AXIS2_PLACEMENT_3D' && e.type !== 'AXIS1_PLACEMENT') throw new LoadError('step', 'malformed', `${what} (#${e.id}) is a ${e.type}, not a placement`);
    const o = this.point(e.args[1]!, what);
    const z = e.args[2] === null || e.args[2] === undefined ? ([0, 0, 1] as V3) : this.direction(e.args[2], what);
    const x = e.type === 'AXIS2_PLACEMENT_3D' && e.args[3] !== null && e.args[3] !== undefined ? this.direction(e.args[3], what) : Math.abs(z[0]) < 0.9 ? ([1, 0, 0] as V3) : ([0, 1, 0] as V3);
    return { o, ...axesOf(z, x) };
  }

  private note(type: string): null {
    this.unread.set(type, (this.unread.get(type) ?? 0) + 1);
    return null;
  }

  curve(v: StepValue): Curve | null {
    const e = this.entity(v, 'an edge');
    if (!this.curves.has(e.id)) {
      this.curves.set(e.id, null);
      this.curves.set(e.id, this.buildCurve(e, 0));
    }
    return this.curves.get(e.id)!;
  }

  private buildCurve(e: StepEntity, depth: number): Curve | null {
    const what = `curve #${e.id}`;
    if (depth > 8) return this.note(e.type);
    switch (e.type) {
      case 'LINE': {
        const p0 = this.point(e.args[1]!, what);
        const vector = this.entity(e.args[2]!, what);
        const dir = this.direction(vector.args[1]!, what);
        return { t0: -Infinity, t1: Infinity, samples: 1, at: (t) => add(p0, scale(dir, t)), param: (p) => dot(sub(p, p0), dir) };
      }
      case 'CIRCLE':
      case 'ELLIPSE': {
        const f = this.frame(e.args[1]!, what);
        const a = this.number(e.args[2]!, what);
        const b = e.type === 'CIRCLE' ? a : this.number(e.args[3]!, what);
        return {
          t0: 0,
          t1: 2 * Math.PI,
          period: 2 * Math.PI,
          samples: 64,
          at: (t) => inFrame(f, a * Math.cos(t), b * Math.sin(t), 0),
          param: (p) => {
            const q = sub(p, f.o);
            return Math.atan2(dot(q, f.y) / b, dot(q, f.x) / a);
          },
        };
      }
      case 'POLYLINE': {
        const list = e.args[1];
        if (!Array.isArray(list) || list.length < 2) throw new LoadError('step', 'malformed', `${what}: a polyline of fewer than 2 points`);
        const pts = list.map((p) => this.point(p, what));
        return {
          t0: 0,
          t1: pts.length - 1,
          samples: pts.length - 1,
          at: (t) => {
            const i = Math.min(Math.max(Math.floor(t), 0), pts.length - 2);
            const s = t - i;
            return add(scale(pts[i]!, 1 - s), scale(pts[i + 1]!, s));
          },
          param: (p) => nearestOnPolyline(pts, p),
        };
      }
      case 'SURFACE_CURVE':
      case 'SEAM_CURVE':
      case 'INTERSECTION_CURVE':
      case 'TRIMMED_CURVE':
        return this.buildCurve(this.entity(e.args[1]!, what), depth + 1);
      default: {
        const spline = this.bsplineCurve(e, what);
        return spline ?? this.note(e.type);
      }
    }
  }

  /** B_SPLINE_CURVE_WITH_KNOTS, plain or rational (a complex entity with RATIONAL_B_SPLINE_CURVE). */
  private bsplineCurve(e: StepEntity, what: string): Curve | null {
    const base = StepGeometry.part(e, 'B_SPLINE_CURVE_WITH_KNOTS');
    const implied = (['BEZIER_CURVE', 'UNIFORM_CURVE', 'QUASI_UNIFORM_CURVE'] as const).find((kind) => StepGeometry.part(e, kind) !== undefined || e.type === kind);
    if (base === undefined && implied === undefined) return null;
    const head = e.parts ? StepGeometry.part(e, 'B_SPLINE_CURVE') : (base ?? e.args).slice(1);
    if (head === undefined) return null;
    const [degreeValue, control, , closed] = head;
    const degree = this.number(degreeValue!, what);
    if (!Array.isArray(control) || control.length < degree + 1 || degree < 1 || degree > 32) throw new LoadError('step', 'malformed', `${what}: degree ${degree} with ${Array.isArray(control) ? control.length : 0} control points`);
    const knots = base !== undefined ? expandKnots((e.parts ? base : base.slice(6))[0]!, (e.parts ? base : base.slice(6))[1]!, what) : impliedKnots(implied!, control.length, degree);
    if (knots.length !== control.length + degree + 1) throw new LoadError('step', 'malformed', `${what}: ${knots.length} knots for ${control.length} control points of degree ${degree}`);
    const weights = StepGeometry.part(e, 'RATIONAL_B_SPLINE_CURVE')?.[0];
    const dim = Array.isArray(weights) ? 4 : 3;
    const points = new Float64Array(control.length * dim);
    control.forEach((c, i) => {
      const p = this.point(c, what);
      const w = Array.isArray(weights) ? this.number(weights[i]!, what) : 1;
      points.set(dim === 4 ? [p[0] * w, p[1] * w, p[2] * w, w] : p, i * dim);
    });
    const t0 = knots[degree]!;
    const t1 = knots[control.length]!;
    const buffer = new Float64Array((degree + 1) * dim);
    const at = (t: number): V3 => {
      const tt = Math.min(Math.max(t, t0), t1);
      const span = spanOf(knots, degree, control.length, tt);
      for (let k = 0; k < buffer.length; k++) buffer[k] = points[(span - degree) * dim + k]!;
      const d = deBoorLocal(knots, degree, span, buffer, dim, tt);
      return dim === 4 ? [d[0]! / d[3]!, d[1]! / d[3]!, d[2]! / d[3]!] : [d[0]!, d[1]!, d[2]!];
    };
    const samples = Math.min(512, 8 * (control.length - degree));
    const grid = Array.from({ length: samples + 1 }, (_, i) => at(t0 + ((t1 - t0) * i) / samples));
    const curve: Curve = { t0, t1, samples, at, param: (p) => refine1(at, t0, t1, grid, p) };
    if ((closed as { enum?: string } | null)?.enum === 'T' && distance(grid[0]!, grid[samples]!) < 1e-9 * (1 + Math.abs(grid[0]![0]))) curve.period = t1 - t0;
    return curve;
  }

  surface(v: StepValue): Surface | null {
    const e = this.entity(v, 'a face');
    if (!this.surfaces.has(e.id)) {
      // Null while it is built: a surface defined through itself (an offset of itself) is not read.
      this.surfaces.set(e.id, null);
      this.surfaces.set(e.id, this.buildSurface(e));
    }
    return this.surfaces.get(e.id)!;
  }

  private buildSurface(e: StepEntity): Surface | null {
    const what = `surface #${e.id}`;
    const TWO_PI = 2 * Math.PI;
    switch (e.type) {
      case 'PLANE': {
        const f = this.frame(e.args[1]!, what);
        return { point: (u, v) => inFrame(f, u, v, 0), uv: (p) => [dot(sub(p, f.o), f.x), dot(sub(p, f.o), f.y)] };
      }
      case 'CYLINDRICAL_SURFACE':
      case 'CONICAL_SURFACE': {
        const f = this.frame(e.args[1]!, what);
        const r = this.number(e.args[2]!, what);
        const slope = e.type === 'CONICAL_SURFACE' ? Math.tan(this.number(e.args[3]!, what) * this.radians) : 0;
        return {
          periodU: TWO_PI,
          point: (u, v) => inFrame(f, (r + v * slope) * Math.cos(u), (r + v * slope) * Math.sin(u), v),
          uv: (p) => {
            const q = sub(p, f.o);
            return [Math.atan2(dot(q, f.y), dot(q, f.x)), dot(q, f.z)];
          },
        };
      }
      case 'SPHERICAL_SURFACE': {
        const f = this.frame(e.args[1]!, what);
        const r = this.number(e.args[2]!, what);
        return {
          periodU: TWO_PI,
          domain: [-Math.PI, Math.PI, -Math.PI / 2, Math.PI / 2],
          point: (u, v) => inFrame(f, r * Math.cos(v) * Math.cos(u), r * Math.cos(v) * Math.sin(u), r * Math.sin(v)),
          uv: (p) => {
            const q = sub(p, f.o);
            const [x, y, z] = [dot(q, f.x), dot(q, f.y), dot(q, f.z)];
            return [Math.atan2(y, x), Math.atan2(z, Math.hypot(x, y))];
          },
        };
      }
      case 'TOROIDAL_SURFACE':
      case 'DEGENERATE_TOROIDAL_SURFACE': {
        const f = this.frame(e.args[1]!, what);
        const major = this.number(e.args[2]!, what);
        const minor = this.number(e.args[3]!, what);
        return {
          periodU: TWO_PI,
          periodV: TWO_PI,
          domain: [-Math.PI, Math.PI, -Math.PI, Math.PI],
          point: (u, v) => inFrame(f, (major + minor * Math.cos(v)) * Math.cos(u), (major + minor * Math.cos(v)) * Math.sin(u), minor * Math.sin(v)),
          uv: (p) => {
            const q = sub(p, f.o);
            const [x, y, z] = [dot(q, f.x), dot(q, f.y), dot(q, f.z)];
            return [Math.atan2(y, x), Math.atan2(z, Math.hypot(x, y) - major)];
          },
        };
      }
      case 'SURFACE_OF_LINEAR_EXTRUSION': {
        const curve = this.curve(e.args[1]!);
        const vector = this.entity(e.args[2]!, what);
        const dir = this.direction(vector.args[1]!, what);
        if (curve === null) return this.note(e.type);
        return {
          point: (u, v) => add(curve.at(u), scale(dir, v)),
          uv: (p) => {
            const u = curve.param(sub(p, scale(dir, dot(sub(p, curve.at(curve.t0 === -Infinity ? 0 : curve.t0)), dir))));
            return [u, dot(sub(p, curve.at(u)), dir)];
          },
        };
      }
      case 'SURFACE_OF_REVOLUTION': {
        const curve = this.curve(e.args[1]!);
        const axis = this.frame(e.args[2]!, what);
        if (curve === null || curve.t0 === -Infinity) return this.note(e.type);
        // u turns about the axis from the curve's own half-plane, v runs along the curve.
        const start = sub(curve.at(curve.t0), axis.o);
        let ref = sub(start, scale(axis.z, dot(start, axis.z)));
        if (Math.hypot(...ref) < 1e-12) ref = axis.x;
        const x = unit(ref);
        const y = cross(axis.z, x);
        const turn = (p: V3, angle: number): V3 => {
          const q = sub(p, axis.o);
          const [a, b, c] = [dot(q, x), dot(q, y), dot(q, axis.z)];
          const [cs, sn] = [Math.cos(angle), Math.sin(angle)];
          return inFrame({ o: axis.o, x, y, z: axis.z }, a * cs - b * sn, a * sn + b * cs, c);
        };
        return {
          periodU: TWO_PI,
          point: (u, v) => turn(curve.at(v), u),
          uv: (p) => {
            const q = sub(p, axis.o);
            const u = Math.atan2(dot(q, y), dot(q, x));
            return [u, curve.param(turn(p, -u))];
          },
        };
      }
      case 'RECTANGULAR_TRIMMED_SURFACE':
        // The face's loops trim it anyway.
        return this.surface(e.args[1]!);
      case 'OFFSET_SURFACE': {
        // The basis surface moved along its normal (found by finite differences).
        const basis = this.surface(e.args[1]!);
        const offset = this.number(e.args[2]!, what);
        if (basis === null) return this.note(e.type);
        const normal = (u: number, v: number): V3 => {
          const h = 1e-6;
          const p = basis.point(u, v);
          return unit(cross(sub(basis.point(u + h, v), p), sub(basis.point(u, v + h), p)));
        };
        return {
          ...basis,
          point: (u, v) => add(basis.point(u, v), scale(normal(u, v), offset)),
          uv: (p, near) => {
            const [u, v] = basis.uv(p, near);
            return basis.uv(sub(p, scale(normal(u, v), offset)), [u, v]);
          },
        };
      }
      default:
        return this.bsplineSurface(e, what) ?? this.note(e.type);
    }
  }

  /** B_SPLINE_SURFACE_WITH_KNOTS, plain or rational (a complex entity with
   * RATIONAL_B_SPLINE_SURFACE). */
  private bsplineSurface(e: StepEntity, what: string): Surface | null {
    const base = StepGeometry.part(e, 'B_SPLINE_SURFACE_WITH_KNOTS');
    const implied = (['BEZIER_SURFACE', 'UNIFORM_SURFACE', 'QUASI_UNIFORM_SURFACE'] as const).find((kind) => StepGeometry.part(e, kind) !== undefined || e.type === kind);
    if (base === undefined && implied === undefined) return null;
    const head = e.parts ? StepGeometry.part(e, 'B_SPLINE_SURFACE') : (base ?? e.args).slice(1);
    if (head === undefined) return null;
    const [uDegreeValue, vDegreeValue, control] = head;
    const [du, dv] = [this.number(uDegreeValue!, what), this.number(vDegreeValue!, what)];
    if (!Array.isArray(control) || control.length < du + 1 || !control.every((row) => Array.isArray(row) && row.length === (control[0] as StepValue[]).length) || (control[0] as StepValue[]).length < dv + 1 || du < 1 || dv < 1 || du > 32 || dv > 32) {
      throw new LoadError('step', 'malformed', `${what}: its control points are not a grid for degrees ${du} and ${dv}`);
    }
    const [nu, nv] = [control.length, (control[0] as StepValue[]).length];
    let uKnots: number[];
    let vKnots: number[];
    if (base !== undefined) {
      const tail = e.parts ? base : base.slice(8);
      [uKnots, vKnots] = [expandKnots(tail[0]!, tail[2]!, what), expandKnots(tail[1]!, tail[3]!, what)];
    } else [uKnots, vKnots] = [impliedKnots(implied!, nu, du), impliedKnots(implied!, nv, dv)];
    if (uKnots.length !== nu + du + 1 || vKnots.length !== nv + dv + 1) throw new LoadError('step', 'malformed', `${what}: its knots do not fit ${nu} x ${nv} control points`);
    const weights = StepGeometry.part(e, 'RATIONAL_B_SPLINE_SURFACE')?.[0];
    const dim = Array.isArray(weights) ? 4 : 3;
    // Rows of control points along v, one a u index.
    const rows = (control as StepValue[][]).map((row, i) => {
      const out = new Float64Array(nv * dim);
      row.forEach((c, j) => {
        const p = this.point(c, what);
        const w = Array.isArray(weights) ? this.number(((weights as StepValue[])[i] as StepValue[])[j]!, what) : 1;
        out.set(dim === 4 ? [p[0] * w, p[1] * w, p[2] * w, w] : p, j * dim);
      });
      return out;
    });
    const [u0, u1, v0, v1] = [uKnots[du]!, uKnots[nu]!, vKnots[dv]!, vKnots[nv]!];
    // Buffers reused by every evaluation (points are evaluated by the hundred thousand).
    const local = new Float64Array((du + 1) * dim);
    const along = new Float64Array((dv + 1) * dim);
    const clamped = (u: number, v: number): V3 => {
      const [uu, vv] = [Math.min(Math.max(u, u0), u1), Math.min(Math.max(v, v0), v1)];
      // Only the du + 1 rows of u's span, and of each the dv + 1 points of v's span, weigh on it.
      const span = spanOf(uKnots, du, nu, uu);
      const vSpan = spanOf(vKnots, dv, nv, vv);
      for (let j = 0; j <= du; j++) {
        const row = rows[span - du + j]!;
        for (let k = 0; k < along.length; k++) along[k] = row[(vSpan - dv) * dim + k]!;
        local.set(deBoorLocal(vKnots, dv, vSpan, along, dim, vv), j * dim);
      }
      const d = deBoorLocal(uKnots, du, span, local, dim, uu);
      return dim === 4 ? [d[0]! / d[3]!, d[1]! / d[3]!, d[2]! / d[3]!] : [d[0]!, d[1]!, d[2]!];
    };
    // A surface closed in u or v (a lofted tube: its first and last rows meet) wraps round there,
    // as a cylinder does, so that a face's loops are unwrapped across its seam.
    const closes = (along: 'u' | 'v') =>
      [0, 0.25, 0.5, 0.75, 1].every((s) => {
        const [a, b] = along === 'u' ? [clamped(u0, v0 + s * (v1 - v0)), clamped(u1, v0 + s * (v1 - v0))] : [clamped(u0 + s * (u1 - u0), v0), clamped(u0 + s * (u1 - u0), v1)];
        return distance(a, b) <= 1e-9 * (1 + Math.hypot(...a));
      });
    const [periodU, periodV] = [closes('u') ? u1 - u0 : undefined, closes('v') ? v1 - v0 : undefined];
    const wrap = (t: number, t0: number, period: number | undefined) => (period === undefined ? t : t0 + ((((t - t0) % period) + period) % period));
    const point = (u: number, v: number): V3 => clamped(wrap(u, u0, periodU), wrap(v, v0, periodV));
    const [gu, gv] = [Math.min(64, 4 * (nu - du) + 4), Math.min(64, 4 * (nv - dv) + 4)];
    const grid: { u: number; v: number; p: V3 }[] = [];
    for (let i = 0; i <= gu; i++) {
      for (let j = 0; j <= gv; j++) {
        const [u, v] = [u0 + ((u1 - u0) * i) / gu, v0 + ((v1 - v0) * j) / gv];
        grid.push({ u, v, p: point(u, v) });
      }
    }
    const lo: V3 = [Infinity, Infinity, Infinity];
    const hi: V3 = [-Infinity, -Infinity, -Infinity];
    for (const { p } of grid) for (let k = 0; k < 3; k++) [lo[k], hi[k]] = [Math.min(lo[k]!, p[k]!), Math.max(hi[k]!, p[k]!)];
    const tolerance = 1e-6 * distance(lo, hi) + 1e-12;
    return {
      point,
      uv: (p, near) => refine2(clamped, [u0, u1, v0, v1], grid, p, tolerance, near === undefined ? undefined : [wrap(near[0], u0, periodU), wrap(near[1], v0, periodV)]),
      domain: [u0, u1, v0, v1],
      ...(periodU === undefined ? {} : { periodU }),
      ...(periodV === undefined ? {} : { periodV }),
    };
  }
}

/** The knots a Bezier, uniform or quasi-uniform B-spline of `count` control points implies. */
function impliedKnots(kind: string, count: number, degree: number): number[] {
  const n = count + degree + 1;
  if (kind.startsWith('BEZIER')) return Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  if (kind.startsWith('UNIFORM')) return Array.from({ length: n }, (_, i) => i - degree);
  // Quasi-uniform: clamped, degree + 1 equal knots at each end, evenly spaced inside.
  return Array.from({ length: n }, (_, i) => Math.min(Math.max(i - degree, 0), count - degree));
}

/** The parameter of the point of a polyline nearest p (segment index plus the fraction along it). */
function nearestOnPolyline(pts: V3[], p: V3): number {
  let best = Infinity;
  let at = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const d = sub(pts[i + 1]!, pts[i]!);
    const length2 = dot(d, d);
    const s = length2 === 0 ? 0 : Math.min(Math.max(dot(sub(p, pts[i]!), d) / length2, 0), 1);
    const gap = distance(add(pts[i]!, scale(d, s)), p);
    if (gap < best) [best, at] = [gap, i + s];
  }
  return at;
}

/** The parameter of a curve's point nearest p: the nearest sample, then a golden-section search
 * between its neighbours. */
function refine1(at: (t: number) => V3, t0: number, t1: number, grid: V3[], p: V3): number {
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (distance(grid[i]!, p) < distance(grid[best]!, p)) best = i;
  const step = (t1 - t0) / (grid.length - 1);
  let [a, b] = [t0 + step * Math.max(best - 1, 0), t0 + step * Math.min(best + 1, grid.length - 1)];
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 40; k++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (distance(at(c), p) < distance(at(d), p)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

/** The (u, v) of a surface's point nearest p: the nearest grid sample, then Gauss-Newton steps with
 * finite-difference derivatives, kept within the domain. */
function refine2(point: (u: number, v: number) => V3, [u0, u1, v0, v1]: number[], grid: { u: number; v: number; p: V3 }[], p: V3, tolerance: number, near?: [number, number]): [number, number] {
  // From a neighbour's (u, v) first (a loop's points follow one another): kept when it lands on p.
  if (near !== undefined) {
    const [u, v] = newton(point, [u0!, u1!, v0!, v1!], p, near[0], near[1]);
    if (distance(point(u, v), p) <= tolerance) return [u, v];
  }
  let best = grid[0]!;
  let bestGap = Infinity;
  for (const g of grid) {
    const gap = distance(g.p, p);
    if (gap < bestGap) [best, bestGap] = [g, gap];
  }
  return newton(point, [u0!, u1!, v0!, v1!], p, best.u, best.v);
}

/** Gauss-Newton steps from (u, v) towards the surface's point nearest p, kept within the domain. */
function newton(point: (u: number, v: number) => V3, [u0, u1, v0, v1]: number[], p: V3, uStart: number, vStart: number): [number, number] {
  let [u, v] = [uStart, vStart];
  const [hu, hv] = [(u1! - u0!) * 1e-6, (v1! - v0!) * 1e-6];
  for (let k = 0; k < 12; k++) {
    const s = point(u, v);
    const r = sub(s, p);
    // Differences taken inwards at the domain's far edges (where a face's bounds often run).
    const [eu, ev] = [u + hu > u1! ? -hu : hu, v + hv > v1! ? -hv : hv];
    const su = scale(sub(point(u + eu, v), s), 1 / eu);
    const sv = scale(sub(point(u, v + ev), s), 1 / ev);
    const [a, b, c] = [dot(su, su), dot(su, sv), dot(sv, sv)];
    const det = a * c - b * b;
    if (!(Math.abs(det) > 1e-30)) break;
    const [gu, gv] = [dot(su, r), dot(sv, r)];
    const du = (c * gu - b * gv) / det;
    const dv = (a * gv - b * gu) / det;
    u = Math.min(Math.max(u - du, u0!), u1!);
    v = Math.min(Math.max(v - dv, v0!), v1!);
    if (Math.abs(du) < hu && Math.abs(dv) < hv) break;
  }
  return [u, v];
}
