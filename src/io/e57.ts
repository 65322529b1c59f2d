// E57 (ASTM E2807), the exchange format of laser scanners and scan software (Leica, FARO, Trimble,
// NavVis, Matterport's and Polycam's E57 export, CloudCompare, ReCap): every scan of the file's
// data3D, placed by its pose (a rotation quaternion and a translation), from its Cartesian or its
// spherical coordinates (float, or scaled integers bit-packed), points flagged invalid left out,
// colours kept. The binary layer (pages, checksums, packets, bit unpacking) is e57Binary.ts, the
// XML section is read by xml.ts. A file of more than MAX_READ points is read one point in k (a
// warning says so): a terrestrial scan holds tens of millions, the classifier looks at a thousand
// and the viewer shows a few million smoothly. Images (images2D) are not read. Refused with the reason: not E57, a version other
// than 1, a page whose checksum does not match, an offset or length outside the file, a prototype
// without x, y, z (or range, azimuth, elevation), a field of a type or size the format does not
// define, no scan with points.
import { type E57Header, type FieldCoding, FieldDecoder, PAGE, PAGE_DATA, PacketReader, bitsFor, pageData, readHeader, readSection, toLogical } from './e57Binary';
import { Float64Builder } from './buffers';
import { SLICE_BYTES, countOf, formatCount } from './limits';
import { shiftedFloat32 } from './origin';
import { quote } from './text';
import { LoadError, type Parsed, type ReadRange } from './types';
import { type XmlElement, childNamed, parseXml } from './xml';

const CARTESIAN = ['cartesianX', 'cartesianY', 'cartesianZ'] as const;
const SPHERICAL = ['sphericalRange', 'sphericalAzimuth', 'sphericalElevation'] as const;
const COLOURS = ['colorRed', 'colorGreen', 'colorBlue'] as const;

/** Points read at most; a file with more is read one point in k. */
export const MAX_READ = 5_000_000;

function malformed(detail: string): LoadError {
  return new LoadError('e57', 'malformed', detail);
}

/** A number attribute or element text, or `fallback` when absent. */
function numberOf(raw: string | undefined, what: string, fallback?: number): number {
  if (raw === undefined || raw.trim() === '') {
    if (fallback !== undefined) return fallback;
    throw malformed(`${what} is missing`);
  }
  const v = Number(raw.trim());
  if (!Number.isFinite(v)) throw malformed(`${what} is ${quote(raw.trim())}, not a number`);
  return v;
}

/** A Float / Integer / ScaledInteger element's value (pose, colour limits). */
function valueOf(e: XmlElement | undefined, what: string, fallback: number): number {
  return e === undefined ? fallback : numberOf(e.text, what, fallback);
}

interface Field {
  coding: FieldCoding;
  scale: number;
  offset: number;
  minimum: number;
  maximum: number;
}

/** How a prototype field is stored, and how a stored value becomes the field's value. */
function fieldOf(e: XmlElement, what: string): Field {
  const type = e.attributes.type;
  const a = (name: string, fallback?: number) => numberOf(e.attributes[name], `${what}'s ${name}`, fallback);
  if (type === 'Float') {
    const precision = e.attributes.precision ?? 'double';
    if (precision !== 'single' && precision !== 'double') throw malformed(`${what} has precision ${quote(precision)}, not single or double`);
    return { coding: { kind: 'float', bytes: precision === 'single' ? 4 : 8 }, scale: 1, offset: 0, minimum: a('minimum', -Infinity), maximum: a('maximum', Infinity) };
  }
  if (type === 'Integer' || type === 'ScaledInteger') {
    const minimum = a('minimum', -(2 ** 63));
    const maximum = a('maximum', 2 ** 63 - 1);
    if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || maximum < minimum) throw malformed(`${what}'s range [${minimum}, ${maximum}] is not a range of integers`);
    const bits = bitsFor(minimum, maximum);
    const scale = type === 'ScaledInteger' ? a('scale', 1) : 1;
    const offset = type === 'ScaledInteger' ? a('offset', 0) : 0;
    return { coding: { kind: 'integer', bits, minimum }, scale, offset, minimum: minimum * scale + offset, maximum: maximum * scale + offset };
  }
  throw new LoadError('e57', 'unsupported', `${what} is of type ${quote(type ?? '(none)')}; point fields are Float, Integer or ScaledInteger`);
}

/** What the XML says of one scan: its records, its fields and the wanted ones, where its data
 * is, its pose and colour limits. */
interface ScanPlan {
  what: string;
  records: number;
  /** Physical offset of its compressed vector section. */
  fileOffset: number;
  fieldCount: number;
  spherical: boolean;
  /** Prototype index and coding of x, y, z (or range, azimuth, elevation), the invalid state and
   * the colours, in that order; state and colours when the scan has them. */
  wanted: { name: string; index: number; field: Field }[];
  hasState: boolean;
  hasColour: boolean;
  pose: { r: number[]; t: number[] };
  /** Each colour's lowest value and span. */
  colourRange: [number, number][];
}

interface Scan {
  positions: Float64Array;
  colors: Float32Array | null;
  count: number;
  /** Records looked at (every step-th), valid or not. */
  visited: number;
}

/** A rotation (unit quaternion w, x, y, z) as a row-major 3 x 3 matrix. */
function rotationOf(pose: XmlElement | undefined, what: string): { r: number[]; t: number[] } {
  const rotation = pose === undefined ? undefined : childNamed(pose, 'rotation');
  const translation = pose === undefined ? undefined : childNamed(pose, 'translation');
  const q = ['w', 'x', 'y', 'z'].map((k, i) => valueOf(rotation === undefined ? undefined : childNamed(rotation, k), `${what}'s pose rotation ${k}`, i === 0 ? 1 : 0));
  const norm = Math.hypot(...q);
  if (norm === 0) throw malformed(`${what}'s pose rotation is (0, 0, 0, 0), not a rotation`);
  const [w, x, y, z] = q.map((v) => v / norm) as [number, number, number, number];
  const r = [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y), 2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x), 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)];
  const t = ['x', 'y', 'z'].map((k) => valueOf(translation === undefined ? undefined : childNamed(translation, k), `${what}'s pose translation ${k}`, 0));
  return { r, t };
}

/** The scan's plan; null for a scan without points. */
function planScan(scan: XmlElement, what: string): ScanPlan | null {
  const points = childNamed(scan, 'points');
  if (points === undefined) return null;
  if (points.attributes.type !== 'CompressedVector') throw malformed(`${what}'s points are a ${quote(points.attributes.type ?? '(none)')}, not a CompressedVector`);
  const records = numberOf(points.attributes.recordCount, `${what}'s recordCount`);
  if (!Number.isSafeInteger(records) || records < 0) throw malformed(`${what}'s recordCount is ${records}`);
  if (records === 0) return null;
  const prototype = childNamed(points, 'prototype');
  if (prototype === undefined) throw malformed(`${what}'s points have no prototype`);
  const names = prototype.children.map((c) => c.name);
  const coordinates = CARTESIAN.every((n) => names.includes(n)) ? CARTESIAN : SPHERICAL.every((n) => names.includes(n)) ? SPHERICAL : null;
  if (coordinates === null) throw malformed(`${what}'s points have neither cartesianX / Y / Z nor sphericalRange / Azimuth / Elevation (fields: ${names.join(', ') || 'none'})`);
  const state = coordinates === CARTESIAN ? 'cartesianInvalidState' : 'sphericalInvalidState';
  const hasState = names.includes(state);
  const hasColour = COLOURS.every((n) => names.includes(n));
  const wanted = [...coordinates, ...(hasState ? [state] : []), ...(hasColour ? COLOURS : [])].map((name) => {
    const index = names.indexOf(name);
    return { name, index, field: fieldOf(prototype.children[index]!, `${what}'s ${name}`) };
  });
  // Colour limits: the scan's colorLimits, else the fields' own ranges.
  const limits = childNamed(scan, 'colorLimits');
  const colourRange = COLOURS.map((n): [number, number] => {
    const f = wanted.find((w) => w.name === n)?.field;
    const lo = valueOf(limits === undefined ? undefined : childNamed(limits, `${n}Minimum`), `${what}'s ${n}Minimum`, f !== undefined && Number.isFinite(f.minimum) ? f.minimum : 0);
    const hi = valueOf(limits === undefined ? undefined : childNamed(limits, `${n}Maximum`), `${what}'s ${n}Maximum`, f !== undefined && Number.isFinite(f.maximum) ? f.maximum : 255);
    return [lo, hi > lo ? hi - lo : 1];
  });
  return {
    what,
    records,
    fileOffset: numberOf(points.attributes.fileOffset, `${what}'s fileOffset`),
    fieldCount: names.length,
    spherical: coordinates === SPHERICAL,
    wanted,
    hasState,
    hasColour,
    pose: rotationOf(childNamed(scan, 'pose'), what),
    colourRange,
  };
}

/** The XML section's scans, planned, and the step that keeps at most MAX_READ points. */
function planScans(xml: string): { plans: ScanPlan[]; total: number; step: number; scans: number } {
  const root = parseXml('e57', xml);
  if (root.name !== 'e57Root') throw malformed(`the XML section's root is <${root.name}>, not <e57Root>`);
  const scans = childNamed(root, 'data3D')?.children ?? [];
  if (scans.length === 0) throw new LoadError('e57', 'empty', `the file holds no scan (data3D is ${childNamed(root, 'data3D') === undefined ? 'missing' : 'empty'})${childNamed(root, 'images2D')?.children.length ? '; its images are not read' : ''}`);
  const plans = scans.map((s, k) => planScan(s, scans.length === 1 ? 'the scan' : `scan ${k + 1}`)).filter((p): p is ScanPlan => p !== null);
  const total = plans.reduce((n, p) => n + p.records, 0);
  return { plans, total, step: Math.max(1, Math.ceil(total / MAX_READ)), scans: scans.length };
}

/** A decoder for each wanted field, by its index in the prototype. */
function decodersFor(plan: ScanPlan, step: number): Map<number, FieldDecoder> {
  return new Map(plan.wanted.map((w) => [w.index, new FieldDecoder(w.field.coding, plan.records, step, `${plan.what}'s ${w.name}`)]));
}

/** One scan's points placed by its pose, invalid ones left out, from its decoded fields. */
function assemble(plan: ScanPlan, decoders: Map<number, FieldDecoder>): Scan {
  const values = plan.wanted.map((w) => {
    const v = decoders.get(w.index)!.finish();
    const { scale, offset } = w.field;
    if (scale !== 1 || offset !== 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale + offset;
    return v;
  });
  const [a, b, c] = values as [Float64Array, Float64Array, Float64Array];
  const state = plan.hasState ? values[3]! : null;
  const colour = plan.hasColour ? values.slice(-3) : null;
  const { r, t } = plan.pose;
  const positions = new Float64Builder();
  const colours: number[] = [];
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (state !== null && state[i] !== 0) continue;
    let [x, y, z] = [a[i]!, b[i]!, c[i]!];
    if (plan.spherical) [x, y, z] = [x * Math.cos(z) * Math.cos(y), x * Math.cos(z) * Math.sin(y), x * Math.sin(z)];
    positions.push3(r[0]! * x + r[1]! * y + r[2]! * z + t[0]!, r[3]! * x + r[4]! * y + r[5]! * z + t[1]!, r[6]! * x + r[7]! * y + r[8]! * z + t[2]!);
    if (colour !== null) plan.colourRange.forEach(([lo, span], k) => colours.push(Math.min(1, Math.max(0, (colour[k]![i]! - lo) / span))));
    count++;
  }
  return { positions: positions.finish(), colors: colour === null ? null : new Float32Array(colours), count, visited: a.length };
}

/** The scans together as the result of a parse. */
function combine(read: Scan[], total: number, step: number, scans: number): Parsed {
  const count = read.reduce((n, s) => n + s.count, 0);
  const invalid = read.reduce((n, s) => n + s.visited - s.count, 0);
  if (count === 0) throw new LoadError('e57', 'empty', total === 0 ? 'the scans hold no points' : `every one of the ${formatCount(total)} points is flagged invalid`);
  const world = new Float64Array(count * 3);
  const withColour = read.every((s) => s.colors !== null || s.count === 0);
  const colors = withColour ? new Float32Array(count * 3) : undefined;
  let at = 0;
  for (const s of read) {
    world.set(s.positions, at * 3);
    if (colors !== undefined && s.colors !== null) colors.set(s.colors, at * 3);
    at += s.count;
  }
  const warnings: string[] = [];
  if (step > 1) warnings.push(`E57: the file holds ${formatCount(total)} points; one in ${step} read (at most ${formatCount(MAX_READ)})`);
  if (invalid > 0) warnings.push(`E57: ${countOf(invalid, 'point')} flagged invalid (no return) left out`);
  if (scans > 1) warnings.push(`E57: ${scans} scans read together, each placed by its pose`);
  const { positions, offset } = shiftedFloat32(world);
  return { kind: 'points', cloud: { positions, count, ...(colors === undefined ? {} : { colors }) }, fileVertexCount: total, warnings, offset };
}

const XML_LIMIT = 64 * 1024 * 1024;

function xmlText(header: E57Header, logicalLength: number, logicalXml: (start: number, end: number) => Uint8Array): string {
  const start = toLogical(header.xmlPhysicalOffset, "the header's XML offset", logicalLength);
  if (header.xmlLogicalLength > XML_LIMIT) throw new LoadError('e57', 'too-large', `the XML section is ${formatCount(header.xmlLogicalLength)} bytes; the limit is ${formatCount(XML_LIMIT)}`);
  if (start + header.xmlLogicalLength > logicalLength) throw new LoadError('e57', 'truncated', `the XML section (${formatCount(header.xmlLogicalLength)} bytes) runs past the end of the file: is it cut short?`);
  return new TextDecoder().decode(logicalXml(start, start + header.xmlLogicalLength));
}

/** Reads a whole E57 file held in memory. */
export function parseE57(bytes: Uint8Array): Parsed {
  const header = readHeader(bytes, bytes.length);
  const pages = bytes.length / PAGE;
  const logical = pageData(bytes, 0, pages);
  const { plans, total, step, scans } = planScans(xmlText(header, logical.length, (a, b) => logical.subarray(a, b)));
  const read = plans.map((plan) => {
    const start = toLogical(plan.fileOffset, `${plan.what}'s points: the fileOffset`, logical.length);
    const section = readSection(logical.subarray(start, start + 32), start, logical.length, `${plan.what}'s points`);
    const decoders = decodersFor(plan, step);
    new PacketReader(section, plan.fieldCount, decoders, `${plan.what}'s points`).feed(logical.subarray(section.packets, section.end));
    return assemble(plan, decoders);
  });
  return combine(read, total, step, scans);
}

/** Pages read at a time by the sliced reader (SLICE_BYTES of them). */
const SLICE_PAGES = SLICE_BYTES / PAGE;

/** Reads an E57 file too large to hold (over LIMITS.maxFileBytes) a slice of pages at a time: the
 * header, the XML section, then each scan's packets, decoding only every step-th record of the
 * wanted fields as they pass. */
export async function parseE57Sliced(size: number, read: ReadRange, onRead?: (loaded: number) => void, slicePages = SLICE_PAGES): Promise<Parsed> {
  const header = readHeader(await read(0, Math.min(size, PAGE)), size);
  const pages = size / PAGE;
  const logicalLength = pages * PAGE_DATA;
  /** Logical bytes [start, end), read as whole checked pages. */
  const logicalRange = async (start: number, end: number): Promise<Uint8Array> => {
    const first = Math.floor(start / PAGE_DATA);
    const last = Math.ceil(end / PAGE_DATA);
    const physical = await read(first * PAGE, last * PAGE);
    if (physical.length < (last - first) * PAGE) throw new LoadError('e57', 'truncated', `the file could be read only to byte ${formatCount(first * PAGE + physical.length)} of ${formatCount(size)}`);
    return pageData(physical, first, pages).subarray(start - first * PAGE_DATA, end - first * PAGE_DATA);
  };
  const xmlStart = toLogical(header.xmlPhysicalOffset, "the header's XML offset", logicalLength);
  const xml = await logicalRange(xmlStart, Math.min(logicalLength, xmlStart + Math.min(header.xmlLogicalLength, XML_LIMIT + 1)));
  const { plans, total, step, scans } = planScans(xmlText(header, logicalLength, (a, b) => xml.subarray(a - xmlStart, b - xmlStart)));
  const out: Scan[] = [];
  let done = 0;
  for (const plan of plans) {
    const start = toLogical(plan.fileOffset, `${plan.what}'s points: the fileOffset`, logicalLength);
    const section = readSection(await logicalRange(start, Math.min(logicalLength, start + 32)), start, logicalLength, `${plan.what}'s points`);
    const decoders = decodersFor(plan, step);
    const packets = new PacketReader(section, plan.fieldCount, decoders, `${plan.what}'s points`);
    for (let at = section.packets; at < section.end; ) {
      const end = Math.min(section.end, (Math.floor(at / PAGE_DATA) + slicePages) * PAGE_DATA);
      packets.feed(await logicalRange(at, end));
      done += end - at;
      onRead?.(Math.round((done / logicalLength) * size));
      at = end;
    }
    out.push(assemble(plan, decoders));
  }
  return combine(out, total, step, scans);
}
