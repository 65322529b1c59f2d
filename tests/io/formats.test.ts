// Choosing the parser: the content (sniffing) first, the extension when the content says little.
import { describe, expect, test } from 'vitest';
import { ACCEPTED_EXTENSIONS, extensionOf, FORMATS, formatForName, formatOfName } from '../../src/io/formats';
import { chooseFormat, sniffFormat } from '../../src/io/sniff';
import { boxUtf16BeObj, bunnyObj, pointCloudObj } from './fixtures/obj';
import { cubeOff, twoColourOff } from './fixtures/off';
import { cubeBinaryPly, cubePly } from './fixtures/ply';
import { triangles } from './fixtures/shapes';
import { oneFacetStl, solidHeaderBinaryStl, SPIDER } from './fixtures/stl';
import { unitNormalsXyz } from './fixtures/xyz';
import { binaryStl, garbage, pcdFile, plyFile, text } from './generate';

describe('sniffing', () => {
  test('each format is recognised from files like real exporters write, whatever their name', () => {
    expect(sniffFormat(cubeBinaryPly())).toBe('ply');
    expect(sniffFormat(cubePly())).toBe('ply');
    expect(sniffFormat(bunnyObj())).toBe('obj');
    expect(sniffFormat(boxUtf16BeObj())).toBe('obj');
    expect(sniffFormat(pointCloudObj())).toBe('obj');
    expect(sniffFormat(cubeOff())).toBe('off');
    expect(sniffFormat(twoColourOff())).toBe('off'); // comments before COFF
    expect(sniffFormat(oneFacetStl())).toBe('stl');
    expect(sniffFormat(binaryStl(triangles(SPIDER)))).toBe('stl'); // binary, by size
    expect(sniffFormat(solidHeaderBinaryStl(triangles(SPIDER)))).toBe('stl'); // binary, header says "solid"
    expect(sniffFormat(unitNormalsXyz())).toBe('xyz');
  });

  test('generated files', () => {
    expect(sniffFormat(pcdFile({ encoding: 'binary', fields: [['x', 4, 'F'], ['y', 4, 'F'], ['z', 4, 'F']], points: [[1, 2, 3]] }))).toBe('pcd');
    expect(sniffFormat(text('VERSION 0.7\nFIELDS x y z\n'))).toBe('pcd');
    expect(sniffFormat(plyFile({ encoding: 'binary_big_endian', vertexProps: [['x', 'double'], ['y', 'double'], ['z', 'double']], vertices: [[1, 2, 3]] }))).toBe('ply');
    expect(sniffFormat(binaryStl([[0, 0, 0, 1, 0, 0, 0, 1, 0]]))).toBe('stl');
    expect(sniffFormat(text('x,y,z\n1,2,3\n'))).toBe('xyz');
    expect(sniffFormat(text('# only v lines\nv 1 2 3\nv 4 5 6\n'))).toBe('obj');
    expect(sniffFormat(garbage(1000))).toBeUndefined();
    expect(sniffFormat(text('hello world\n'))).toBeUndefined();
  });

  test('an OFF file without its optional keyword, named .off, stays OFF', () => {
    expect(sniffFormat(text('3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n'))).toBe('xyz');
    expect(chooseFormat('a.off', text('3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n')).entry.id).toBe('off');
  });

  test('extensions', () => {
    expect(extensionOf('Model.PLY')).toBe('ply');
    expect(extensionOf('archive.tar.xyz')).toBe('xyz');
    expect(extensionOf('noext')).toBe('');
    expect(extensionOf('dot.')).toBe('');
    expect(ACCEPTED_EXTENSIONS).toEqual(['.ply', '.obj', '.pcd', '.xyz', '.txt', '.csv', '.pts', '.asc', '.xyzn', '.xyzrgb', '.off', '.stl', '.glb', '.gltf', '.3mf', '.las', '.laz', '.npy', '.npz', '.splat', '.spz', '.usdz', '.usda', '.usdc', '.usd', '.drc', '.fbx', '.dae', '.wrl', '.x3d', '.x3dv', '.wrz', '.x3dz', '.x3dvz', '.dxf', '.3ds', '.ptx', '.e57', '.h5', '.hdf5', '.he5', '.vtk', '.vtp', '.vtu', '.vts', '.msh', '.inp', '.bdf', '.nas', '.blend', '.blend1', '.step', '.stp', '.vox', '.tar', '.7z', '.rar', '.zip', '.kmz', '.zae', '.gz', '.xz', '.bz2', '.zst', '.tgz', '.txz', '.tbz2', '.tbz', '.tzst']);
  });
});

describe('extensions (the page-side table, without parsers)', () => {
  test('the file picker accepts exactly the parsers\' extensions, one of them compressed whole (.gz, .xz, .bz2, .zst) and a compressed tar', () => {
    const compressed = ['.gz', '.xz', '.bz2', '.zst', '.tgz', '.txz', '.tbz2', '.tbz', '.tzst'];
    expect([...ACCEPTED_EXTENSIONS].sort()).toEqual([...FORMATS.flatMap((f) => f.extensions.map((e) => `.${e}`)), ...compressed].sort());
  });

  test('a name suggests the same format as the parsers\' table', () => {
    for (const name of ['a.PLY', 'b.obj', 'scan.xyzrgb', 'table.csv', 'c.off', 'd.Stl', 'e.pcd', 'noext', 'f.glb', 'trailing.']) {
      expect(formatOfName(name), name).toBe(formatForName(name)?.id);
    }
    expect(formatOfName('x.tar.ply')).toBe('ply');
    expect(formatOfName('README')).toBeUndefined();
  });
});
