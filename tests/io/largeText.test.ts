// Point lists as text over the size limit (src/io/largeText.ts), read a slice at a time: the
// same points as the whole file when every row is kept; one row in k past the cap, the first lines
// (a header row) kept whole, k doubled when the rows turn out shorter than the first; errors name
// the file's own lines.
import { describe, expect, test } from 'vitest';
import { loadLargeFile } from '../../src/io/largeFile';
import { parseXyzSliced } from '../../src/io/largeText';
import { parseXyz } from '../../src/io/xyz';
import { LoadError } from '../../src/io/types';

const encode = (text: string) => new TextEncoder().encode(text);
const reader = (bytes: Uint8Array) => async (a: number, b: number) => bytes.subarray(a, b);

/** A header row, then `n` rows "x y z" (row i at x = i). */
function rows(n: number, pad = ''): string {
  return `x y z\n${Array.from({ length: n }, (_, i) => `${i} ${(i * 7) % 13} ${i % 5}${pad}`).join('\r\n')}\n`;
}

describe('point lists as text over the size limit', () => {
  test('every row kept (a small cap not reached): the same points as the whole file, read 4 KiB at a time', async () => {
    const bytes = encode(rows(3000));
    const sliced = await parseXyzSliced(bytes.length, reader(bytes), undefined, 4096, 10_000);
    const whole = parseXyz(new TextDecoder().decode(bytes).replace(/\r\n/g, '\n'));
    expect(sliced).toEqual(whole);
  });

  test('one row in k past the cap, the header kept; shorter rows than the first double k', async () => {
    const bytes = encode(rows(20_000));
    const p = await parseXyzSliced(bytes.length, reader(bytes), undefined, 4096, 1000);
    if (p.kind !== 'points') throw new Error('expected points');
    const step = Number(/one row in (\d+)/.exec(p.warnings[0]!)![1]);
    expect(p.warnings[0]).toBe(`the file has 20,001 lines; one row in ${step} read (about 1,000), and only the rows read are checked`);
    expect(p.cloud.count).toBeGreaterThan(900);
    expect(p.cloud.count).toBeLessThan(2100 + 64);
    // The first rows whole: x = 0, 1, 2 ...
    const o = p.offset ?? [0, 0, 0];
    expect([0, 1, 2].map((k) => p.cloud.positions[3 * k]! + o[0]!)).toEqual([0, 1, 2]);
    // The first rows long (a comment-like pad), the rest short: k doubles on the way.
    const mixed = encode(rows(64, ' '.repeat(2000)) + rows(40_000).slice(6));
    const q = await parseXyzSliced(mixed.length, reader(mixed), undefined, 4096, 1000);
    expect(q.kind === 'points' && q.cloud.count).toBeLessThan(2100 + 64);
  });

  test("a bad value is named by the file's line, and a file over the size limit goes here by its content", async () => {
    const text = rows(20_000).replace(/\r/g, '').split('\n');
    // A bad value on every line past the 1,000th: the first row read past it is refused.
    const bad = encode(text.map((l, i) => (i >= 1000 ? l.replace(/ \d+$/, ' 0x1f') : l)).join('\n'));
    const error = await parseXyzSliced(bad.length, reader(bad), undefined, 4096, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    const line = Number(/^XYZ: line (\d+), column \d+: "0x1f" is not a number/.exec((error as LoadError).message)?.[1]);
    expect(line).toBeGreaterThan(1000);
    expect(text[line - 1]).toMatch(/ \d+$/); // the file's own line: its value before it was changed
    // Binary content is refused from the first megabyte, the rest never read.
    const reads: number[] = [];
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const refused = await parseXyzSliced(zeros.length, async (a, b) => (reads.push(b), zeros.subarray(a, b))).catch((e: unknown) => e);
    expect([(refused as LoadError).message, Math.max(...reads)]).toEqual(['XYZ: the file is binary (byte 0x00 at offset 0), not XYZ text', 1024 * 1024]);
    const good = encode(rows(5000));
    const large = await loadLargeFile('scan.xyz', good.length, reader(good));
    expect([large.format, large.cloud.count]).toEqual(['xyz', 5000]);
  });
});
