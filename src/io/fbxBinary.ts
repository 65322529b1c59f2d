// A binary FBX file's node tree walked before three.js's FBXLoader parses it: every node, property
// and array must lie inside the file, and every zlib-compressed array must unpack to exactly the
// bytes it declares, its declared sizes counted against a limit before anything large is unpacked.
// three's parser trusts these (a cut file reads past the end; a small array can unpack to
// gigabytes), so a file that fails here is refused with the reason instead.
import { unzlibSync } from 'three/examples/jsm/libs/fflate.module.js';
import { formatCount } from './limits';
import { LoadError } from './types';

export const FBX_BINARY_MAGIC = 'Kaydara FBX Binary  \0';

/** Most bytes the arrays of one file may unpack to, in all. */
export const MAX_FBX_ARRAYS = 2 ** 30;
/** Deeper node trees are refused (exporters nest a handful of levels). */
const MAX_DEPTH = 64;

const SCALAR_BYTES: Record<string, number> = { Y: 2, C: 1, I: 4, F: 4, D: 8, L: 8 };
const ARRAY_BYTES: Record<string, number> = { b: 1, i: 4, f: 4, l: 8, d: 8 };

function malformed(detail: string): LoadError {
  return new LoadError('fbx', 'malformed', detail);
}

/** Checks the tree and returns the names of its top-level nodes. */
export function checkBinaryFbx(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  if (size < 27) throw new LoadError('fbx', 'truncated', `the file ends in its header (${size} bytes)`);
  const version = view.getUint32(23, true);
  if (version < 6400) throw new LoadError('fbx', 'unsupported', `FBX version ${version} is not read (6400 and later are)`);
  const wide = version >= 7500;
  const headerBytes = wide ? 25 : 13;
  let unpacked = 0;

  const need = (at: number, n: number, what: string) => {
    if (at + n > size) throw new LoadError('fbx', 'truncated', `the file ends inside ${what} (byte ${formatCount(at)} + ${formatCount(n)} of ${formatCount(size)})`);
  };
  const u32 = (at: number) => view.getUint32(at, true);
  const offsetAt = (at: number) => (wide ? Number(view.getBigUint64(at, true)) : u32(at));

  const property = (at: number, node: string): number => {
    need(at, 1, `a property of ${node}`);
    const type = String.fromCharCode(bytes[at]!);
    at++;
    const scalar = SCALAR_BYTES[type];
    if (scalar !== undefined) {
      need(at, scalar, `a property of ${node}`);
      return at + scalar;
    }
    if (type === 'S' || type === 'R') {
      need(at, 4, `a property of ${node}`);
      const length = u32(at);
      need(at + 4, length, `a property of ${node}`);
      return at + 4 + length;
    }
    const element = ARRAY_BYTES[type];
    if (element === undefined) throw malformed(`${node} has a property of unknown type ${JSON.stringify(type)} at byte ${formatCount(at - 1)}`);
    need(at, 12, `an array of ${node}`);
    const count = u32(at);
    const encoding = u32(at + 4);
    const stored = u32(at + 8);
    const declared = count * element;
    need(at + 12, stored, `an array of ${node}`);
    unpacked += declared;
    if (unpacked > MAX_FBX_ARRAYS) throw new LoadError('fbx', 'too-large', `the file's arrays unpack to more than ${formatCount(MAX_FBX_ARRAYS)} bytes`);
    if (encoding === 0) {
      if (stored !== declared) throw malformed(`an array of ${node} declares ${formatCount(count)} elements (${formatCount(declared)} bytes) but holds ${formatCount(stored)} bytes`);
    } else if (encoding === 1) {
      let got: number;
      try {
        got = unzlibSync(bytes.subarray(at + 12, at + 12 + stored), { out: new Uint8Array(declared + 1) }).length;
      } catch (error) {
        throw malformed(`a compressed array of ${node} cannot be unpacked: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (got !== declared) throw malformed(`a compressed array of ${node} declares ${formatCount(declared)} bytes but unpacks to ${got > declared ? 'more' : formatCount(got)}`);
    } else {
      throw malformed(`an array of ${node} has encoding ${encoding} (0, raw, and 1, zlib, are read)`);
    }
    return at + 12 + stored;
  };

  const node = (at: number, depth: number): number => {
    need(at, headerBytes, 'a node header');
    const end = offsetAt(at);
    const properties = offsetAt(at + (wide ? 8 : 4));
    const nameLength = bytes[at + headerBytes - 1]!;
    if (end === 0) return at + headerBytes + nameLength; // a NULL record
    need(at + headerBytes, nameLength, 'a node name');
    const name = JSON.stringify(new TextDecoder().decode(bytes.subarray(at + headerBytes, at + headerBytes + nameLength)));
    if (end > size) throw new LoadError('fbx', 'truncated', `the file ends inside node ${name} (which ends at byte ${formatCount(end)}; the file has ${formatCount(size)})`);
    if (end <= at) throw malformed(`node ${name} at byte ${formatCount(at)} ends before it starts (byte ${formatCount(end)})`);
    if (depth > MAX_DEPTH) throw new LoadError('fbx', 'unsupported', `the node tree is more than ${MAX_DEPTH} levels deep`);
    let pos = at + headerBytes + nameLength;
    for (let p = 0; p < properties; p++) {
      pos = property(pos, name);
      if (pos > end) throw malformed(`node ${name}'s properties run past its end (byte ${formatCount(end)})`);
    }
    while (pos < end) pos = node(pos, depth + 1);
    return pos;
  };

  // Nodes until the footer, by the test three's parser uses (at least 176 bytes left, 16-aligned).
  const atFooter = (at: number) => (size % 16 === 0 ? ((at + 176) & ~0xf) >= size : at + 176 >= size);
  const names: string[] = [];
  let at = 27;
  while (!atFooter(at)) {
    const nameLength = at + headerBytes <= size ? bytes[at + headerBytes - 1]! : 0;
    names.push(new TextDecoder().decode(bytes.subarray(at + headerBytes, at + headerBytes + nameLength)));
    at = node(at, 0);
  }
  return names;
}
