// 3MF, the 3D-printing format slicers save (a zip of XML "model" parts): every build item's mesh,
// placed by the item's and its components' transforms, including components in other parts of the
// package (the production extension's p:path, as multi-part slicer projects write them). Our own
// reader: three.js's 3MFLoader parses with DOMParser, which a Web Worker does not have; here the
// XML's vertex, triangle, object, component and item elements are read by pattern, and the zip by
// three's copy of fflate, only the .model parts, each declared size checked before it is unpacked.
// Refused with the reason: not a zip, no model part, a component or item naming an object that
// does not exist (or that contains itself), a triangle naming a vertex past the end.
import { sceneUp } from './objects';
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { placedMesh } from './placed';
import { quote } from './text';
import { LoadError, type Parsed } from './types';
import { unzipEntries } from './zip';

/** 3MF's affine transforms: 12 numbers, row vectors ([x y z 1] times a 4 x 3 matrix). */
type Transform = number[];

const IDENTITY: Transform = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];

/** Deeper component trees are refused rather than walked (no slicer nests anywhere near this). */
const MAX_DEPTH = 256;
/** Objects placed in all: a component list repeated down a tree multiplies without bound. */
const MAX_PLACED = 1_000_000;

interface Component {
  path: string;
  objectId: string;
  transform: Transform;
}

interface ModelObject {
  vertices?: number[];
  triangles?: number[];
  components: Component[];
}

interface ModelPart {
  objects: Map<string, ModelObject>;
  items: Component[];
}

function malformed(detail: string): LoadError {
  return new LoadError('3mf', 'malformed', detail);
}

/** The attributes of one XML start tag, by local name (a namespace prefix dropped, except p:path). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    const name = m[1]!;
    out.set(name === 'p:path' ? 'path' : name.replace(/^\w+:/, ''), m[3] ?? m[4] ?? '');
  }
  return out;
}

/** One attribute of a tag, for the elements there are millions of (vertex, triangle). */
const ONE = new Map(['x', 'y', 'z', 'v1', 'v2', 'v3'].map((n) => [n, new RegExp(`(?:^|\\s)${n}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)]));

function attribute(tag: string, name: string): string | undefined {
  const m = ONE.get(name)!.exec(tag);
  return m === null ? undefined : (m[1] ?? m[2]);
}

function numberOf(value: string | undefined, what: string): number {
  const v = value === undefined ? NaN : Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(v)) throw malformed(`${what} is ${value === undefined ? 'missing' : quote(value)}, not a number`);
  return v;
}

function transformOf(value: string | undefined, what: string): Transform {
  if (value === undefined) return IDENTITY;
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 12) throw malformed(`${what}'s transform has ${parts.length} numbers, not 12`);
  return parts.map((p) => numberOf(p, `${what}'s transform`));
}

/** a then b (both row-vector affine). */
function compose(a: Transform, b: Transform): Transform {
  const out: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 3; c++) {
      out.push(a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]! + (r === 3 ? b[9 + c]! : 0));
    }
  }
  return out;
}

const TAG = /<(\/?)(?:\w+:)?(object|vertex|triangle|component|item)\b([^>]*)>/g;

/** One model part's objects and build items. */
function readPart(xml: string, path: string): ModelPart {
  const objects = new Map<string, ModelObject>();
  const items: Component[] = [];
  let current: ModelObject | undefined;
  let currentId = '';
  for (const m of xml.matchAll(TAG)) {
    const [, closing, name, rest] = m as unknown as [string, string, string, string];
    if (closing) {
      if (name === 'object') current = undefined;
      continue;
    }
    switch (name) {
      case 'object': {
        currentId = attributes(rest).get('id') ?? '';
        if (currentId === '') throw malformed(`${path}: an object without an id`);
        current = { components: [] };
        objects.set(currentId, current);
        if (rest.trimEnd().endsWith('/')) current = undefined;
        break;
      }
      case 'vertex': {
        if (current === undefined) break;
        const v = (current.vertices ??= []);
        const n = v.length / 3;
        for (const axis of ['x', 'y', 'z']) v.push(numberOf(attribute(rest, axis), `${path}: object ${currentId} vertex ${n} ${axis}`));
        break;
      }
      case 'triangle': {
        if (current === undefined) break;
        const t = (current.triangles ??= []);
        const k = t.length / 3;
        for (const key of ['v1', 'v2', 'v3']) {
          const raw = attribute(rest, key);
          const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
          if (!Number.isInteger(v) || v < 0) throw malformed(`${path}: object ${currentId} triangle ${k}: ${key} is ${quote(raw ?? '')}, not a vertex index`);
          t.push(v);
        }
        break;
      }
      case 'component':
      case 'item': {
        const a = attributes(rest);
        const objectId = a.get('objectid') ?? '';
        const entry = { path: a.get('path') ?? path, objectId, transform: transformOf(a.get('transform'), `${path}: ${name} of object ${objectId}`) };
        if (name === 'item') items.push(entry);
        else current?.components.push(entry);
        break;
      }
    }
  }
  return { objects, items };
}

/** The package's .model parts (path with a leading '/'), each declared size checked first. */
function modelParts(bytes: Uint8Array): Map<string, string> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw malformed('the file is not a zip package (3MF files are)');
  const { files } = unzipEntries('3mf', bytes, (name) => /\.model$/i.test(name) || /^_rels\/\.rels$/i.test(name), 'model parts', 'the zip package');
  const decoder = new TextDecoder();
  return new Map(Object.entries(files).map(([name, data]) => [`/${name.replace(/^\//, '')}`, decoder.decode(data)]));
}

/** The part the package names as its model (_rels/.rels), else /3D/3dmodel.model. */
function rootPath(parts: Map<string, string>): string {
  const rels = parts.get('/_rels/.rels') ?? '';
  for (const m of rels.matchAll(/<Relationship\b([^>]*)>/g)) {
    const a = attributes(m[1]!);
    if (/\/3dmodel$/.test(a.get('Type') ?? '')) return `/${(a.get('Target') ?? '').replace(/^\//, '')}`;
  }
  return '/3D/3dmodel.model';
}

export function parse3mf(bytes: Uint8Array): Parsed {
  const texts = modelParts(bytes);
  const root = rootPath(texts);
  const parsed = new Map<string, ModelPart>();
  const part = (path: string, what: string): ModelPart => {
    let p = parsed.get(path);
    if (p === undefined) {
      const xml = texts.get(path);
      if (xml === undefined) throw malformed(`${what} refers to the part ${quote(path)}, which the package does not hold`);
      p = readPart(xml, path);
      parsed.set(path, p);
    }
    return p;
  };
  const model = part(root, 'the package');
  if (model.items.length === 0) throw new LoadError('3mf', 'empty', 'the build has no items');

  const world = new Float64Builder();
  const triangles = new Uint32Builder();
  const placing = new Set<string>();
  let placed = 0;
  let meshes = 0;
  const place = (ref: Component, transform: Transform, what: string): void => {
    if (++placed > MAX_PLACED) throw new LoadError('3mf', 'too-large', `the build places more than ${formatCount(MAX_PLACED)} objects`);
    const key = `${ref.path}#${ref.objectId}`;
    const object = part(ref.path, what).objects.get(ref.objectId);
    if (object === undefined) throw malformed(`${what} refers to object ${quote(ref.objectId)}, which ${ref.path} does not define`);
    if (placing.has(key)) throw malformed(`object ${ref.objectId} of ${ref.path} contains itself`);
    if (placing.size >= MAX_DEPTH) throw new LoadError('3mf', 'unsupported', `the components are nested more than ${MAX_DEPTH} deep`);
    placing.add(key);
    const t = compose(ref.transform, transform);
    const v = object.vertices ?? [];
    const base = world.length / 3;
    if (base + v.length / 3 > LIMITS.maxPoints) throw new LoadError('3mf', 'too-large', `the build has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
    for (let i = 0; i < v.length; i += 3) {
      const [x, y, z] = [v[i]!, v[i + 1]!, v[i + 2]!];
      world.push3(x * t[0]! + y * t[3]! + z * t[6]! + t[9]!, x * t[1]! + y * t[4]! + z * t[7]! + t[10]!, x * t[2]! + y * t[5]! + z * t[8]! + t[11]!);
    }
    const tri = object.triangles ?? [];
    if (tri.length > 0) meshes++;
    for (let k = 0; k < tri.length; k++) {
      if (tri[k]! >= v.length / 3) throw new LoadError('3mf', 'out-of-range', `object ${ref.objectId} of ${ref.path}: triangle ${Math.floor(k / 3)} refers to vertex ${tri[k]} of ${formatCount(v.length / 3)}`);
    }
    if (triangles.length / 3 + tri.length / 3 > LIMITS.maxFaces) throw new LoadError('3mf', 'too-large', `the build has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
    for (let k = 0; k < tri.length; k += 3) triangles.push3(base + tri[k]!, base + tri[k + 1]!, base + tri[k + 2]!);
    for (const c of object.components) place(c, t, `a component of object ${ref.objectId}`);
    placing.delete(key);
  };
  model.items.forEach((item, i) => place(item, IDENTITY, `build item ${i}`));

  const indices = triangles.finish();
  if (indices.length === 0) throw new LoadError('3mf', 'empty', 'the build places no triangles');
  // A 3MF build stands on the printer's plate, +Z up by definition: parts side by side on it are
  // separate objects (objects.ts sceneUp).
  return { ...placedMesh(world.finish(), indices, []), ...sceneUp('z', meshes) };
}
