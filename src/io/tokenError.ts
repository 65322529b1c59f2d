// The LoadError for a token that breaks the number grammar (numbers.ts), with the file's line,
// column and the token: "OBJ: line 12, column 3: "0x1f" is not a number".
import type { FormatId } from './formats';
import { DECIMAL_COMMA, beyondFloat32, toNumber, tokenMessage } from './numbers';
import { LoadError } from './types';

export function tokenError(format: FormatId, line: number, column: number, token: string, context = ''): LoadError {
  const value = DECIMAL_COMMA.test(token) ? null : toNumber(token);
  const reason = value !== null && beyondFloat32(value) ? 'float-range' : 'malformed';
  return new LoadError(format, reason, `${context}${tokenMessage(line, column, token)}`);
}
