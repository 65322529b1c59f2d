// Which format a file is: its content, by the format table's tests, and then its name. The content
// wins over the extension; a mismatch becomes a warning.
import { readHead } from './content';
import { COMPRESSION_SIGNATURES, EVIDENCE, type FormatEntry, type FormatId, FORMATS, UNREAD_FORMATS, extensionOf, formatForName, formatLabel } from './formats';
import { formatCount } from './limits';
import { firstBinaryByte, hexByte } from './text';
import { LoadError } from './types';

/** The formats that are zip packages, recognised by what their zip holds (formats.ts). */
const ZIP_PACKAGES: readonly FormatId[] = ['3mf', 'npy', 'usd'];

/** The format the content shows, from the strongest evidence any format's test finds. */
export function sniffFormat(bytes: Uint8Array): FormatId | undefined {
  const head = readHead(bytes);
  for (const evidence of EVIDENCE) {
    if (evidence !== 'signature' && head.binary) return undefined;
    const match = FORMATS.find((f) => f.sniff[evidence]?.(head) === true);
    if (match !== undefined) return match.id;
  }
  return undefined;
}

function entry(id: FormatId): FormatEntry {
  return FORMATS.find((f) => f.id === id)!;
}

/** The format to read a file as, and a warning when its name says otherwise. */
export function chooseFormat(name: string, bytes: Uint8Array): { entry: FormatEntry; warnings: string[] } {
  const byName = formatForName(name);
  let sniffed = sniffFormat(bytes);
  // "Rows of numbers" is the weakest evidence: OFF without its optional keyword looks the same.
  if (sniffed === 'xyz' && byName !== undefined) sniffed = byName.id;
  // Any zip is a "Zip archive" by content; a damaged 3MF, .npz or USDZ (which are zips) is still
  // read, and refused, as what its name says.
  if (sniffed === 'zip' && byName !== undefined && ZIP_PACKAGES.includes(byName.id)) sniffed = byName.id;
  // Any gzip stream is SPZ by content; VRML and X3D are often saved gzipped (.wrz, .x3dz, .wrl),
  // and Blender before 3.0 gzipped a .blend saved compressed.
  if (sniffed === 'spz' && (byName?.id === 'x3d' || byName?.id === 'blend')) sniffed = byName.id;
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
  const unread = UNREAD_FORMATS[ext];
  if (unread !== undefined) throw new LoadError('unknown', 'unsupported', `${name}: ${unread}`);
  // .splat has no content to recognise (its name alone is read as one).
  const known = FORMATS.filter((f) => Object.keys(f.sniff).length > 0).map((f) => f.label).join(', ');
  const start = Array.from(bytes.subarray(0, 8), hexByte).join(' ');
  const compression = COMPRESSION_SIGNATURES[ext];
  if (compression !== undefined) {
    throw new LoadError('unknown', 'malformed', `${name}: the file is named .${ext} but is not compressed by ${compression}, nor one of ${known} (it starts with ${start}); is it damaged?`);
  }
  throw new LoadError(
    'unknown',
    'unsupported',
    `${name}: unrecognised format (${ext === '' ? 'no extension' : `extension .${ext}`}; the content is none of ${known}; it starts with ${start})`,
  );
}
