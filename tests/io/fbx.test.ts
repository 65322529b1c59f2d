// FBX (src/io/fbx.ts, fbxBinary.ts): binary 7.4 / 7.5 and ASCII files written from the format's
// structure (tests/io/fbxWrite.ts) read through three's FBXLoader to the mesh they hold, placed by
// the model's translation; an exporter-like scene with a material, a texture file and a camera
// reads in Node with no DOM; damaged files are refused saying why, never another exception.
import { beforeAll, describe, expect, test } from 'vitest';
import { loadersReady } from '../../src/io/index';
import { sniffFormat } from '../../src/io/sniff';
import { expectError, expectWellFormed, load, loadedOrRefused } from './expectLoad';
import { type FbxNode, asciiFbx, binaryFbx, meshTree } from './fbxWrite';

// A 2 x 1 x 3 box: 8 corners, 6 quads (12 triangles).
const CORNERS = [0, 0, 0, 2, 0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 3, 2, 0, 3, 2, 1, 3, 0, 1, 3];
const QUADS = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
const box = (upAxis = 1) => meshTree(CORNERS, QUADS, [10, 0, 0], upAxis);

beforeAll(() => loadersReady(binaryFbx(box())));

function boundsOf(name: string, bytes: Uint8Array) {
  const r = load(name, bytes, 4000);
  expectWellFormed(r);
  return { format: r.format, kind: r.kind, faces: r.faceCount, min: r.bounds.min.map((v) => +v.toFixed(3)), max: r.bounds.max.map((v) => +v.toFixed(3)) };
}

describe('FBX files', () => {
  test('binary 7.4 (zlib arrays), binary 7.5 (64-bit offsets, raw arrays) and ASCII read to the same box', () => {
    const expected = { format: 'fbx', kind: 'mesh', faces: 12, min: [10, 0, 0], max: [12, 1, 3] };
    expect(boundsOf('box.fbx', binaryFbx(box()))).toEqual(expected);
    expect(boundsOf('box.fbx', binaryFbx(box(), { version: 7500, compress: false }))).toEqual(expected);
    expect(boundsOf('box.fbx', asciiFbx(box()))).toEqual(expected);
    expect([sniffFormat(binaryFbx(box())), sniffFormat(asciiFbx(box()))]).toEqual(['fbx', 'fbx']);
    expect(load('export.bin', binaryFbx(box())).format).toBe('fbx');
  });

  test("a Z-up file (UpAxis 2) is turned to Y-up by three's loader", () => {
    expect(boundsOf('box.fbx', binaryFbx(box(2)))).toMatchObject({ min: [10, 0, -1], max: [12, 3, 0] });
  });

  test('an exporter-like scene: normals, UVs, a material with a texture file, an embedded image and a camera, read with no DOM', () => {
    const [header, settings, objects, connections] = box();
    const [geometry, ...models] = objects!.children!;
    // Normals and UVs per polygon corner, as exporters write them (24 corners of 6 quads).
    const s = (type: 'S', value: string) => ({ type, value });
    const layers: FbxNode[] = [
      { name: 'LayerElementNormal', properties: [{ type: 'I', value: 0 }], children: [{ name: 'Version', properties: [{ type: 'I', value: 101 }] }, { name: 'MappingInformationType', properties: [s('S', 'ByPolygonVertex')] }, { name: 'ReferenceInformationType', properties: [s('S', 'Direct')] }, { name: 'Normals', properties: [{ type: 'd', value: Array.from({ length: 72 }, (_, i) => (i % 3 === 2 ? 1 : 0)) }] }] },
      { name: 'LayerElementUV', properties: [{ type: 'I', value: 0 }], children: [{ name: 'Version', properties: [{ type: 'I', value: 101 }] }, { name: 'MappingInformationType', properties: [s('S', 'ByPolygonVertex')] }, { name: 'ReferenceInformationType', properties: [s('S', 'IndexToDirect')] }, { name: 'UV', properties: [{ type: 'd', value: [0, 0, 1, 0, 1, 1, 0, 1] }] }, { name: 'UVIndex', properties: [{ type: 'i', value: Array.from({ length: 24 }, (_, i) => i % 4) }] }] },
    ];
    const scene: FbxNode[] = [
      header!,
      settings!,
      {
        ...objects!,
        children: [
          { ...geometry!, children: [...geometry!.children!, ...layers] },
          ...models,
          { name: 'Material', properties: [{ type: 'L', value: 3000 }, { type: 'S', value: 'Material::wood' }, { type: 'S', value: '' }], children: [{ name: 'ShadingModel', properties: [{ type: 'S', value: 'phong' }] }] },
          { name: 'Texture', properties: [{ type: 'L', value: 4000 }, { type: 'S', value: 'Texture::wood' }, { type: 'S', value: '' }], children: [{ name: 'FileName', properties: [{ type: 'S', value: 'C:\\textures\\wood.png' }] }, { name: 'RelativeFilename', properties: [{ type: 'S', value: 'textures\\wood.png' }] }] },
          { name: 'Video', properties: [{ type: 'L', value: 5000 }, { type: 'S', value: 'Video::wood' }, { type: 'S', value: 'Clip' }], children: [{ name: 'RelativeFilename', properties: [{ type: 'S', value: 'textures\\wood.png' }] }, { name: 'Content', properties: [{ type: 'S', value: 'not really a png' }] }] },
          { name: 'NodeAttribute', properties: [{ type: 'L', value: 6000 }, { type: 'S', value: 'NodeAttribute::camera' }, { type: 'S', value: 'Camera' }], children: [{ name: 'TypeFlags', properties: [{ type: 'S', value: 'Camera' }] }] },
          { name: 'Model', properties: [{ type: 'L', value: 7000 }, { type: 'S', value: 'Model::camera' }, { type: 'S', value: 'Camera' }], children: [{ name: 'Version', properties: [{ type: 'I', value: 232 }] }] },
        ],
      },
      {
        ...connections!,
        children: [
          ...connections!.children!,
          { name: 'C', properties: [{ type: 'S', value: 'OO' }, { type: 'L', value: 3000 }, { type: 'L', value: 2000 }] },
          { name: 'C', properties: [{ type: 'S', value: 'OP' }, { type: 'L', value: 4000 }, { type: 'L', value: 3000 }, { type: 'S', value: 'DiffuseColor' }] },
          { name: 'C', properties: [{ type: 'S', value: 'OO' }, { type: 'L', value: 5000 }, { type: 'L', value: 4000 }] },
          { name: 'C', properties: [{ type: 'S', value: 'OO' }, { type: 'L', value: 6000 }, { type: 'L', value: 7000 }] },
          { name: 'C', properties: [{ type: 'S', value: 'OO' }, { type: 'L', value: 7000 }, { type: 'L', value: 0 }] },
        ],
      },
    ];
    expect('window' in globalThis).toBe(false);
    expect(boundsOf('scene.fbx', binaryFbx(scene))).toMatchObject({ faces: 12, min: [10, 0, 0], max: [12, 1, 3] });
    expect('window' in globalThis).toBe(false); // the stub is gone again
  });
});

describe('FBX files refused, saying why', () => {
  test('cut, an array declaring fewer bytes than it unpacks to, a raw array of the wrong size, no mesh, an old version', () => {
    const good = binaryFbx(box());
    expectError('a.fbx', good.subarray(0, 300), 'malformed', 'FBX: the file has no Objects section (where FBX keeps the geometry): is it cut short?');
    expectError('a.fbx', good.subarray(0, 700), 'truncated', /^FBX: the file ends inside node "Objects" \(which ends at byte [\d,]+; the file has 700\)$/);
    // The vertices (24 doubles) declared as 2: the compressed array unpacks to more than it says.
    const vertices = meshTree([0, 0, 0, 1, 0, 0], [[0, 1, 0]], [0, 0, 0]);
    const bomb = binaryFbx(vertices);
    const at = findArray(bomb, 'Vertices');
    new DataView(bomb.buffer).setUint32(at, 2, true);
    expectError('a.fbx', bomb, 'malformed', /a compressed array of "Vertices" declares 16 bytes but unpacks to more/);
    const raw = binaryFbx(vertices, { compress: false });
    new DataView(raw.buffer).setUint32(findArray(raw, 'Vertices'), 5, true);
    expectError('a.fbx', raw, 'malformed', /an array of "Vertices" declares 5 elements \(40 bytes\) but holds 48 bytes/);
    const [header, settings, , connections] = box();
    expectError('a.fbx', binaryFbx([header!, settings!, { name: 'Objects', children: [] }, connections!]), 'empty', 'FBX: the FBX scene has no mesh with triangles');
    const old = new TextDecoder().decode(asciiFbx(box())).replace('FBXVersion: 7400', 'FBXVersion: 6100');
    expectError('a.fbx', new TextEncoder().encode(old), 'malformed', /FBX: the FBX file cannot be read: FBX version not supported, FileVersion: 6100/);
  });

  test('240 cut or byte-changed files, binary and ASCII: a cloud or a LoadError, never another exception', () => {
    const sources = [binaryFbx(box()), binaryFbx(box(), { version: 7500, compress: false }), asciiFbx(box())];
    let seed = 5;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let refused = 0;
    for (let i = 0; i < 240; i++) {
      const source = sources[i % 3]!;
      let damaged: Uint8Array;
      if (i % 2 === 0) damaged = source.subarray(0, Math.floor(random() * source.length));
      else {
        damaged = source.slice();
        for (let k = 0; k < 1 + Math.floor(random() * 4); k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      }
      if (loadedOrRefused('a.fbx', damaged) === 'refused') refused++;
    }
    expect(refused).toBeGreaterThan(100);
  });
});

/** The byte offset of the element count of the array of the node named `name` (its 'd' or 'i'). */
function findArray(bytes: Uint8Array, name: string): number {
  const text = new TextDecoder('latin1').decode(bytes);
  const at = text.indexOf(name);
  if (at < 0) throw new Error(`no node ${name}`);
  return at + name.length + 1; // after the name: the property's type byte, then its count
}
