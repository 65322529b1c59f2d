// DXF (ASCII), AutoCAD's exchange format, as CAD and modelling programs export 3D meshes to it
// (SketchUp, Rhino, 3ds Max, Blender): the faces of 3DFACE entities, polyface meshes (a POLYLINE of
// flag 64: its VERTEX records, then face records naming them), polygon meshes (flag 16: an M x N
// grid) and MESH entities (AutoCAD 2010's), in the ENTITIES section and in the BLOCKs that INSERTs
// place (their insertion point, scale and rotation about z; nested, with a cycle check). Lines,
// arcs, text, hatches and 2D polylines are not surfaces and are skipped; a drawing of nothing else
// is refused saying it is 2D. ACIS solids (3DSOLID, BODY, REGION) are encrypted geometry that is
// not read (a warning counts them). Binary DXF is refused. Every coordinate by the number grammar;
// refused with the line: a group code that is not an integer, a value that is not a number, a face
// naming a vertex that does not exist.
import { Float64Builder, Uint32Builder } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { type Matrix, IDENTITY, axisAngle, multiply, pushTransformed, scaling, translation } from './matrix';
import { toNumber } from './numbers';
import { placedMesh } from './placed';
import { decodeText, firstBinaryByte, hexByte, quote } from './text';
import { LoadError, type Parsed } from './types';

/** One group: its code, its value, and the line the code is on. */
interface Group {
  code: number;
  value: string;
  line: number;
}

/** An entity: its type (0 group) and its groups up to the next entity. */
interface Entity {
  type: string;
  groups: Group[];
  line: number;
}

const MAX_DEPTH = 64;
const SOLIDS = new Set(['3DSOLID', 'BODY', 'REGION', 'SURFACE']);

function groupsOf(text: string): Group[] {
  const lines = text.split('\n');
  const out: Group[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const raw = lines[i]!.trim();
    if (!/^-?\d+$/.test(raw)) throw new LoadError('dxf', 'malformed', `line ${i + 1}: ${quote(raw)} is not a group code (DXF alternates an integer code line and its value line)`);
    out.push({ code: Number(raw), value: lines[i + 1]!.trim(), line: i + 1 });
  }
  return out;
}

/** The entities between `from` and the end of the section or block that holds them. */
function entitiesOf(groups: Group[], from: number, end: (g: Group) => boolean): { entities: Entity[]; next: number } {
  const entities: Entity[] = [];
  let i = from;
  while (i < groups.length && !end(groups[i]!)) {
    const g = groups[i]!;
    if (g.code !== 0) {
      i++;
      continue;
    }
    const entity: Entity = { type: g.value, groups: [], line: g.line };
    for (i++; i < groups.length && groups[i]!.code !== 0; i++) entity.groups.push(groups[i]!);
    entities.push(entity);
  }
  return { entities, next: i };
}

/** A group's value as a number, by the number grammar. */
function numberOf(g: Group, e: Entity): number {
  const v = toNumber(g.value);
  if (v === null || !Number.isFinite(v)) throw new LoadError('dxf', 'malformed', `line ${g.line + 1}: ${quote(g.value)} (group ${g.code} of a ${e.type}) is not a number`);
  return v;
}

/** The value of the entity's first group `code`, or `fallback` when it has none. */
function value(e: Entity, code: number, fallback?: number): number {
  const g = e.groups.find((x) => x.code === code);
  if (g !== undefined) return numberOf(g, e);
  if (fallback !== undefined) return fallback;
  throw new LoadError('dxf', 'malformed', `line ${e.line}: the ${e.type} has no group ${code}`);
}

const point = (e: Entity, base: number, fallback?: number): number[] => [value(e, base, fallback), value(e, base + 10, fallback), value(e, base + 20, fallback)];

export function parseDxf(bytes: Uint8Array): Parsed {
  if (bytes.length >= 18 && String.fromCharCode(...bytes.subarray(0, 18)) === 'AutoCAD Binary DXF') throw new LoadError('dxf', 'unsupported', 'binary DXF is not read; save the drawing as ASCII DXF, or export the model as glTF, OBJ or STL');
  const binary = firstBinaryByte(bytes);
  if (binary >= 0) throw new LoadError('dxf', 'malformed', `byte ${formatCount(binary)} is ${hexByte(bytes[binary]!)}: the file is binary, not a DXF drawing's text`);
  const groups = groupsOf(decodeText(bytes));
  // The BLOCKS and ENTITIES sections.
  const blocks = new Map<string, { entities: Entity[]; base: number[] }>();
  let top: Entity[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (!(g.code === 0 && g.value === 'SECTION')) continue;
    const name = groups[i + 1]?.value;
    if (name === 'ENTITIES') {
      const { entities, next } = entitiesOf(groups, i + 2, (x) => x.code === 0 && x.value === 'ENDSEC');
      top = entities;
      i = next;
    } else if (name === 'BLOCKS') {
      const { entities, next } = entitiesOf(groups, i + 2, (x) => x.code === 0 && x.value === 'ENDSEC');
      let current: { name: string; entities: Entity[]; base: number[] } | undefined;
      for (const e of entities) {
        if (e.type === 'BLOCK') {
          current = { name: e.groups.find((x) => x.code === 2)?.value ?? '', entities: [], base: point(e, 10, 0) };
          blocks.set(current.name, current);
        } else if (e.type === 'ENDBLK') current = undefined;
        else current?.entities.push(e);
      }
      i = next;
    }
  }

  const world = new Float64Builder();
  const triangles = new Uint32Builder();
  const solids = new Map<string, number>();
  let flat = 0;
  const add = (corners: number[][], m: Matrix, faces: number[][], what: Entity): void => {
    const base = world.length / 3;
    if (base + corners.length > LIMITS.maxPoints) throw new LoadError('dxf', 'too-large', `the drawing has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
    pushTransformed(world, m, corners.flat());
    for (const f of faces) {
      for (const v of f) if (!(Number.isInteger(v) && v >= 0 && v < corners.length)) throw new LoadError('dxf', 'out-of-range', `line ${what.line}: a face of the ${what.type} names vertex ${v + 1} of ${formatCount(corners.length)}`);
      for (let k = 1; k + 1 < f.length; k++) {
        if (triangles.length / 3 >= LIMITS.maxFaces) throw new LoadError('dxf', 'too-large', `the drawing has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
        triangles.push3(base + f[0]!, base + f[k]!, base + f[k + 1]!);
      }
    }
  };

  const inserting = new Set<string>();
  const draw = (entities: Entity[], m: Matrix): void => {
    for (let i = 0; i < entities.length; i++) {
      const e = entities[i]!;
      switch (e.type) {
        case '3DFACE': {
          const corners = [point(e, 10), point(e, 11), point(e, 12), point(e, 13, NaN)];
          const fourth = corners[3]!;
          const quad = fourth.every(Number.isFinite) && fourth.some((v, a) => v !== corners[2]![a]);
          add(quad ? corners : corners.slice(0, 3), m, [quad ? [0, 1, 2, 3] : [0, 1, 2]], e);
          break;
        }
        case 'POLYLINE': {
          const flags = value(e, 70, 0);
          const vertices: Entity[] = [];
          for (i++; i < entities.length && entities[i]!.type === 'VERTEX'; i++) vertices.push(entities[i]!);
          if (entities[i]?.type !== 'SEQEND') i--;
          if (flags & 64) {
            // Polyface: location vertices (flag 64 set), then face records (flag 128 only).
            const located = vertices.filter((v) => value(v, 70, 0) & 64);
            const faces = vertices.filter((v) => (value(v, 70, 0) & 192) === 128).map((v) => [71, 72, 73, 74].map((c) => Math.abs(value(v, c, 0))).filter((n) => n !== 0).map((n) => n - 1));
            add(located.map((v) => point(v, 10)), m, faces, e);
          } else if (flags & 16) {
            // An M x N polygon mesh, closed in M (flag 1) or N (flag 32).
            const [rows, columns] = [value(e, 71), value(e, 72)];
            if (rows * columns !== vertices.length) throw new LoadError('dxf', 'malformed', `line ${e.line}: a ${rows} x ${columns} polygon mesh has ${countOf(vertices.length, 'vertex', 'vertices')}`);
            const faces: number[][] = [];
            for (let r = 0; r + 1 < rows + (flags & 1 ? 1 : 0); r++) {
              for (let c = 0; c + 1 < columns + (flags & 32 ? 1 : 0); c++) {
                const at = (rr: number, cc: number) => (rr % rows) * columns + (cc % columns);
                faces.push([at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)]);
              }
            }
            add(vertices.map((v) => point(v, 10)), m, faces, e);
          } else flat++;
          break;
        }
        case 'MESH': {
          // The vertex count (92), the vertices (10 / 20 / 30), the face list's length (93) and
          // the list (90s: each face's corner count, then its corners).
          const codes = e.groups;
          const at92 = codes.findIndex((g) => g.code === 92);
          const at93 = codes.findIndex((g) => g.code === 93);
          if (at92 < 0 || at93 < at92) throw new LoadError('dxf', 'malformed', `line ${e.line}: the MESH has no vertex count (group 92) before its face list (group 93)`);
          const n = numberOf(codes[at92]!, e);
          const xyz = codes.slice(at92 + 1, at93).filter((g) => g.code === 10 || g.code === 20 || g.code === 30).map((g) => numberOf(g, e));
          if (xyz.length !== 3 * n) throw new LoadError('dxf', 'malformed', `line ${e.line}: the MESH declares ${formatCount(n)} vertices but lists ${formatCount(Math.floor(xyz.length / 3))}`);
          const list = codes.slice(at93 + 1).filter((g) => g.code === 90).slice(0, numberOf(codes[at93]!, e)).map((g) => numberOf(g, e));
          const faces: number[][] = [];
          for (let k = 0; k < list.length; k += 1 + list[k]!) {
            if (!(Number.isInteger(list[k]) && list[k]! >= 0)) throw new LoadError('dxf', 'malformed', `line ${e.line}: the MESH's face list gives a face ${list[k]} corners`);
            faces.push(list.slice(k + 1, k + 1 + list[k]!));
          }
          add(Array.from({ length: n }, (_, k) => xyz.slice(3 * k, 3 * k + 3)), m, faces, e);
          break;
        }
        case 'INSERT': {
          const name = e.groups.find((g) => g.code === 2)?.value ?? '';
          const block = blocks.get(name);
          if (block === undefined) throw new LoadError('dxf', 'malformed', `line ${e.line}: an INSERT of the block ${quote(name)}, which the drawing does not define`);
          if (inserting.has(name)) throw new LoadError('dxf', 'malformed', `line ${e.line}: the block ${quote(name)} inserts itself`);
          if (inserting.size >= MAX_DEPTH) throw new LoadError('dxf', 'unsupported', `blocks are nested more than ${MAX_DEPTH} deep`);
          const place = [translation(point(e, 10, 0)), axisAngle(0, 0, 1, (value(e, 50, 0) * Math.PI) / 180), scaling([value(e, 41, 1), value(e, 42, 1), value(e, 43, 1)]), translation(block.base.map((v) => -v))].reduce(multiply, m);
          inserting.add(name);
          draw(block.entities, place);
          inserting.delete(name);
          break;
        }
        default:
          if (SOLIDS.has(e.type)) solids.set(e.type, (solids.get(e.type) ?? 0) + 1);
          else if (['LINE', 'LWPOLYLINE', 'ARC', 'CIRCLE', 'SPLINE', 'ELLIPSE'].includes(e.type)) flat++;
      }
    }
  };
  draw(top, IDENTITY);

  const warnings = [...solids].map(([type, n]) => `DXF: ${countOf(n, `${type} entity`, `${type} entities`)} skipped (ACIS solids are not read; export the model as a mesh: glTF, OBJ or STL)`);
  const indices = triangles.finish();
  if (indices.length === 0) {
    if (solids.size > 0) throw new LoadError('dxf', 'unsupported', `the drawing's 3D shapes are ACIS solids (${[...solids.keys()].join(', ')}), which are not read; export the model as a mesh (glTF, OBJ or STL)`);
    throw new LoadError('dxf', 'empty', flat > 0 ? `the drawing has no 3D faces (${countOf(flat, 'line or curve', 'lines and curves')}): it is 2D` : 'the drawing has no 3D faces');
  }
  return placedMesh(world.finish(), indices, warnings);
}
