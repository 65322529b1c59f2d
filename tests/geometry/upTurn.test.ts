// The six forced ups (docs/geometry.md section 1): the TypeScript turn table against Python's
// pose.up_rotation (tests/fixtures/up-turns.json, written and checked by
// training/tests/test_geometry.py), and normalise under each up against geometry.normalise.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalise, normaliseSubset } from '../../src/geometry/normalise';
import { fromUpright, isUpAxis, turnUpright, UP_AXES, type UpAxis } from '../../src/geometry/upTurn';
import { heightAxis } from '../../src/ui/viewer/colorMode';

interface UpTurnsFixture {
  points: number[];
  turns: Record<UpAxis, number[]>;
  cloud: number[];
  normalised: Record<UpAxis, number[]>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/up-turns.json', import.meta.url), 'utf8')) as UpTurnsFixture;
const points = Float32Array.from(fixture.points);
const cloud = Float32Array.from(fixture.cloud);

describe('up turns', () => {
  it('cover the six axis-aligned ups, the same six as the Python fixture', () => {
    expect([...UP_AXES].sort()).toEqual(Object.keys(fixture.turns).sort());
    expect(UP_AXES).toHaveLength(6);
  });

  it.each(UP_AXES)('up %s turns points as pose.up_rotation does, bit for bit', (up) => {
    expect(Array.from(turnUpright(points, up))).toEqual(fixture.turns[up]);
  });

  it.each(UP_AXES)('normalise(cloud, %s) equals geometry.normalise bit for bit', (up) => {
    expect(Array.from(normalise(cloud, up))).toEqual(fixture.normalised[up]);
    expect(Array.from(normaliseSubset(cloud, up, null))).toEqual(fixture.normalised[up]);
  });

  it.each(UP_AXES)('fromUpright(%s) undoes the turn and takes +z to the file axis that points up', (up) => {
    const turned = turnUpright(points, up);
    for (let i = 0; i < points.length; i += 3) {
      expect(fromUpright([turned[i], turned[i + 1], turned[i + 2]], up)).toEqual([points[i], points[i + 1], points[i + 2]]);
    }
    const axis = up.replace('-', '');
    const want = [axis === 'x' ? 1 : 0, axis === 'y' ? 1 : 0, axis === 'z' ? 1 : 0].map((v) => (up.startsWith('-') ? -v : v));
    expect(fromUpright([0, 0, 1], up).map((v) => v + 0)).toEqual(want.map((v) => v + 0));
  });

  it('height colouring reads the signed up axis', () => {
    expect(heightAxis('z')).toEqual({ axis: 2, sign: 1 });
    expect(heightAxis('y')).toEqual({ axis: 1, sign: 1 });
    expect(heightAxis('-x')).toEqual({ axis: 0, sign: -1 });
    expect(heightAxis('-z')).toEqual({ axis: 2, sign: -1 });
  });

  it('refuses an unknown up with the valid names', () => {
    expect(isUpAxis('+x')).toBe(false);
    expect(isUpAxis('-x')).toBe(true);
    expect(() => normalise(cloud, '+x' as UpAxis)).toThrow(/normalise: up must be one of 'z', 'y', '-y', 'x', '-x', '-z', got "\+x"/);
    expect(() => normaliseSubset(cloud, 'w' as UpAxis, null)).toThrow(/normaliseSubset: up must be one of/);
  });
});
