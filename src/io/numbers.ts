// The one number grammar every text format is read with (PLY ascii, OBJ, PCD ascii, XYZ/CSV, OFF,
// STL ascii, PTX), and the one wording of what is wrong with a token that breaks it.
//
//   number   = [sign] (digits ["." [digits]] | "." digits) [("e" | "E") [sign] digits]
//   special  = [sign] ("nan" | "inf" | "infinity"), any case, also "nan(...)" as C prints it
//
// A token is a number only in full: "1.5abc", "0x1f", "1_000", "1,5", "" are not (parseFloat and
// Number() let some of these through). The specials read as NaN / infinity, and the shared checks
// (finish.ts) drop such points with a warning that counts them, or refuse a file that has no
// other points. A finite number beyond float32's range (|v| > 3.4028235e38) would become
// infinity in the Float32Array every cloud is stored in: it is refused with its own message.

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

const DIGIT_0 = 48;
const DIGIT_9 = 57;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/** Whether `token` matches `number` above (a hand-written scan: this runs once per value). */
function isDecimal(token: string): boolean {
  const n = token.length;
  let i = 0;
  let c = token.charCodeAt(0);
  if (c === 43 /* + */ || c === 45 /* - */) i++;
  let digits = 0;
  while (i < n && isDigit(token.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && token.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < n && isDigit(token.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < n) {
    c = token.charCodeAt(i);
    if (c !== 101 /* e */ && c !== 69 /* E */) return false;
    i++;
    c = token.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    const start = i;
    while (i < n && isDigit(token.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  return i === n;
}

const SPECIAL = /^[+-]?(nan(\([0-9a-z_]*\))?|inf|infinity)$/i;

/** The value of a token in the grammar above, or null when the token is not a number. */
export function toNumber(token: string): number | null {
  if (token.length === 0) return null;
  if (isDecimal(token)) return Number(token);
  const special = SPECIAL.exec(token);
  if (special === null) return null;
  if (special[1]!.toLowerCase().startsWith('nan')) return Number.NaN;
  return token.charCodeAt(0) === 45 ? -Infinity : Infinity;
}

/** A number written with a decimal comma ("0,1234", "-1,5e3"), as some locales print them. */
export const DECIMAL_COMMA = /^[+-]?\d+,\d+([eE][+-]?\d+)?$/;

/** A value that a Float32Array would turn into infinity although the file wrote a finite number. */
export function beyondFloat32(value: number): boolean {
  return Math.abs(value) > FLOAT32_MAX && Number.isFinite(value);
}

/** Why a token is not a value we can store: the tail of an error message ("is not a number", ...). */
export function tokenProblem(token: string): string {
  if (DECIMAL_COMMA.test(token)) {
    return `is not a number: it has a decimal comma (write ${token.replace(',', '.')})`;
  }
  const value = toNumber(token);
  if (value !== null && beyondFloat32(value)) return 'is out of float32 range (largest magnitude 3.4028235e38)';
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(token)) return 'is not a number: hexadecimal is not read';
  return 'is not a number';
}

/** A token as quoted in messages: double quotes, shortened past 40 characters. */
export function showToken(token: string): string {
  return `"${token.length > 40 ? `${token.slice(0, 40)}...` : token}"`;
}

/** "line 12, column 3: "0x1f" is not a number". */
export function tokenMessage(line: number, column: number, token: string, problem = tokenProblem(token)): string {
  return `line ${line}, column ${column}: ${showToken(token)} ${problem}`;
}

/** 1-based column of the `index`-th word (0-based) of `line`, words separated by `separator`
 * (a regular expression without the g flag), leading blanks skipped as the parsers' trim() does.
 * Only error paths call this, so the parsers' hot loops split lines without tracking columns. */
export function wordColumn(line: string, index: number, separator: RegExp = /\s+/): number {
  const lead = line.length - line.trimStart().length;
  const re = new RegExp(separator.source, 'g');
  let start = lead;
  for (let k = 0; k < index; k++) {
    re.lastIndex = start;
    const m = re.exec(line);
    if (m === null) break;
    start = m.index + m[0].length;
  }
  return start + 1;
}
