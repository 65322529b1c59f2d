// The parser of every format in the table (formats.ts), by id. Kept apart from the table because
// only the parse worker needs the parsers; the type makes a format without a parser a compile error.
import { parseArchive } from './archive';
import { parseDae } from './collada';
import { parseDrc } from './drc';
import { parseDxf } from './dxf';
import { parseE57 } from './e57';
import { parseFbx } from './fbx';
import { type ArchiveFormat, type FormatId, formatForName } from './formats';
import { parseGltf } from './gltf';
import { parseLas } from './las';
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
  npy: parseNpy,
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
  tar: (bytes) => parseArchiveModel('tar', bytes),
  '7z': (bytes) => parseArchiveModel('7z', bytes),
  rar: (bytes) => parseArchiveModel('rar', bytes),
  zip: (bytes) => parseArchiveModel('zip', bytes),
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
