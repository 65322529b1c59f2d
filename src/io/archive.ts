// An archive holding a model, as people download them: a .zip (Sketchfab's glTF: scene.gltf,
// scene.bin and textures; Thingiverse's and Printables' STL sets; a scan app's export), a .7z or
// .rar (CGTrader, Free3D), a .tar, .tar.gz or .tar.xz (datasets, Linux tools). The model inside is read
// by its own reader, a .gltf with the separate files it names; textures and other files are never
// unpacked. One model is read: the largest of those with a model's extension (.txt / .csv / .asc
// only when nothing else is there: a zip's README.txt is not a point cloud), or the one asked for
// (`entry`: the page offers each, the CLI's --archive-models classifies each); the result lists
// them all.
// macOS's resource forks (__MACOSX/, ._name) are skipped.
import { type ArchiveFormat, type FormatId, extensionOf, formatForName, formatLabel, isArchiveFormat } from './formats';
import { type SidecarFiles, sidecarPath } from './gltf';
import { formatCount } from './limits';
import { chooseFormat } from './sniff';
import { quote } from './text';
import { LoadError, type Parsed } from './types';
import { sevenZipEntries } from './sevenZip';
import { tarEntries } from './tar';
import { unzipEntries } from './zip';

/** Extensions that are often documents in a download, read only when nothing else is there. */
const WEAK = new Set(['txt', 'csv', 'asc']);

type Parse = (id: FormatId, bytes: Uint8Array, sidecar: SidecarFiles) => Parsed;

function isJunk(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store';
}

/** An archive's files whose names `keep` accepts, by name (only those are unpacked). */
function archiveFiles(format: ArchiveFormat, bytes: Uint8Array, keep: (name: string) => boolean): Record<string, Uint8Array> {
  if (format === 'zip') return unzipEntries('zip', bytes, keep, 'files', 'the zip archive').files;
  if (format === 'tar') return tarEntries(bytes, keep);
  return sevenZipEntries(format, bytes, keep);
}

const isNested = (name: string): boolean => isArchiveFormat(formatForName(name)?.id) || /\.(t?gz)$/i.test(name);

/** The model inside the archive `bytes` (a `format` archive), read by `parse` (the parsers' table,
 * passed in to keep the import graph one-way); `accepted` says which extensions are models;
 * `entry` names the model to read (default: the largest). */
export function parseArchive(format: ArchiveFormat, bytes: Uint8Array, accepted: (ext: string) => boolean, parse: Parse, entry?: string): Parsed {
  const files = archiveFiles(format, bytes, (name) => !isJunk(name) && (accepted(extensionOf(name)) || extensionOf(name) === 'bin'));
  const names = Object.keys(files);
  const models = names.filter((n) => extensionOf(n) !== 'bin' && !isNested(n));
  const strong = models.filter((n) => !WEAK.has(extensionOf(n)));
  const bySize = (a: string, b: string) => files[b]!.length - files[a]!.length || a.localeCompare(b);
  // The models, largest first; documents (.txt, .csv) only when there is nothing else.
  const all = (strong.length > 0 ? strong : models).sort(bySize);
  if (entry !== undefined && !all.includes(entry)) {
    throw new LoadError(format, 'unsupported', `the archive holds no model ${quote(entry, 80)}${all.length > 0 ? ` (it holds ${all.slice(0, 3).map((n) => quote(n)).join(', ')}${all.length > 3 ? ', ...' : ''})` : ''}`);
  }
  const chosen = entry ?? all[0];
  if (chosen === undefined) {
    const nested = names.filter(isNested);
    const why = nested.length > 0 ? `only other archives (${nested.slice(0, 3).map((n) => quote(n)).join(', ')}); unpack them first` : 'no file this app reads';
    throw new LoadError(format, 'unsupported', `the archive holds ${why}`);
  }
  const inner = files[chosen]!;
  let parsed: Parsed;
  let id: FormatId;
  try {
    const { entry, warnings } = chooseFormat(chosen, inner);
    id = entry.id;
    if (isArchiveFormat(id)) throw new LoadError(format, 'unsupported', 'it is itself an archive; unpack it first');
    parsed = parse(id, inner, sidecarsOf(chosen, files));
    parsed.warnings.unshift(...warnings);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    throw new LoadError(format, error.reason, `${quote(chosen)} in the archive: ${error.message}`);
  }
  const others = all.filter((n) => n !== chosen);
  const which = entry === undefined ? `the largest, ${quote(chosen)}` : quote(chosen);
  const note =
    others.length === 0
      ? `read ${quote(chosen)} (${formatLabel(id)}) from the archive`
      : `the archive holds ${formatCount(all.length)} models; read ${which} (${formatLabel(id)}); not read: ${others.slice(0, 3).map((n) => quote(n)).join(', ')}${others.length > 3 ? `, and ${formatCount(others.length - 3)} more` : ''} (pick another under File; the CLI's --archive-models classifies each)`;
  parsed.warnings.unshift(note);
  return { ...parsed, format: id, archive: { models: all, read: chosen } };
}

/** A .gltf's separate files, by their uri relative to its folder in the archive. */
function sidecarsOf(model: string, files: Record<string, Uint8Array>): SidecarFiles {
  const folder = model.slice(0, model.lastIndexOf('/') + 1);
  return (uri) => files[sidecarPath(folder, uri)];
}
