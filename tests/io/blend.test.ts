// Blender files (src/io/blend.ts, blendFile.ts, blendMesh.ts): files Blender 3.4 wrote
// (tests/io/blendWrite.py, run by Blender), read to the polygons Blender itself evaluates from them
// (the Mirror and Array modifiers applied, the hidden and the wire-drawn left out, collection
// instances placed), Zstandard and gzip compressed as Blender saves them, with the 5.0 block headers, and
// refused saying why when cut short or damaged.
import { gzipSync } from 'node:zlib';
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { readBlendScene } from '../../src/io/blend';
import { computedWorld } from '../../src/io/blendPlace';
import { BlendFile } from '../../src/io/blendFile';
import { unwrapped } from '../../src/io/compressed';
import { loadFile, loadersReady } from '../../src/io/index';
import { loadLargeFile } from '../../src/io/largeFile';
import { LIMITS } from '../../src/io/limits';
import { LoadError } from '../../src/io/types';
import { invertAffine, multiply } from '../../src/io/matrix';
import { sniffFormat } from '../../src/io/sniff';
import { damagedOutcomes, expectError, expectWellFormed, load } from './expectLoad';
import { fixture } from './loaderFixtures';

interface Expected {
  blender: string;
  polygons: number[][];
  matrices: Record<string, number[]>;
}

const expected = (name: string): Expected => JSON.parse(new TextDecoder().decode(fixture(`blend/${name}.json`))) as Expected;

/** The Zstandard-compressed fixtures, read once: the app unpacks a file once (loadersReady) and
 * keeps what it holds for that file's bytes. */
const compressed = { 'table.blend': fixture('blend/table.blend'), 'scene.blend': fixture('blend/scene.blend'), 'pair.blend': fixture('blend/pair.blend') };

/** A compressed fixture's content, as the app unpacked it. */
function raw(name: keyof typeof compressed): Uint8Array {
  return unwrapped(name, compressed[name])!.bytes;
}

/** The scene's polygons, each its corners' x y z. */
function polygonsOf(bytes: Uint8Array): number[][] {
  const { world, offsets, corners } = readBlendScene(bytes);
  return Array.from({ length: offsets.length - 1 }, (_, f) => [...corners.subarray(offsets[f], offsets[f + 1])].flatMap((v) => [world[3 * v]!, world[3 * v + 1]!, world[3 * v + 2]!]));
}

/** Polygons the two lists do not share: each of `want` matched to one of `got` with as many
 * corners, the same centre and every corner within `tolerance` of one of its corners (a mirror
 * reverses a face's corners; Blender and this reader may start a face at another corner). */
function unmatched(got: number[][], want: number[][], tolerance = 2e-4): number {
  const centre = (p: number[]) => [0, 1, 2].map((k) => p.filter((_, i) => i % 3 === k).reduce((a, b) => a + b, 0) / (p.length / 3));
  const near = (a: number[], b: number[]) => a.every((v, k) => Math.abs(v - b[k]!) <= tolerance);
  const used = new Set<number>();
  let missing = 0;
  for (const w of want) {
    const c = centre(w);
    const match = got.findIndex((g, i) => !used.has(i) && g.length === w.length && near(centre(g), c) && Array.from({ length: w.length / 3 }, (_, v) => w.slice(3 * v, 3 * v + 3)).every((corner) => Array.from({ length: g.length / 3 }, (_, u) => g.slice(3 * u, 3 * u + 3)).some((o) => near(o, corner))));
    if (match < 0) missing++;
    else used.add(match);
  }
  return missing + (got.length - used.size);
}

beforeAll(async () => {
  for (const bytes of Object.values(compressed)) await loadersReady(bytes);
});

describe('Blender files', () => {
  test("a scene's polygons are those Blender shows: transforms, parents, mirrors, arrays, instances; hidden (by the object, its collection, the view layer) and wire-drawn objects left out", () => {
    const want = expected('scene');
    expect(want.blender).toBe('3.4.1');
    const got = polygonsOf(raw('scene.blend'));
    expect(got.length).toBe(want.polygons.length);
    expect(unmatched(got, want.polygons)).toBe(0);
    // Not a vacuous match: one object moved by a hundredth is found out.
    const moved = want.polygons.map((p, i) => (i === 0 ? p.map((v, k) => (k % 3 === 0 ? v + 0.01 : v)) : p));
    expect(unmatched(got, moved)).toBe(2);
  });

  test('a table modelled as a top and one leg mirrored over x and y: four legs', () => {
    const want = expected('table');
    const got = polygonsOf(raw('table.blend'));
    expect(got.length).toBe(30);
    expect(unmatched(got, want.polygons)).toBe(0);
  });

  test('world matrices computed from location, rotation (every Euler order, quaternion, axis-angle), scale, deltas and parents equal those Blender stored', () => {
    const file = new BlendFile(raw('scene.blend'));
    const want = expected('scene').matrices;
    const objects = file.ids('OB');
    expect(objects.length).toBe(Object.keys(want).length);
    for (const ob of objects) {
      const name = ob.sub('id')!.text('name').slice(2);
      const computed = computedWorld(file, ob);
      const worst = Math.max(...want[name]!.map((v, i) => Math.abs(v - computed[i]!)));
      expect({ name, close: worst < 1e-5 }).toEqual({ name, close: true });
    }
    const m = computedWorld(file, objects.find((ob) => ob.sub('id')!.text('name') === 'OBHand')!);
    const identity = multiply(m, invertAffine(m)!);
    expect(identity.map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  test('warnings name the modifiers not applied, the objects that are not meshes, those linked from other files and those hidden', () => {
    expect(readBlendScene(raw('scene.blend')).warnings).toEqual([
      "2 modifiers that change the shape are not applied (Cut on 'Base', Array on 'Stretch'): Blender shows the shape changed; for it as shown, export from Blender (File > Export > glTF applies modifiers)",
      '1 curve object not read: only meshes are (Object > Convert > Mesh in Blender makes one a mesh)',
      "1 part linked from another .blend file is not read ('Top' from 'table-library.blend'): open the scene in Blender and export it (File > Export > glTF) to include it",
      "4 mesh objects left out as Blender shows them, hidden or drawn as a wire frame or box ('Eye closed', 'Hidden from renders', 'Hidden in viewport', 'Cutter'): show them as solid in Blender and save to include them",
    ]);
    expect(readBlendScene(raw('table.blend')).warnings).toEqual([]);
  });

  test('loaded whole: Zstandard (Blender 3.0 on), gzip (before), uncompressed, a library file without a window, a .blend1 backup', () => {
    const plain = raw('table.blend');
    expect(sniffFormat(plain)).toBe('blend');
    const zstd = load('table.blend', compressed['table.blend'], 4000);
    expectWellFormed(zstd);
    expect({ format: zstd.format, kind: zstd.kind, faces: zstd.faceCount }).toEqual({ format: 'blend', kind: 'mesh', faces: 60 });
    expect(zstd.warnings[0]).toMatch(/^read 'table.blend' from the Zstandard file \([\d,]+ bytes, [\d,]+ unpacked\)$/);
    const gzip = load('table.blend', new Uint8Array(gzipSync(plain)), 4000);
    expect(gzip.warnings[0]).toMatch(/^read 'table.blend' from the gzip file/);
    expect([...gzip.cloud.positions]).toEqual([...zstd.cloud.positions]);
    expect([...load('table.blend1', plain, 4000).cloud.positions]).toEqual([...zstd.cloud.positions]);
    expect([...load('download', plain, 4000).cloud.positions]).toEqual([...zstd.cloud.positions]);
    const library = fixture('blend/table-library.blend');
    expect(unmatched(polygonsOf(library), expected('table').polygons)).toBe(0);
    expect([zstd.bounds.min, zstd.bounds.max].flat().map((v) => +v.toFixed(3) + 0)).toEqual([-0.8, -0.5, 0, 0.8, 0.5, 0.78]);
  });

  test('two tables side by side on the ground: two objects, each offered alone; one table is one shape', () => {
    expect(unmatched(polygonsOf(raw('pair.blend')), expected('pair').polygons)).toBe(0);
    const pair = load('pair.blend', compressed['pair.blend'], 4000);
    expect(pair.objects?.sizes.length).toBe(2);
    expect(pair.floorUp).toBeUndefined();
    expect(pair.warnings).toContain(
      "2 separate objects stand side by side (50 %, 50 % of the points): the model knows one shape at a time, so its answer for them together means little; classify each alone (under File, or the CLI's --objects)",
    );
    expect(load('table.blend', compressed['table.blend'], 4000).objects).toBeUndefined();
  });

  test("a download's zip of the .blend and its textures: read from the archive, gzipped too; Zstandard there refused saying what to do", () => {
    const plain = raw('table.blend');
    const textures = { 'table/textures/wood.jpg': new Uint8Array(3000), 'table/license.txt': new TextEncoder().encode('CC0\n') };
    const r = load('table.zip', zipSync({ 'table/table.blend': plain, ...textures }), 4000);
    expect({ format: r.format, faces: r.faceCount, note: r.warnings[0] }).toEqual({ format: 'blend', faces: 60, note: "read 'table/table.blend' (Blender) from the archive" });
    expect(load('table.zip', zipSync({ 'table/table.blend': new Uint8Array(gzipSync(plain)), ...textures }), 4000).faceCount).toBe(60);
    expectError('table.zip', zipSync({ 'table/table.blend': compressed['table.blend'], ...textures }), 'unsupported', "Zip archive: 'table/table.blend' in the archive: Blender: it is saved compressed (Zstandard), which is unpacked only for a .blend opened itself: take it out of the archive and open it, or save it in Blender with Compress off");
  });

  test("Blender 5.0's header and 32-byte block headers: the same blocks read the same", () => {
    const plain = raw('table.blend');
    const file = new BlendFile(plain);
    const parts: Uint8Array[] = [new TextEncoder().encode('BLENDER17-01v0500')];
    for (const block of file.blocks) {
      const head = new DataView(new ArrayBuffer(32));
      new Uint8Array(head.buffer).set(new TextEncoder().encode(block.code.padEnd(4, '\0')), 0);
      head.setInt32(4, block.sdna, true);
      head.setBigUint64(8, block.address, true);
      head.setBigInt64(16, BigInt(block.length), true);
      head.setBigInt64(24, BigInt(block.count), true);
      parts.push(new Uint8Array(head.buffer), plain.subarray(block.start, block.start + block.length));
    }
    parts.push(new TextEncoder().encode('ENDB'), new Uint8Array(28));
    const large = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (large.set(p, at), at + p.length), 0);
    expect(new BlendFile(large).version).toBe(500);
    expect(unmatched(polygonsOf(large), expected('table').polygons)).toBe(0);
  });
});

/** The scene with its packed image's block grown by `extra` zero bytes (a scene whose packed
 * textures pass 256 MiB), as a file read by ranges, without holding it; and the bytes read. */
function grownScene(extra: number, bytes = raw('scene.blend')): { size: number; read: (from: number, to: number) => Promise<Uint8Array>; readBytes: () => number } {
  const file = new BlendFile(bytes);
  const packed = file.blocks.find((b) => b.address === file.items(file.blocks.find((p) => file.structName(p) === 'PackedFile')!)[0]!.pointer('data'))!;
  const head = bytes.slice(packed.start - 24, packed.start);
  new DataView(head.buffer).setInt32(4, packed.length + extra, true);
  const parts: (Uint8Array | number)[] = [bytes.subarray(0, packed.start - 24), head, bytes.subarray(packed.start, packed.start + packed.length), extra, bytes.subarray(packed.start + packed.length)];
  const size = parts.reduce<number>((n, p) => n + (typeof p === 'number' ? p : p.length), 0);
  let total = 0;
  const read = async (from: number, to: number): Promise<Uint8Array> => {
    const out = new Uint8Array(Math.max(0, Math.min(to, size) - from));
    let at = 0;
    for (const p of parts) {
      const n = typeof p === 'number' ? p : p.length;
      const [lo, hi] = [Math.max(from, at), Math.min(to, at + n)];
      if (lo < hi && typeof p !== 'number') out.set(p.subarray(lo - at, hi - at), lo - from);
      at += n;
    }
    total += out.length;
    return out;
  };
  return { size, read, readBytes: () => total };
}

describe('Blender files over 256 MiB', () => {
  test('read by parts: the packed files passed over, the scene read as the whole file reads it', async () => {
    // As loadLargeFile samples a mesh: LIMITS.defaultMeshSamples points, seed 0.
    const whole = loadFile('scene.blend', raw('scene.blend'), { meshSamples: LIMITS.defaultMeshSamples, seed: 0 });
    const big = grownScene(300 * 1024 * 1024);
    expect(big.size).toBeGreaterThan(LIMITS.maxFileBytes);
    const r = await loadLargeFile('scene.blend', big.size, big.read);
    expect({ format: r.format, faces: r.faceCount, bounds: r.bounds }).toEqual({ format: 'blend', faces: whole.faceCount, bounds: whole.bounds });
    expect(r.cloud.positions.every((v, i) => v === whole.cloud.positions[i])).toBe(true);
    expect(r.warnings[0]).toBe(`read by parts: 1 packed file (images, sounds, fonts: 300 MiB of the file's 300.5 MiB) passed over`);
    expect(r.warnings.slice(1)).toEqual(whole.warnings);
    expect(big.readBytes()).toBeLessThan(8 * 1024 * 1024);
  });

  test('refused saying why: compressed, cut short, a scene larger than the limit without its packed files', async () => {
    const big = grownScene(300 * 1024 * 1024);
    const refusal = async (size: number, read: (from: number, to: number) => Promise<Uint8Array>): Promise<string> => {
      try {
        await loadLargeFile('scene.blend', size, read);
      } catch (error) {
        if (error instanceof LoadError) return error.message;
        throw error;
      }
      throw new Error('expected a refusal');
    };
    const zstd = compressed['scene.blend'];
    expect(await refusal(big.size, async (from, to) => (from < zstd.length ? zstd.subarray(from, to) : new Uint8Array(Math.min(to, big.size) - from)))).toBe(
      "Blender: the file is saved compressed and is 300.5 MiB: a compressed file over 256 MiB (LIMITS.maxFileBytes) is not unpacked; save it in Blender with Compress off (File > Save As), and it is read by parts",
    );
    expect(await refusal(big.size - 1000, big.read)).toMatch(/^Blender: the "[A-Z0-9]+" block at byte [\d,]+ is [\d,]+ bytes long, past the end of the file \([\d,]+ bytes\): is it cut short\?$|ENDB/);
    // The packed image's block said to hold structs: it is read, and it is over the limit.
    const typed = raw('scene.blend').slice();
    const file = new BlendFile(typed);
    const packed = file.block(file.items(file.blocks.find((p) => file.structName(p) === 'PackedFile')!)[0]!.pointer('data'))!;
    new DataView(typed.buffer).setInt32(packed.start - 8, file.blocks.find((b) => b.code === 'ME')!.sdna, true);
    const grown = grownScene(300 * 1024 * 1024, typed);
    expect(await refusal(grown.size, grown.read)).toBe("Blender: its scene and meshes take more than 256 MiB (LIMITS.maxFileBytes) of the file's 300.5 MiB, its packed files left aside; export the model from Blender (File > Export > glTF)");
  });
});

describe('Blender files refused, saying why', () => {
  test('not Blender, an unknown header, big-endian, cut short, no DNA, no mesh', () => {
    const plain = raw('table.blend');
    expectError('a.blend', new TextEncoder().encode('BLENDIR-v304'), 'malformed', 'Blender: the file does not start with "BLENDER", as every Blender file does');
    expectError('a.blend', new TextEncoder().encode('BLENDER#v304xxxxxxxxxx'), 'unsupported', /^Blender: its header "BLENDER#v304xxxxx" is not one this reader knows/);
    const big = plain.slice();
    big[8] = 'V'.charCodeAt(0);
    expectError('a.blend', big, 'unsupported', 'Blender: it was saved on a big-endian machine (a PowerPC Mac, Blender 2.4x or older); open it in a current Blender and save it again');
    expectError('a.blend', plain.subarray(0, 20_000), 'truncated', /^Blender: the [A-Z"]+ block at byte [\d,]+ is [\d,]+ bytes long, past the end of the file \(20,000 bytes\): is it cut short\?$/);
    expectError('a.blend', plain.subarray(0, plain.length - 4), 'truncated', /before the ENDB block every Blender file ends with: is it cut short\?$/);
    // A file with its DNA1 block renamed: no description of its structs.
    const file = new BlendFile(plain);
    const dna = file.blocks.find((b) => b.code === 'DNA1')!;
    const noDna = plain.slice();
    noDna.set(new TextEncoder().encode('XXXX'), dna.start - 24);
    expectError('a.blend', noDna, 'malformed', 'Blender: the file has no DNA1 block, the description of its structs that every Blender file holds');
    // The scene's objects made empties (Object.type 0): a scene that shows no mesh.
    const noMesh = plain.slice();
    for (const ob of file.ids('OB')) new DataView(noMesh.buffer).setInt16(ob.offset + ob.field('type')!.offset, 0, true);
    expectError('a.blend', noMesh, 'empty', "Blender: scene 'Scene' shows no mesh");
  });

  test("vertices in no layout the reader knows: refused when no mesh is left, never read as something else", () => {
    const plain = raw('table.blend');
    const file = new BlendFile(plain);
    const verts = file.blocks.filter((b) => file.structName(b) === 'MVert');
    expect(verts.length).toBe(2);
    // The vertex arrays said to hold another struct: counts no block holds, refused.
    const retyped = plain.slice();
    for (const b of verts) new DataView(retyped.buffer).setInt32(b.start - 8, 0, true);
    expectError('a.blend', retyped, 'malformed', /^Blender: mesh '(Top|Leg)': it has 0 of its 8 vertices$/);
    // ... and no longer pointed at by the meshes or their layers: no vertices found at all.
    const lost = retyped.slice();
    for (const b of verts) new DataView(lost.buffer).setBigUint64(b.start - 16, 0n, true);
    for (const mesh of file.ids('ME')) new DataView(lost.buffer).setBigUint64(mesh.offset + mesh.field('mvert')!.offset, 0n, true);
    expectError('a.blend', lost, 'unsupported', "Blender: 2 meshes not read: they store their vertices in a layout this reader does not know ('Top', 'Leg'); export from Blender (File > Export > glTF)");
  });

  test('240 cut or byte-changed files: a mesh or a LoadError, never another exception', () => {
    const outcomes = damagedOutcomes('table.blend', raw('table.blend'), { seed: 5 });
    expect(outcomes.loaded + outcomes.refused).toBe(240);
    expect(outcomes.refused).toBeGreaterThan(100);
  });
});
