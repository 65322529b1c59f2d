// The number grammar every text format shares (src/io/numbers.ts), token by token, with values
// written out by hand.
import { describe, expect, test } from 'vitest';
import { toNumber, tokenProblem, wordColumn } from '../../src/io/numbers';

describe('number grammar', () => {
  test('numbers in full: decimals, exponents, signs, leading and trailing dots', () => {
    const cases: [string, number][] = [
      ['0', 0], ['-0', -0], ['+3', 3], ['1.5', 1.5], ['.25', 0.25], ['7.', 7], ['-.5', -0.5],
      ['1e3', 1000], ['1E-2', 0.01], ['2.e+1', 20], ['6.02e23', 6.02e23], ['000012', 12],
      ['3.4028234663852886e38', 3.4028234663852886e38], ['1e-50', 1e-50],
    ];
    for (const [token, value] of cases) expect([token, toNumber(token)]).toEqual([token, value]);
  });

  test('the C spellings of NaN and infinity read as such (the shared checks drop those points)', () => {
    for (const t of ['nan', 'NaN', '-nan', 'nan(ind)', 'NAN']) expect([t, Number.isNaN(toNumber(t))]).toEqual([t, true]);
    for (const t of ['inf', 'Infinity', '+INF']) expect([t, toNumber(t)]).toEqual([t, Infinity]);
    for (const t of ['-inf', '-infinity']) expect([t, toNumber(t)]).toEqual([t, -Infinity]);
  });

  test('what parseFloat or Number() let through is refused', () => {
    for (const t of ['', '0x1f', '0X1F', '0b101', '0o17', '1.5abc', '1_000', '1,5', '1e', '1e+', 'e5', '.', '-', '+-1', '1..2', '1.2.3', ' 1', '1 ', 'Infinityx', 'nanx', '١٢', '1e5.5', '--1', '3.1+e2']) {
      expect([t, toNumber(t)]).toEqual([t, null]);
    }
  });

  test('what is wrong is named', () => {
    expect(tokenProblem('0,1234')).toBe('is not a number: it has a decimal comma (write 0.1234)');
    expect(tokenProblem('-12,5e3')).toBe('is not a number: it has a decimal comma (write -12.5e3)');
    expect(tokenProblem('0x1f')).toBe('is not a number: hexadecimal is not read');
    expect(tokenProblem('1e39')).toBe('is out of float32 range (largest magnitude 3.4028235e38)');
    expect(tokenProblem('-3.5e38')).toBe('is out of float32 range (largest magnitude 3.4028235e38)');
    expect(tokenProblem('abc')).toBe('is not a number');
  });

  test('columns count from 1 and skip leading blanks', () => {
    expect(wordColumn('v 1 0x1f 3', 2)).toBe(5);
    expect(wordColumn('   vertex a b c', 1)).toBe(11);
    expect(wordColumn('1.0, 2.0 ;3', 2, /\s*[,;]\s*|\s+/)).toBe(11);
    expect(wordColumn('\tx', 0)).toBe(2);
  });
});
