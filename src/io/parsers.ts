// The parser of every format in the table (formats.ts), by id. Kept apart from the table because
// only the parse worker needs the parsers; the type makes a format without a parser a compile error.
import { parseAbaqus } from './abaqus';
import { parseArchive } from './archive';
import { parseBlend } from './blend';
import { parseDae } from './collada';
import { parseDrc } from './drc';
import { parseDxf } from './dxf';
import { parseE57 } from './e57';
import { parseFbx } from './fbx';
import { type ArchiveFormat, type FormatId, formatForName } from './formats';
import { parseGltf } from './gltf';
import { parseGmsh } from './gmsh';
import { parseLas } from './las';
import { parseHdf5 } from './hdf5';
import { parseNastran } from './nastran';
import { parseNpy } from './npy';
import { parse3mf } from './threemf';
import { parseObj } from './obj';
import { parseOff } from './off';
import { parsePcd } from './pcd';
import { parsePly } from './ply';
import { parsePtx } from './ptx';
import { parseSplat } from './splat';
import { parseSpz } from './spz';
import { parseStl } from './stl';
import { parseX3d } from './x3d';
import { parseTds } from './tds';
import { parseUsd } from './usd';
import { parseStep } from './step';
import { parseVox } from './vox';
import { parseVtk } from './vtk';
import { readText } from './lines';
import type { Parsed } from './types';
import { parseXyz } from './xyz';

export const PARSERS: Readonly<Record<FormatId, (bytes: Uint8Array) => Parsed>> = {
  ply: parsePly,
  obj: (bytes) => parseObj(readText('obj', bytes)),
  pcd: parsePcd,
  xyz: (bytes) => parseXyz(readText('xyz', bytes)),
  off: (bytes) => parseOff(readText('off', bytes)),
  stl: parseStl,
  gltf: parseGltf,
  '3mf': parse3mf,
  las: parseLas,
  npy: (bytes) => parseNpy(bytes),
  splat: parseSplat,
  spz: parseSpz,
  usd: parseUsd,
  drc: parseDrc,
  fbx: parseFbx,
  dae: parseDae,
  e57: parseE57,
  '3ds': parseTds,
  dxf: parseDxf,
  x3d: parseX3d,
  ptx: (bytes) => parsePtx(readText('ptx', bytes)),
  hdf5: (bytes) => parseHdf5(bytes),
  vtk: parseVtk,
  msh: parseGmsh,
  vox: parseVox,
  step: parseStep,
  inp: (bytes) => parseAbaqus(readText('inp', bytes)),
  bdf: (bytes) => parseNastran(readText('bdf', bytes)),
  blend: parseBlend,
  tar: (bytes) => parseArchiveModel('tar', bytes),
  '7z': (bytes) => parseArchiveModel('7z', bytes),
  rar: (bytes) => parseArchiveModel('rar', bytes),
  zip: (bytes) => parseArchiveModel('zip', bytes),
};

/** The formats whose files hold several models (an archive's; a batch of clouds), with the parser
 * that reads the one named (`loadFile`'s `archiveEntry`). */
export const ENTRY_PARSERS: Readonly<Partial<Record<FormatId, (bytes: Uint8Array, entry: string) => Parsed>>> = {
  zip: (bytes, entry) => parseArchiveModel('zip', bytes, entry),
  tar: (bytes, entry) => parseArchiveModel('tar', bytes, entry),
  '7z': (bytes, entry) => parseArchiveModel('7z', bytes, entry),
  rar: (bytes, entry) => parseArchiveModel('rar', bytes, entry),
  npy: parseNpy,
  hdf5: parseHdf5,
};

/** An archive's model: `entry`, or the largest (archive.ts). */
export function parseArchiveModel(format: ArchiveFormat, bytes: Uint8Array, entry?: string): Parsed {
  return parseArchive(
    format,
    bytes,
    (ext) => formatForName(`.${ext}`) !== undefined,
    (id, inner, sidecar) => (id === 'gltf' ? parseGltf(inner, sidecar) : PARSERS[id](inner)),
    entry,
  );
}
