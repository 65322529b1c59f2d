// A file of several objects shown whole is coloured by object (src/ui/viewer/colors.ts, objects
// mode): each object in the colour its swatch in the picker has, points in none grey.
import { describe, expect, test } from 'vitest';
import { fillCloudColors } from '../../src/ui/viewer/colors';
import { objectColour, objectRgb } from '../../src/ui/viewer/objectColours';

describe('colouring by object', () => {
  test('each point takes its object\'s colour; 0 is grey; objects past the palette wrap', () => {
    const labels = new Uint8Array([1, 2, 0, 1, 9]);
    const cloud = { positions: new Float32Array(15), count: 5 };
    const target = new Float32Array(15);
    fillCloudColors(target, cloud, { kind: 'objects', labels });
    const at = (i: number) => Array.from(target.subarray(3 * i, 3 * i + 3));
    expect(at(0)).toEqual(objectRgb(1).map(Math.fround));
    expect(at(3)).toEqual(at(0));
    expect(at(1)).not.toEqual(at(0));
    expect(at(2)).toEqual(objectRgb(0).map(Math.fround));
    expect(at(4)).toEqual(at(0));
    expect(objectColour(0)).not.toBe(objectColour(1));
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8].map(objectColour)).size).toBe(8);
  });

  test('labels of another length (a stale cloud) fall back to height', () => {
    const cloud = { positions: new Float32Array([0, 0, 0, 0, 0, 1]), count: 2 };
    const target = new Float32Array(6);
    fillCloudColors(target, cloud, { kind: 'objects', labels: new Uint8Array(3) });
    expect(Array.from(target.subarray(0, 3))).not.toEqual(Array.from(target.subarray(3, 6)));
  });
});
