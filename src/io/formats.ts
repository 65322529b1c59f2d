// The table of formats: one entry per format with its label, file extensions, whether it is text,
// and the content tests that recognise it. The file picker's `accept` list, the name lookup, the
// sniffing (sniff.ts) and the parser lookup (parsers.ts, keyed by these ids) all come from here.
// No parsers are imported: the page builds its picker from this module without pulling them (and
// three's loaders) into the main bundle; the parsers run in the parse worker.
import { type FileHead, hasPointRow, isBinaryStl, startsWith } from './content';
import { is7z, isRar, isUstar } from './archiveSignatures';


/** The name of a zip's first entry (its local header: the name's length at byte 26, the name at 30). */
function firstZipEntry(b: Uint8Array): string | undefined {
  if (!startsWith(b, 'PK\x03\x04') || b.length < 30) return undefined;
  const length = b[26]! | (b[27]! << 8);
  return String.fromCharCode(...b.subarray(30, 30 + Math.min(length, 256)));
}

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
  // LAS starts with "LASF"; LAZ is LAS with LASzip-compressed points, named so that it gets the
  // LAS reader's refusal that says how to decompress it rather than "unrecognised format".
  las: { label: 'LAS', extensions: ['las', 'laz'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, 'LASF') } },
  // NumPy's .npy (one array) and .npz (a zip of .npy arrays, as np.savez writes it).
  npy: {
    label: 'NumPy',
    extensions: ['npy', 'npz'],
    text: false,
    sniff: { signature: ({ bytes }) => startsWith(bytes, '\x93NUMPY') || /\.npy$/.test(firstZipEntry(bytes) ?? '') },
  },
  // Gaussian splats (splats.ts): .splat has no header to recognise, so only its name tells; SPZ is a
  // gzip stream (the parser says so when the stream holds something else).
  splat: { label: 'Splat', extensions: ['splat'], text: false, sniff: {} },
  spz: { label: 'SPZ', extensions: ['spz'], text: false, sniff: { signature: ({ bytes }) => bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8 } },
  // USD (usd.ts): a .usdz is a zip whose first entry is a USD layer; a .usdc starts "PXR-USDC", a
  // .usda "#usda".
  usd: {
    label: 'USD',
    extensions: ['usdz', 'usda', 'usdc', 'usd'],
    text: false,
    sniff: { signature: ({ bytes, text }) => /\.usd[ac]?$/i.test(firstZipEntry(bytes) ?? '') || startsWith(bytes, 'PXR-USDC') || /^#usda\s/.test(text) },
  },
  // Draco (drc.ts): "DRACO", then the version and the geometry type.
  drc: { label: 'Draco', extensions: ['drc'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, 'DRACO') } },
  // FBX (fbx.ts): binary "Kaydara FBX Binary", or ASCII starting with its "; FBX 7.x" comment.
  fbx: {
    label: 'FBX',
    extensions: ['fbx'],
    text: false,
    sniff: { signature: ({ bytes, text }) => startsWith(bytes, 'Kaydara FBX Binary  \0') || /^; FBX \d/.test(text) },
  },
  // COLLADA (collada.ts): XML whose root element is <COLLADA> (after the XML declaration and
  // comments). Not a text format for the shared checks: exporters write each list on one line,
  // longer than maxLineBytes.
  dae: {
    label: 'COLLADA',
    extensions: ['dae'],
    text: false,
    sniff: { signature: ({ text }) => /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<COLLADA[\s>]/.test(text) },
  },
  // VRML97 / X3D (x3d.ts): "#VRML V2.0" or "#X3D V3" (the text syntax), or XML whose root is
  // <X3D>; gzipped (.wrz, .x3dz, and many a .wrl) they are recognised by name (sniff.ts).
  x3d: {
    label: 'VRML/X3D',
    extensions: ['wrl', 'x3d', 'x3dv', 'wrz', 'x3dz', 'x3dvz'],
    text: false,
    sniff: { signature: ({ text }) => /^#(VRML|X3D) V\d/.test(text) || /^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<X3D[\s>]/.test(text) },
  },
  // DXF (dxf.ts): a "0 / SECTION / 2 / <name>" start (after an optional 999 comment), or binary
  // DXF's signature (refused by the reader with what to do).
  dxf: {
    label: 'DXF',
    extensions: ['dxf'],
    text: false,
    sniff: {
      signature: ({ bytes, text }) =>
        startsWith(bytes, 'AutoCAD Binary DXF') || /^\s*(999[ \t]*\n[^\n]*\n\s*)?0[ \t]*\nSECTION[ \t]*\n\s*2[ \t]*\n(HEADER|CLASSES|TABLES|BLOCKS|ENTITIES|OBJECTS)\b/.test(text),
    },
  },
  // 3DS (tds.ts): the main chunk's id 0x4d4d, its length within the file, then a version (0x0002)
  // or the 3D editor (0x3d3d) chunk.
  '3ds': {
    label: '3DS',
    extensions: ['3ds'],
    text: false,
    sniff: { signature: ({ bytes }) => bytes.length >= 12 && bytes[0] === 0x4d && bytes[1] === 0x4d && [0x0002, 0x3d3d].includes(bytes[6]! | (bytes[7]! << 8)) },
  },
  // PTX (ptx.ts), Leica's text scans: a header of two counts, four lines of three numbers (the
  // scanner's position and axes) and four of four (the transform).
  ptx: {
    label: 'PTX',
    extensions: ['ptx'],
    text: true,
    sniff: { keyword: ({ text }) => /^\s*\d+[ \t]*\n\s*\d+[ \t]*\n([ \t]*\S+[ \t]+\S+[ \t]+\S+[ \t]*\n){4}([ \t]*\S+[ \t]+\S+[ \t]+\S+[ \t]+\S+[ \t]*\n){4}/.test(text) },
  },
  // E57 (e57.ts), laser scanners' exchange format: "ASTM-E57", then the version.
  e57: { label: 'E57', extensions: ['e57'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, 'ASTM-E57') } },
  // HDF5 (hdf5.ts): the datasets of point-cloud research (ModelNet40's and ScanObjectNN's .h5), by
  // its signature (at byte 0; a file with a user block is read by its name).
  hdf5: { label: 'HDF5', extensions: ['h5', 'hdf5', 'he5'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, '\x89HDF\r\n\x1a\n') } },
  // VTK (vtk.ts, vtkXml.ts), as ParaView, PyVista, 3D Slicer and simulation codes save meshes and
  // clouds: the legacy files' "# vtk DataFile Version", or XML whose root is <VTKFile> (.vtp
  // polydata, .vtu unstructured grids, .vts structured grids; binary data may follow the XML).
  vtk: {
    label: 'VTK',
    extensions: ['vtk', 'vtp', 'vtu', 'vts'],
    text: false,
    sniff: { signature: ({ text }) => /^# vtk DataFile Version \d/.test(text) || /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<VTKFile[\s>]/.test(text) },
  },
  // Gmsh meshes (gmsh.ts), as Gmsh, FreeCAD and meshio save finite-element meshes: "$MeshFormat".
  msh: { label: 'Gmsh', extensions: ['msh'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, '$MeshFormat') } },
  // Abaqus input files (abaqus.ts): "*HEADING" or "*NODE" (after "**" comments) at the start.
  inp: { label: 'Abaqus', extensions: ['inp'], text: true, sniff: { keyword: ({ text }) => /^(\s*\*\*[^\n]*\n)*\s*\*(HEADING|NODE|PART|PREPRINT)\b/i.test(text) } },
  // Nastran bulk data (nastran.ts): a BEGIN BULK line, or, after "$" comments, a SOL or NASTRAN
  // statement or a GRID card (.dat is read by its content only: the extension means anything).
  bdf: {
    label: 'Nastran',
    extensions: ['bdf', 'nas'],
    text: true,
    sniff: { keyword: ({ text }) => /^\s*BEGIN\s+BULK\b/im.test(text) || /^(\s*\$[^\n]*\n|\s*\n)*\s*(SOL\s+\w+|NASTRAN\s|GRID[\s,*])/i.test(text) },
  },
  // Blender's own files (blend.ts): "BLENDER", then the pointer size, byte order and version; a
  // .blend1 is the backup Blender keeps of the file saved before. Saved compressed (Zstandard, or
  // gzip before 3.0), they are unpacked first (compressed.ts).
  blend: { label: 'Blender', extensions: ['blend', 'blend1'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, 'BLENDER') } },
  // STEP (step.ts), CAD programs' exchange format: text starting "ISO-10303-21;".
  step: { label: 'STEP', extensions: ['step', 'stp'], text: true, sniff: { signature: ({ text }) => /^\s*ISO-10303-21\s*;/.test(text) } },
  // MagicaVoxel's voxel models (vox.ts): "VOX " and a version (150, 200).
  vox: { label: 'MagicaVoxel', extensions: ['vox'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, 'VOX ') } },
  // Tar, 7-Zip and RAR archives holding a model (archive.ts; tar.ts, sevenZip.ts): "ustar" at byte
  // 257 (a v7 tar, without it, by its name), and the 7-Zip and RAR signatures.
  tar: { label: 'Tar archive', extensions: ['tar'], text: false, sniff: { signature: ({ bytes }) => isUstar(bytes) } },
  '7z': { label: '7-Zip archive', extensions: ['7z'], text: false, sniff: { signature: ({ bytes }) => is7z(bytes) } },
  rar: { label: 'RAR archive', extensions: ['rar'], text: false, sniff: { signature: ({ bytes }) => isRar(bytes) } },
  // A zip archive holding a model (archive.ts); last, so that the zip formats above (3MF, .npz,
  // USDZ) are recognised by their own tests first.
  zip: { label: 'Zip archive', extensions: ['zip', 'kmz', 'zae'], text: false, sniff: { signature: ({ bytes }) => startsWith(bytes, 'PK\x03\x04') } },
} satisfies Record<string, FormatSpec>;

export type FormatId = keyof typeof TABLE;

export interface FormatEntry extends FormatSpec {
  id: FormatId;
}

export const FORMATS: readonly FormatEntry[] = (Object.keys(TABLE) as FormatId[]).map((id) => ({ id, ...TABLE[id] }));

export function formatLabel(format: FormatId): string {
  return TABLE[format].label;
}

/** Extensions of a file compressed whole (scan.ply.gz, cloud.xyz.xz, models.tar.bz2, scan.las.zst),
 * and of a compressed tar (compressed.ts). */
const COMPRESSION_EXTENSIONS: readonly string[] = ['gz', 'xz', 'bz2', 'zst'];
const COMPRESSED_TAR_EXTENSIONS: readonly string[] = ['tgz', 'txz', 'tbz2', 'tbz', 'tzst'];

/** What a file of each of those extensions starts with, for the refusal of one that does not. */
export const COMPRESSION_SIGNATURES: Readonly<Record<string, string>> = (() => {
  const gzip = 'gzip (1F 8B)';
  const xz = 'xz (FD 37 7A 58 5A 00)';
  const bzip2 = 'bzip2 ("BZh")';
  const zstd = 'Zstandard (28 B5 2F FD)';
  return { gz: gzip, tgz: gzip, xz, txz: xz, bz2: bzip2, tbz2: bzip2, tbz: bzip2, zst: zstd, tzst: zstd };
})();

/** Every extension we read, with dots; and those of a file of one of them compressed whole
 * (scan.ply.gz) and of a compressed tar (set.tgz). */
export const ACCEPTED_EXTENSIONS: readonly string[] = [...FORMATS.flatMap((f) => f.extensions.map((e) => `.${e}`)), ...[...COMPRESSION_EXTENSIONS, ...COMPRESSED_TAR_EXTENSIONS].map((e) => `.${e}`)];

/** The name of the file a compressed one holds ("scan.ply.gz" -> "scan.ply", "set.tbz2" ->
 * "set.tar"); null for another name. */
export function unwrappedName(name: string): string | null {
  const ext = extensionOf(name);
  const stem = name.slice(0, name.length - ext.length - 1);
  return COMPRESSION_EXTENSIONS.includes(ext) ? stem : COMPRESSED_TAR_EXTENSIONS.includes(ext) ? `${stem}.tar` : null;
}

/** The archives, read by archive.ts (their models read by their own readers). */
export const ARCHIVE_FORMATS = ['zip', 'tar', '7z', 'rar'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];
export const isArchiveFormat = (id: string | undefined): id is ArchiveFormat => (ARCHIVE_FORMATS as readonly string[]).includes(id ?? '');

/** The file picker's `accept` attribute. */
export const ACCEPT = ACCEPTED_EXTENSIONS.join(',');

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

const EXPORT_MESH = 'export the model as glTF (.glb), OBJ, PLY or STL';
/** CAD programs all export STEP, which is read (the exact surfaces), and STL. */
const EXPORT_CAD = 'export the model as STEP (.step, read here with its exact surfaces) or STL';
const EXPORT_SCAN = 'export the scan as PLY, LAS or XYZ';
const EXPORT_SCAN_E57 = 'export the scan as E57, LAS or PLY';
const TO_NUMPY = "save the cloud as a NumPy array (np.save('cloud.npy', points))";

/** Formats people have that are not read, by extension, with what to export instead: the refusal
 * of an unrecognised file says so rather than only "unrecognised". */
export const UNREAD_FORMATS: Readonly<Record<string, string>> = {
  rcp: `ReCap projects are not read; ${EXPORT_SCAN}`,
  rcs: `ReCap scans are not read; ${EXPORT_SCAN}`,
  c4d: `Cinema 4D files are not read; ${EXPORT_MESH}`,
  ma: `Maya files are not read; ${EXPORT_MESH} (or FBX)`,
  mb: `Maya files are not read; ${EXPORT_MESH} (or FBX)`,
  max: `3ds Max files are not read; ${EXPORT_MESH}`,
  skp: `SketchUp files are not read; ${EXPORT_MESH}`,
  iges: `CAD files (IGES) are not read; ${EXPORT_CAD}`,
  igs: `CAD files (IGES) are not read; ${EXPORT_CAD}`,
  dwg: `CAD drawings (DWG) are not read; ${EXPORT_MESH}`,
  ifc: `IFC building models are not read; ${EXPORT_MESH}`,
  x3db: `X3D's binary encoding is not read; ${EXPORT_MESH}, or X3D as XML`,
  sldprt: `SolidWorks parts are not read; ${EXPORT_CAD} (File > Save As)`,
  sldasm: `SolidWorks assemblies are not read; ${EXPORT_CAD} (File > Save As)`,
  ipt: `Inventor parts are not read; ${EXPORT_CAD}`,
  iam: `Inventor assemblies are not read; ${EXPORT_CAD}`,
  catpart: `CATIA parts are not read; ${EXPORT_CAD}`,
  catproduct: `CATIA products are not read; ${EXPORT_CAD}`,
  f3d: `Fusion 360 designs are not read; ${EXPORT_CAD} (or 3MF)`,
  '3dm': `Rhino models are not read; ${EXPORT_CAD}`,
  scad: 'OpenSCAD files are programs, not models; render the model (F6) and export it as STL',
  gcode: 'G-code is a 3D printer\'s toolpath, not a model; open the STL or 3MF it was sliced from',
  mtl: 'an .mtl file holds an OBJ\'s materials, not a model; open the .obj beside it',
  fls: `FARO scans are not read; ${EXPORT_SCAN_E57} (FARO SCENE: Export)`,
  fws: `FARO SCENE workspaces are not read; ${EXPORT_SCAN_E57} (FARO SCENE: Export)`,
  lsproj: `FARO SCENE projects are not read; ${EXPORT_SCAN_E57} (FARO SCENE: Export)`,
  rxp: `RIEGL scans are not read; ${EXPORT_SCAN_E57} (RiSCAN PRO: Export)`,
  rdbx: `RIEGL point clouds are not read; ${EXPORT_SCAN_E57}`,
  zfs: `Z+F scans are not read; ${EXPORT_SCAN_E57} (Z+F LaserControl: Export)`,
  bin: "a .bin file is raw data with no header saying its layout: a glTF's buffer (open the .gltf beside it) or raw points (KITTI's velodyne scans, nuScenes' .pcd.bin: save them as NumPy, np.save('cloud.npy', np.fromfile('scan.bin', np.float32).reshape(-1, 4)[:, :3]), or as PLY)",
  pvd: 'a ParaView collection (.pvd) lists its data in other files; open one of them (.vtu, .vtp)',
  vtm: 'a VTK multiblock data set (.vtm) lists its data in other files; open one of them (.vtu, .vtp)',
  pt: `PyTorch files (.pt) are not read; ${TO_NUMPY}`,
  pth: `PyTorch files (.pth) are not read; ${TO_NUMPY}`,
};

/** The entry a file name's extension suggests (the parse worker sniffs the content too). */
export function formatForName(name: string): FormatEntry | undefined {
  const ext = extensionOf(name);
  return FORMATS.find((f) => f.extensions.includes(ext));
}

/** The format a file name's extension suggests. */
export function formatOfName(name: string): FormatId | undefined {
  return formatForName(name)?.id;
}
