// A .zip holding a model (src/io/archive.ts), as people download them: Sketchfab's glTF with its
// .bin and textures, a set of STL parts with macOS's resource forks, a lone point list; the
// largest model is read, the others named; refusals name the file inside.
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadFile, loadersReady } from '../../src/io/index';
import { encodeDraco } from './dracoEncode';
import { expectError, expectWellFormed, load, loadedOrRefused } from './expectLoad';
import { binaryStl, glbFile, text } from './generate';

/** A unit square (two triangles) in a .gltf whose buffer is the separate file `uri`. */
function gltfWithSidecar(uri: string): { gltf: Uint8Array; bin: Uint8Array } {
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
  const indices = new Uint16Array([0, 1, 2, 0, 2, 3]);
  const bin = new Uint8Array(48 + 12);
  bin.set(new Uint8Array(positions.buffer), 0);
  bin.set(new Uint8Array(indices.buffer), 48);
  const json = {
    asset: { version: '2.0' },
    buffers: [{ byteLength: bin.length, uri }],
    bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: 48 }, { buffer: 0, byteOffset: 48, byteLength: 12 }],
    accessors: [{ bufferView: 0, componentType: 5126, count: 4, type: 'VEC3' }, { bufferView: 1, componentType: 5123, count: 6, type: 'SCALAR' }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1 }] }],
    nodes: [{ mesh: 0, translation: [0, 0, 4] }],
    scenes: [{ nodes: [0] }],
    scene: 0,
  };
  return { gltf: text(JSON.stringify(json)), bin };
}

/** A box of side `size` as binary STL. */
function boxStl(size: number): Uint8Array {
  const c = (x: number, y: number, z: number) => [x * size, y * size, z * size];
  const faces: number[][][] = [];
  for (const axis of [0, 1, 2]) {
    for (const side of [0, 1]) {
      const p = (u: number, v: number) => {
        const xyz = [0, 0, 0];
        xyz[axis] = side;
        xyz[(axis + 1) % 3] = u;
        xyz[(axis + 2) % 3] = v;
        return c(xyz[0]!, xyz[1]!, xyz[2]!);
      };
      faces.push([p(0, 0), p(1, 0), p(1, 1)], [p(0, 0), p(1, 1), p(0, 1)]);
    }
  }
  return binaryStl(faces.map((f) => f.flat()));
}

describe('a model in a zip archive', () => {
  test("Sketchfab's glTF download: scene.gltf with its scene.bin, textures and a licence beside it", () => {
    const { gltf, bin } = gltfWithSidecar('scene.bin');
    const zip = zipSync({ 'scene.gltf': gltf, 'scene.bin': bin, 'textures/base_color.png': new Uint8Array(5000), 'license.txt': text('CC-BY 4.0, by someone\n') });
    const r = load('model.zip', zip);
    expect([r.format, r.kind, r.faceCount]).toEqual(['gltf', 'mesh', 2]);
    expect(r.warnings).toEqual(["read 'scene.gltf' (glTF) from the archive"]);
    expect(r.bounds.min[2]).toBeCloseTo(4, 5); // the node's translation
    expectWellFormed(r);
  });

  test('a .gltf in a folder naming its buffer by a relative, percent-encoded uri', () => {
    const { gltf, bin } = gltfWithSidecar('../data/scene%20bin.bin');
    const r = load('model.zip', zipSync({ 'model/scene.gltf': gltf, 'data/scene bin.bin': bin }));
    expect([r.format, r.faceCount]).toEqual(['gltf', 2]);
  });

  test("a set of STL parts: the largest is read, the others named; macOS's resource forks skipped", () => {
    const zip = zipSync({
      'files/body.stl': boxStl(3),
      'files/lid.stl': binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0]]),
      'files/screw.stl': binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1, 0, 1, 1]]),
      '__MACOSX/files/._body.stl': new Uint8Array(100_000),
      'README.txt': text('Print at 0.2 mm.\n'),
    });
    const r = load('thing.zip', zip);
    expect([r.format, r.faceCount]).toEqual(['stl', 12]);
    expect(r.bounds.max[0]).toBeCloseTo(3, 1);
    expect(r.warnings[0]).toBe("the archive holds 3 models; read the largest, 'files/body.stl' (STL); not read: 'files/screw.stl', 'files/lid.stl' (pick another under File; the CLI's --archive-models classifies each)");
    // The models are listed, largest first (the README is not one), for the page to offer.
    expect(r.archive).toEqual({ models: ['files/body.stl', 'files/screw.stl', 'files/lid.stl'], read: 'files/body.stl' });
    // Another is read when asked for, by its path; a path the archive does not hold is refused.
    const lid = loadFile('thing.zip', zip, { meshSamples: 500, archiveEntry: 'files/lid.stl' });
    expect([lid.format, lid.faceCount, lid.archive?.read]).toEqual(['stl', 1, 'files/lid.stl']);
    expect(lid.warnings[0]).toBe("the archive holds 3 models; read 'files/lid.stl' (STL); not read: 'files/body.stl', 'files/screw.stl' (pick another under File; the CLI's --archive-models classifies each)");
    expect(() => loadFile('thing.zip', zip, { archiveEntry: 'files/base.stl' })).toThrow("Zip archive: the archive holds no model 'files/base.stl' (it holds 'files/body.stl', 'files/screw.stl', 'files/lid.stl')");
    // A file that is not an archive has no list.
    expect(load('body.stl', boxStl(3)).archive).toBeUndefined();
  });

  test('a lone list of points (.txt) is read when nothing else is there', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${Math.cos(i)} ${Math.sin(i)} ${i / 300}`).join('\n');
    const r = load('scan.zip', zipSync({ 'scan/points.txt': text(rows) }));
    expect([r.format, r.kind, r.cloud.count]).toEqual(['xyz', 'points', 300]);
  });

  test('a Draco-compressed .glb inside: the decoder is loaded for the archive', async () => {
    const { bytes, positionId } = await encodeDraco({ positions: new Float32Array(Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.37) * 2)) });
    const json = {
      asset: { version: '2.0' },
      extensionsUsed: ['KHR_draco_mesh_compression'],
      extensionsRequired: ['KHR_draco_mesh_compression'],
      buffers: [{ byteLength: bytes.length }],
      bufferViews: [{ buffer: 0, byteLength: bytes.length }],
      accessors: [{ componentType: 5126, count: 100, type: 'VEC3' }],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 0, extensions: { KHR_draco_mesh_compression: { bufferView: 0, attributes: { POSITION: positionId } } } }] }],
      nodes: [{ mesh: 0 }],
      scenes: [{ nodes: [0] }],
      scene: 0,
    };
    const zip = zipSync({ 'model.glb': glbFile(json, bytes) });
    await loadersReady(zip);
    const r = load('model.zip', zip);
    expect([r.format, r.kind, r.cloud.count]).toEqual(['gltf', 'points', 100]);
  });
});

describe('archives refused, saying why', () => {
  beforeAll(() => loadersReady());

  test('nothing to read, only other archives, a missing buffer, a broken model, a broken zip', () => {
    expectError('a.zip', zipSync({ 'notes.md': text('# hi'), 'image.png': new Uint8Array(10) }), 'unsupported', 'Zip archive: the archive holds no file this app reads');
    expectError('a.zip', zipSync({ 'inner.zip': zipSync({ 'a.stl': boxStl(1) }) }), 'unsupported', "Zip archive: the archive holds only other archives ('inner.zip'); unpack them first");
    expectError('a.zip', zipSync({ 'scene.gltf': gltfWithSidecar('scene.bin').gltf }), 'truncated', "Zip archive: 'scene.gltf' in the archive: glTF: buffer 0 is a separate file ('scene.bin'), which is not beside it");
    expectError('a.zip', zipSync({ 'part.stl': boxStl(1).subarray(0, 150) }), 'truncated', /^Zip archive: 'part\.stl' in the archive: STL: /);
    const zip = zipSync({ 'part.stl': boxStl(1) });
    expectError('a.zip', zip.subarray(0, zip.length - 30), 'malformed', /^Zip archive: the zip archive cannot be read/);
  });

  test('120 cut or byte-changed archives: a cloud or a LoadError, never another exception', () => {
    const { gltf, bin } = gltfWithSidecar('scene.bin');
    const sources = [zipSync({ 'scene.gltf': gltf, 'scene.bin': bin }), zipSync({ 'a.stl': boxStl(2), 'b.stl': boxStl(1) })];
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let refused = 0;
    for (let i = 0; i < 120; i++) {
      const source = sources[i % 2]!;
      const damaged = i % 4 < 2 ? source.subarray(0, Math.floor(random() * source.length)) : source.slice();
      if (i % 4 >= 2) for (let k = 0; k < 3; k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      if (loadedOrRefused('a.zip', damaged) === 'refused') refused++;
    }
    expect(refused).toBeGreaterThan(40);
  });
});
