// STEP (ISO 10303-21 files of AP203, AP214 or AP242: .step, .stp), what CAD programs exchange and
// furniture makers, GrabCAD and Printables hand out. A STEP part is a boundary representation:
// faces, each a surface trimmed by loops of edges. Read here (stepFile.ts parses the file,
// stepGeometry.ts the curves and surfaces): every face of the solids and shells the file's shape
// representations hold, placed by the assembly's transforms (REPRESENTATION_RELATIONSHIP_WITH_
// TRANSFORMATION, MAPPED_ITEM), each part as often as the assembly uses it. A face is meshed in its
// surface's (u, v) parameters: its loops, sampled along their edges, are mapped to (u, v); a grid
// over them keeps the cells whose centres lie inside (a ray's crossings, u wrapping round on a
// cylinder, cone, sphere or torus); each kept cell is two triangles on the surface. The cells are
// about 1/150 of the model's size, so a face is followed to within a cell's half; that is what
// sampling points on the surface needs, not a watertight mesh. Faces on surfaces not read (offset
// surfaces and other rare ones) are counted in a warning. In the file's own axes and unit.
// Refused with the reason: not STEP, a part of the file that does not follow the exchange syntax
// (with its line), references to instances the file lacks, no face.
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatBytes, formatCount } from './limits';
import { IDENTITY, type Matrix, invertAffine, multiply, pushTransformed } from './matrix';
import { sceneUp } from './objects';
import { placedMesh } from './placed';
import { type StepEntity, type StepValue, parseStepData } from './stepFile';
import { type Surface, type V3, StepGeometry, axesOf, cross, distance } from './stepGeometry';
import { LoadError, type Parsed } from './types';

/** Cells across the model's bounding-box diagonal: a cell is about 1/150 of the model. */
const CELLS_ACROSS = 150;
/** At most this many cells along a face's u or v. */
const MAX_CELLS = 200;
/** Placements of parts an assembly may make (a bolt used 10,000 times is 10,000). */
const MAX_PLACEMENTS = 100_000;

const BREPS = new Set(['MANIFOLD_SOLID_BREP', 'BREP_WITH_VOIDS', 'FACETED_BREP', 'SHELL_BASED_SURFACE_MODEL']);

function malformed(detail: string): LoadError {
  return new LoadError('step', 'malformed', detail);
}

function refOf(v: StepValue | undefined): number | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'ref' in v ? v.ref : undefined;
}

function refs(v: StepValue | undefined): number[] {
  return Array.isArray(v) ? v.map(refOf).filter((r): r is number => r !== undefined) : [];
}

/** Radians in the file's plane-angle unit: 1, or a conversion-based unit's factor (degrees). */
function angleUnit(entities: Map<number, StepEntity>): number {
  for (const e of entities.values()) {
    if (!e.parts?.has('PLANE_ANGLE_UNIT') || !e.parts.has('CONVERSION_BASED_UNIT')) continue;
    const measure = entities.get(refOf(e.parts.get('CONVERSION_BASED_UNIT')![1]) ?? -1);
    const value = measure?.args[0];
    if (typeof value === 'number') return value;
    if (value !== null && typeof value === 'object' && 'args' in value && typeof value.args[0] === 'number') return value.args[0];
  }
  return 1;
}

/** An AXIS2_PLACEMENT_3D as a matrix (column-major, as matrix.ts composes them). */
function placementMatrix(geometry: StepGeometry, v: StepValue): Matrix {
  const e = geometry.entity(v, 'a transformation');
  if (e.type === 'CARTESIAN_TRANSFORMATION_OPERATOR_3D') return operatorMatrix(geometry, e);
  const f = geometry.frame(v, 'a transformation');
  return [...f.x, 0, ...f.y, 0, ...f.z, 0, ...f.o, 1];
}

/** A CARTESIAN_TRANSFORMATION_OPERATOR_3D (a mapped item's target in some exporters' files): its
 * axes (axis1 and axis2 just before the origin, axis3 after the scale; each optional, made
 * orthonormal as ISO 10303-42's base_axis does), origin and uniform scale, found from the origin
 * (the one point), as exporters write the operator's name and description differently. */
function operatorMatrix(geometry: StepGeometry, e: StepEntity): Matrix {
  const what = `transformation #${e.id}`;
  const at = e.args.findIndex((a) => refOf(a) !== undefined && geometry.entity(a, what).type === 'CARTESIAN_POINT');
  if (at < 0) throw malformed(`${what} has no origin`);
  const direction = (a: StepValue | undefined) => (refOf(a) !== undefined && geometry.entity(a!, what).type === 'DIRECTION' ? geometry.direction(a!, what) : undefined);
  const [axis1, axis2] = [direction(e.args[at - 2]), direction(e.args[at - 1])];
  const after = e.args.slice(at + 1);
  const scaleValue = after.find((a) => typeof a === 'number');
  const axis3 = after.map(direction).find((d) => d !== undefined);
  const scale = typeof scaleValue === 'number' ? scaleValue : 1;
  // base_axis: z from axis3 (or x cross y), x from axis1 made perpendicular to it, y completing.
  const x0: V3 = axis1 ?? [1, 0, 0];
  const { x, y, z } = axesOf(axis3 ?? cross(x0, axis2 ?? [0, 1, 0]), x0);
  const o = geometry.point(e.args[at]!, what);
  return [...x.map((c) => c * scale), 0, ...y.map((c) => c * scale), 0, ...z.map((c) => c * scale), 0, ...o, 1];
}

interface Placement {
  brep: number;
  matrix: Matrix;
}

/** Every solid or shell the file's shape representations place, with its world matrix: the
 * assembly's tree walked from the representations no other one places. */
function placements(entities: Map<number, StepEntity>, geometry: StepGeometry): Placement[] {
  const reps = new Map<number, StepEntity>();
  for (const e of entities.values()) if (!e.parts && /(^|_)SHAPE_REPRESENTATION$/.test(e.type) && Array.isArray(e.args[1])) reps.set(e.id, e);
  // Representations that share coordinates (a part's SHAPE_REPRESENTATION and its
  // ADVANCED_BREP_SHAPE_REPRESENTATION, joined by a SHAPE_REPRESENTATION_RELATIONSHIP).
  const same = new Map<number, number[]>();
  const join = (a: number, b: number) => {
    same.set(a, [...(same.get(a) ?? []), b]);
    same.set(b, [...(same.get(b) ?? []), a]);
  };
  // Product definitions' representations, to tell which side of a relationship is the child.
  const repOfDefinition = new Map<number, number>();
  for (const e of entities.values()) {
    if (e.type !== 'SHAPE_DEFINITION_REPRESENTATION') continue;
    const shape = entities.get(refOf(e.args[0]) ?? -1);
    const definition = refOf(shape?.args[2]);
    const rep = refOf(e.args[1]);
    if (definition !== undefined && rep !== undefined) repOfDefinition.set(definition, rep);
  }
  // The child of each transforming relationship, from the assembly usage it represents.
  const childOf = new Map<number, number>();
  for (const e of entities.values()) {
    if (e.type !== 'CONTEXT_DEPENDENT_SHAPE_REPRESENTATION') continue;
    const shape = entities.get(refOf(e.args[1]) ?? -1);
    const usage = entities.get(refOf(shape?.args[2]) ?? -1);
    const child = repOfDefinition.get(refOf(usage?.args[4]) ?? -1);
    const relation = refOf(e.args[0]);
    if (child !== undefined && relation !== undefined) childOf.set(relation, child);
  }
  const children = new Map<number, { rep: number; matrix: Matrix }[]>();
  const placed = new Set<number>();
  const addChild = (parent: number, child: number, matrix: Matrix) => {
    children.set(parent, [...(children.get(parent) ?? []), { rep: child, matrix }]);
    placed.add(child);
  };
  for (const e of entities.values()) {
    const relation = e.parts?.get('REPRESENTATION_RELATIONSHIP') ?? (e.type === 'SHAPE_REPRESENTATION_RELATIONSHIP' ? e.args : undefined);
    if (relation === undefined) continue;
    const [a, b] = [refOf(relation[2]), refOf(relation[3])];
    if (a === undefined || b === undefined) continue;
    const transformation = entities.get(refOf(e.parts?.get('REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION')?.[0]) ?? -1);
    if (transformation === undefined || transformation.type !== 'ITEM_DEFINED_TRANSFORMATION') {
      join(a, b);
      continue;
    }
    // rep_1 is placed in rep_2's context: transform_item_1 (of rep_1) goes to transform_item_2.
    let [child, parent, from, to] = [a, b, transformation.args[2]!, transformation.args[3]!];
    const named = childOf.get(e.id);
    if (named !== undefined && sameClass(named, b, same) && !sameClass(named, a, same)) [child, parent, from, to] = [b, a, to, from];
    const inverse = invertAffine(placementMatrix(geometry, from));
    if (inverse === null) throw malformed(`transformation #${transformation.id} flattens space`);
    addChild(parent, child, multiply(placementMatrix(geometry, to), inverse));
  }
  // A representation's items: solids and shells, and mapped items placing other representations.
  const items = new Map<number, number[]>();
  for (const rep of reps.values()) {
    const breps: number[] = [];
    for (const id of refs(rep.args[1])) {
      const item = entities.get(id);
      if (item === undefined) continue;
      if (BREPS.has(item.type)) breps.push(id);
      else if (item.type === 'MAPPED_ITEM') {
        const map = entities.get(refOf(item.args[1]) ?? -1);
        const mapped = refOf(map?.args[1]);
        if (map === undefined || mapped === undefined) continue;
        const inverse = invertAffine(placementMatrix(geometry, map.args[0]!));
        if (inverse === null) throw malformed(`mapped item #${item.id} flattens space`);
        addChild(rep.id, mapped, multiply(placementMatrix(geometry, item.args[2]!), inverse));
      }
    }
    items.set(rep.id, breps);
  }
  const out: Placement[] = [];
  const visit = (rep: number, matrix: Matrix, path: Set<number>) => {
    const group = classOf(rep, same);
    if ([...group].some((r) => path.has(r))) throw malformed(`the assembly places representation #${rep} inside itself`);
    const inner = new Set([...path, ...group]);
    for (const r of group) {
      for (const brep of items.get(r) ?? []) {
        if (out.length >= MAX_PLACEMENTS) throw new LoadError('step', 'too-large', `the assembly places more than ${formatCount(MAX_PLACEMENTS)} solids`);
        out.push({ brep, matrix });
      }
      for (const child of children.get(r) ?? []) visit(child.rep, multiply(matrix, child.matrix), inner);
    }
  };
  const roots = [...reps.keys()].filter((r) => ![...classOf(r, same)].some((s) => placed.has(s)));
  const visited = new Set<number>();
  for (const root of roots) {
    if (visited.has(root)) continue;
    for (const r of classOf(root, same)) visited.add(r);
    visit(root, IDENTITY, new Set());
  }
  if (out.length === 0) {
    // No representation places them (a file of bare solids): each once, as it is.
    for (const e of entities.values()) if (BREPS.has(e.type)) out.push({ brep: e.id, matrix: IDENTITY });
  }
  return out;
}

function classOf(rep: number, same: Map<number, number[]>): Set<number> {
  const out = new Set([rep]);
  const queue = [rep];
  while (queue.length > 0) for (const next of same.get(queue.pop()!) ?? []) if (!out.has(next)) out.add(next), queue.push(next);
  return out;
}

function sameClass(a: number, b: number, same: Map<number, number[]>): boolean {
  return classOf(a, same).has(b);
}

/** An oriented face or shell's underlying one (ORIENTED_FACE, ORIENTED_CLOSED_SHELL: name, *,
 * the element, its orientation); any other entity itself. */
function unoriented(entities: Map<number, StepEntity>, id: number): number {
  const e = entities.get(id);
  return e !== undefined && e.type.startsWith('ORIENTED_') && e.type !== 'ORIENTED_EDGE' ? (refOf(e.args[2]) ?? id) : id;
}

/** The faces of a solid or shell. */
function facesOf(entities: Map<number, StepEntity>, brep: StepEntity): number[] {
  const shells = brep.type === 'SHELL_BASED_SURFACE_MODEL' ? refs(brep.args[1]) : brep.type === 'BREP_WITH_VOIDS' ? [refOf(brep.args[1]), ...refs(brep.args[2])].filter((r): r is number => r !== undefined) : [refOf(brep.args[1])].filter((r): r is number => r !== undefined);
  return shells.flatMap((s) => refs(entities.get(unoriented(entities, s))?.args[1]).map((f) => unoriented(entities, f)));
}

/** A face's loops as 3D polylines: each edge sampled along its curve, in the loop's direction. */
class Loops {
  private readonly edges = new Map<number, V3[]>();

  constructor(private readonly geometry: StepGeometry) {}

  of(face: StepEntity): V3[][] {
    const loops: V3[][] = [];
    for (const boundId of refs(face.args[1])) {
      const bound = this.geometry.entity({ ref: boundId }, `face #${face.id}`);
      const loop = this.geometry.entity(bound.args[1]!, `bound #${bound.id}`);
      if (loop.type === 'POLY_LOOP') loops.push(refs(loop.args[1]).map((p) => this.geometry.point({ ref: p }, `loop #${loop.id}`)));
      if (loop.type !== 'EDGE_LOOP') continue;
      const points: V3[] = [];
      for (const orientedId of refs(loop.args[1])) {
        const oriented = this.geometry.entity({ ref: orientedId }, `loop #${loop.id}`);
        const edgeId = refOf(oriented.args[3]);
        if (edgeId === undefined) throw malformed(`oriented edge #${oriented.id} names no edge`);
        const along = this.edge(edgeId);
        const forward = (oriented.args[4] as { enum?: string } | null)?.enum !== 'F';
        points.push(...(forward ? along : [...along].reverse()));
      }
      if (points.length >= 2) loops.push(points);
    }
    return loops;
  }

  /** An edge's points from its start vertex to its end one. */
  private edge(id: number): V3[] {
    const known = this.edges.get(id);
    if (known !== undefined) return known;
    const e = this.geometry.entity({ ref: id }, 'an oriented edge');
    if (e.type !== 'EDGE_CURVE') throw malformed(`edge #${id} is a ${e.type}, not an EDGE_CURVE`);
    const vertex = (v: StepValue) => this.geometry.point(this.geometry.entity(v, `edge #${id}`).args[1]!, `edge #${id}'s vertex`);
    const [a, b] = [vertex(e.args[1]!), vertex(e.args[2]!)];
    const curve = this.geometry.curve(e.args[3]!);
    const sense = (e.args[4] as { enum?: string } | null)?.enum !== 'F';
    let points: V3[] = [a, b];
    if (curve !== null && curve.samples > 1) {
      let [ta, tb] = [curve.param(a), curve.param(b)];
      if (curve.period !== undefined) {
        if (distance(a, b) < 1e-9 * (1 + Math.abs(a[0]) + Math.abs(a[1]) + Math.abs(a[2]))) tb = ta + (sense ? curve.period : -curve.period);
        else if (sense && tb <= ta) tb += curve.period;
        else if (!sense && tb >= ta) tb -= curve.period;
      }
      const share = curve.period !== undefined ? Math.abs(tb - ta) / curve.period : Math.abs(tb - ta) / Math.max(curve.t1 - curve.t0, 1e-300);
      const n = Math.min(512, Math.max(2, Math.ceil(curve.samples * Math.min(share, 1))));
      points = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? a : i === n ? b : curve.at(ta + ((tb - ta) * i) / n)));
    }
    this.edges.set(id, points);
    return points;
  }
}

/** A face meshed in (u, v): vertices in the face's place (before the assembly's), triangles. */
interface FaceMesh {
  positions: number[];
  triangles: number[];
}

/** (u, v) of a loop's points, unwrapped along the loop where the surface closes on itself. */
function loopUv(surface: Surface, loop: V3[]): [number, number][] {
  const out: [number, number][] = [];
  let near: [number, number] | undefined;
  for (const p of loop) {
    const [u, v] = (near = surface.uv(p, near));
    const previous = out[out.length - 1];
    const wrap = (value: number, last: number | undefined, period: number | undefined) =>
      period === undefined || last === undefined ? value : value + period * Math.round((last - value) / period);
    out.push([wrap(u, previous?.[0], surface.periodU), wrap(v, previous?.[1], surface.periodV)]);
  }
  return out;
}

/** Which cells of an nu x nv grid over (u0..u1, v0..v1) have their centres inside the loops: in
 * each column, the loops' crossings of the line through the centres (u taken round the period on
 * a closed surface), counted from above as a ray towards +v would meet them. */
function cellsInside(loops: [number, number][][], [u0, u1, v0, v1]: [number, number, number, number], nu: number, nv: number, period: number | undefined): boolean[] {
  const keep = new Array<boolean>(nu * nv).fill(false);
  const du = (u1 - u0) / nu;
  const dv = (v1 - v0) / nv;
  const crossings: number[][] = Array.from({ length: nu }, () => []);
  for (const loop of loops) {
    for (let i = 0; i < loop.length; i++) {
      const [ua, va] = loop[i]!;
      const [ub, vb] = loop[(i + 1) % loop.length]!;
      const [lo, hi] = ua < ub ? [ua, ub] : [ub, ua];
      if (!(hi > lo)) continue;
      // The columns whose centre u (or that u a whole number of periods on) falls in [lo, hi).
      const shifts: number[] = [];
      if (period === undefined) shifts.push(0);
      else for (let k = Math.floor((lo - u1) / period); k <= Math.ceil((hi - u0) / period); k++) shifts.push(k * period);
      for (const shift of shifts) {
        // One column early: the bounds test below decides, free of the division's rounding.
        const first = Math.max(0, Math.ceil((lo - shift - u0) / du - 0.5) - 1);
        for (let c = first; c < nu; c++) {
          const u = u0 + (c + 0.5) * du + shift;
          if (u >= hi) break;
          if (u < lo) continue;
          crossings[c]!.push(va + ((vb - va) * (u - ua)) / (ub - ua));
        }
      }
    }
  }
  for (let c = 0; c < nu; c++) {
    const column = crossings[c]!.sort((a, b) => a - b);
    let k = 0;
    for (let r = 0; r < nv; r++) {
      const v = v0 + (r + 0.5) * dv;
      while (k < column.length && column[k]! <= v) k++;
      // Crossings above v: column.length - k.
      keep[r * nu + c] = (column.length - k) % 2 === 1;
    }
  }
  return keep;
}

/** Length of the surface's path through `count` + 1 points. */
function pathLength(surface: Surface, from: [number, number], to: [number, number], count: number): number {
  let length = 0;
  let last = surface.point(from[0], from[1]);
  for (let i = 1; i <= count; i++) {
    const p = surface.point(from[0] + ((to[0] - from[0]) * i) / count, from[1] + ((to[1] - from[1]) * i) / count);
    length += distance(last, p);
    last = p;
  }
  return length;
}

function meshFace(surface: Surface, loops3: V3[][], cell: number): FaceMesh {
  // A face bounded by no edges (a whole sphere's, whose bound is a vertex) is its whole surface.
  if (loops3.length === 0) {
    if (surface.domain === undefined) return { positions: [], triangles: [] };
    const [a, b, c, d] = surface.domain;
    return meshBox(surface, [a, b, c, d], cell, null);
  }
  const loops = loops3.map((loop) => loopUv(surface, loop));
  const period = surface.periodU;
  // Loops of a face on a closed surface, turned by whole periods to lie together.
  if (period !== undefined && loops.length > 1) {
    const mean = (loop: [number, number][]) => loop.reduce((s, [u]) => s + u, 0) / loop.length;
    const reference = mean(loops[0]!);
    for (const loop of loops.slice(1)) {
      const shift = period * Math.round((reference - mean(loop)) / period);
      for (const p of loop) p[0] += shift;
    }
  }
  let [u0, u1, v0, v1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const loop of loops) for (const [u, v] of loop) [u0, u1, v0, v1] = [Math.min(u0, u), Math.max(u1, u), Math.min(v0, v), Math.max(v1, v)];
  if (period !== undefined && u1 - u0 > period) u1 = u0 + period;
  if (surface.periodV !== undefined && v1 - v0 > surface.periodV) v1 = v0 + surface.periodV;
  if (!(u1 > u0) && period !== undefined) u1 = u0 + period;
  if (!(v1 > v0) && surface.periodV !== undefined) v1 = v0 + surface.periodV;
  if (!(u1 > u0) || !(v1 > v0) || !Number.isFinite(u1 - u0 + v1 - v0)) return { positions: [], triangles: [] };
  return meshBox(surface, [u0, u1, v0, v1], cell, (nu, nv) => cellsInside(loops, [u0, u1, v0, v1], nu, nv, period));
}

/** The cells of a grid over (u, v) from u0 to u1 and v0 to v1 that `within` keeps (given the
 * grid's size), two triangles a cell (every cell when it keeps none: see meshFace). */
function meshBox(surface: Surface, [u0, u1, v0, v1]: [number, number, number, number], cell: number, within: ((nu: number, nv: number) => boolean[]) | null): FaceMesh {
  const [vm, um] = [(v0 + v1) / 2, (u0 + u1) / 2];
  const nu = Math.min(MAX_CELLS, Math.max(1, Math.ceil(pathLength(surface, [u0, vm], [u1, vm], 16) / cell)));
  const nv = Math.min(MAX_CELLS, Math.max(1, Math.ceil(pathLength(surface, [um, v0], [um, v1], 16) / cell)));
  const keep = within === null ? new Array<boolean>(nu * nv).fill(true) : within(nu, nv);
  const kept = keep.filter(Boolean).length;
  // No cell inside: the loops enclose nothing in (u, v) (a whole sphere or torus, bounded by its
  // seams and poles alone): the face is the whole of the box they span.
  if (kept === 0) keep.fill(true);
  const index = new Map<number, number>();
  const positions: number[] = [];
  const corner = (i: number, j: number): number => {
    const key = j * (nu + 1) + i;
    const known = index.get(key);
    if (known !== undefined) return known;
    positions.push(...surface.point(u0 + ((u1 - u0) * i) / nu, v0 + ((v1 - v0) * j) / nv));
    index.set(key, positions.length / 3 - 1);
    return positions.length / 3 - 1;
  };
  const triangles: number[] = [];
  for (let j = 0; j < nv; j++) {
    for (let i = 0; i < nu; i++) {
      if (!keep[j * nu + i]) continue;
      const [a, b, c, d] = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)];
      triangles.push(a, b, c, a, c, d);
    }
  }
  return { positions, triangles };
}

export function parseStep(bytes: Uint8Array): Parsed {
  if (bytes.length > LIMITS.maxStepBytes) {
    throw new LoadError('step', 'too-large', `the file is ${formatBytes(bytes.length)}; STEP files are read up to ${formatBytes(LIMITS.maxStepBytes)} (LIMITS.maxStepBytes: one takes about 9 times its size in memory while it is read): export the model, or fewer of its parts, as STL or glTF`);
  }
  const entities = parseStepData(new TextDecoder('latin1').decode(bytes));
  const geometry = new StepGeometry(entities, angleUnit(entities));
  const placed = placements(entities, geometry);
  const loops = new Loops(geometry);
  // Each solid's faces, their loops, and the model's size (from the loops, placed).
  const faceLoops = new Map<number, { surface: Surface | null; loops: V3[][] }>();
  const facesOfBrep = new Map<number, number[]>();
  const lo: V3 = [Infinity, Infinity, Infinity];
  const hi: V3 = [-Infinity, -Infinity, -Infinity];
  for (const { brep, matrix } of placed) {
    if (!facesOfBrep.has(brep)) facesOfBrep.set(brep, facesOf(entities, geometry.entity({ ref: brep }, 'a shape representation')));
    for (const faceId of facesOfBrep.get(brep)!) {
      if (!faceLoops.has(faceId)) {
        const face = geometry.entity({ ref: faceId }, `solid #${brep}`);
        faceLoops.set(faceId, { surface: face.args[2] === undefined ? null : geometry.surface(face.args[2]), loops: loops.of(face) });
      }
      for (const loop of faceLoops.get(faceId)!.loops) {
        for (const p of loop) {
          const m = matrix;
          const q: V3 = [m[0]! * p[0] + m[4]! * p[1] + m[8]! * p[2] + m[12]!, m[1]! * p[0] + m[5]! * p[1] + m[9]! * p[2] + m[13]!, m[2]! * p[0] + m[6]! * p[1] + m[10]! * p[2] + m[14]!];
          for (let k = 0; k < 3; k++) [lo[k], hi[k]] = [Math.min(lo[k]!, q[k]!), Math.max(hi[k]!, q[k]!)];
        }
      }
    }
  }
  if (faceLoops.size === 0) throw new LoadError('step', 'empty', 'the file holds no solid or surface model with faces (only wires, points or product data)');
  const cell = Math.max(distance(lo, hi), 1e-300) / CELLS_ACROSS;
  const meshes = new Map<number, FaceMesh>();
  let unread = 0;
  for (const [id, { surface, loops: faceLoopList }] of faceLoops) {
    if (surface === null) {
      unread++;
      continue;
    }
    meshes.set(id, meshFace(surface, faceLoopList, cell));
  }
  const world = new Float64Builder();
  const indices = new Uint32Builder();
  for (const { brep, matrix } of placed) {
    for (const faceId of facesOfBrep.get(brep)!) {
      const mesh = meshes.get(faceId);
      if (mesh === undefined || mesh.triangles.length === 0) continue;
      const base = world.length / 3;
      if (base + mesh.positions.length / 3 > LIMITS.maxPoints) throw new LoadError('step', 'too-large', `the model's faces need more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
      if (indices.length / 3 + mesh.triangles.length / 3 > LIMITS.maxFaces) throw new LoadError('step', 'too-large', `the model's faces need more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
      pushTransformed(world, matrix, mesh.positions);
      for (const t of mesh.triangles) indices.push(base + t);
    }
  }
  const warnings: string[] = [];
  if (unread > 0) {
    const types = [...geometry.unread.keys()].join(', ');
    warnings.push(`STEP: ${countOf(unread, 'face')} on surfaces that are not read (${types}) left out`);
  }
  if (indices.length === 0) throw new LoadError('step', 'empty', unread > 0 ? `every face lies on a surface that is not read (${[...geometry.unread.keys()].join(', ')})` : 'no face could be meshed');
  // CAD programs mostly model z up (SolidWorks y up): separate objects standing side by side are
  // looked for along z in a file that places two or more solids (objects.ts sceneUp); pieces that
  // touch (a chair's mated parts) stay one object, along any up.
  return { ...placedMesh(world.finish(), indices.finish(), warnings), ...sceneUp('z', placed.length) };
}
