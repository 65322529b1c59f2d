// The table of formats: extensions, whether the content must be text, and the parser. Which
// entry reads a file is decided here: the content (sniff.ts) wins over the extension.
import { EXTENSIONS } from './extensions';
import { formatCount } from './limits';
import { parseObj } from './obj';
import { parseOff } from './off';
import { parsePcd } from './pcd';
import { parsePly } from './ply';
import { sniffFormat } from './sniff';
import { parseStl } from './stl';
import { decodeText, firstBinaryByte, hexByte } from './text';
import { type FormatId, LoadError, type Parsed, formatLabel } from './types';
import { parseXyz } from './xyz';

export interface FormatEntry {
  id: FormatId;
  /** Lower-case, without the dot. */
  extensions: readonly string[];
  /** Text formats refuse content with binary bytes before parsing. */
  text: boolean;
  parse(bytes: Uint8Array): Parsed;
}

export const FORMATS: readonly FormatEntry[] = [
  { id: 'ply', extensions: EXTENSIONS.ply, text: false, parse: parsePly },
  { id: 'obj', extensions: EXTENSIONS.obj, text: true, parse: (bytes) => parseObj(decodeText(bytes)) },
  { id: 'pcd', extensions: EXTENSIONS.pcd, text: false, parse: parsePcd },
  { id: 'xyz', extensions: EXTENSIONS.xyz, text: true, parse: (bytes) => parseXyz(decodeText(bytes)) },
  { id: 'off', extensions: EXTENSIONS.off, text: true, parse: (bytes) => parseOff(decodeText(bytes)) },
  { id: 'stl', extensions: EXTENSIONS.stl, text: false, parse: parseStl },
];

export { ACCEPTED_EXTENSIONS } from './extensions';

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

export function formatForName(name: string): FormatEntry | undefined {
  const ext = extensionOf(name);
  return FORMATS.find((f) => f.extensions.includes(ext));
}

function entry(id: FormatId): FormatEntry {
  return FORMATS.find((f) => f.id === id)!;
}

/** The parser for a file, and a warning when its name says otherwise. */
export function chooseFormat(name: string, bytes: Uint8Array): { entry: FormatEntry; warnings: string[] } {
  const byName = formatForName(name);
  let sniffed = sniffFormat(bytes);
  // "Rows of numbers" is the weakest evidence: OFF without its optional keyword looks the same.
  if (sniffed === 'xyz' && byName !== undefined) sniffed = byName.id;
  if (sniffed !== undefined) {
    const warnings: string[] = [];
    if (byName !== undefined && byName.id !== sniffed) {
      warnings.push(`the file is named .${extensionOf(name)} but its content is ${formatLabel(sniffed)}; read as ${formatLabel(sniffed)}`);
    }
    return { entry: entry(sniffed), warnings };
  }
  if (byName !== undefined) {
    const binaryAt = byName.text ? firstBinaryByte(bytes) : -1;
    if (binaryAt >= 0) {
      throw new LoadError(byName.id, 'malformed', `the file is binary (byte ${hexByte(bytes[binaryAt]!)} at offset ${formatCount(binaryAt)}), not ${formatLabel(byName.id)} text`);
    }
    return { entry: byName, warnings: [] };
  }
  const ext = extensionOf(name);
  const known = FORMATS.map((f) => formatLabel(f.id)).join(', ');
  const start = Array.from(bytes.subarray(0, 8), hexByte).join(' ');
  throw new LoadError(
    'unknown',
    'unsupported',
    `${name}: unrecognised format (${ext === '' ? 'no extension' : `extension .${ext}`}; the content is none of ${known}; it starts with ${start})`,
  );
}
