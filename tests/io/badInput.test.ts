// The defined outcome of every kind of bad input the issue lists. Each either loads with the
// warning quoted here or fails with the reason and message quoted here.
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { LIMITS } from '../../src/io/limits';
import { UNREAD_FORMATS } from '../../src/io/formats';
import { expectError, load } from './expectLoad';
import { binaryStl, concat, garbage, plyFile, text } from './generate';

describe('bad input', () => {
  test('empty files, named or not', () => {
    expectError('empty.ply', new Uint8Array(0), 'empty', 'PLY: the file is empty (0 bytes)');
    expectError('nothing', new Uint8Array(0), 'empty', 'the file is empty (0 bytes)');
    expectError('blank.xyz', text('\n\n  \n'), 'empty', 'XYZ: the file has no rows of numbers');
  });

  test('a single point, or every point at one place, is refused: no shape to classify', () => {
    expectError('one.xyz', text('1 2 3\n'), 'empty', 'XYZ: only 1 point (1, 2, 3): there is no shape to classify');
    expectError('same.xyz', text('0.5 0.5 0.5\n'.repeat(100)), 'empty', 'XYZ: all 100 points lie at one place (0.5, 0.5, 0.5): there is no shape to classify');
    // in a map's coordinates, said where it lies; an HDF5 data set's empty slot (all zeros) alike
    expectError('far.xyz', text('512345.25 4123456.5 12.75\n'.repeat(3)), 'empty', 'XYZ: all 3 points lie at one place (512345.25, 4123456.5, 12.75): there is no shape to classify');
  });

  test('a few points load, with a warning', () => {
    const r = load('few.xyz', text('1 2 3\n1 2 4\n2 2 3\n'));
    expect([r.cloud.count, r.bounds]).toEqual([3, { min: [1, 2, 3], max: [2, 2, 4] }]);
    expect(r.warnings).toEqual([`only 3 points: a shape needs at least ${LIMITS.warnBelowPoints}, so the classification means little`]);
  });

  test('a flat mesh (zero area) becomes its vertices, with a warning', () => {
    const r = load('flat.off', text('OFF\n3 1 0\n0 0 0\n1 1 1\n2 2 2\n3 0 1 2\n'));
    expect([r.kind, r.cloud.count]).toEqual(['points', 3]);
    expect(r.warnings[0]).toBe('all faces have zero area: the 3 vertices are used as points');
  });

  test('non-finite coordinates: dropped while some points remain, an error when none do', () => {
    const some = load('n.xyz', text('1 2 3\nNaN 1 1\n4 5 6\n1 -inf 2\n'));
    expect([some.cloud.count, some.warnings[0]]).toEqual([2, '2 of 4 points had NaN or infinite coordinates and were dropped']);
    expectError('n.xyz', text('nan nan nan\n'), 'non-finite', 'XYZ: no finite points: the only point has NaN or infinite coordinates');
  });

  test('wrong extension: the content decides, with a warning', () => {
    const ply = plyFile({ encoding: 'binary_little_endian', vertexProps: [['x', 'float'], ['y', 'float'], ['z', 'float']], vertices: Array.from({ length: 100 }, (_, i) => [i, i * i, 1]) });
    const r = load('really-a-ply.obj', ply);
    expect([r.format, r.cloud.count, r.warnings]).toEqual(['ply', 100, ['the file is named .obj but its content is PLY; read as PLY']]);
    const obj = load('model.txt', text('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'));
    expect([obj.format, obj.warnings[0]]).toEqual(['obj', 'the file is named .txt but its content is OBJ; read as OBJ']);
    const stl = load('scan.dat', binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0]]));
    expect([stl.format, stl.warnings]).toEqual(['stl', []]);
    const txt = load('points.txt', text('1 2 3\n4 5 6\n'));
    expect([txt.format, txt.warnings.filter((w) => w.includes('named'))]).toEqual(['xyz', []]);
  });

  test('every format in UNREAD_FORMATS is refused by its name with what to do; as people have them: an OBJ\'s .mtl, G-code, a KITTI scan', () => {
    for (const [ext, advice] of Object.entries(UNREAD_FORMATS)) expectError(`file.${ext}`, garbage(64), 'unsupported', `file.${ext}: ${advice}`);
    expectError('chair.mtl', text('# Blender MTL File\nnewmtl Wood\nNs 250\nKa 1 1 1\nKd 0.8 0.5 0.2\nillum 2\n'), 'unsupported', "chair.mtl: an .mtl file holds an OBJ's materials, not a model; open the .obj beside it");
    expectError('chair.gcode', text(';FLAVOR:Marlin\nG28\nG1 Z0.2 F3000\nG1 X10 Y10 E0.5\n'), 'unsupported', /^chair\.gcode: G-code is a 3D printer's toolpath, not a model/);
    const kitti = new Float32Array(4 * 5000).map((_, i) => (i % 4 === 3 ? 0.3 : 40 * Math.sin(i * 1.7)));
    expectError('000000.bin', new Uint8Array(kitti.buffer), 'unsupported', /^000000\.bin: a \.bin file is raw data with no header saying its layout: a glTF's buffer \(open the \.gltf beside it\) or raw points \(KITTI's velodyne scans/);
    // What the content shows still wins: a PLY saved as .bin is read.
    expect(load('scan.bin', text('ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 0 0\n0 1 0\n')).format).toBe('ply');
  });

  test('formats people have that are not read say what to export instead', () => {
    expectError('room.rcp', garbage(64), 'unsupported', 'room.rcp: ReCap projects are not read; export the scan as PLY, LAS or XYZ');
    expectError('chair.skp', garbage(64), 'unsupported', 'chair.skp: SketchUp files are not read; export the model as glTF (.glb), OBJ, PLY or STL');
    // CAD programs' own files: STEP is what they all export, and it is read.
    expectError('bracket.sldprt', garbage(64), 'unsupported', 'bracket.sldprt: SolidWorks parts are not read; export the model as STEP (.step, read here with its exact surfaces) or STL (File > Save As)');
    expectError('part.igs', garbage(64), 'unsupported', 'part.igs: CAD files (IGES) are not read; export the model as STEP (.step, read here with its exact surfaces) or STL');
    expectError('download.tar.xz', garbage(64), 'malformed', /^download\.tar\.xz: the file is named \.xz but is not compressed by xz \(FD 37 7A 58 5A 00\), nor one of PLY, OBJ, .* \(it starts with [0-9a-fx ]+\); is it damaged\?$/);
    expectError('scan.ply.zst', garbage(64), 'malformed', /^scan\.ply\.zst: the file is named \.zst but is not compressed by Zstandard \(28 B5 2F FD\)/);
    expectError('download.rar', garbage(64), 'malformed', 'RAR archive: the file is not a RAR archive (it does not start with RAR\'s signature, "Rar!" 1A 07)');
    // FBX, E57 and COLLADA are read now: garbage named so is refused as what it is not.
    expectError('room.e57', garbage(64), 'malformed', 'E57: the file does not start with "ASTM-E57" (every E57 file does)');
    expectError('chair.fbx', garbage(64), 'malformed', 'FBX: not an FBX file: binary FBX starts with "Kaydara FBX Binary", ASCII FBX with "; FBX"');
    expectError('batch.h5', garbage(64), 'malformed', 'HDF5: the file has no HDF5 signature (at byte 0, 512, 1024, ...)');
    expectError('chair.blend', garbage(64), 'malformed', 'Blender: the file does not start with "BLENDER", as every Blender file does');
    // What the content shows still wins over the name.
    expect(load('chair.fbx', text('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n')).format).toBe('obj');
  });

  test('binary garbage: unknown name, or a format name it does not match', () => {
    const junk = garbage(4096);
    expectError('junk.dat', junk, 'unsupported', /^junk\.dat: unrecognised format \(extension \.dat; the content is none of PLY, OBJ, PCD, XYZ, OFF, STL, glTF, 3MF, LAS, NumPy, SPZ, USD, Draco, FBX, COLLADA, VRML\/X3D, DXF, 3DS, PTX, E57, HDF5, VTK, Gmsh, Abaqus, Nastran, Blender, STEP, MagicaVoxel, Tar archive, 7-Zip archive, RAR archive, Zip archive; it starts with 0x[0-9a-f]{2}( 0x[0-9a-f]{2}){7}\)$/);
    expectError('junk.ply', junk, 'malformed', `PLY: the file does not start with the line 'ply'`);
    expectError('junk.las', junk, 'malformed', 'LAS: the file does not start with "LASF" (every LAS file does)');
    expectError('junk.npy', junk, 'malformed', `NumPy: the file does not start with NumPy's "\\x93NUMPY" (every .npy file does)`);
    expectError('junk.obj', junk, 'malformed', /^OBJ: the file is binary \(byte 0x[0-9a-f]{2} at offset \d+\), not OBJ text$/);
    expectError('junk.off', junk, 'malformed', /^OFF: the file is binary/);
    expectError('junk.xyz', junk, 'malformed', /^XYZ: the file is binary/);
    // Bytes 80..83 of the garbage, as a triangle count, promise far more than 4096 bytes.
    expectError('junk.stl', junk, 'too-large', /^STL: binary header declares [\d,]+ triangles; the limit is 20,000,000 faces \(LIMITS\.maxFaces\)$/);
    expectError('junk.pcd', junk, 'truncated', 'PCD: the file ends before the DATA line');
    expectError('junk.vtk', junk, 'malformed', /^VTK: the file does not start with "# vtk DataFile Version" \(a legacy VTK file\) or with XML \(<VTKFile>; it starts with 0x/);
  });

  test('a header promising 2^31 points is refused before allocating: a point file by its size, a mesh by the limit', () => {
    const xyz: [string, 'float'][] = [['x', 'float'], ['y', 'float'], ['z', 'float']];
    expectError('huge.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: xyz, vertices: [], declaredVertices: 2 ** 31 }), 'truncated', 'PLY: header declares 2,147,483,648 vertices but the file ends after 0');
    expectError('huge.ply', plyFile({ encoding: 'binary_little_endian', vertexProps: xyz, vertices: [], faces: [], declaredVertices: 2 ** 31 }), 'too-large', 'PLY: header declares 2,147,483,648 vertices; the limit is 10,000,000 points (LIMITS.maxPoints)');
  });

  test('more points than LIMITS.maxPoints (10,000,001): a binary scan is read one in k (here cut short), an ASCII one or a mesh refused', () => {
    const header = (n: number, format = 'binary_little_endian', faces = '') => text(`ply\nformat ${format} 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\n${faces}end_header\n`);
    expectError('over.ply', header(LIMITS.maxPoints + 1), 'truncated', 'PLY: header declares 10,000,001 vertices but the file ends after 0');
    expectError('over.ply', header(LIMITS.maxPoints + 1, 'ascii'), 'too-large', 'PLY: header declares 10,000,001 vertices; the limit is 10,000,000 points (LIMITS.maxPoints)');
    expectError('over.ply', header(LIMITS.maxPoints + 1, 'binary_little_endian', 'element face 1\nproperty list uchar int vertex_indices\n'), 'too-large', 'PLY: header declares 10,000,001 vertices; the limit is 10,000,000 points (LIMITS.maxPoints)');
    expectError('at.ply', header(LIMITS.maxPoints), 'truncated', 'PLY: header declares 10,000,000 vertices but the file ends after 0');
  });

  test('a 200 MB file is read (under the 256 MiB limit): here a binary PLY of 16,666,666 points, over the point limit: one in 2', () => {
    const head = text('ply\nformat binary_little_endian 1.0\nelement vertex 16666666\nproperty float x\nproperty float y\nproperty float z\nend_header\n');
    const bytes = new Uint8Array(head.length + 12 * 16666666);
    bytes.set(head);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 16666666; i += 1000) view.setFloat32(head.length + 12 * i, i / 16666666, true);
    const r = load('big.ply', bytes);
    expect([r.vertexCount, r.warnings[0]]).toEqual([16666666, 'the file holds 16,666,666 vertices; one in 2 read (at most 10,000,000, LIMITS.maxPoints)']);
  });

  test('files above 256 MiB are refused by size alone; exactly 256 MiB is parsed', () => {
    expectError('huge.ply', new Uint8Array(300 * 1024 * 1024), 'too-large', 'PLY: the file is 314,572,800 bytes (300 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes)');
    expectError('edge.ply', new Uint8Array(LIMITS.maxFileBytes), 'malformed', `PLY: the file does not start with the line 'ply'`);
  });

  test('after a failure the next file loads (nothing is left half-done)', () => {
    expect(() => loadFile('bad.ply', text('ply\nformat ascii 1.0\n'))).toThrow();
    expect(load('good.xyz', text(`${'0 0 0\n1 1 1\n'.repeat(40)}`)).cloud.count).toBe(80);
  });

  test('options are checked', () => {
    expect(() => loadFile('a.xyz', text('1 2 3\n'), { meshSamples: 0 })).toThrow('meshSamples must be an integer from 1 to 10,000,000, got 0');
    expect(() => loadFile('a.xyz', text('1 2 3\n'), { seed: 0.5 })).toThrow('seed must be an integer, got 0.5');
  });

  test('UTF-8 BOM and CRLF text', () => {
    const r = load('bom.obj', concat(new Uint8Array([0xef, 0xbb, 0xbf]), text('v 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nf 1 2 3\r\n')));
    expect([r.format, r.faceCount]).toEqual(['obj', 1]);
  });
});
