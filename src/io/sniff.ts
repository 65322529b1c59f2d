// Which format a file is, from its content alone. Each test looks for something the format must
// start with (or, for binary STL, a size that matches its triangle count exactly).
import { firstBinaryByte, toNumber } from './text';
import type { FormatId } from './types';

const WINDOW = 64 * 1024;

function head(bytes: Uint8Array): string {
  const part = bytes.subarray(0, WINDOW);
  if (part[0] === 0xfe && part[1] === 0xff) return new TextDecoder('utf-16be').decode(part.subarray(2));
  if (part[0] === 0xff && part[1] === 0xfe) return new TextDecoder('utf-16le').decode(part.subarray(2));
  return new TextDecoder('latin1').decode(part).replace(/^\u00ef\u00bb\u00bf/, '').replace(/\r\n?/g, '\n');
}

/** Lines that are not blank and not '#' comments, first few only. */
function significantLines(text: string, max: number): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n', 1000)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//') || line.startsWith('%')) continue;
    out.push(line);
    if (out.length === max) break;
  }
  return out;
}

function isBinaryStl(bytes: Uint8Array): boolean {
  if (bytes.length < 84) return false;
  const triangles = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  return triangles > 0 && 84 + 50 * triangles === bytes.length;
}

function isNumberRow(line: string): number {
  const values = line.split(/\s*[,;]\s*|\s+/).map(toNumber);
  return values.every((v) => v !== null) ? values.length : 0;
}

export function sniffFormat(bytes: Uint8Array): FormatId | undefined {
  const text = head(bytes);
  if (/^ply[ \t]*\n/.test(text)) return 'ply';
  const lines = significantLines(text, 3);
  const first = lines[0] ?? '';
  if (text.startsWith('# .PCD') || /^(VERSION|FIELDS)\s/i.test(first)) return 'pcd';
  if (/^(ST)?C?N?4?n?OFF(\s|$)/.test(first)) return 'off';
  if (isBinaryStl(bytes)) return 'stl';
  if (firstBinaryByte(bytes) >= 0) return undefined;
  if (/^solid(\s|$)/i.test(first) && /^\s*(facet|endsolid)\b/im.test(text)) return 'stl';
  if (/^[ \t]*v[ \t]+[-+.\d]/m.test(text) && /^[ \t]*(f|p|l|vn|vt|o|g)[ \t]/m.test(text)) return 'obj';
  if (/^[ \t]*v[ \t]+[-+.\d]/m.test(text) && !lines.some((l) => isNumberRow(l) >= 3)) return 'obj';
  // Point lists: a number row of 3+ values within the first lines (after an optional header row
  // of names and an optional point-count row).
  if (lines.some((l) => isNumberRow(l) >= 3)) return 'xyz';
  return undefined;
}
