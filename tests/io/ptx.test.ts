// PTX (src/io/ptx.ts), Leica's text scans: a header (grid size, the scanner's position and axes, a
// transform whose last row is the translation), then the grid's points; positions with no return
// (0 0 0) left out, each scan placed by its transform, colours kept; refused with the line.
import { describe, expect, test } from 'vitest';
import { sniffFormat } from '../../src/io/sniff';
import { damagedOutcomes, expectError, expectWellFormed, load } from './expectLoad';

const IDENTITY = ['1 0 0 0', '0 1 0 0', '0 0 1 0', '0 0 0 1'];

/** A scan's text: its grid, the scanner lines, the transform rows, the point lines. */
function scan(columns: number, rows: number, points: string[], transform = IDENTITY): string {
  const scanner = ['0 0 0', '1 0 0', '0 1 0', '0 0 1'];
  return [String(columns), String(rows), ...scanner, ...transform, ...points].join('\n') + '\n';
}

const bytes = (text: string) => new TextEncoder().encode(text);

/** The box's corners and a far point, each x y z intensity r g b, and one grid position with no return. */
const POINTS = ['0.01 0 0 0.5 10 20 30', '2 0 0 0.5 255 0 0', '2 1 0 0.5 0 255 0', '0 1 0.5 0.5 0 0 255', '1 0.5 0.25 0.5 255 255 255', '0 0 0 0 0 0 0'].reverse();

describe('PTX files', () => {
  test('a scan reads to its points, the grid position with no return left out, colours kept; recognised by content', () => {
    const text = scan(3, 2, POINTS);
    expect(sniffFormat(bytes(text))).toBe('ptx');
    const r = load('scan.ptx', bytes(text));
    expectWellFormed(r);
    expect({ format: r.format, kind: r.kind, count: r.cloud.count, warnings: r.warnings.filter((w) => w.startsWith('PTX')) }).toEqual({ format: 'ptx', kind: 'points', count: 5, warnings: ['PTX: 1 grid position with no return (0 0 0) left out'] });
    expect(r.cloud.colors).toBeDefined();
    expect(load('export.txt', bytes(text)).format).toBe('ptx');
  });

  test('each scan is placed by its transform (row vectors, the translation in the last row); scans are read together', () => {
    const turned = ['0 1 0 0', '-1 0 0 0', '0 0 1 0', '10 20 30 1'];
    const text = scan(1, 2, ['1 0 0 0.5', '0 2 0 0.5'], turned) + scan(1, 1, ['1 1 1 0.5']);
    const r = load('two.ptx', bytes(text));
    const world = Array.from(r.cloud.positions).map((v, i) => +(v + (r.offset?.[i % 3] ?? 0)).toFixed(4));
    // Order kept: (1,0,0) -> (10,21,30); (0,2,0) -> (8,20,30); the second scan's (1,1,1) as is.
    expect(world).toEqual([10, 21, 30, 8, 20, 30, 1, 1, 1]);
    expect(r.warnings.filter((w) => w.startsWith('PTX'))).toEqual(['PTX: 2 scans read together, each placed by its transform']);
    expect(r.cloud.colors).toBeUndefined();
  });
});

describe('PTX files refused, saying why', () => {
  test('numbers, header lines, a grid cut short', () => {
    expectError('a.ptx', bytes(scan(3, 2, POINTS).replace('2 1 0 0.5', '2 1,5 0 0.5')), 'malformed', 'PTX: line 14, column 3: "1,5" is not a number: it has a decimal comma (write 1.5)');
    expectError('a.ptx', bytes(scan(3, 2, POINTS).replace('0 1 0\n', '0 1\n')), 'malformed', "PTX: line 5: scan 1's header line 5 has 2 values; the scanner's position and axes lines have 3");
    expectError('a.ptx', bytes(scan(4, 2, POINTS)), 'truncated', 'PTX: scan 1 declares 4 x 2 = 8 points; the file ends after 6');
    expectError('a.ptx', bytes(scan(3, 2, POINTS).replace('2 0 0 0.5 255 0 0', '2 0 0 0.5 255')), 'malformed', "PTX: line 15: scan 1's point 5 has 5 values; PTX points have x y z, an intensity, and r g b");
    expectError('a.ptx', bytes(scan(1, 1, ['0 0 0 0'])), 'empty', 'PTX: every one of the 1 grid positions is 0 0 0 (no return)');
    expectError('a.ptx', bytes('3\n2\n0 0 0\n'), 'truncated', 'PTX: scan 1: the file ends inside its header (line 4 of 10)');
  });

  test('240 cut or byte-changed files: a cloud or a LoadError, never another exception', () => {
    const good = bytes(scan(3, 2, POINTS, ['0 1 0 0', '-1 0 0 0', '0 0 1 0', '10 20 30 1']) + scan(1, 2, ['1 1 1 0.5', '2 2 2 0.5']));
    const outcomes = damagedOutcomes('d.ptx', good, { seed: 5, printable: true });
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.loaded).toBeGreaterThan(10);
  });
});
