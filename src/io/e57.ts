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
import { type FieldCoding, bitsFor, bytestreams, logicalBytes, readHeader, toLogical, unpack } from './e57Binary';
import { Float64Builder } from './buffers';
import { countOf, formatCount } from './limits';
import { shiftedFloat32 } from './origin';
import { quote } from './text';
import { LoadError, type Parsed } from './types';
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

/** One scan's points in the file's frame: every `step`-th record, invalid ones left out. */
function readScan(logical: Uint8Array, scan: XmlElement, what: string, step: number): Scan {
  const points = childNamed(scan, 'points');
  if (points === undefined) return { positions: new Float64Array(), colors: null, count: 0, visited: 0 };
  if (points.attributes.type !== 'CompressedVector') throw malformed(`${what}'s points are a ${quote(points.attributes.type ?? '(none)')}, not a CompressedVector`);
  const records = numberOf(points.attributes.recordCount, `${what}'s recordCount`);
  if (!Number.isSafeInteger(records) || records < 0) throw malformed(`${what}'s recordCount is ${records}`);
  if (records === 0) return { positions: new Float64Array(), colors: null, count: 0, visited: 0 };
  const prototype = childNamed(points, 'prototype');
  if (prototype === undefined) throw malformed(`${what}'s points have no prototype`);
  const names = prototype.children.map((c) => c.name);
  const coordinates = CARTESIAN.every((n) => names.includes(n)) ? CARTESIAN : SPHERICAL.every((n) => names.includes(n)) ? SPHERICAL : null;
  if (coordinates === null) throw malformed(`${what}'s points have neither cartesianX / Y / Z nor sphericalRange / Azimuth / Elevation (fields: ${names.join(', ') || 'none'})`);
  const invalid = coordinates === CARTESIAN ? 'cartesianInvalidState' : 'sphericalInvalidState';
  const wantedNames = [...coordinates, ...(names.includes(invalid) ? [invalid] : []), ...(COLOURS.every((n) => names.includes(n)) ? COLOURS : [])];
  const fields = wantedNames.map((n) => fieldOf(prototype.children[names.indexOf(n)]!, `${what}'s ${n}`));
  const fileOffset = numberOf(points.attributes.fileOffset, `${what}'s fileOffset`);
  const streams = bytestreams(logical, fileOffset, names.length, wantedNames.map((n) => names.indexOf(n)), `${what}'s points`);
  const values = wantedNames.map((n, k) => {
    const f = fields[k]!;
    const raw = unpack(streams[k]!, f.coding, records, step, `${what}'s ${n}`);
    if (f.scale !== 1 || f.offset !== 0) for (let i = 0; i < raw.length; i++) raw[i] = raw[i]! * f.scale + f.offset;
    return raw;
  });
  const [a, b, c] = values as [Float64Array, Float64Array, Float64Array];
  const state = names.includes(invalid) ? values[3]! : null;
  const colour = wantedNames.includes('colorRed') ? values.slice(-3) : null;
  // Colour limits: the scan's colorLimits, else the fields' own ranges.
  const limits = childNamed(scan, 'colorLimits');
  const range = COLOURS.map((n, k) => {
    const f = fields[wantedNames.indexOf(n)];
    const lo = valueOf(limits === undefined ? undefined : childNamed(limits, `${n}Minimum`), `${what}'s ${n}Minimum`, Number.isFinite(f?.minimum) ? f!.minimum : 0);
    const hi = valueOf(limits === undefined ? undefined : childNamed(limits, `${n}Maximum`), `${what}'s ${n}Maximum`, Number.isFinite(f?.maximum) ? f!.maximum : 255);
    return [lo, hi > lo ? hi - lo : 1, k] as const;
  });

  const { r, t } = rotationOf(childNamed(scan, 'pose'), what);
  const positions = new Float64Builder();
  const colours: number[] = [];
  let count = 0;
  const visited = a.length;
  for (let i = 0; i < visited; i++) {
    if (state !== null && state[i] !== 0) continue;
    let [x, y, z] = [a[i]!, b[i]!, c[i]!];
    if (coordinates === SPHERICAL) {
      const [range_, azimuth, elevation] = [x, y, z];
      [x, y, z] = [range_ * Math.cos(elevation) * Math.cos(azimuth), range_ * Math.cos(elevation) * Math.sin(azimuth), range_ * Math.sin(elevation)];
    }
    positions.push3(r[0]! * x + r[1]! * y + r[2]! * z + t[0]!, r[3]! * x + r[4]! * y + r[5]! * z + t[1]!, r[6]! * x + r[7]! * y + r[8]! * z + t[2]!);
    if (colour !== null) for (const [lo, span, k] of range) colours.push(Math.min(1, Math.max(0, (colour[k]![i]! - lo) / span)));
    count++;
  }
  return { positions: positions.finish(), colors: colour === null ? null : new Float32Array(colours), count, visited };
}

export function parseE57(bytes: Uint8Array): Parsed {
  const header = readHeader(bytes);
  const logical = logicalBytes(bytes);
  const xmlStart = toLogical(header.xmlPhysicalOffset, "the header's XML offset", logical.length);
  if (xmlStart + header.xmlLogicalLength > logical.length) throw new LoadError('e57', 'truncated', `the XML section (${formatCount(header.xmlLogicalLength)} bytes) runs past the end of the file: is it cut short?`);
  const root = parseXml('e57', new TextDecoder().decode(logical.subarray(xmlStart, xmlStart + header.xmlLogicalLength)));
  if (root.name !== 'e57Root') throw malformed(`the XML section's root is <${root.name}>, not <e57Root>`);
  const scans = childNamed(root, 'data3D')?.children ?? [];
  if (scans.length === 0) throw new LoadError('e57', 'empty', `the file holds no scan (data3D is ${childNamed(root, 'data3D') === undefined ? 'missing' : 'empty'})${childNamed(root, 'images2D')?.children.length ? '; its images are not read' : ''}`);

  const what = (k: number): string => (scans.length === 1 ? 'the scan' : `scan ${k + 1}`);
  const total = scans.reduce((n, s, k) => {
    const points = childNamed(s, 'points');
    return n + (points === undefined ? 0 : numberOf(points.attributes.recordCount, `${what(k)}'s recordCount`));
  }, 0);
  const step = Math.max(1, Math.ceil(total / MAX_READ));
  const read = scans.map((s, k) => readScan(logical, s, what(k), step));
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
  if (scans.length > 1) warnings.push(`E57: ${scans.length} scans read together, each placed by its pose`);
  const { positions, offset } = shiftedFloat32(world);
  return { kind: 'points', cloud: { positions, count, ...(colors === undefined ? {} : { colors }) }, fileVertexCount: total, warnings, offset };
}
