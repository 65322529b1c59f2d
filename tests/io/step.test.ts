// STEP (src/io/step.ts, stepFile.ts, stepGeometry.ts) on files OpenCASCADE's STEP writer wrote
// through FreeCAD (tests/io/stepWrite.py; committed: tests/fixtures/loaders/step): planes, holes,
// fillets and a chamfer; a cylinder, a cone, a whole sphere and a torus; B-spline lofts, a surface
// of revolution and a linear extrusion; the same kinds as B-splines only; an assembly of parts placed in parts. Each is compared with
// the same shapes as OpenCASCADE itself tessellates them (the .stl beside it): the same area, and
// every sampled point of either near the other's surface. Then the plane-angle unit, the refusals,
// and cut or changed files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io/index';
import { sniffFormat } from '../../src/io/sniff';
import { parseStep } from '../../src/io/step';
import { parseStl } from '../../src/io/stl';
import { LIMITS } from '../../src/io/limits';
import { LoadError, type LoadResult, type Parsed } from '../../src/io/types';
import { expectError, load } from './expectLoad';
import { text } from './generate';

const FIXTURES = path.join(__dirname, '../fixtures/loaders/step');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

function area(p: Parsed): number {
  if (p.kind !== 'mesh') return 0;
  const { positions: x, indices: t } = p.mesh;
  let sum = 0;
  for (let i = 0; i < t.length; i += 3) {
    const [a, b, c] = [3 * t[i]!, 3 * t[i + 1]!, 3 * t[i + 2]!];
    const u = [x[b]! - x[a]!, x[b + 1]! - x[a + 1]!, x[b + 2]! - x[a + 2]!];
    const v = [x[c]! - x[a]!, x[c + 1]! - x[a + 1]!, x[c + 2]! - x[a + 2]!];
    sum += Math.hypot(u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!) / 2;
  }
  return sum;
}

/** A load's points in the file's coordinates. */
function pointsOf(r: LoadResult): Float32Array {
  const offset = r.offset ?? [0, 0, 0];
  return r.cloud.positions.map((v, i) => v + offset[i % 3]!);
}

/** The distance from each point of `a` to the nearest of `b`, sorted (a grid of `cell` finds them). */
function nearest(a: Float32Array, b: Float32Array, cell: number): number[] {
  const grid = new Map<string, number[]>();
  const key = (x: number, y: number, z: number) => `${Math.floor(x / cell)},${Math.floor(y / cell)},${Math.floor(z / cell)}`;
  for (let i = 0; i < b.length / 3; i++) {
    const k = key(b[3 * i]!, b[3 * i + 1]!, b[3 * i + 2]!);
    grid.set(k, [...(grid.get(k) ?? []), i]);
  }
  const out: number[] = [];
  for (let i = 0; i < a.length / 3; i++) {
    const [x, y, z] = [a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!];
    const [cx, cy, cz] = [Math.floor(x / cell), Math.floor(y / cell), Math.floor(z / cell)];
    let best = Infinity;
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) for (const j of grid.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) best = Math.min(best, Math.hypot(x - b[3 * j]!, y - b[3 * j + 1]!, z - b[3 * j + 2]!));
    out.push(best);
  }
  return out.sort((p, q) => p - q);
}

/** Checks a STEP file against OpenCASCADE's tessellation of the same shapes. */
function expectLikeOpenCascade(step: Uint8Array, stl: Uint8Array): void {
  const ours = parseStep(step);
  const reference = parseStl(stl);
  expect(area(ours) / area(reference)).toBeGreaterThan(0.99);
  expect(area(ours) / area(reference)).toBeLessThan(1.01);
  const a = loadFile('part.step', step, { meshSamples: 20000, seed: 1, keepEveryPoint: true });
  const b = loadFile('part.stl', stl, { meshSamples: 20000, seed: 2, keepEveryPoint: true });
  const diagonal = Math.hypot(...[0, 1, 2].map((k) => b.bounds.max[k]! - b.bounds.min[k]!));
  for (const d of [nearest(pointsOf(a), pointsOf(b), diagonal / 50), nearest(pointsOf(b), pointsOf(a), diagonal / 50)]) {
    // Two samplings of 20,000 points lie about 0.2 % of the size apart at their median.
    expect(d[Math.floor(0.99 * (d.length - 1))]! / diagonal).toBeLessThan(0.01);
    expect(d[d.length - 1]! / diagonal).toBeLessThan(0.02);
  }
}

describe('STEP', () => {
  test.each([
    ['bracket', 'planes, a hole, rounded edges, a chamfer'],
    ['primitives', 'a cylinder, a cone, a whole sphere (bounded by a vertex), a torus'],
    ['curved', 'B-spline lofts, a surface of revolution, a linear extrusion'],
    ['nurbs', 'the bracket, a sphere and a torus with every face a B-spline, rational where a circle is, closed round a seam'],
    ['table', 'an assembly: a table of five parts turned and moved in a room, beside a stool'],
  ])('%s (%s): the surface OpenCASCADE gives, to within 1 % of its size and area', (name) => {
    expectLikeOpenCascade(fixture(`${name}.step`), fixture(`${name}.stl`));
  });

  test('read as a mesh named STEP, whatever the name says; sampled', () => {
    const bytes = fixture('bracket.step');
    expect(sniffFormat(bytes)).toBe('step');
    const r = load('bracket.stp', bytes, 5000);
    expect([r.format, r.kind, r.warnings, r.cloud.count]).toEqual(['step', 'mesh', [], 5000]);
    expect(load('bracket.txt', bytes, 500).format).toBe('step');
    // Several solids standing apart (the four primitives) are separate objects, looked for along
    // z; one solid is one shape.
    expect(load('primitives.step', fixture('primitives.step'), 4000).objects?.sizes.length).toBe(4);
    expect(r.objects).toBeUndefined();
  });

  test('a cone in a file whose plane-angle unit is the degree', () => {
    const radians = new TextDecoder().decode(fixture('primitives.step'));
    const degrees = radians
      .replace(/#(\d+) = \( NAMED_UNIT\(\*\) PLANE_ANGLE_UNIT\(\) SI_UNIT\(\$,\.RADIAN\.\) \);/, "#$1 = ( CONVERSION_BASED_UNIT('DEGREE',#90001) NAMED_UNIT(*) PLANE_ANGLE_UNIT() );\n#90001 = PLANE_ANGLE_MEASURE_WITH_UNIT(PLANE_ANGLE_MEASURE(0.0174532925199),#90002);\n#90002 = ( NAMED_UNIT(*) PLANE_ANGLE_UNIT() SI_UNIT($,.RADIAN.) );")
      .replace(/CONICAL_SURFACE\('',#(\d+),4\.,([\d.]+)\)/, (_, placement: string, angle: string) => `CONICAL_SURFACE('',#${placement},4.,${(Number(angle) * 180) / Math.PI})`);
    expect(degrees).toContain('CONVERSION_BASED_UNIT');
    expect(area(parseStep(text(degrees)))).toBeCloseTo(area(parseStep(text(radians))), 3);
  });

  test('an offset surface is its basis moved along the normal; faces on surfaces that are not read are left out, named in a warning', () => {
    const source = new TextDecoder().decode(fixture('bracket.step'));
    const plane = /#(\d+) = PLANE\('',#(\d+)\);/.exec(source)!;
    // The plane as an offset of itself by 0: the same faces.
    const offset = source.replace(plane[0], `#${plane[1]} = OFFSET_SURFACE('',#900001,0.,.F.);\n#900001 = PLANE('',#${plane[2]});`);
    expect(area(parseStep(text(offset)))).toBeCloseTo(area(parseStep(fixture('bracket.step'))), 6);
    const unread = source.replace(plane[0], `#${plane[1]} = CURVE_BOUNDED_SURFACE('',#900001,(),.T.);\n#900001 = PLANE('',#${plane[2]});`);
    const r = load('bracket.step', text(unread), 2000);
    expect(r.warnings).toEqual(['STEP: 1 face on surfaces that are not read (CURVE_BOUNDED_SURFACE) left out']);
    // An offset of itself is not read either (rather than followed for ever).
    const loop = source.replace(plane[0], `#${plane[1]} = OFFSET_SURFACE('',#${plane[1]},1.,.F.);`);
    expect(load('bracket.step', text(loop), 2000).warnings).toEqual(['STEP: 1 face on surfaces that are not read (OFFSET_SURFACE) left out']);
  });

  test('oriented faces and shells (ORIENTED_FACE, ORIENTED_CLOSED_SHELL) are their faces', () => {
    const source = new TextDecoder().decode(fixture('bracket.step'));
    const shell = /#(\d+) = CLOSED_SHELL\('',\(#(\d+),/.exec(source)!;
    const brep = new RegExp(`MANIFOLD_SOLID_BREP\\('',#${shell[1]}\\)`);
    const oriented = source
      .replace(shell[0], `#${shell[1]} = CLOSED_SHELL('',(#900001,`)
      .replace(brep, `MANIFOLD_SOLID_BREP('',#900002)`)
      .replace(/ENDSEC;\s*END-ISO/, `#900001 = ORIENTED_FACE('',*,#${shell[2]},.F.);\n#900002 = ORIENTED_CLOSED_SHELL('',*,#${shell[1]},.T.);\nENDSEC;\nEND-ISO`);
    expect(oriented).toContain("MANIFOLD_SOLID_BREP('',#900002)");
    expect(area(parseStep(text(oriented)))).toBeCloseTo(area(parseStep(fixture('bracket.step'))), 6);
  });

  test('a mapped item placed by a Cartesian transformation operator: turned, scaled and moved as it says', () => {
    const source = new TextDecoder().decode(fixture('bracket.step'));
    const rep = /#(\d+) = ADVANCED_BREP_SHAPE_REPRESENTATION\('',\(#(\d+),/.exec(source)!;
    // The bracket's representation mapped into a new one: x to y, y to -x, scaled 2, moved 100 in x.
    const mapped = source.replace(
      /ENDSEC;\s*END-ISO/,
      [
        `#900010 = SHAPE_REPRESENTATION('',(#900011),#${/#(\d+) = \( GEOMETRIC_REPRESENTATION_CONTEXT\(3\)/.exec(source)![1]});`,
        `#900011 = MAPPED_ITEM('',#900012,#900013);`,
        `#900012 = REPRESENTATION_MAP(#${rep[2]},#${rep[1]});`,
        "#900013 = CARTESIAN_TRANSFORMATION_OPERATOR_3D('',$,#900014,#900015,#900016,2.,#900017);",
        "#900014 = DIRECTION('',(0.,1.,0.));",
        "#900015 = DIRECTION('',(-1.,0.,0.));",
        "#900016 = CARTESIAN_POINT('',(100.,0.,0.));",
        "#900017 = DIRECTION('',(0.,0.,1.));",
        'ENDSEC;\nEND-ISO',
      ].join('\n'),
    );
    const parsed = parseStep(text(mapped));
    // Scaled 2: four times the area (to the grid, which follows the model's size).
    expect(area(parsed) / area(parseStep(fixture('bracket.step')))).toBeCloseTo(4, 2);
    const r = load('mapped.step', text(mapped), 20000);
    const [min, max] = [r.bounds.min.map((v, k) => v + (r.offset?.[k] ?? 0)), r.bounds.max.map((v, k) => v + (r.offset?.[k] ?? 0))];
    [[60, 100], [0, 80], [0, 20]].forEach(([lo, hi], k) => {
      expect(min[k]!).toBeCloseTo(lo!, 0);
      expect(max[k]!).toBeCloseTo(hi!, 0);
    });
  });

  test('refused, saying why', () => {
    const part = new TextDecoder().decode(fixture('bracket.step'));
    expectError('a.step', text('ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n#1=PRODUCT(\'a\',\'a\',\'\',());\nENDSEC;\nEND-ISO-10303-21;\n'), 'empty', /^STEP: the file holds no solid or surface model with faces/);
    expectError('a.step', text(part.slice(0, part.indexOf('ENDSEC;', part.indexOf('DATA;')) - 1)), 'truncated', /^STEP: the DATA section never ends \(no ENDSEC;\): is the file cut short\?$/);
    expectError('a.step', text(part.replace(/#(\d+) = CLOSED_SHELL\('',\(#(\d+),/, "#$1 = CLOSED_SHELL('',(#999999,")), 'malformed', /^STEP: solid #\d+ refers to #999999, which the file does not define$/);
    expectError('a.step', text(part.replace('#3 = ', '#3 = = ')), 'malformed', /^STEP: line \d+: expected a name but found "= SHAPE_DEFINITION_R"$/);
    expectError('a.step', text('ISO-10303-21;\nHEADER;\nENDSEC;\n'), 'malformed', /^STEP: the file has no DATA section$/);
    // Over LIMITS.maxStepBytes: refused before it is parsed (a comment pads the file).
    const padded = new Uint8Array(LIMITS.maxStepBytes + 1).fill(0x20);
    padded.set(text('ISO-10303-21;\n/*'));
    expect(() => parseStep(padded)).toThrow(/^STEP: the file is 128 MiB; STEP files are read up to 128 MiB \(LIMITS.maxStepBytes/);
  });

  test('cut or with bytes changed, a STEP file loads or fails with a LoadError, never another exception', () => {
    const bytes = fixture('primitives.step');
    const outcome = (b: Uint8Array) => {
      try {
        loadFile('part.step', b, { meshSamples: 64, seed: 1 });
        return 'loaded';
      } catch (error) {
        if (error instanceof LoadError) return 'refused';
        throw error;
      }
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (cut) => {
        expect(['loaded', 'refused']).toContain(outcome(bytes.slice(0, cut)));
      }),
      { numRuns: 60, seed: 7 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.constantFrom(...'#(),;.=\'0123456789-E$*AZ'.split('')), (at, ch) => {
        const changed = bytes.slice();
        changed[at] = ch.charCodeAt(0);
        expect(['loaded', 'refused']).toContain(outcome(changed));
      }),
      { numRuns: 120, seed: 8 },
    );
  });
});
