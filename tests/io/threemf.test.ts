// 3MF (a zip of XML model parts, as slicers save them): build items placed by their transforms,
// components in other parts (p:path), and the packages refused with a reason.
import { zipSync } from 'three/examples/jsm/libs/fflate.module.js';
import { describe, expect, test } from 'vitest';
import type { LoadResult } from '../../src/io/types';
import { expectError, expectWellFormed, load } from './expectLoad';
import { text } from './generate';

const RELS = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>
</Relationships>`;

/** A unit square in z = 0 as one mesh object (two triangles). */
const SQUARE = `<mesh><vertices>
  <vertex x="0" y="0" z="0"/><vertex x="1" y="0" z="0"/><vertex x="1" y="1" z="0"/><vertex x="0" y="1" z="0"/>
 </vertices><triangles><triangle v1="0" v2="1" v3="2"/><triangle v1="0" v2="2" v3="3"/></triangles></mesh>`;

function model(resources: string, build: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06">
 <resources>${resources}</resources>
 <build>${build}</build>
</model>`;
}

function pack(parts: Record<string, string>): Uint8Array {
  const files: Record<string, Uint8Array> = { '[Content_Types].xml': text('<Types/>'), '_rels/.rels': text(RELS) };
  for (const [name, xml] of Object.entries(parts)) files[name] = text(xml);
  return zipSync(files);
}

function closeBounds(r: LoadResult, min: number[], max: number[]): void {
  r.bounds.min.forEach((v, k) => expect(v, `min ${k}`).toBeCloseTo(min[k]!, 1));
  r.bounds.max.forEach((v, k) => expect(v, `max ${k}`).toBeCloseTo(max[k]!, 1));
}

describe('3MF', () => {
  test('a build item placed by its transform (a quarter turn about z, then a move)', () => {
    const bytes = pack({ '3D/3dmodel.model': model(`<object id="1" type="model">${SQUARE}</object>`, '<item objectid="1" transform="0 1 0 -1 0 0 0 0 1 10 20 30"/>') });
    const r = load('square.3mf', bytes);
    expect([r.format, r.kind, r.vertexCount, r.faceCount, r.warnings]).toEqual(['3mf', 'mesh', 4, 2, []]);
    expectWellFormed(r);
    // (x, y) -> (-y, x) + (10, 20): the square spans x 9..10, y 20..21 at z 30.
    closeBounds(r, [9, 20, 30], [10, 21, 30]);
  });

  test('components in another part (p:path), each with its own transform, twice', () => {
    const objectPart = model(`<object id="7" type="model">${SQUARE}</object>`, '');
    const root = model(
      `<object id="2" type="model"><components>
        <component p:path="/3D/Objects/square.model" objectid="7"/>
        <component p:path="/3D/Objects/square.model" objectid="7" transform="1 0 0 0 1 0 0 0 1 5 0 0"/>
       </components></object>`,
      '<item objectid="2" transform="2 0 0 0 2 0 0 0 2 0 0 0"/>',
    );
    const r = load('plate.3mf', pack({ '3D/3dmodel.model': root, '3D/Objects/square.model': objectPart }));
    expect([r.vertexCount, r.faceCount]).toEqual([8, 4]);
    // The second copy moved by 5, then both scaled by 2: x 0..2 and 10..12.
    closeBounds(r, [0, 0, 0], [12, 2, 0]);
  });

  test('recognised by its content under another name', () => {
    const bytes = pack({ '3D/3dmodel.model': model(`<object id="1">${SQUARE}</object>`, '<item objectid="1"/>') });
    expect(load('square.bin', bytes).format).toBe('3mf');
  });

  test('refused with the reason', () => {
    const root = (resources: string, build: string) => pack({ '3D/3dmodel.model': model(resources, build) });
    expectError('a.3mf', text('not a zip'), 'malformed', '3MF: the file is not a zip package (3MF files are)');
    expectError('a.3mf', pack({ '3D/other.model': model('', '') }), 'malformed', `3MF: the package refers to the part '/3D/3dmodel.model', which the package does not hold`);
    expectError('a.3mf', root(`<object id="1">${SQUARE}</object>`, '<item objectid="9"/>'), 'malformed', `3MF: build item 0 refers to object '9', which /3D/3dmodel.model does not define`);
    expectError('a.3mf', root(`<object id="1"><mesh><vertices><vertex x="0" y="0" z="0"/></vertices><triangles><triangle v1="0" v2="0" v3="4"/></triangles></mesh></object>`, '<item objectid="1"/>'), 'out-of-range', '3MF: object 1 of /3D/3dmodel.model: triangle 0 refers to vertex 4 of 1');
    expectError('a.3mf', root(`<object id="1"><mesh><vertices><vertex x="0" y="zero" z="0"/></vertices></mesh></object>`, '<item objectid="1"/>'), 'malformed', `3MF: /3D/3dmodel.model: object 1 vertex 0 y is 'zero', not a number`);
    expectError('a.3mf', root(`<object id="1"><components><component objectid="1"/></components></object>`, '<item objectid="1"/>'), 'malformed', '3MF: object 1 of /3D/3dmodel.model contains itself');
    expectError('a.3mf', root(`<object id="1">${SQUARE}</object>`, ''), 'empty', '3MF: the build has no items');
    // 10 levels of 10 components each, over an empty object: 10^10 placements, refused early.
    const levels = Array.from({ length: 10 }, (_, i) => `<object id="${i + 2}"><components>${`<component objectid="${i + 3}"/>`.repeat(10)}</components></object>`).join('');
    expectError('a.3mf', root(`${levels}<object id="12"><mesh><vertices/></mesh></object>`, '<item objectid="2"/>'), 'too-large', '3MF: the build places more than 1,000,000 objects');
    expectError('a.3mf', text('PK\u0003\u0004 broken zip'), 'malformed', /^3MF: the zip package cannot be read: /);
  });
});
