// COLLADA (src/io/collada.ts, xml.ts): documents laid out as exporters write them
// (tests/io/colladaWrite.ts) read to the meshes their scene places, whatever primitive holds the
// faces; node transforms in order, SketchUp's components (library_nodes), skins; a .dae in a zip
// (3D Warehouse's download) and a .kmz; damaged files refused saying why, never another exception.
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { describe, expect, test } from 'vitest';
import { sniffFormat } from '../../src/io/sniff';
import { damagedOutcomes, expectError, expectWellFormed, load } from './expectLoad';
import { type DaePrimitive, boxGeometry, collada, colladaText } from './colladaWrite';

function boundsOf(name: string, bytes: Uint8Array) {
  const r = load(name, bytes, 4000);
  expectWellFormed(r);
  return { format: r.format, kind: r.kind, faces: r.faceCount, min: r.bounds.min.map((v) => +v.toFixed(3)), max: r.bounds.max.map((v) => +v.toFixed(3)), warnings: r.warnings };
}

const boxAt = (primitive: DaePrimitive, transforms = ['<translate>10 0 0</translate>']) =>
  collada({ geometries: [boxGeometry('box', [0, 0, 0], [2, 1, 3], primitive)], nodes: [{ id: 'n', transforms, geometry: 'box' }] });

describe('COLLADA files', () => {
  test.each(['polylist', 'triangles', 'polygons', 'trifans', 'tristrips'] as const)('a box as <%s> reads to its 12 triangles, placed by its node', (primitive) => {
    expect(boundsOf('box.dae', boxAt(primitive))).toEqual({ format: 'dae', kind: 'mesh', faces: 12, min: [10, 0, 0], max: [12, 1, 3], warnings: [] });
  });

  test('transform elements apply in order (the first outermost), and a <matrix> (row-major) is the same', () => {
    const steps = ['<translate>5 0 0</translate>', '<rotate>0 0 1 90</rotate>', '<scale>0.5 1 1</scale>'];
    // The 2 x 1 x 3 box scaled to 1 x 1 x 3, turned 90 degrees about z (x -> y, y -> -x), moved by 5 in x.
    const expected = { min: [4, 0, 0], max: [5, 1, 3] };
    expect(boundsOf('a.dae', boxAt('polylist', steps))).toMatchObject(expected);
    expect(boundsOf('b.dae', boxAt('polylist', ['<matrix>0 -1 0 5 0.5 0 0 0 0 0 1 0 0 0 0 1</matrix>']))).toMatchObject(expected);
    // Nested: the parent's transform applies after the child's.
    const nested = collada({ geometries: [boxGeometry('box', [0, 0, 0], [2, 1, 3])], nodes: [{ transforms: ['<translate>0 0 100</translate>'], children: [{ transforms: steps, geometry: 'box' }] }] });
    expect(boundsOf('c.dae', nested)).toMatchObject({ min: [4, 0, 100], max: [5, 1, 103] });
  });

  test("SketchUp's layout: Z up, inches, drawn edges, a table's leg as a component placed four times by <instance_node>", () => {
    const doc = collada({
      upAxis: 'Z_UP',
      meter: 0.0254,
      geometries: [boxGeometry('top', [0, 0, 28], [40, 20, 30], 'triangles'), boxGeometry('leg', [0, 0, 0], [2, 2, 28], 'triangles')].map((g) => ({ ...g, edges: boxGeometry('', [0, 0, 0], [1, 1, 1], 'lines').faces })),
      libraryNodes: [{ id: 'leg-component', geometry: 'leg' }],
      nodes: [
        {
          id: 'table',
          geometry: 'top',
          children: [
            [0, 0],
            [38, 0],
            [0, 18],
            [38, 18],
          ].map(([x, y]) => ({ transforms: [`<matrix>1 0 0 ${x} 0 1 0 ${y} 0 0 1 0 0 0 0 1</matrix>`], instanceNodes: ['leg-component'] })),
        },
      ],
    });
    // The file's axes and units are kept (Z up, inches); the app finds the up itself.
    // The drawn edges beside the faces are skipped without a warning.
    expect(boundsOf('table.dae', doc)).toEqual({ format: 'dae', kind: 'mesh', faces: 12 * 5, min: [0, 0, 0], max: [40, 20, 30], warnings: [] });
  });

  test("a skinned mesh (<instance_controller>) is read in its bind shape; a morph's base mesh is read", () => {
    const skin = `<controller id="skin"><skin source="#box"><bind_shape_matrix>1 0 0 0 0 1 0 7 0 0 1 0 0 0 0 1</bind_shape_matrix></skin></controller>`;
    const morph = `<controller id="morph"><morph source="#skin" method="NORMALIZED"/></controller>`;
    const geometries = [boxGeometry('box', [0, 0, 0], [2, 1, 3])];
    expect(boundsOf('skin.dae', collada({ geometries, controllers: [skin], nodes: [{ controller: 'skin' }] }))).toMatchObject({ faces: 12, min: [0, 7, 0], max: [2, 8, 3] });
    expect(boundsOf('morph.dae', collada({ geometries, controllers: [skin, morph], nodes: [{ controller: 'morph' }] }))).toMatchObject({ min: [0, 7, 0], max: [2, 8, 3] });
  });

  test('without a visual scene every geometry is read where it is defined; a mesh of lines only is skipped', () => {
    const doc = collada({ geometries: [boxGeometry('a', [0, 0, 0], [1, 1, 1]), boxGeometry('b', [5, 0, 0], [6, 1, 1]), boxGeometry('edges', [0, 0, 0], [9, 9, 9], 'lines')] });
    expect(boundsOf('loose.dae', doc)).toMatchObject({
      faces: 24,
      min: [0, 0, 0],
      max: [6, 1, 1],
      // Two boxes apart on the ground of a Y_UP file: two objects side by side (sideBySide.test.ts).
      warnings: [
        'COLLADA: the file has no visual scene; every geometry read where it is defined',
        'COLLADA: 1 mesh of lines only skipped',
        "2 separate objects stand side by side (50 %, 50 % of the points): the model knows one shape at a time, so its answer for them together means little; classify each alone (under File, or the CLI's --objects)",
      ],
    });
  });

  test("XML as exporters vary it: comments, CDATA, entities, a DOCTYPE, a namespace prefix, UTF-16, CRLF", () => {
    const plain = colladaText({ geometries: [boxGeometry('box', [0, 0, 0], [2, 1, 3])], nodes: [{ id: 'n&amp;m', geometry: 'box' }] });
    const varied = plain
      .replace('<COLLADA', '<!DOCTYPE COLLADA [ <!ENTITY x "y"> ]>\n<!-- exported -->\n<c:COLLADA xmlns:c="http://www.collada.org/2005/11/COLLADASchema"')
      .replace('</COLLADA>', '</c:COLLADA>')
      .replace('<up_axis>Y_UP</up_axis>', '<up_axis><![CDATA[Y_UP]]></up_axis>')
      .replace(/\n/g, '\r\n');
    expect(boundsOf('v.dae', new TextEncoder().encode(varied))).toMatchObject({ faces: 12, max: [2, 1, 3] });
    const utf16 = new Uint8Array(2 + plain.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < plain.length; i++) utf16[2 + 2 * i] = plain.charCodeAt(i);
    expect(boundsOf('w.dae', utf16)).toMatchObject({ faces: 12, max: [2, 1, 3] });
  });

  test("recognised by content; 3D Warehouse's zip (model.dae beside its textures) and a Google Earth .kmz read the model inside", () => {
    const dae = boxAt('triangles');
    expect(sniffFormat(dae)).toBe('dae');
    expect(load('export.xml', dae).format).toBe('dae');
    const zip = zipSync({ 'model.dae': dae, 'model/texture0.jpg': new Uint8Array(5000), 'doc.kml': new TextEncoder().encode('<kml/>') });
    for (const name of ['model.zip', 'model.kmz']) {
      const r = load(name, zip);
      expect({ format: r.format, faces: r.faceCount, warning: r.warnings.find((w) => w.includes('model.dae')) !== undefined }).toEqual({ format: 'dae', faces: 12, warning: true });
    }
  });
});

describe('COLLADA files refused, saying why', () => {
  const text = colladaText({ geometries: [boxGeometry('box', [0, 0, 0], [2, 1, 3], 'triangles')], nodes: [{ id: 'n', geometry: 'box' }] });
  const bytes = (t: string) => new TextEncoder().encode(t);

  test('not XML, not COLLADA, not well-formed, cut short', () => {
    expectError('a.dae', bytes('<?xml version="1.0"?>\n<svg><rect/></svg>'), 'malformed', 'COLLADA: the file is XML, but its root element is <svg>, not <COLLADA>');
    expectError('a.dae', bytes(text.replace('</mesh>', '</mish>')), 'malformed', /^COLLADA: line 13: <\/mish> closes <mesh> \(opened on line 5\)$/);
    expectError('a.dae', bytes(text.slice(0, text.indexOf('</library_geometries>'))), 'truncated', /^COLLADA: the file ends inside <library_geometries> \(opened on line 5\): is it cut short\?$/);
    expectError('a.dae', bytes(text.replace('<mesh>', '<mesh a=b>')), 'malformed', /^COLLADA: line 5: a tag that is not well-formed: "<mesh a=b>/);
    expectError('a.dae', bytes(text.replace('Y_UP', 'Y&UP')), 'malformed', /^COLLADA: line 3: '&' that does not start an entity/);
    expectError('a.dae', bytes(text.replace('Y_UP', '&nbsp;')), 'malformed', /^COLLADA: line 3: the entity '&nbsp;' is not one XML defines$/);
    expectError('a.dae', new Uint8Array([...bytes('<COLLADA>'), 0, 1, 2]), 'malformed', 'COLLADA: byte 9 is 0x00: the file is binary, not COLLADA\'s XML');
    expectError('a.dae', bytes('<!-- nothing -->'), 'empty', 'COLLADA: the file holds no XML element');
  });

  test('numbers, counts, indices and references', () => {
    expectError('a.dae', bytes(text.replace('count="24">0 0 0', 'count="24">0 x 0')), 'malformed', /^COLLADA: line 6: float_array 'box-positions-array': value 1 'x' is not a number$/);
    expectError('a.dae', bytes(text.replace('count="24">0 0 0', 'count="25">0 0 0')), 'malformed', /float_array 'box-positions-array' says count="25" but holds 24 values$/);
    expectError('a.dae', bytes(text.replace('<p>0 0', '<p>8 0')), 'out-of-range', /^COLLADA: line 11: <triangles>: corner 0 refers to position 8 of 8$/);
    expectError('a.dae', bytes(text.replace('<p>0 0', '<p>-1 0')), 'malformed', /<triangles>'s <p>: value 0 '-1' is not an index$/);
    expectError('a.dae', bytes(text.replace('<triangles count="12"', '<triangles count="13"')), 'malformed', /<triangles count="13"> needs 39 corners; its <p> holds 36$/);
    expectError('a.dae', bytes(text.replace('url="#box"', 'url="#boxx"')), 'malformed', /<instance_geometry> refers to '#boxx', which the file does not define$/);
    expectError('a.dae', bytes(text.replace('url="#box"', 'url="#n"')), 'malformed', /<instance_geometry> refers to '#n', which the file does not define as a <geometry> \(it is a <node>\)$/);
    expectError('a.dae', bytes(text.replace('<instance_geometry', '<instance_node url="#n"/><instance_geometry')), 'malformed', /node 'n' contains itself$/);
    expectError('a.dae', bytes(text.replace('<node id="n" name="n" type="NODE">', '<node id="n" name="n" type="NODE"><translate>1 2</translate>')), 'malformed', /<translate> holds 2 values, not 3$/);
    expectError('a.dae', bytes(text.replace(/<triangles[\s\S]*<\/triangles>/, '')), 'empty', 'COLLADA: the scene places no mesh with triangles');
    expectError('a.dae', collada({ geometries: [boxGeometry('box', [0, 0, 0], [1, 1, 1], 'lines')], nodes: [{ geometry: 'box' }] }), 'empty', 'COLLADA: the scene has only lines, no triangles');
  });

  test('240 cut or byte-changed files: a cloud or a LoadError, never another exception', () => {
    const good = boxAt('polylist', ['<translate>1 2 3</translate>', '<rotate>1 0 0 30</rotate>']);
    const outcomes = damagedOutcomes('d.dae', good, { seed: 7, printable: true });
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.loaded).toBeGreaterThan(0);
  });
});
