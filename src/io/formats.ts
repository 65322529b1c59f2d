// The table of formats: one entry per format with its label, file extensions, whether it is text,
// and the content tests that recognise it. The file picker's `accept` list, the name lookup, the
// sniffing (sniff.ts) and the parser lookup (parsers.ts, keyed by these ids) all come from here.
// No parsers are imported: the page builds its picker from this module without pulling them (and
// three's loaders) into the main bundle; the parsers run in the parse worker.
import { type FileHead, hasPointRow, isBinaryStl } from './content';

const isGlb = (b: Uint8Array): boolean => b[0] === 0x67 && b[1] === 0x6c && b[2] === 0x54 && b[3] === 0x46;

/** How strong a content test's evidence is. Sniffing tries every format's 'signature' test first,
 * then every 'keyword' test, and so on; within one kind, table order decides. Only 'signature'
 * tests see binary content: the others read text. */
export const EVIDENCE = ['signature', 'keyword', 'statements', 'numbers'] as const;
export type Evidence = (typeof EVIDENCE)[number];

interface FormatSpec {
  /** How the UI and error messages name the format. */
  label: string;
  /** Lower-case, without the dot; the first is the format's usual one. */
  extensions: readonly string[];
  /** Text formats refuse content with binary bytes before parsing. */
  text: boolean;
  /** Tests of the file's start, by the kind of evidence each gives. */
  sniff: Partial<Record<Evidence, (head: FileHead) => boolean>>;
}

const OBJ_VERTEX = /^[ \t]*v[ \t]+[-+.\d]/m;

const TABLE = {
  ply: { label: 'PLY', extensions: ['ply'], text: false, sniff: { signature: ({ text }) => /^ply[ \t]*\n/.test(text) } },
  obj: {
    label: 'OBJ',
    extensions: ['obj'],
    text: true,
    // A vertex line, and either another OBJ statement or no line that could be a point row
    // (which would make the file a point list whose first column is "v").
    sniff: { statements: ({ text, lines }) => OBJ_VERTEX.test(text) && (/^[ \t]*(f|p|l|vn|vt|o|g)[ \t]/m.test(text) || !hasPointRow(lines)) },
  },
  pcd: {
    label: 'PCD',
    extensions: ['pcd'],
    text: false,
    sniff: { signature: ({ text, lines }) => text.startsWith('# .PCD') || /^(VERSION|FIELDS)\s/i.test(lines[0] ?? '') },
  },
  xyz: {
    label: 'XYZ',
    extensions: ['xyz', 'txt', 'csv', 'pts', 'asc', 'xyzn', 'xyzrgb'],
    text: true,
    // Rows of numbers are the weakest evidence: a point row within the first lines (after an
    // optional header row of names and an optional point-count row).
    sniff: { numbers: ({ lines }) => hasPointRow(lines) },
  },
  // ModelNet40 writes some files with the vertex count run onto the keyword ("OFF490 518 0").
  off: { label: 'OFF', extensions: ['off'], text: true, sniff: { signature: ({ lines }) => /^(ST)?C?N?4?n?OFF(\s|\d|$)/.test(lines[0] ?? '') } },
  stl: {
    label: 'STL',
    extensions: ['stl'],
    text: false,
    sniff: {
      signature: ({ bytes }) => isBinaryStl(bytes),
      keyword: ({ text, lines }) => /^solid(\s|$)/i.test(lines[0] ?? '') && /^\s*(facet|endsolid)\b/im.test(text),
    },
  },
  gltf: {
    label: 'glTF',
    extensions: ['glb', 'gltf'],
    text: false,
    // A .glb starts with "glTF"; a .gltf is a JSON object with an "asset" (exporters write it first).
    sniff: { signature: ({ bytes, text }) => isGlb(bytes) || (/^\s*\{/.test(text) && /"asset"\s*:/.test(text)) },
  },
  '3mf': {
    label: '3MF',
    extensions: ['3mf'],
    text: false,
    // A zip that names a model part among its first entries (names are plain text in a zip; an
    // Office file has [Content_Types].xml too, but no 3D/*.model).
    sniff: { signature: ({ bytes, text }) => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4 && /3D\/[^/\0]*\.model/i.test(text) },
  },
} satisfies Record<string, FormatSpec>;

export type FormatId = keyof typeof TABLE;

export interface FormatEntry extends FormatSpec {
  id: FormatId;
}

export const FORMATS: readonly FormatEntry[] = (Object.keys(TABLE) as FormatId[]).map((id) => ({ id, ...TABLE[id] }));

export function formatLabel(format: FormatId): string {
  return TABLE[format].label;
}

/** Every extension we read, with dots. */
export const ACCEPTED_EXTENSIONS: readonly string[] = FORMATS.flatMap((f) => f.extensions.map((e) => `.${e}`));

/** The file picker's `accept` attribute. */
export const ACCEPT = ACCEPTED_EXTENSIONS.join(',');

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The entry a file name's extension suggests (the parse worker sniffs the content too). */
export function formatForName(name: string): FormatEntry | undefined {
  const ext = extensionOf(name);
  return FORMATS.find((f) => f.extensions.includes(ext));
}

/** The format a file name's extension suggests. */
export function formatOfName(name: string): FormatId | undefined {
  return formatForName(name)?.id;
}
