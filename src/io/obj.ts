// Wavefront OBJ, read by three.js's OBJLoader after a scan here that checks every face's vertex
// references (three reads a reference past the end as NaN without complaint), counts vertices and
// faces, and keeps only the lines that make geometry: three merges 'p' and 'l' elements into the
// faces of the same object as one point set, so those go, and a file without faces is handed over
// as its 'v' lines alone, which three returns as a point cloud of every vertex.
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js';
import type { Mesh as ThreeMesh, Points as ThreePoints } from 'three';
import { identityIndices } from './buffers';
import { FACE_LIMIT_TEXT, LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { quote } from './text';
import { checkedNumber } from './tokenError';
import { float32Attribute, withFileColors } from './three';
import type { Mesh } from '../types/cloud';
import { Origin } from './origin';
import { LoadError, type Parsed } from './types';

interface Scan {
  /** The v / vt / vn / f lines three should see. */
  kept: string[];
  vertices: number;
  coloredVertices: number;
  faces: number;
  triangles: number;
  degenerateFaces: number;
  points: number;
  lines: number;
  unknown: number;
  firstUnknown: string;
  /** Subtracted from the 'v' lines handed to three when the file's points lie far from zero. */
  origin: Origin;
}

const IGNORED = new Set(['o', 'g', 's', 'usemtl', 'mtllib', 'vp', 'cstype', 'deg', 'curv', 'curv2', 'surf', 'parm', 'trim', 'hole', 'end', 'mg', 'bevel', 'c_interp', 'd_interp', 'lod', 'shadow_obj', 'trace_obj', 'usemap', 'maplib']);

/** The vertex part of a face corner ("7", "7/2", "7//3", "-1/-1/-1") as an integer, or null. */
function cornerVertex(corner: string): number | null {
  const end = corner.indexOf('/');
  const n = end < 0 ? corner.length : end;
  let i = corner.charCodeAt(0) === 45 /* - */ || corner.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  if (i === n) return null;
  let value = 0;
  for (; i < n; i++) {
    const digit = corner.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return corner.charCodeAt(0) === 45 ? -value : value;
}

/** Resolves one face corner to a 1-based vertex number, or says what is wrong with it. */
function vertexRef(corner: string, vertices: number, face: number, lineNo: number): number {
  const index = cornerVertex(corner);
  if (index === null) {
    throw new LoadError('obj', 'malformed', `face ${face} (line ${lineNo}): ${quote(corner)} is not a vertex reference`);
  }
  if (index === 0) throw new LoadError('obj', 'malformed', `face ${face} (line ${lineNo}) refers to vertex 0; OBJ counts from 1`);
  const resolved = index > 0 ? index : vertices + index + 1;
  if (resolved < 1 || resolved > vertices) {
    const relative = index < 0 ? ` (relative: ${vertices + index + 1})` : '';
    throw new LoadError('obj', 'out-of-range', `face ${face} (line ${lineNo}) refers to vertex ${index}${relative} of ${formatCount(vertices)}`);
  }
  return resolved;
}

/** Every value of a v / vt / vn line is a number in full (numbers.ts): three's OBJLoader reads
 * them with parseFloat, which takes "0x1f" as 0 and "1.5abc" as 1.5. */
function checkNumbers(raw: string, words: string[], lineNo: number): void {
  for (let k = 1; k < words.length; k++) checkedNumber('obj', raw, words, k, lineNo);
}

/** A 'v' line as three should read it: as written, or moved by the origin (origin.ts) with the
 * differences written in full (String gives the shortest text that parses back to the double). */
function vertexLine(raw: string, line: string, words: string[], lineNo: number, origin: Origin): string {
  if (origin.settled && origin.offset === undefined) return line; // the common case: no numbers read again
  const [x, y, z] = [1, 2, 3].map((k) => checkedNumber('obj', raw, words, k, lineNo)) as [number, number, number];
  origin.see(x, y, z);
  if (origin.offset === undefined) return line;
  const moved = [x - origin.x, y - origin.y, z - origin.z].map(String);
  return ['v', ...moved, ...words.slice(4)].join(' ');
}

function scan(text: string): Scan {
  const s: Scan = { kept: [], vertices: 0, coloredVertices: 0, faces: 0, triangles: 0, degenerateFaces: 0, points: 0, lines: 0, unknown: 0, firstUnknown: '', origin: new Origin() };
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const lineNo = i + 1;
    let line = rows[i]!;
    while (line.endsWith('\\') && i + 1 < rows.length) line = `${line.slice(0, -1)} ${rows[++i]}`; // continuation
    const raw = line;
    line = line.trim();
    if (line === '' || line[0] === '#' || line === '\0') continue;
    const words = line.split(/\s+/);
    const keyword = words[0]!;
    switch (keyword) {
      case 'v': {
        if (words.length < 4) {
          throw new LoadError('obj', 'malformed', `vertex ${s.vertices + 1} (line ${lineNo}) needs x y z numbers, found ${quote(line)}`);
        }
        checkNumbers(raw, words, lineNo);
        if (s.vertices === LIMITS.maxPoints) throw new LoadError('obj', 'too-large', `the file has more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
        s.vertices++;
        if (words.length >= 7) s.coloredVertices++;
        s.kept.push(vertexLine(raw, line, words, lineNo, s.origin));
        break;
      }
      case 'vt':
      case 'vn':
        checkNumbers(raw, words, lineNo);
        s.kept.push(line);
        break;
      case 'f': {
        const face = s.faces + s.degenerateFaces + 1;
        const corners = words.length - 1;
        for (let k = 1; k < words.length; k++) vertexRef(words[k]!, s.vertices, face, lineNo);
        if (corners < 3) {
          s.degenerateFaces++;
          break;
        }
        s.faces++;
        s.triangles += corners - 2;
        if (s.triangles > LIMITS.maxFaces) throw new LoadError('obj', 'too-large', `the file has more than ${formatCount(LIMITS.maxFaces)} triangles; ${FACE_LIMIT_TEXT}`);
        s.kept.push(line);
        break;
      }
      case 'p':
        s.points++;
        break;
      case 'l':
        s.lines++;
        break;
      default:
        if (IGNORED.has(keyword)) break;
        if (s.unknown++ === 0) s.firstUnknown = `line ${lineNo} ${quote(line)}`;
    }
  }
  return s;
}

function scanWarnings(s: Scan): string[] {
  const warnings: string[] = [];
  if (s.degenerateFaces > 0) warnings.push(`OBJ: ${countOf(s.degenerateFaces, 'face')} with fewer than 3 vertices skipped`);
  if (s.points > 0 || s.lines > 0) {
    const what = [s.points > 0 ? countOf(s.points, "point ('p') element") : '', s.lines > 0 ? countOf(s.lines, "line ('l') element") : '']
      .filter(Boolean)
      .join(' and ');
    warnings.push(`OBJ: ${what} ignored`);
  }
  if (s.unknown > 0) warnings.push(`OBJ: ${countOf(s.unknown, 'line')} not understood and ignored (first: ${s.firstUnknown})`);
  if (s.coloredVertices > 0 && s.coloredVertices < s.vertices) {
    warnings.push(`OBJ: only ${formatCount(s.coloredVertices)} of ${formatCount(s.vertices)} vertices have colours; colours ignored`);
  }
  return warnings;
}

export function parseObj(text: string): Parsed {
  const s = scan(text);
  if (s.vertices === 0) {
    if (s.unknown > 0) throw new LoadError('obj', 'malformed', `no vertex ('v') lines; not an OBJ file? (${s.firstUnknown})`);
    throw new LoadError('obj', 'empty', `the file has no vertices ('v' lines)`);
  }
  const warnings = scanWarnings(s);
  const useColors = s.coloredVertices === s.vertices;
  const kept = s.faces > 0 ? s.kept : s.kept.filter((line) => /^v\s/.test(line));
  const group = withFileColors(() => new OBJLoader().parse(kept.join('\n')));
  const object = group.children[0] as ThreeMesh | ThreePoints | undefined;
  const positions = object === undefined ? undefined : float32Attribute(object.geometry, 'position');
  const colors = useColors && object !== undefined ? float32Attribute(object.geometry, 'color') : undefined;
  const expected = s.faces > 0 ? s.triangles * 9 : s.vertices * 3;
  if (group.children.length !== 1 || positions === undefined || positions.length !== expected) {
    throw new LoadError('obj', 'malformed', `three.js's OBJLoader returned ${group.children.length} objects with ${positions?.length ?? 0} coordinates; expected ${formatCount(expected)}`);
  }
  if (s.faces === 0) {
    return { kind: 'points', cloud: { positions, colors, count: s.vertices }, fileVertexCount: s.vertices, warnings, offset: s.origin.offset };
  }
  const mesh: Mesh = {
    positions,
    indices: identityIndices(s.triangles * 3),
    colors: colors !== undefined && colors.length === positions.length ? colors : undefined,
    vertexCount: s.triangles * 3,
    faceCount: s.triangles,
  };
  return { kind: 'mesh', mesh, fileVertexCount: s.vertices, fileFaceCount: s.faces + s.degenerateFaces, warnings, offset: s.origin.offset };
}
