// Writes E57 files for the tests from the standard's layout (ASTM E2807): the 48-byte header; each
// scan's points as a compressed vector section (a 32-byte section header, then data packets, each
// holding a piece of every field's bytestream: floats, or integers bit-packed from the lowest bit,
// a field's stream continuing from one packet into the next, even in the middle of a value); the
// XML section last; every 1,020 bytes a page, closed by its CRC-32C stored big-endian.
import { PAGE_DATA, bitsFor, crc32c } from '../../src/io/e57Binary';

export interface E57Field {
  name: string;
  type: 'single' | 'double' | 'integer' | 'scaled';
  /** Integer / scaled: the stored integers' range. */
  minimum?: number;
  maximum?: number;
  scale?: number;
  offset?: number;
  /** The field's values (scaled: the real values, rounded to the scale here). */
  values: number[];
}

export interface E57Scan {
  fields: E57Field[];
  /** w, x, y, z; translation x, y, z. */
  rotation?: number[];
  translation?: number[];
  /** colorLimits as written, e.g. { colorRedMaximum: 255, ... }. */
  colorLimits?: Record<string, number>;
}

export interface E57Options {
  /** Data packets per scan (each field's stream is cut into this many pieces). */
  packets?: number;
  /** Extra XML inside <e57Root>. */
  extraXml?: string;
}

function stream(f: E57Field): Uint8Array {
  if (f.type === 'single' || f.type === 'double') {
    const size = f.type === 'single' ? 4 : 8;
    const out = new Uint8Array(f.values.length * size);
    const view = new DataView(out.buffer);
    f.values.forEach((v, i) => (size === 4 ? view.setFloat32(4 * i, v, true) : view.setFloat64(8 * i, v, true)));
    return out;
  }
  const minimum = f.minimum!;
  const bits = bitsFor(minimum, f.maximum!);
  const out = new Uint8Array(Math.ceil((f.values.length * bits) / 8));
  f.values.forEach((v, i) => {
    const raw = f.type === 'scaled' ? Math.round((v - (f.offset ?? 0)) / (f.scale ?? 1)) : v;
    let packed = BigInt(raw - minimum);
    for (let j = 0; j < bits; j++, packed >>= 1n) {
      const p = i * bits + j;
      if (packed & 1n) out[p >> 3]! |= 1 << (p & 7);
    }
  });
  return out;
}

function fieldXml(f: E57Field): string {
  switch (f.type) {
    case 'single':
      return `<${f.name} type="Float" precision="single"/>`;
    case 'double':
      return `<${f.name} type="Float"/>`;
    case 'integer':
      return `<${f.name} type="Integer" minimum="${f.minimum}" maximum="${f.maximum}"/>`;
    case 'scaled':
      return `<${f.name} type="ScaledInteger" minimum="${f.minimum}" maximum="${f.maximum}" scale="${f.scale ?? 1}" offset="${f.offset ?? 0}"/>`;
  }
}

const physical = (logical: number): number => Math.floor(logical / PAGE_DATA) * 1024 + (logical % PAGE_DATA);

/** The file's bytes. */
export function e57File(scans: E57Scan[], options: E57Options = {}): Uint8Array {
  const chunks: Uint8Array[] = [new Uint8Array(48)];
  let logical = 48;
  const append = (bytes: Uint8Array): number => {
    const at = logical;
    chunks.push(bytes);
    logical += bytes.length;
    return at;
  };
  const sections = scans.map((scan) => {
    const streams = scan.fields.map(stream);
    const packets = options.packets ?? 1;
    const pieces = streams.map((s) => Array.from({ length: packets }, (_, k) => s.subarray(Math.floor((s.length * k) / packets), Math.floor((s.length * (k + 1)) / packets))));
    const packetBytes = Array.from({ length: packets }, (_, k) => {
      const header = 6 + 2 * streams.length;
      const body = pieces.reduce((n, p) => n + p[k]!.length, 0);
      const length = Math.ceil((header + body) / 4) * 4;
      const out = new Uint8Array(length);
      const view = new DataView(out.buffer);
      out[0] = 1;
      view.setUint16(2, length - 1, true);
      view.setUint16(4, streams.length, true);
      let at = header;
      pieces.forEach((p, i) => {
        view.setUint16(6 + 2 * i, p[k]!.length, true);
        out.set(p[k]!, at);
        at += p[k]!.length;
      });
      return out;
    });
    const sectionLength = 32 + packetBytes.reduce((n, p) => n + p.length, 0);
    const header = new Uint8Array(32);
    const view = new DataView(header.buffer);
    header[0] = 1;
    const start = logical;
    view.setUint32(8, sectionLength, true);
    view.setUint32(16, physical(start + 32), true);
    append(header);
    packetBytes.forEach(append);
    return physical(start);
  });

  const scanXml = scans.map((scan, k) => {
    const [w, x, y, z] = scan.rotation ?? [1, 0, 0, 0];
    const [tx, ty, tz] = scan.translation ?? [0, 0, 0];
    const limits = scan.colorLimits === undefined ? '' : `<colorLimits type="Structure">${Object.entries(scan.colorLimits).map(([n, v]) => `<${n} type="Integer">${v}</${n}>`).join('')}</colorLimits>`;
    return `<vectorChild type="Structure"><guid type="String"><![CDATA[scan-${k}]]></guid><name type="String"><![CDATA[Scan ${k + 1}]]></name>
<pose type="Structure"><rotation type="Structure"><w type="Float">${w}</w><x type="Float">${x}</x><y type="Float">${y}</y><z type="Float">${z}</z></rotation><translation type="Structure"><x type="Float">${tx}</x><y type="Float">${ty}</y><z type="Float">${tz}</z></translation></pose>
${limits}
<points type="CompressedVector" fileOffset="${sections[k]}" recordCount="${scan.fields[0]!.values.length}"><prototype type="Structure">${scan.fields.map(fieldXml).join('')}</prototype><codecs type="Vector" allowHeterogeneousChildren="1"/></points></vectorChild>`;
  });
  const xml = new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>
<e57Root type="Structure" xmlns="http://www.astm.org/COMMIT/E57/2010-e57-v1.0">
<formatName type="String"><![CDATA[ASTM E57 3D Imaging Data File]]></formatName>
<versionMajor type="Integer">1</versionMajor><versionMinor type="Integer">0</versionMinor>
<data3D type="Vector" allowHeterogeneousChildren="1">${scanXml.join('\n')}</data3D>
<images2D type="Vector" allowHeterogeneousChildren="1"/>${options.extraXml ?? ''}
</e57Root>
`);
  const xmlAt = append(xml);

  const data = new Uint8Array(Math.ceil(logical / PAGE_DATA) * PAGE_DATA);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  const pages = data.length / PAGE_DATA;
  const header = new DataView(data.buffer);
  data.set([...'ASTM-E57'].map((c) => c.charCodeAt(0)));
  header.setUint32(8, 1, true);
  header.setUint32(16, pages * 1024, true);
  header.setUint32(24, physical(xmlAt), true);
  header.setUint32(32, xml.length, true);
  header.setUint32(40, 1024, true);
  const out = new Uint8Array(pages * 1024);
  for (let p = 0; p < pages; p++) {
    const page = data.subarray(p * PAGE_DATA, (p + 1) * PAGE_DATA);
    out.set(page, p * 1024);
    new DataView(out.buffer).setUint32(p * 1024 + PAGE_DATA, crc32c(page), false);
  }
  return out;
}

/** The pages' checksums written anew (after a test changed a byte, so that the reader goes past
 * the checksums to what the change did). */
export function rechecksum(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let p = 0; p + 1024 <= out.length; p += 1024) new DataView(out.buffer).setUint32(p + PAGE_DATA, crc32c(out.subarray(p, p + PAGE_DATA)), false);
  return out;
}
