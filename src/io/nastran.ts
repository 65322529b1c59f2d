// Nastran bulk data (.bdf, .nas, .dat as Femap, HyperMesh, Patran, Simcenter and meshio write
// finite-element models): cards of ten fields, small (8 characters a field), large (a name ending
// in '*', 16 characters a field, continued on lines starting with '*') or free (comma-separated),
// continued on lines starting with '+' or '*' or a blank first field; numbers in Nastran's forms
// ("1.5-3" is 1.5E-3). GRID cards give the nodes (in the basic coordinate system); CTRIA3 / 6,
// CQUAD4 / 8, CTETRA, CHEXA, CPENTA, CPYRAM the elements by their corner grids, read as VTK's
// cells (vtkCells.ts: a volume mesh as its boundary); CBAR, CBEAM, CROD, CONROD as lines. The
// executive and case control sections before BEGIN BULK, and every other card, are passed over;
// INCLUDE (another file) and grids in another coordinate system are refused.
import { LIMITS, formatCount } from './limits';
import { quote } from './text';
import { LoadError, type Parsed } from './types';
import { shapeOf } from './vtkCells';

const malformed = (line: number, detail: string) => new LoadError('bdf', 'malformed', `line ${formatCount(line)}: ${detail}`);

/** Each element card: where its grids start (after the id and the property), how many corners
 * are read, and the VTK cell type. */
const ELEMENTS: Readonly<Record<string, { corners: number; vtk: number; first: number }>> = {
  CTRIA3: { corners: 3, vtk: 5, first: 2 }, CTRIA6: { corners: 3, vtk: 5, first: 2 }, CTRIAR: { corners: 3, vtk: 5, first: 2 },
  CQUAD4: { corners: 4, vtk: 9, first: 2 }, CQUAD8: { corners: 4, vtk: 9, first: 2 }, CQUADR: { corners: 4, vtk: 9, first: 2 }, CSHEAR: { corners: 4, vtk: 9, first: 2 },
  CTETRA: { corners: 4, vtk: 10, first: 2 }, CHEXA: { corners: 8, vtk: 12, first: 2 }, CPENTA: { corners: 6, vtk: 13, first: 2 }, CPYRAM: { corners: 5, vtk: 14, first: 2 },
  CBAR: { corners: 2, vtk: 3, first: 2 }, CBEAM: { corners: 2, vtk: 3, first: 2 }, CROD: { corners: 2, vtk: 3, first: 2 }, CONROD: { corners: 2, vtk: 3, first: 1 },
};

/** A Nastran real or integer: "1.", "-2.5E+3", "1.5-3" (an exponent without its E), "+.5+2". */
export function nastranNumber(field: string): number | null {
  const t = field.trim().toUpperCase();
  if (t === '') return null;
  const plain = /^[+-]?(\d+\.?\d*|\.\d+)([ED][+-]?\d+)?$/.exec(t);
  if (plain) return Number(t.replace('D', 'E'));
  const shorthand = /^([+-]?(?:\d+\.?\d*|\.\d+))([+-]\d+)$/.exec(t);
  return shorthand ? Number(`${shorthand[1]}E${shorthand[2]}`) : null;
}

/** One card: its name, its data fields (fields 2 to 9 of each line), and the line it starts on. */
interface Card {
  name: string;
  fields: string[];
  line: number;
}

/** The data fields of one physical line (the name or continuation field left out). */
function fieldsOf(text: string): { head: string; fields: string[] } {
  if (text.includes(',')) {
    // Free field: fields 2 to 9 are data, blank when the line stops short (a continuation's data
    // are fields 10 on), field 10 the continuation marker.
    const parts = text.split(',');
    const data = parts.slice(1, 9);
    while (data.length < 8) data.push('');
    return { head: parts[0]!.trim(), fields: data };
  }
  const head = text.slice(0, 8).trim();
  const large = head.endsWith('*');
  const width = large ? 16 : 8;
  const fields: string[] = [];
  for (let k = 0; k < (large ? 4 : 8); k++) fields.push(text.slice(8 + k * width, 8 + (k + 1) * width));
  return { head, fields };
}

/** The bulk data's cards, continuations joined. */
function cardsOf(text: string): Card[] {
  const lines = text.split('\n');
  let start = lines.findIndex((l) => /^\s*BEGIN\s+BULK/i.test(l));
  start = start < 0 ? 0 : start + 1;
  const cards: Card[] = [];
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('$')) continue;
    const text = raw.split('$')[0]!; // an in-line comment
    if (/^ENDDATA/i.test(trimmed)) break;
    if (/^INCLUDE/i.test(trimmed)) throw new LoadError('bdf', 'unsupported', `line ${formatCount(i + 1)}: INCLUDE reads another file (${quote(trimmed.slice(7).trim().replace(/^'|'$/g, ''))}), which is not read; write the model as one file`);
    const { head, fields } = fieldsOf(text);
    const continues = head === '' || head.startsWith('+') || (head.startsWith('*') && cards.length > 0);
    if (continues && cards.length > 0) cards[cards.length - 1]!.fields.push(...fields);
    else if (!continues) cards.push({ name: head.replace(/\*$/, '').toUpperCase(), fields: [...fields], line: i + 1 });
    else throw malformed(i + 1, 'a continuation line with no card before it');
  }
  return cards;
}

export function parseNastran(text: string): Parsed {
  const cards = cardsOf(text);
  const index = new Map<number, number>();
  const points: number[] = [];
  const integer = (card: Card, k: number, what: string): number => {
    const v = nastranNumber(card.fields[k] ?? '');
    if (v === null || !Number.isInteger(v)) throw malformed(card.line, `${card.name}'s ${what} is ${quote((card.fields[k] ?? '').trim() || '(blank)')}, not a whole number`);
    return v;
  };
  for (const card of cards) {
    if (card.name !== 'GRID') continue;
    const id = integer(card, 0, 'grid number');
    const system = (card.fields[1] ?? '').trim();
    if (system !== '' && nastranNumber(system) !== 0) throw new LoadError('bdf', 'unsupported', `line ${formatCount(card.line)}: grid ${id} is given in coordinate system ${system}, which is not read (only the basic system, 0 or blank, is)`);
    const xyz = [2, 3, 4].map((k) => {
      const field = (card.fields[k] ?? '').trim();
      const v = field === '' ? 0 : nastranNumber(field);
      if (v === null) throw malformed(card.line, `grid ${id}: ${quote(field)} is not a number`);
      return v;
    });
    if (index.has(id)) throw malformed(card.line, `grid ${id} is given twice`);
    if (index.size >= LIMITS.maxPoints) throw new LoadError('bdf', 'too-large', `more than ${formatCount(LIMITS.maxPoints)} grids; the limit is ${formatCount(LIMITS.maxPoints)} points (LIMITS.maxPoints)`);
    index.set(id, points.length / 3);
    points.push(...xyz);
  }
  const connectivity: number[] = [];
  const offsets = [0];
  const types: number[] = [];
  for (const card of cards) {
    const element = ELEMENTS[card.name];
    if (!element) continue;
    for (let k = 0; k < element.corners; k++) {
      const grid = integer(card, element.first + k, `grid ${k + 1}`);
      const at = index.get(grid);
      if (at === undefined) throw malformed(card.line, `${card.name} ${(card.fields[0] ?? '').trim()} names grid ${grid}, which no GRID card gives`);
      connectivity.push(at);
    }
    offsets.push(connectivity.length);
    types.push(element.vtk);
    if (types.length > LIMITS.maxFaces) throw new LoadError('bdf', 'too-large', `more than ${formatCount(LIMITS.maxFaces)} elements; the limit is ${formatCount(LIMITS.maxFaces)} faces (LIMITS.maxFaces)`);
  }
  if (points.length === 0) throw new LoadError('bdf', 'empty', 'the file has no GRID cards (nodes)');
  return shapeOf('bdf', Float64Array.from(points), { connectivity, offsets, types }, []);
}
