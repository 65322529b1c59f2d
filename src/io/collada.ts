// COLLADA (.dae), the XML format SketchUp and 3D Warehouse, older Blender and 3ds Max / Maya
// pipelines, and many free-model sites use: every mesh the scene places, by its nodes. Our own
// reader (three.js's ColladaLoader parses with DOMParser, which a Web Worker does not have).
// Read: <triangles>, <polylist>, <polygons> (holes of <ph> ignored), <trifans>, <tristrips>, their
// VERTEX input into the <vertices>' POSITION source; node transforms (<matrix>, <translate>,
// <rotate>, <scale>, <lookat>) composed down the tree; <instance_geometry>, <instance_node> (SketchUp's
// components), <instance_controller> (a skin's bind-shape pose, a morph's base mesh). The file's
// axes and units are kept, as for every format (the app finds the up itself). Without a
// <visual_scene>, every geometry is read where it is defined. Lines are skipped (a mesh of lines
// only with a warning), as are references into other files (with a warning). Refused with the reason: XML that is not well-formed (xml.ts),
// a root other than <COLLADA>, a reference to an id that does not exist, a node that contains
// itself, a list that holds a different number of values than its count says, an index past its
// source, a transform with the wrong number of values; no triangles anywhere.
import { sceneUp } from './objects';
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { toNumber } from './numbers';
import { IDENTITY, type Matrix, axisAngle, multiply, pushTransformed, scaling, translation } from './matrix';
import { placedMesh } from './placed';
import { decodeText, firstBinaryByte, hexByte, quote } from './text';
import { LoadError, type Parsed } from './types';
import { type XmlElement, MAX_DEPTH, childNamed, childrenNamed, lineOf, parseXml } from './xml';

/** Geometries placed in all: instance_node lists repeated down a tree multiply without bound. */
const MAX_PLACED = 1_000_000;

interface Geometry {
  /** x, y, z of each position of the mesh's POSITION source. */
  positions: Float64Array;
  count: number;
  /** Triangles as indices into `positions`. */
  triangles: Uint32Array;
  lines: number;
}

class ColladaFile {
  private readonly ids = new Map<string, XmlElement>();
  private readonly geometries = new Map<XmlElement, Geometry | null>();
  readonly warnings = new Set<string>();

  constructor(
    readonly root: XmlElement,
    private readonly text: string,
  ) {
    const walk = (e: XmlElement): void => {
      const id = e.attributes.id;
      if (id !== undefined && !this.ids.has(id)) this.ids.set(id, e);
      e.children.forEach(walk);
    };
    walk(root);
  }

  malformed(at: XmlElement, detail: string): LoadError {
    return new LoadError('dae', 'malformed', `line ${lineOf(this.text, at.at)}: ${detail}`);
  }

  /** The element a "#id" reference names; undefined (with a warning) for one into another file. */
  target(from: XmlElement, attribute: string, kinds: readonly string[]): XmlElement | undefined {
    const url = from.attributes[attribute];
    if (url === undefined) throw this.malformed(from, `<${from.name}> has no ${attribute}`);
    if (!url.startsWith('#')) {
      this.warnings.add(`COLLADA: references into other files skipped (${quote(url)})`);
      return undefined;
    }
    let id = url.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch {
      // not percent-encoding: the id as written
    }
    const e = this.ids.get(id);
    if (e === undefined || !kinds.includes(e.name)) {
      throw this.malformed(from, `<${from.name}> refers to ${quote(url)}, which the file does not define${e === undefined ? '' : ` as a <${kinds[0]}> (it is a <${e.name}>)`}`);
    }
    return e;
  }

  numbers(e: XmlElement, what: string): number[] {
    const tokens = e.text.trim() === '' ? [] : e.text.trim().split(/\s+/);
    return tokens.map((t, k) => {
      const v = toNumber(t);
      if (v === null) throw this.malformed(e, `${what}: value ${k} ${quote(t)} is not a number`);
      return v;
    });
  }

  private indices(e: XmlElement, what: string): Uint32Array {
    const tokens = e.text.trim() === '' ? [] : e.text.trim().split(/\s+/);
    const out = new Uint32Array(tokens.length);
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (!/^\+?\d{1,10}$/.test(t) || Number(t) > 0xffffffff) throw this.malformed(e, `${what}: value ${k} ${quote(t)} is not an index`);
      out[k] = Number(t);
    }
    return out;
  }

  private countAttribute(e: XmlElement, name: string, fallback?: number): number {
    const raw = e.attributes[name];
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw this.malformed(e, `<${e.name}> has no ${name}`);
    }
    if (!/^\s*\+?\d{1,10}\s*$/.test(raw)) throw this.malformed(e, `<${e.name}>'s ${name} is ${quote(raw)}, not a count`);
    return Number(raw);
  }

  /** The positions a <vertices> element's POSITION input names, as x, y, z each. */
  private positionsOf(vertices: XmlElement): { values: Float64Array; count: number } {
    const input = childrenNamed(vertices, 'input').find((i) => i.attributes.semantic === 'POSITION');
    if (input === undefined) throw this.malformed(vertices, '<vertices> has no POSITION input');
    const source = this.target(input, 'source', ['source']);
    if (source === undefined) throw new LoadError('dae', 'unsupported', `line ${lineOf(this.text, input.at)}: the positions are in another file`);
    const array = childNamed(source, 'float_array');
    if (array === undefined) throw this.malformed(source, `source ${quote(source.attributes.id ?? '')} has no <float_array>`);
    const values = this.numbers(array, `float_array ${quote(array.attributes.id ?? '')}`);
    const declared = this.countAttribute(array, 'count');
    if (declared !== values.length) throw this.malformed(array, `float_array ${quote(array.attributes.id ?? '')} says count="${declared}" but holds ${formatCount(values.length)} values`);
    const accessor = childNamed(childNamed(source, 'technique_common') ?? source, 'accessor');
    const count = accessor === undefined ? Math.floor(values.length / 3) : this.countAttribute(accessor, 'count');
    const stride = accessor === undefined ? 3 : this.countAttribute(accessor, 'stride', 1);
    const offset = accessor === undefined ? 0 : this.countAttribute(accessor, 'offset', 0);
    if (stride < 3) throw this.malformed(accessor!, `the positions' accessor has stride ${stride}; a position needs 3 values`);
    if (count > LIMITS.maxPoints) throw new LoadError('dae', 'too-large', `a mesh has ${formatCount(count)} positions; ${POINT_LIMIT_TEXT}`);
    if (count > 0 && offset + (count - 1) * stride + 3 > values.length) {
      throw this.malformed(accessor!, `the positions' accessor reads ${formatCount(count)} positions of stride ${stride} from ${formatCount(values.length)} values`);
    }
    const out = new Float64Array(count * 3);
    for (let k = 0; k < count; k++) for (let j = 0; j < 3; j++) out[k * 3 + j] = values[offset + k * stride + j]!;
    return { values: out, count };
  }

  /** A <geometry>'s mesh as positions and triangles; null for one that is not a <mesh>. */
  geometry(g: XmlElement): Geometry | null {
    if (this.geometries.has(g)) return this.geometries.get(g)!;
    const mesh = childNamed(g, 'mesh');
    let result: Geometry | null = null;
    if (mesh === undefined) {
      this.warnings.add(`COLLADA: geometries other than meshes (${g.children.map((c) => `<${c.name}>`).join(', ') || 'empty'}) skipped`);
    } else {
      const vertices = childNamed(mesh, 'vertices');
      if (vertices === undefined) throw this.malformed(mesh, `the mesh of geometry ${quote(g.attributes.id ?? '')} has no <vertices>`);
      const { values, count } = this.positionsOf(vertices);
      const triangles = new Uint32Builder();
      let lines = 0;
      for (const primitive of mesh.children) {
        if (primitive.name === 'lines' || primitive.name === 'linestrips') lines++;
        else if (['triangles', 'polylist', 'polygons', 'trifans', 'tristrips'].includes(primitive.name)) this.primitive(primitive, vertices, count, triangles);
      }
      result = { positions: values, count, triangles: triangles.finish(), lines };
    }
    this.geometries.set(g, result);
    return result;
  }

  /** One primitive's triangles, as position indices, pushed to `out`. */
  private primitive(p: XmlElement, vertices: XmlElement, positionCount: number, out: Uint32Builder): void {
    const inputs = childrenNamed(p, 'input');
    const vertexInput = inputs.find((i) => i.attributes.semantic === 'VERTEX');
    if (vertexInput === undefined) throw this.malformed(p, `<${p.name}> has no VERTEX input`);
    if (vertexInput.attributes.source !== undefined && this.target(vertexInput, 'source', ['vertices']) !== vertices) {
      throw this.malformed(vertexInput, `the VERTEX input names ${quote(vertexInput.attributes.source)}, not the mesh's <vertices>`);
    }
    const stride = Math.max(...inputs.map((i) => this.countAttribute(i, 'offset', 0))) + 1;
    const at = this.countAttribute(vertexInput, 'offset', 0);
    const what = `<${p.name}>`;
    /** The position of corner `k` of list `list`, checked against the source. */
    const corner = (list: Uint32Array, e: XmlElement, k: number): number => {
      const v = list[k * stride + at]!;
      if (v >= positionCount) throw new LoadError('dae', 'out-of-range', `line ${lineOf(this.text, e.at)}: ${what}: corner ${k} refers to position ${v} of ${formatCount(positionCount)}`);
      return v;
    };
    const push = (a: number, b: number, c: number): void => {
      if (out.length / 3 >= LIMITS.maxFaces) throw new LoadError('dae', 'too-large', `a mesh has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
      out.push3(a, b, c);
    };
    const lists = (): { e: XmlElement; list: Uint32Array; corners: number }[] =>
      [...childrenNamed(p, 'p'), ...childrenNamed(p, 'ph').flatMap((h) => childrenNamed(h, 'p').slice(0, 1))].map((e) => {
        const list = this.indices(e, `${what}'s <p>`);
        if (list.length % stride !== 0) throw this.malformed(e, `${what}'s <p> holds ${formatCount(list.length)} indices, not a multiple of its ${stride} inputs`);
        return { e, list, corners: list.length / stride };
      });
    const fan = (list: Uint32Array, e: XmlElement, first: number, n: number): void => {
      if (n < 3) return;
      const a = corner(list, e, first);
      for (let k = 1; k + 1 < n; k++) push(a, corner(list, e, first + k), corner(list, e, first + k + 1));
    };
    const count = this.countAttribute(p, 'count');
    if (p.name === 'triangles') {
      const [one] = lists();
      if (one === undefined) {
        if (count === 0) return;
        throw this.malformed(p, `<triangles count="${count}"> has no <p>`);
      }
      if (one.corners !== count * 3) throw this.malformed(one.e, `<triangles count="${count}"> needs ${formatCount(count * 3)} corners; its <p> holds ${formatCount(one.corners)}`);
      for (let k = 0; k < count; k++) push(corner(one.list, one.e, 3 * k), corner(one.list, one.e, 3 * k + 1), corner(one.list, one.e, 3 * k + 2));
    } else if (p.name === 'polylist') {
      const vcountElement = childNamed(p, 'vcount');
      const vcount = vcountElement === undefined ? new Uint32Array() : this.indices(vcountElement, '<polylist>\'s <vcount>');
      if (vcount.length !== count) throw this.malformed(vcountElement ?? p, `<polylist count="${count}"> has ${countOf(vcount.length, 'vcount value')}`);
      const [one] = lists();
      const total = vcount.reduce((s, n) => s + n, 0);
      if ((one?.corners ?? 0) !== total) throw this.malformed(one?.e ?? p, `<polylist>'s vcount adds up to ${formatCount(total)} corners; its <p> holds ${formatCount(one?.corners ?? 0)}`);
      let first = 0;
      for (const n of vcount) {
        fan(one!.list, one!.e, first, n);
        first += n;
      }
    } else {
      // <polygons> and <trifans>: each <p> one fan; <tristrips>: each <p> one strip.
      const all = lists();
      if (all.length !== count) throw this.malformed(p, `<${p.name} count="${count}"> holds ${countOf(all.length, '<p>')}`);
      for (const { e, list, corners } of all) {
        if (p.name !== 'tristrips') fan(list, e, 0, corners);
        else for (let k = 0; k + 2 < corners; k++) push(corner(list, e, k), corner(list, e, k + 1 + (k % 2)), corner(list, e, k + 2 - (k % 2)));
      }
    }
  }

  /** A <matrix> or <bind_shape_matrix>: 16 values, row-major. */
  matrix(e: XmlElement): Matrix {
    const v = this.numbers(e, `<${e.name}>`);
    if (v.length !== 16) throw this.malformed(e, `<${e.name}> holds ${countOf(v.length, 'value')}, not 16`);
    return [0, 1, 2, 3].flatMap((c) => [v[c]!, v[4 + c]!, v[8 + c]!, v[12 + c]!]);
  }

  /** A node's own transform: its transform elements in order, each applied after the last. */
  transform(node: XmlElement): Matrix {
    let m = IDENTITY;
    for (const t of node.children) {
      const values = (n: number): number[] => {
        const v = this.numbers(t, `<${t.name}>`);
        if (v.length !== n) throw this.malformed(t, `<${t.name}> holds ${countOf(v.length, 'value')}, not ${n}`);
        return v;
      };
      let local: Matrix | undefined;
      switch (t.name) {
        case 'matrix':
          local = this.matrix(t);
          break;
        case 'translate':
          local = translation(values(3));
          break;
        case 'scale':
          local = scaling(values(3));
          break;
        case 'rotate': {
          const [ax, ay, az, degrees] = values(4) as [number, number, number, number];
          if (Math.hypot(ax, ay, az) === 0 && degrees % 360 !== 0) throw this.malformed(t, '<rotate> has no axis (0 0 0)');
          local = axisAngle(ax, ay, az, (degrees * Math.PI) / 180);
          break;
        }
        case 'lookat': {
          // Eye, point looked at, up: the node at the eye, its -z towards the point.
          const v = values(9);
          const eye = v.slice(0, 3);
          const back = [0, 1, 2].map((i) => eye[i]! - v[3 + i]!);
          const cross = (a: number[], b: number[]): number[] => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
          const unit = (a: number[]): number[] => a.map((x) => x / Math.hypot(...a));
          const z = unit(back);
          const x = unit(cross(v.slice(6, 9), z));
          const y = cross(z, x);
          if (![...x, ...y, ...z].every(Number.isFinite)) throw this.malformed(t, '<lookat> has its eye on the point it looks at, or its up along the line of sight');
          local = [...x, 0, ...y, 0, ...z, 0, ...eye, 1];
          break;
        }
        case 'skew':
          throw new LoadError('dae', 'unsupported', `line ${lineOf(this.text, t.at)}: a node is skewed (<skew>), which is not read`);
      }
      if (local !== undefined) m = multiply(m, local);
    }
    if (!m.every(Number.isFinite)) throw this.malformed(node, `node ${quote(node.attributes.id ?? node.attributes.name ?? '')} has a transform with a value that is not finite`);
    return m;
  }
}

export function parseDae(bytes: Uint8Array): Parsed {
  const binary = firstBinaryByte(bytes);
  if (binary >= 0) throw new LoadError('dae', 'malformed', `byte ${formatCount(binary)} is ${hexByte(bytes[binary]!)}: the file is binary, not COLLADA's XML`);
  const text = decodeText(bytes);
  const root = parseXml('dae', text);
  if (root.name !== 'COLLADA') throw new LoadError('dae', 'malformed', `the file is XML, but its root element is <${root.name}>, not <COLLADA>`);
  const doc = new ColladaFile(root, text);

  const world = new Float64Builder();
  const triangles = new Uint32Builder();
  let vertexTotal = 0;
  let lines = 0;
  let placed = 0;
  let meshes = 0;
  const put = (g: XmlElement, m: Matrix): void => {
    if (++placed > MAX_PLACED) throw new LoadError('dae', 'too-large', `the scene places more than ${formatCount(MAX_PLACED)} meshes`);
    const geometry = doc.geometry(g);
    if (geometry === null) return;
    if (geometry.triangles.length === 0) {
      // Lines beside triangles are a mesh's drawn edges (SketchUp writes them for every face):
      // only a mesh of nothing but lines is worth a warning.
      lines += geometry.lines > 0 ? 1 : 0;
      return;
    }
    meshes++;
    vertexTotal += geometry.count;
    if (vertexTotal > LIMITS.maxPoints) throw new LoadError('dae', 'too-large', `the scene has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
    if (triangles.length / 3 + geometry.triangles.length / 3 > LIMITS.maxFaces) throw new LoadError('dae', 'too-large', `the scene has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    const base = world.length / 3;
    const p = geometry.positions;
    pushTransformed(world, m, p, geometry.count);
    for (let k = 0; k < geometry.triangles.length; k += 3) triangles.push3(base + geometry.triangles[k]!, base + geometry.triangles[k + 1]!, base + geometry.triangles[k + 2]!);
  };
  /** The geometry a controller deforms, and the matrix of its bind shape. */
  const controlled = (c: XmlElement, parent: Matrix, depth: number): void => {
    if (depth > MAX_DEPTH) throw new LoadError('dae', 'unsupported', `controllers are chained more than ${MAX_DEPTH} deep`);
    const skin = childNamed(c, 'skin');
    const morph = childNamed(c, 'morph');
    const deformer = skin ?? morph;
    if (deformer === undefined) throw doc.malformed(c, `controller ${quote(c.attributes.id ?? '')} has no <skin> or <morph>`);
    const bind = skin === undefined ? undefined : childNamed(skin, 'bind_shape_matrix');
    const m = bind === undefined ? parent : multiply(parent, doc.matrix(bind));
    const target = doc.target(deformer, 'source', ['geometry', 'controller']);
    if (target === undefined) return;
    if (target.name === 'geometry') put(target, m);
    else controlled(target, m, depth + 1);
  };
  const inside = new Set<XmlElement>();
  const node = (n: XmlElement, parent: Matrix): void => {
    if (inside.has(n)) throw doc.malformed(n, `node ${quote(n.attributes.id ?? n.attributes.name ?? '')} contains itself`);
    if (inside.size >= MAX_DEPTH) throw new LoadError('dae', 'unsupported', `nodes are nested more than ${MAX_DEPTH} deep`);
    inside.add(n);
    const m = multiply(parent, doc.transform(n));
    for (const child of n.children) {
      if (child.name === 'node') node(child, m);
      else if (child.name === 'instance_node') {
        const target = doc.target(child, 'url', ['node']);
        if (target !== undefined) node(target, m);
      } else if (child.name === 'instance_geometry') {
        const target = doc.target(child, 'url', ['geometry']);
        if (target !== undefined) put(target, m);
      } else if (child.name === 'instance_controller') {
        const target = doc.target(child, 'url', ['controller']);
        if (target !== undefined) controlled(target, m, 0);
      }
    }
    inside.delete(n);
  };

  const scene = childNamed(root, 'scene');
  const instance = scene === undefined ? undefined : childNamed(scene, 'instance_visual_scene');
  const visual = instance !== undefined ? doc.target(instance, 'url', ['visual_scene']) : childrenNamed(root, 'library_visual_scenes').flatMap((l) => childrenNamed(l, 'visual_scene'))[0];
  if (visual !== undefined) {
    for (const n of childrenNamed(visual, 'node')) node(n, IDENTITY);
  } else {
    doc.warnings.add('COLLADA: the file has no visual scene; every geometry read where it is defined');
    for (const g of childrenNamed(root, 'library_geometries').flatMap((l) => childrenNamed(l, 'geometry'))) put(g, IDENTITY);
  }

  const warnings = [...doc.warnings];
  if (lines > 0) warnings.push(`COLLADA: ${countOf(lines, 'mesh', 'meshes')} of lines only skipped`);
  const indices = triangles.finish();
  if (indices.length === 0) throw new LoadError('dae', 'empty', lines > 0 ? 'the scene has only lines, no triangles' : 'the scene places no mesh with triangles');
  // The file says its up (<asset><up_axis>, Y_UP when it does not: SketchUp writes Z_UP): separate
  // objects standing side by side are looked for along it, in a scene of several meshes (an X_UP
  // file is left to the app).
  const asset = childNamed(root, 'asset');
  const upAxis = ((asset === undefined ? undefined : childNamed(asset, 'up_axis')?.text.trim()) ?? 'Y_UP').toUpperCase();
  const up = upAxis === 'Z_UP' ? 'z' : upAxis === 'Y_UP' ? 'y' : undefined;
  return { ...placedMesh(world.finish(), indices, warnings, vertexTotal), ...(up === undefined ? {} : sceneUp(up, meshes)) };
}
