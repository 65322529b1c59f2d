// 3DS (src/io/tds.ts): files written from the chunk layout (tests/io/tdsWrite.ts), with a material,
// a keyframer and the mesh's local axes beside the meshes, read to every object's triangles where
// the file placed them; damaged files refused saying why, never another exception.
import { describe, expect, test } from 'vitest';
import { sniffFormat } from '../../src/io/sniff';
import { damagedOutcomes, expectError, expectWellFormed, load } from './expectLoad';
import { chunk, tdsBox, tdsFile } from './tdsWrite';

const table = () => [tdsBox('top', [-1, -0.6, 1], [1, 0.6, 1.1]), ...[[-0.9, -0.5], [0.8, -0.5], [-0.9, 0.4], [0.8, 0.4]].map(([x, y], k) => tdsBox(`leg ${k}`, [x!, y!, 0], [x! + 0.1, y! + 0.1, 1]))];

describe('3DS files', () => {
  test("every object's mesh is read where the file placed it; the local axes are not applied again", () => {
    const objects = table();
    objects[0]!.axes = [1, 0, 0, 0, 1, 0, 0, 0, 1, 50, 50, 50];
    const file = tdsFile(objects);
    expect(sniffFormat(file)).toBe('3ds');
    const r = load('table.3ds', file, 4000);
    expectWellFormed(r);
    expect({ format: r.format, kind: r.kind, vertices: r.vertexCount, faces: r.faceCount, warnings: r.warnings }).toEqual({ format: '3ds', kind: 'mesh', vertices: 40, faces: 60, warnings: [] });
    expect([...r.bounds.min, ...r.bounds.max].map((v) => +v.toFixed(3))).toEqual([-1, -0.6, 0, 1, 0.6, 1.1]);
    expect(load('download.bin', file).format).toBe('3ds');
  });
});

describe('3DS files refused, saying why', () => {
  test('not 3DS, cut short, a face past its vertices, no mesh', () => {
    const good = tdsFile(table());
    expectError('a.3ds', new Uint8Array(64), 'malformed', '3DS: the file does not start with the main chunk (0x4d4d) every 3DS file starts with');
    expectError('a.3ds', good.subarray(0, 500), 'truncated', `3DS: the main chunk is ${good.length.toLocaleString('en')} bytes long, but the file has 500: is it cut short?`);
    const bad = tdsFile([{ name: 'tri', vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [[0, 1, 3]] }]);
    expectError('a.3ds', bad, 'out-of-range', "3DS: object 'tri': face 0 refers to vertex 3 of 3");
    expectError('a.3ds', tdsFile([]), 'empty', '3DS: the file holds no triangle mesh');
    // A sub-chunk longer than the chunk that holds it (the keyframer after it keeps it in the file).
    const inner = chunk(0x3d3d, new Uint8Array(), chunk(0x4000, new Uint8Array([65, 0]), chunk(0x4100, new Uint8Array(10))));
    new DataView(inner.buffer).setUint32(6 + 2, 30, true);
    expectError('a.3ds', chunk(0x4d4d, new Uint8Array(), chunk(0x0002, new Uint8Array(4)), inner, chunk(0xb000, new Uint8Array())), 'malformed', '3DS: the 3D editor chunk: chunk 0x4000 at byte 22 is 30 bytes long, past the chunk that holds it');
  });

  test('240 cut or byte-changed files: a mesh or a LoadError, never another exception', () => {
    const good = tdsFile(table());
    const outcomes = damagedOutcomes('d.3ds', good, { seed: 3 });
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.loaded).toBeGreaterThan(20);
  });
});
