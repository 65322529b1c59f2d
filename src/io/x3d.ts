// VRML97 (.wrl) and X3D (.x3d XML, .x3dv classic): the format CAD programs (SolidWorks, CATIA,
// Creo), 3D scanners' software, MATLAB and science tools export, and X3D its XML successor. Both
// become one node tree (vrml.ts for the text syntax; X3D's XML through xml.ts, each element a node
// and its attributes its fields), walked here: grouping nodes (Transform with its translation,
// rotation, scale, center and scaleOrientation; Group, Switch's chosen child, LOD's first level,
// Anchor, Billboard, Collision, X3D's CAD nodes, a CADPart placing as a Transform) placing Shapes whose geometry is an
// IndexedFaceSet, a (Indexed)TriangleSet, -FanSet or -StripSet, an (Indexed)QuadSet, a Box, Sphere, Cylinder or Cone, or a PointSet (a
// scan's points); DEF / USE instances placed each time. The file's axes and units are kept, as for
// every format. Inline (another file), IndexedLineSet and unknown nodes are skipped, the first two
// with a warning. Refused with the reason: VRML 1.0 (another syntax), X3D's binary encoding, a face
// or point naming a coordinate past its list, a value that is not a number, no faces or points.
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { toNumber } from './numbers';
import { IDENTITY, type Matrix, axisAngle, multiply, pushTransformed, scaling, translation } from './matrix';
import { placedMesh, placedPoints } from './placed';
import { gunzip, isGzip } from './gzip';
import { decodeText, firstBinaryByte, hexByte, quote } from './text';
import { LoadError, type Parsed } from './types';
import { type SceneNode, parseVrml } from './vrml';
import { type XmlElement, lineOf, parseXml } from './xml';

/** Shapes placed in all: USE inside USE multiplies without bound. */
const MAX_PLACED = 1_000_000;
const MAX_DEPTH = 256;

/** VRML's SFRotation (an axis and an angle in radians), and its inverse. */
const rotation = ([x, y, z, angle]: number[]): Matrix => axisAngle(x!, y!, z!, angle!);
const inverseRotation = ([x, y, z, angle]: number[]): Matrix => axisAngle(x!, y!, z!, -angle!);

/** The field a child element fills when it names none (X3D's default containerField). */
const GEOMETRY = new Set(['IndexedFaceSet', 'IndexedTriangleSet', 'IndexedQuadSet', 'QuadSet', 'IndexedTriangleFanSet', 'IndexedTriangleStripSet', 'TriangleSet', 'TriangleFanSet', 'TriangleStripSet', 'PointSet', 'Box', 'Sphere', 'Cylinder', 'Cone', 'IndexedLineSet', 'LineSet', 'ElevationGrid', 'Extrusion', 'Text']);
const CONTAINER: Readonly<Record<string, string>> = { Appearance: 'appearance', Material: 'material', Coordinate: 'coord', CoordinateDouble: 'coord', Normal: 'normal', Color: 'color', ColorRGBA: 'color', TextureCoordinate: 'texCoord' };

function containerOf(e: XmlElement): string {
  return e.attributes.containerField ?? CONTAINER[e.name] ?? (GEOMETRY.has(e.name) ? 'geometry' : 'children');
}

/** X3D XML as the same node tree: an element a node, its attributes its fields, its child
 * elements its node-valued fields (their containerField, or X3D's default for their type); DEF /
 * USE resolved. */
function fromXml(root: XmlElement, text: string): SceneNode[] {
  const defs = new Map<string, SceneNode>();
  const convert = (e: XmlElement, depth: number): SceneNode | null => {
    if (depth > MAX_DEPTH) throw new LoadError('x3d', 'unsupported', `elements are nested more than ${MAX_DEPTH} deep`);
    const use = e.attributes.USE;
    if (use !== undefined) {
      const used = defs.get(use);
      if (used === undefined) throw new LoadError('x3d', 'malformed', `line ${lineOf(text, e.at)}: <${e.name} USE='${use}'>: no node is DEFined by that name before it`);
      return used;
    }
    const fields = new Map<string, string[]>();
    for (const [name, value] of Object.entries(e.attributes)) fields.set(name, value.trim() === '' ? [] : value.trim().split(/[\s,]+/));
    const node: SceneNode = { type: e.name, fields, children: [], line: 0, offset: e.at };
    if (e.attributes.DEF !== undefined) defs.set(e.attributes.DEF, node);
    for (const child of e.children) {
      const c = convert(child, depth + 1);
      if (c !== null) node.children.push({ field: containerOf(child), node: c });
    }
    return node;
  };
  const scene = root.children.find((c) => c.name === 'Scene');
  if (scene === undefined) throw new LoadError('x3d', 'empty', 'the X3D file has no <Scene>');
  return scene.children.map((c) => convert(c, 0)).filter((n): n is SceneNode => n !== null);
}

/** Triangles of a face list with -1 between faces (a face of n corners as a fan). */
function facesOf(index: number[], push: (a: number, b: number, c: number) => void): void {
  let first = 0;
  for (let i = 0; i <= index.length; i++) {
    if (i === index.length || index[i] === -1) {
      for (let k = first + 1; k + 1 < i; k++) push(index[first]!, index[k]!, index[k + 1]!);
      first = i + 1;
    }
  }
}

/** A sphere's, cylinder's or cone's surface around y (VRML's primitives), as triangles. */
function revolved(profile: [number, number][], segments = 24): { points: number[]; triangles: number[] } {
  const points: number[] = [];
  const triangles: number[] = [];
  for (const [r, y] of profile) for (let s = 0; s < segments; s++) points.push(r * Math.sin((2 * Math.PI * s) / segments), y, r * Math.cos((2 * Math.PI * s) / segments));
  for (let p = 0; p + 1 < profile.length; p++) {
    for (let s = 0; s < segments; s++) {
      const a = p * segments + s;
      const b = p * segments + ((s + 1) % segments);
      triangles.push(a, b, a + segments, b, b + segments, a + segments);
    }
  }
  return { points, triangles };
}

/** Gzipped VRML / X3D inflates to at most this. */
const MAX_INFLATED = 4 * LIMITS.maxFileBytes;

export function parseX3d(compressed: Uint8Array): Parsed {
  const format = 'x3d';
  const bytes = isGzip(compressed) ? gunzip(format, compressed, MAX_INFLATED, '4 x LIMITS.maxFileBytes') : compressed;
  const text = decodeText(bytes);
  let roots: SceneNode[];
  if (/^\s*<(\?xml|X3D|!DOCTYPE|!--)/.test(text)) {
    const binary = firstBinaryByte(bytes);
    if (binary >= 0) throw new LoadError(format, 'malformed', `byte ${formatCount(binary)} is ${hexByte(bytes[binary]!)}: the file is binary, not X3D's XML`);
    const root = parseXml(format, text);
    if (root.name !== 'X3D') throw new LoadError(format, 'malformed', `the file is XML, but its root element is <${root.name}>, not <X3D>`);
    roots = fromXml(root, text);
  } else {
    const header = /^#(VRML|X3D) V(\d)\.(\d+)/.exec(text);
    if (header === null) {
      throw new LoadError(format, 'malformed', bytes[0] === 0x58 && bytes[1] === 0x33 && bytes[2] === 0x44 ? "X3D's binary encoding (.x3db) is not read; save it as X3D XML or VRML" : 'the file starts with neither "#VRML V2.0", "#X3D V3" nor X3D\'s XML');
    }
    if (header[1] === 'VRML' && header[2] === '1') throw new LoadError(format, 'unsupported', 'VRML 1.0 is not read (another syntax); save the model as VRML97 (2.0), X3D, glTF or OBJ');
    if (firstBinaryByte(bytes) >= 0) throw new LoadError(format, 'malformed', 'the file has bytes no text has after its VRML header');
    roots = parseVrml(format, text);
  }

  const world = new Float64Builder();
  const triangles = new Uint32Builder();
  const pointRows: number[] = [];
  const skipped = new Map<string, number>();
  let placed = 0;
  const where = (n: SceneNode): string => (n.line > 0 ? `line ${n.line}: ` : n.offset !== undefined ? `line ${lineOf(text, n.offset)}: ` : '');
  const numbers = (n: SceneNode, field: string, fallback: number[]): number[] => {
    const raw = n.fields.get(field);
    if (raw === undefined) return fallback;
    return raw.map((t, i) => {
      const v = toNumber(t);
      if (v === null || !Number.isFinite(v)) throw new LoadError(format, 'malformed', `${where(n)}${n.type}'s ${field}: value ${i} ${quote(t)} is not a number`);
      return v;
    });
  };
  const fixed = (n: SceneNode, field: string, fallback: number[]): number[] => {
    const v = numbers(n, field, fallback);
    if (v.length !== fallback.length) throw new LoadError(format, 'malformed', `${where(n)}${n.type}'s ${field} has ${countOf(v.length, 'value')}, not ${fallback.length}`);
    return v;
  };
  const child = (n: SceneNode, field: string): SceneNode | undefined => n.children.find((c) => c.field === field)?.node;
  const skip = (what: string): void => void skipped.set(what, (skipped.get(what) ?? 0) + 1);

  /** Puts `points` (x, y, z each) through `m` and returns the index of the first. */
  const place = (points: number[], m: Matrix): number => {
    const base = world.length / 3;
    if (base + points.length / 3 > LIMITS.maxPoints) throw new LoadError(format, 'too-large', `the scene has more than ${formatCount(LIMITS.maxPoints)} points; ${POINT_LIMIT_TEXT}`);
    pushTransformed(world, m, points);
    return base;
  };
  const triangle = (base: number, count: number, n: SceneNode) => (a: number, b: number, c: number) => {
    for (const v of [a, b, c]) {
      if (!(v >= 0 && v < count && Number.isInteger(v))) throw new LoadError(format, 'out-of-range', `${where(n)}${n.type}: index ${v} of a coordinate list of ${formatCount(count)}`);
    }
    if (triangles.length / 3 >= LIMITS.maxFaces) throw new LoadError(format, 'too-large', `the scene has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    triangles.push3(base + a, base + b, base + c);
  };
  const coordinates = (g: SceneNode): number[] => {
    const coord = child(g, 'coord');
    const points = coord === undefined ? [] : numbers(coord, 'point', []);
    if (points.length % 3 !== 0) throw new LoadError(format, 'malformed', `${where(coord!)}${coord!.type}'s point list has ${formatCount(points.length)} values, not a multiple of 3`);
    return points;
  };

  const geometry = (g: SceneNode, m: Matrix): void => {
    switch (g.type) {
      case 'IndexedFaceSet':
      case 'IndexedTriangleSet':
      case 'IndexedQuadSet':
      case 'IndexedTriangleFanSet':
      case 'IndexedTriangleStripSet':
      case 'TriangleSet':
      case 'QuadSet':
      case 'TriangleFanSet':
      case 'TriangleStripSet': {
        const points = coordinates(g);
        const count = points.length / 3;
        const push = triangle(place(points, m), count, g);
        const indexed = g.type.startsWith('Indexed');
        const kind = g.type.replace(/^Indexed/, '');
        // The unindexed sets name their coordinates in order; fans and strips by their counts,
        // written here as the indexed sets write them, -1 after each.
        let index: number[];
        if (indexed) index = numbers(g, g.type === 'IndexedFaceSet' ? 'coordIndex' : 'index', []);
        else if (kind === 'TriangleFanSet' || kind === 'TriangleStripSet') {
          index = [];
          let next = 0;
          for (const n of numbers(g, kind === 'TriangleFanSet' ? 'fanCount' : 'stripCount', [count])) {
            for (let k = 0; k < n; k++) index.push(next++);
            index.push(-1);
          }
        } else index = Array.from({ length: count }, (_, i) => i);
        if (kind === 'FaceSet') facesOf(index, push);
        else if (kind === 'TriangleSet') for (let i = 0; i + 2 < index.length; i += 3) push(index[i]!, index[i + 1]!, index[i + 2]!);
        else if (kind === 'QuadSet') {
          for (let i = 0; i + 3 < index.length; i += 4) {
            push(index[i]!, index[i + 1]!, index[i + 2]!);
            push(index[i]!, index[i + 2]!, index[i + 3]!);
          }
        } else {
          // Fans and strips separated by -1.
          let first = 0;
          for (let i = 0; i <= index.length; i++) {
            if (i < index.length && index[i] !== -1) continue;
            for (let k = first; k + 2 < i; k++) {
              if (kind === 'TriangleFanSet') push(index[first]!, index[k + 1]!, index[k + 2]!);
              else push(index[k]!, index[k + 1 + ((k - first) % 2)]!, index[k + 2 - ((k - first) % 2)]!);
            }
            first = i + 1;
          }
        }
        return;
      }
      case 'PointSet': {
        const points = coordinates(g);
        const base = place(points, m);
        for (let i = 0; i < points.length / 3; i++) pointRows.push(base + i);
        return;
      }
      case 'Box': {
        const [sx, sy, sz] = fixed(g, 'size', [2, 2, 2]).map((v) => v / 2) as [number, number, number];
        const corners = [-1, -1, -1, 1, -1, -1, 1, 1, -1, -1, 1, -1, -1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1].map((v, i) => v * [sx, sy, sz][i % 3]!);
        const push = triangle(place(corners, m), 8, g);
        for (const [a, b, c, d] of [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]] as const) {
          push(a, b, c);
          push(a, c, d);
        }
        return;
      }
      case 'Sphere':
      case 'Cylinder':
      case 'Cone': {
        const r = fixed(g, g.type === 'Cone' ? 'bottomRadius' : 'radius', [1])[0]!;
        const h = g.type === 'Sphere' ? 0 : fixed(g, 'height', [2])[0]!;
        const profile: [number, number][] =
          g.type === 'Sphere'
            ? Array.from({ length: 13 }, (_, i) => [r * Math.sin((Math.PI * i) / 12), -r * Math.cos((Math.PI * i) / 12)])
            : g.type === 'Cylinder'
              ? [[0, -h / 2], [r, -h / 2], [r, h / 2], [0, h / 2]]
              : [[0, -h / 2], [r, -h / 2], [0, h / 2]];
        const { points, triangles: t } = revolved(profile);
        const push = triangle(place(points, m), points.length / 3, g);
        for (let i = 0; i < t.length; i += 3) push(t[i]!, t[i + 1]!, t[i + 2]!);
        return;
      }
      case 'IndexedLineSet':
      case 'LineSet':
        skip('line sets');
        return;
      default:
        skip(`${g.type} geometry`);
    }
  };

  const inside = new Set<SceneNode>();
  const visit = (n: SceneNode, parent: Matrix): void => {
    if (inside.has(n)) throw new LoadError(format, 'malformed', `${where(n)}a ${n.type} contains itself`);
    if (inside.size >= MAX_DEPTH) throw new LoadError(format, 'unsupported', `nodes are nested more than ${MAX_DEPTH} deep`);
    inside.add(n);
    let m = parent;
    let kids = n.children.filter((c) => c.field === 'children' || c.field === 'choice' || c.field === 'level').map((c) => c.node);
    switch (n.type) {
      case 'Transform':
      case 'CADPart': {
        const c = fixed(n, 'center', [0, 0, 0]);
        const so = fixed(n, 'scaleOrientation', [0, 0, 1, 0]);
        m = [translation(fixed(n, 'translation', [0, 0, 0])), translation(c), rotation(fixed(n, 'rotation', [0, 0, 1, 0])), rotation(so), scaling(fixed(n, 'scale', [1, 1, 1])), inverseRotation(so), translation(c.map((v) => -v))].reduce(multiply, parent);
        break;
      }
      case 'Switch': {
        const which = fixed(n, 'whichChoice', [-1])[0]!;
        kids = which >= 0 && which < kids.length ? [kids[which]!] : [];
        break;
      }
      case 'LOD':
        kids = kids.slice(0, 1);
        break;
      case 'Shape': {
        const g = child(n, 'geometry');
        if (g !== undefined) {
          if (++placed > MAX_PLACED) throw new LoadError(format, 'too-large', `the scene places more than ${formatCount(MAX_PLACED)} shapes`);
          geometry(g, m);
        }
        kids = [];
        break;
      }
      case 'Inline':
        skip('Inline files (other files the scene names)');
        kids = [];
        break;
      case 'Group':
      case 'StaticGroup':
      case 'Anchor':
      case 'Billboard':
      case 'Collision':
      case 'CADAssembly':
      case 'CADLayer':
      case 'CADFace':
        break;
      case 'ProtoInstance':
        // An instance of a PROTO (X3D's XML; in the text syntax, a node of the PROTO's name, not
        // told apart from other unknown nodes): its body is not expanded.
        skip("PROTO instances (shapes defined by the file's own node types)");
        kids = [];
        break;
      default:
        // Nodes that place nothing (lights, viewpoints, sensors, scripts) or are not known.
        kids = [];
    }
    if (n.type === 'CADFace') kids = n.children.filter((c) => c.field === 'shape').map((c) => c.node).concat(kids);
    for (const k of kids) visit(k, m);
    inside.delete(n);
  };
  for (const r of roots) visit(r, IDENTITY);

  const warnings = [...skipped].map(([what, n]) => `VRML/X3D: ${formatCount(n)} ${what} skipped`);
  const indices = triangles.finish();
  if (indices.length === 0 && pointRows.length === 0) throw new LoadError(format, 'empty', 'the scene places no faces or points');
  if (indices.length === 0) {
    return placedPoints(world.finish(), pointRows, warnings);
  }
  if (pointRows.length > 0) warnings.push(`VRML/X3D: ${countOf(pointRows.length, 'point')} of point sets ignored beside the faces`);
  return placedMesh(world.finish(), indices, warnings);
}
