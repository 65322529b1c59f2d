// Abaqus input files (.inp), as Abaqus/CAE, meshio, Gmsh and other mesh generators write finite-
// element meshes: keyword lines ("*NODE", "*ELEMENT, TYPE=C3D10"), data lines of comma-separated
// values (an element's nodes may continue on the next lines), "**" comments. Nodes and elements
// are read at the top level and inside *PART blocks (each part numbers its own nodes); an
// *ASSEMBLY's *INSTANCE places a part, moved by its translation line and turned by its rotation
// line (an axis through two points, an angle in degrees), as often as it is instanced; parts no
// instance names, in a file with no assembly, are read where they are. Elements become VTK's cells
// by their corner nodes (vtkCells.ts): a volume mesh is read as its boundary. Every other keyword
// (sets, materials, steps, ...) is passed over; *INCLUDE (another file) is refused.
import { LIMITS, formatCount } from './limits';
import { Float64Builder } from './buffers';
import { IDENTITY, type Matrix, axisAngle, multiply, pushTransformed, translation } from './matrix';
import { toNumber } from './numbers';
import { quote } from './text';
import { LoadError, type Parsed } from './types';
import { shapeOf } from './vtkCells';

const malformed = (line: number, detail: string) => new LoadError('inp', 'malformed', `line ${formatCount(line)}: ${detail}`);

/** An element type's corner count and VTK cell type, by the start of its Abaqus name: solids
 * (C3D4 / C3D10 tetrahedra, C3D8 / C3D20 hexahedra, C3D6 / C3D15 wedges, C3D5 pyramids, with any
 * suffix: R, H, M, T, ...), shells, membranes and surfaces (3 or 6 nodes: triangles; 4 or 8:
 * quadrangles), beams and trusses (lines), masses (points). */
function cellOf(type: string): { corners: number; vtk: number } | null {
  const t = type.toUpperCase();
  const solid = /^(?:C3D|DC3D|AC3D)(\d+)/.exec(t);
  if (solid) {
    const nodes = Number(solid[1]);
    if (nodes === 4 || nodes === 10) return { corners: 4, vtk: 10 };
    if (nodes === 8 || nodes === 20 || nodes === 27) return { corners: 8, vtk: 12 };
    if (nodes === 6 || nodes === 15) return { corners: 6, vtk: 13 };
    if (nodes === 5 || nodes === 13) return { corners: 5, vtk: 14 };
    return null;
  }
  const surface = /^(?:S|STRI|CPS|CPE|CPEG|CAX|M3D|R3D|SFM3D|DS|DC2D|SC)(\d)/.exec(t);
  if (surface) {
    const nodes = Number(/\d+/.exec(t.slice(surface[0].length - 1))![0]);
    if (nodes === 3 || nodes === 6 || nodes === 65) return { corners: 3, vtk: 5 };
    if (nodes === 4 || nodes === 8 || nodes === 9) return { corners: 4, vtk: 9 };
    return null;
  }
  if (/^(?:B2|B3|T2D|T3D|PIPE|FRAME)/.test(t)) return { corners: 2, vtk: 3 };
  if (/^(?:MASS|ROTARYI)/.test(t)) return { corners: 1, vtk: 1 };
  return null;
}

/** A keyword line's name and parameters ("*Element, type=C3D4, elset=E" -> element, {type: C3D4}). */
function keywordOf(line: string): { name: string; params: Map<string, string> } {
  const [head, ...rest] = line.slice(1).split(',');
  const params = new Map<string, string>();
  for (const p of rest) {
    const equals = p.indexOf('=');
    params.set((equals < 0 ? p : p.slice(0, equals)).trim().toLowerCase(), equals < 0 ? '' : p.slice(equals + 1).trim());
  }
  return { name: head!.trim().toLowerCase(), params };
}

/** A data line's values (blank entries between commas are left out). */
function valuesOf(line: string, lineNo: number): number[] {
  const out: number[] = [];
  for (const word of line.split(',')) {
    const w = word.trim();
    if (w === '') continue;
    const v = toNumber(w);
    if (v === null) throw malformed(lineNo, `${quote(w)} is not a number`);
    out.push(v);
  }
  return out;
}

interface Part {
  /** Node number -> x, y, z. */
  nodes: Map<number, [number, number, number]>;
  elements: { vtk: number; nodes: number[]; line: number }[];
}

const newPart = (): Part => ({ nodes: new Map(), elements: [] });

export function parseAbaqus(text: string): Parsed {
  const lines = text.split('\n');
  const top = newPart();
  const parts = new Map<string, Part>();
  const instances: { part: string; place: Matrix; line: number }[] = [];
  let part: Part = top;
  let mode: 'node' | 'element' | 'instance' | null = null;
  let element: { corners: number; vtk: number; type: string } | null = null;
  let pending: number[] = [];
  let pendingLine = 0;
  let instance: { part: string; place: Matrix; line: number; lines: number } | null = null;
  let nodeCount = 0;
  let assembly = false;

  const finishElement = () => {
    if (!element || pending.length === 0) return;
    const [, ...nodes] = pending;
    if (nodes.length < element.corners) throw malformed(pendingLine, `a ${element.type} element with ${nodes.length} nodes`);
    part.elements.push({ vtk: element.vtk, nodes: nodes.slice(0, element.corners), line: pendingLine });
    if (part.elements.length > LIMITS.maxFaces) throw new LoadError('inp', 'too-large', `more than ${formatCount(LIMITS.maxFaces)} elements; the limit is ${formatCount(LIMITS.maxFaces)} faces (LIMITS.maxFaces)`);
    pending = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const lineNo = i + 1;
    if (raw === '' || raw.startsWith('**')) continue;
    if (raw.startsWith('*')) {
      finishElement();
      const { name, params } = keywordOf(raw);
      mode = null;
      element = null;
      if (name === 'include') throw new LoadError('inp', 'unsupported', `line ${formatCount(lineNo)}: *INCLUDE reads another file (${params.get('input') ?? 'unnamed'}), which is not read; write the model as one file (Abaqus/CAE: Write Input)`);
      if (['ngen', 'nfill', 'ncopy', 'elgen', 'elcopy'].includes(name)) {
        throw new LoadError('inp', 'unsupported', `line ${formatCount(lineNo)}: *${name.toUpperCase()} generates nodes or elements, which is not read; write the model with every node and element listed (Abaqus/CAE: Write Input)`);
      }
      if (name === 'node' && (params.get('system') ?? 'R').toUpperCase() !== 'R') {
        throw new LoadError('inp', 'unsupported', `line ${formatCount(lineNo)}: nodes in ${params.get('system')!.toUpperCase() === 'C' ? 'cylindrical' : 'spherical'} coordinates (SYSTEM=${params.get('system')}) are not read; write them in rectangular coordinates`);
      }
      if (name === 'part') {
        const partName = (params.get('name') ?? '').toLowerCase();
        part = newPart();
        parts.set(partName, part);
      } else if (name === 'end part') {
        part = top;
      } else if (name === 'assembly') {
        assembly = true;
      } else if (name === 'instance') {
        instance = { part: (params.get('part') ?? '').toLowerCase(), place: IDENTITY, line: lineNo, lines: 0 };
        mode = 'instance';
      } else if (name === 'end instance') {
        if (instance) instances.push(instance);
        instance = null;
      } else if (name === 'node') {
        mode = 'node';
      } else if (name === 'element') {
        const type = params.get('type') ?? '';
        const cell = cellOf(type);
        if (!cell) throw new LoadError('inp', 'unsupported', `line ${formatCount(lineNo)}: element type ${quote(type || '(none)')} is not read (solids C3D4 to C3D20, shells, membranes, surfaces, beams, trusses and masses are)`);
        element = { ...cell, type };
        mode = 'element';
      }
      continue;
    }
    if (mode === 'node') {
      const [id, x, y, z = 0] = valuesOf(raw, lineNo);
      if (id === undefined || x === undefined || y === undefined) throw malformed(lineNo, 'a node needs its number and at least two coordinates');
      if (part.nodes.has(id)) throw malformed(lineNo, `node ${id} is given twice`);
      if (++nodeCount > LIMITS.maxPoints) throw new LoadError('inp', 'too-large', `more than ${formatCount(LIMITS.maxPoints)} nodes; the limit is ${formatCount(LIMITS.maxPoints)} points (LIMITS.maxPoints)`);
      part.nodes.set(id, [x, y, z]);
    } else if (mode === 'element') {
      if (pending.length === 0) pendingLine = lineNo;
      pending.push(...valuesOf(raw, lineNo));
      if (!raw.endsWith(',')) finishElement(); // a trailing comma: the element goes on
    } else if (mode === 'instance' && instance) {
      const v = valuesOf(raw, lineNo);
      // the translation line, then the rotation line, applied after it
      if (instance.lines === 0 && v.length >= 3) instance.place = translation(v);
      else if (instance.lines === 1 && v.length >= 7) instance.place = multiply(rotationAbout(v, lineNo), instance.place);
      instance.lines++;
    }
  }
  finishElement();

  // What is placed: each instance's part; with no instances, the parts where they are.
  const placed: { part: Part; place: Matrix; name: string }[] = [{ part: top, place: IDENTITY, name: 'the model' }];
  for (const inst of instances) {
    const p = parts.get(inst.part);
    if (!p) throw malformed(inst.line, `*INSTANCE names part ${quote(inst.part)}, which no *PART defines`);
    placed.push({ part: p, place: inst.place, name: `part ${quote(inst.part)}` });
  }
  if (instances.length === 0 && !assembly) for (const [name, p] of parts) placed.push({ part: p, place: IDENTITY, name: `part ${quote(name)}` });

  const points = new Float64Builder();
  const connectivity: number[] = [];
  const offsets = [0];
  const types: number[] = [];
  for (const { part: p, place, name } of placed) {
    const index = new Map<number, number>();
    const xyz: number[] = [];
    for (const [id, node] of p.nodes) {
      index.set(id, points.length / 3 + xyz.length / 3);
      xyz.push(...node);
    }
    if (points.length / 3 + xyz.length / 3 > LIMITS.maxPoints) throw new LoadError('inp', 'too-large', `more than ${formatCount(LIMITS.maxPoints)} nodes placed; the limit is ${formatCount(LIMITS.maxPoints)} points (LIMITS.maxPoints)`);
    pushTransformed(points, place, xyz);
    for (const e of p.elements) {
      for (const id of e.nodes) {
        const at = index.get(id);
        if (at === undefined) throw malformed(e.line, `an element of ${name} names node ${id}, which it does not give`);
        connectivity.push(at);
      }
      offsets.push(connectivity.length);
      types.push(e.vtk);
    }
  }
  if (points.length === 0) throw new LoadError('inp', 'empty', 'the file has no nodes (*NODE)');
  return shapeOf('inp', points.finish().subarray(0, points.length), { connectivity, offsets, types }, []);
}

/** An instance's rotation line: an axis through points a and b, an angle in degrees about it. */
function rotationAbout(v: number[], lineNo: number): Matrix {
  const [ax, ay, az, bx, by, bz, degrees] = v as [number, number, number, number, number, number, number];
  const [dx, dy, dz] = [bx - ax, by - ay, bz - az];
  const length = Math.hypot(dx, dy, dz);
  if (!(length > 0)) throw malformed(lineNo, 'the rotation axis runs between two equal points');
  const turn = axisAngle(dx / length, dy / length, dz / length, (degrees * Math.PI) / 180);
  return multiply(translation([ax, ay, az]), multiply(turn, translation([-ax, -ay, -az])));
}
