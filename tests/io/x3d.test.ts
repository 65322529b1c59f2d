// VRML97 and X3D (src/io/x3d.ts, vrml.ts): scenes written as CAD programs and scanners' software
// write them, in the text syntax and in X3D's XML: Transforms placing Shapes, DEF / USE instances,
// face sets of every kind, the primitives, point sets, gzipped files; PROTOs, ROUTEs, lights and
// viewpoints passed over; damaged files refused saying why, never another exception.
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { sniffFormat } from '../../src/io/sniff';
import { parseX3d } from '../../src/io/x3d';
import { damagedOutcomes, expectError, expectWellFormed, load, meshBounds } from './expectLoad';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A box's 8 corners and its 6 quads (coordIndex, -1 after each). */
const BOX_POINTS = '0 0 0, 1 0 0, 1 1 0, 0 1 0, 0 0 1, 1 0 1, 1 1 1, 0 1 1';
const BOX_INDEX = '0 3 2 1 -1 4 5 6 7 -1 0 1 5 4 -1 1 2 6 5 -1 2 3 7 6 -1 3 0 4 7 -1';

/** A table: the top a box scaled to 2 x 1.2 x 0.1 at height 1, the leg (a 0.1 x 0.1 x 1 box) DEFined once, USEd at four feet. */
const TABLE_WRL = `#VRML V2.0 utf8
# exported by a CAD program
PROTO Unused [ field SFFloat size 1 ] { Group { } }
WorldInfo { title "table" info [ "units: metres" ] }
Viewpoint { position 0 5 5 description "front" }
DirectionalLight { direction 0 -1 0 }
DEF Table Transform {
  children [
    Transform { translation -1 -0.6 1 scale 2 1.2 0.1
      children Shape {
        appearance Appearance { material Material { diffuseColor 0.6 0.4 0.2 } }
        geometry IndexedFaceSet { solid FALSE coord Coordinate { point [ ${BOX_POINTS} ] } coordIndex [ ${BOX_INDEX} ] }
      }
    }
    Transform { translation -0.9 -0.5 0 children DEF Leg Shape { geometry IndexedFaceSet { coord DEF LegPoints Coordinate { point [ ${BOX_POINTS.replace(/1/g, '0.1').replace(/0\.1 0\.1 0\.1/, '0.1 0.1 1').replace(/(\d\.?\d*) (\d\.?\d*) 0\.1/g, '$1 $2 1')} ] } coordIndex [ ${BOX_INDEX} ] } } }
    Transform { translation 0.8 -0.5 0 children USE Leg }
    Transform { translation -0.9 0.4 0 children USE Leg }
    Transform { translation 0.8 0.4 0 children [ USE Leg ] }
    Inline { url "lamp.wrl" }
  ]
}
DEF Clock TimeSensor { loop TRUE }
ROUTE Clock.fraction_changed TO Table.set_scale
`;

const TABLE_X3D = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE X3D PUBLIC "ISO//Web3D//DTD X3D 3.3//EN" "https://www.web3d.org/specifications/x3d-3.3.dtd">
<X3D profile="Interchange" version="3.3">
  <head><meta name="generator" content="a CAD program"/></head>
  <Scene>
    <Viewpoint position="0 5 5"/>
    <Transform DEF="Table">
      <Transform translation="-1 -0.6 1" scale="2 1.2 0.1">
        <Shape><Appearance><Material diffuseColor="0.6 0.4 0.2"/></Appearance>
          <IndexedFaceSet coordIndex="${BOX_INDEX}"><Coordinate point="${BOX_POINTS}"/></IndexedFaceSet>
        </Shape>
      </Transform>
      <Transform translation="-0.9 -0.5 0" scale="0.1 0.1 1"><Shape DEF="Leg"><IndexedTriangleSet index="0 3 2 0 2 1 4 5 6 4 6 7 0 1 5 0 5 4 1 2 6 1 6 5 2 3 7 2 7 6 3 0 4 3 4 7"><Coordinate point="${BOX_POINTS}"/></IndexedTriangleSet></Shape></Transform>
      <Transform translation="0.8 -0.5 0" scale="0.1 0.1 1"><Shape USE="Leg"/></Transform>
      <Transform translation="-0.9 0.4 0" scale="0.1 0.1 1"><Shape USE="Leg"/></Transform>
      <Transform translation="0.8 0.4 0" scale="0.1 0.1 1"><Shape USE="Leg"/></Transform>
    </Transform>
  </Scene>
</X3D>
`;

function boundsOf(name: string, data: Uint8Array) {
  const r = load(name, data, 4000);
  expectWellFormed(r);
  return { format: r.format, kind: r.kind, faces: r.faceCount, min: r.bounds.min.map((v) => +v.toFixed(3)), max: r.bounds.max.map((v) => +v.toFixed(3)), warnings: r.warnings };
}

const TABLE = { format: 'x3d', kind: 'mesh', faces: 60, min: [-1, -0.6, 0], max: [1, 0.6, 1.1] };

describe('VRML and X3D files', () => {
  test('a VRML97 table: Transforms, a leg DEFined once and USEd four times; PROTO, ROUTE, lights and the Inline passed over', () => {
    expect(sniffFormat(bytes(TABLE_WRL))).toBe('x3d');
    expect(boundsOf('table.wrl', bytes(TABLE_WRL))).toEqual({ ...TABLE, warnings: ['VRML/X3D: 1 Inline files (other files the scene names) skipped'] });
  });

  test('the same table as X3D XML (an IndexedTriangleSet for the leg), and gzipped (.wrz, .x3dz)', () => {
    expect(sniffFormat(bytes(TABLE_X3D))).toBe('x3d');
    expect(boundsOf('table.x3d', bytes(TABLE_X3D))).toEqual({ ...TABLE, warnings: [] });
    // A PROTO instance beside it is not expanded, and the warning says so.
    const withLamp = TABLE_X3D.replace('<Viewpoint position="0 5 5"/>', '<Viewpoint position="0 5 5"/><ProtoInstance name="Lamp"/>');
    expect(boundsOf('table.x3d', bytes(withLamp)).warnings).toEqual(["VRML/X3D: 1 PROTO instances (shapes defined by the file's own node types) skipped"]);
    expect(boundsOf('table.wrz', new Uint8Array(gzipSync(TABLE_WRL)))).toMatchObject({ faces: 60, max: [1, 0.6, 1.1] });
    expect(boundsOf('table.x3dz', new Uint8Array(gzipSync(TABLE_X3D)))).toMatchObject({ faces: 60, max: [1, 0.6, 1.1] });
    // The classic encoding's header.
    expect(boundsOf('table.x3dv', bytes(TABLE_WRL.replace('#VRML V2.0 utf8', '#X3D V3.3 utf8\nPROFILE Interchange\nMETA "generator" "a CAD program"')))).toMatchObject({ faces: 60 });
  });

  test('a Transform turns about its center, after its scaleOrientation-aligned scale', () => {
    const vertices = (transform: string) => {
      const p = parseX3d(bytes(`#VRML V2.0 utf8\nTransform { ${transform} children Shape { geometry IndexedFaceSet { coord Coordinate { point [ 2 0 0, 2 1 0, 2 0 1 ] } coordIndex [ 0 1 2 ] } } }`));
      if (p.kind !== 'mesh') throw new Error('expected a mesh');
      return Array.from(p.mesh.positions, (v, i) => +(v + (p.offset?.[i % 3] ?? 0)).toFixed(4) + 0);
    };
    // Half a turn about z through (1, 0, 0): x = 2 goes to x = 0, y to -y.
    expect(vertices('center 1 0 0 rotation 0 0 1 3.14159265')).toEqual([0, 0, 0, 0, -1, 0, 0, 0, 1]);
    // A scale of 2 along the axes a quarter turn about z: along y.
    expect(vertices('scale 2 1 1 scaleOrientation 0 0 1 1.5707963')).toEqual([2, 0, 0, 2, 2, 0, 2, 0, 1]);
  });

  test('Box, Sphere, Cylinder and Cone; a Switch shows its chosen child only', () => {
    const scene = `#VRML V2.0 utf8
Switch { whichChoice 1 choice [ Shape { geometry Box { size 100 100 100 } } Shape { geometry Box { size 2 4 6 } } ] }
Transform { translation 10 0 0 children Shape { geometry Sphere { radius 2 } } }
Transform { translation 20 0 0 children Shape { geometry Cylinder { radius 1 height 3 } } }
Transform { translation 30 0 0 children Shape { geometry Cone { bottomRadius 1 height 4 } } }`;
    const p = parseX3d(bytes(scene));
    expect(meshBounds(p)).toEqual([-1, -2, -3, 31, 2, 3]);
    expect(p.kind === 'mesh' && p.mesh.faceCount).toBe(12 + 2 * 24 * 12 + 2 * 24 * 3 + 2 * 24 * 2);
  });

  test("X3D's CAD nodes with quad sets (as CAD exports write them) and fan and strip sets", () => {
    const quads = `<X3D version="3.3"><Scene><CADAssembly><CADPart translation="5 0 0"><CADFace><Shape containerField="shape">
      <IndexedQuadSet index="0 3 2 1 4 5 6 7 0 1 5 4 1 2 6 5 2 3 7 6 3 0 4 7"><Coordinate point="${BOX_POINTS}"/></IndexedQuadSet></Shape></CADFace></CADPart>
      <Shape><TriangleFanSet fanCount="4"><Coordinate point="0 0 -1, 1 0 -1, 1 1 -1, 0 1 -1"/></TriangleFanSet></Shape>
      <Shape><IndexedTriangleStripSet index="0 1 3 2 -1"><Coordinate point="0 0 -2, 1 0 -2, 1 1 -2, 0 1 -2"/></IndexedTriangleStripSet></Shape>
    </CADAssembly></Scene></X3D>`;
    const p = parseX3d(bytes(quads));
    if (p.kind !== 'mesh') throw new Error('expected a mesh');
    expect(p.mesh.faceCount).toBe(12 + 2 + 2);
    // The CADPart's translation places the box at x = 5 to 6.
    const xs = Array.from({ length: p.mesh.vertexCount }, (_, i) => +(p.mesh.positions[3 * i]! + (p.offset?.[0] ?? 0)).toFixed(4));
    expect([Math.min(...xs.slice(0, 8)), Math.max(...xs.slice(0, 8))]).toEqual([5, 6]);
  });

  test("a scanner's PointSet is read as points", () => {
    const points = Array.from({ length: 200 }, (_, i) => `${Math.cos(i)} ${Math.sin(i)} ${i / 100}`).join(', ');
    const r = load('scan.wrl', bytes(`#VRML V2.0 utf8\nShape { geometry PointSet { coord Coordinate { point [ ${points} ] } } }`));
    expect([r.format, r.kind, r.cloud.count]).toEqual(['x3d', 'points', 200]);
  });
});

describe('VRML and X3D files refused, saying why', () => {
  test('VRML 1.0, X3D binary, broken syntax, bad values and indices, an empty scene', () => {
    expectError('a.wrl', bytes('#VRML V1.0 ascii\nSeparator { Cube { } }'), 'unsupported', 'VRML/X3D: VRML 1.0 is not read (another syntax); save the model as VRML97 (2.0), X3D, glTF or OBJ');
    expectError('a.wrl', bytes(TABLE_WRL.slice(0, TABLE_WRL.indexOf('Inline'))), 'truncated', /^VRML\/X3D: line 8: the '\[' of children on line 8 does not close: is the file cut short\?$/);
    expectError('a.wrl', bytes(TABLE_WRL.replace('USE Leg }', 'USE Chair }')), 'malformed', 'VRML/X3D: line 16: USE Chair: no node is DEFined by that name before it');
    expectError('a.wrl', bytes(TABLE_WRL.replace('translation 0.8 -0.5 0', 'translation 0.8 -0.5 0x1f')), 'malformed', "VRML/X3D: line 16: Transform's translation: value 2 '0x1f' is not a number");
    expectError('a.wrl', bytes(TABLE_WRL.replace('translation 0.8 -0.5 0', 'translation 0.8 -0.5')), 'malformed', "VRML/X3D: line 16: Transform's translation has 2 values, not 3");
    expectError('a.wrl', bytes(TABLE_WRL.replace('0 3 2 1 -1', '0 3 2 9 -1')), 'out-of-range', /^VRML\/X3D: line \d+: IndexedFaceSet: index 9 of a coordinate list of 8$/);
    expectError('a.wrl', bytes('#VRML V2.0 utf8\nViewpoint { }'), 'empty', 'VRML/X3D: the scene places no faces or points');
    expectError('a.x3d', bytes(TABLE_X3D.replace('<Shape USE="Leg"/>', '<Shape USE="Stool"/>')), 'malformed', /^VRML\/X3D: line 14: <Shape USE='Stool'>: no node is DEFined by that name before it$/);
    expectError('a.x3d', bytes(TABLE_X3D.replace('</Scene>', '')), 'malformed', /^VRML\/X3D: line \d+: <\/X3D> closes <Scene>/);
    expectError('a.x3db', new Uint8Array([0x58, 0x33, 0x44, 0x20, 1, 2, 3, 4]), 'unsupported', "a.x3db: X3D's binary encoding is not read; export the model as glTF (.glb), OBJ, PLY or STL, or X3D as XML");
    expectError('a.x3d', new Uint8Array([0x58, 0x33, 0x44, 0x20, 1, 2, 3, 4]), 'malformed', "VRML/X3D: X3D's binary encoding (.x3db) is not read; save it as X3D XML or VRML");
  });

  test('240 cut or byte-changed files: a shape or a LoadError, never another exception', () => {
    const wrl = damagedOutcomes('d.wrl', bytes(TABLE_WRL), { seed: 9, count: 120, printable: true });
    const x3d = damagedOutcomes('d.x3d', bytes(TABLE_X3D), { seed: 10, count: 120, printable: true });
    const outcomes = { loaded: wrl.loaded + x3d.loaded, refused: wrl.refused + x3d.refused };
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.loaded).toBeGreaterThan(20);
  });
});
