// The LoadError for a token that breaks the number grammar (numbers.ts), with the file's line,
// column and the token: "OBJ: line 12, column 3: "0x1f" is not a number".
import type { FormatId } from './formats';
import { beyondFloat32, toNumber, tokenMessage, wordColumn } from './numbers';
import { LoadError } from './types';

export function tokenError(format: FormatId, line: number, column: number, token: string, context = ''): LoadError {
  const value = toNumber(token); // a decimal comma is not a number: null
  const reason = value !== null && beyondFloat32(value) ? 'float-range' : 'malformed';
  return new LoadError(format, reason, `${context}${tokenMessage(line, column, token)}`);
}

/** Word `k` of line `lineNo` (`raw` split into `words`) as a number by the grammar, or the error
 * that names its line, column and token. */
export function checkedNumber(format: FormatId, raw: string, words: string[], k: number, lineNo: number): number {
  const token = words[k]!;
  const value = toNumber(token);
  if (value === null || beyondFloat32(value)) throw tokenError(format, lineNo, wordColumn(raw, k), token);
  return value;
}
