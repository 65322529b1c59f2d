// VRML97's text syntax (and X3D's classic encoding, .x3dv, which is the same) read into the node
// tree x3d.ts walks: a node is its type, its DEF name, its fields (numbers and words as the file
// wrote them) and its node-valued fields as children. Comments ('#' to the end of a line) and
// commas are blanks; strings are read (and skipped); ROUTEs, PROTO and EXTERNPROTO declarations,
// IMPORT / EXPORT and META / COMPONENT / PROFILE / UNIT statements are passed over. An instance of
// a PROTO is kept as a node of that type (x3d.ts skips types it does not know). Refused with the
// line: a brace or bracket that does not close, a USE of a name never DEFined, text that is not a
// node where one must be.
import type { FormatId } from './formats';
import { LoadError } from './types';

export interface SceneNode {
  type: string;
  /** Values of plain fields: every token the file wrote for it, in order. */
  fields: Map<string, string[]>;
  /** Node-valued fields, in order, by field name. */
  children: { field: string; node: SceneNode }[];
  /** Where the node starts, for messages: its line (the text syntax), or its offset in the
   * document (X3D's XML; the line is counted only for a message). */
  line: number;
  offset?: number;
}

/** Nesting deeper than this is refused. */
const MAX_DEPTH = 256;

interface Token {
  text: string;
  line: number;
  /** A quoted string (its text without the quotes). */
  quoted: boolean;
}

function tokenize(format: FormatId, text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
      i++;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < n) j++;
        if (text[j] === '\n') line++;
        s += text[j];
        j++;
      }
      if (j >= n) throw new LoadError(format, 'truncated', `line ${line}: a string is not closed: is the file cut short?`);
      tokens.push({ text: s, line, quoted: true });
      i = j + 1;
    } else if ('{}[]'.includes(c)) {
      tokens.push({ text: c, line, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < n && !' \t\r\n,#"{}[]'.includes(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return tokens;
}

const STATEMENTS = new Set(['META', 'COMPONENT', 'PROFILE', 'UNIT']);

/** The scene's top-level nodes. */
export function parseVrml(format: FormatId, text: string): SceneNode[] {
  const tokens = tokenize(format, text);
  let k = 0;
  const defs = new Map<string, SceneNode>();
  const malformed = (detail: string, at = tokens[Math.min(k, tokens.length - 1)]): LoadError => new LoadError(format, 'malformed', `line ${at?.line ?? 1}: ${detail}`);
  const cutShort = (what: string, line: number): LoadError => new LoadError(format, 'truncated', `line ${line}: ${what} does not close: is the file cut short?`);
  const peek = (): Token | undefined => tokens[k];

  /** Skips a bracketed or braced group from the opening token at k. */
  const skipGroup = (): void => {
    const open = tokens[k]!;
    const close = open.text === '{' ? '}' : ']';
    let depth = 0;
    for (; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.quoted) continue;
      if (t.text === '{' || t.text === '[') depth++;
      else if (t.text === '}' || t.text === ']') depth--;
      if (depth === 0) {
        if (t.text !== close) throw malformed(`'${t.text}' closes the '${open.text}' of line ${open.line}`, t);
        k++;
        return;
      }
    }
    throw cutShort(`the '${open.text}' of line ${open.line}`, open.line);
  };

  /** A node (or USE, or NULL) at k; null for NULL. */
  const node = (depth: number): SceneNode | null => {
    if (depth > MAX_DEPTH) throw new LoadError(format, 'unsupported', `nodes are nested more than ${MAX_DEPTH} deep`);
    const t = tokens[k];
    if (t === undefined) throw new LoadError(format, 'truncated', 'the file ends where a node should be: is it cut short?');
    if (t.text === 'NULL') {
      k++;
      return null;
    }
    if (t.text === 'USE') {
      const name = tokens[k + 1];
      if (name === undefined) throw new LoadError(format, 'truncated', `line ${t.line}: the file ends after USE`);
      const used = defs.get(name.text);
      if (used === undefined) throw malformed(`USE ${name.text}: no node is DEFined by that name before it`, t);
      k += 2;
      return used;
    }
    let def: string | undefined;
    if (t.text === 'DEF') {
      def = tokens[k + 1]?.text;
      k += 2;
    }
    const type = tokens[k];
    if (type === undefined || type.quoted || '{}[]'.includes(type.text)) throw malformed(`'${type?.text ?? ''}' where a node's type should be`, type ?? t);
    k++;
    if (peek()?.text !== '{') throw malformed(`the node ${type.text} has no '{'`, peek() ?? type);
    const open = tokens[k++]!;
    const n: SceneNode = { type: type.text, fields: new Map(), children: [], line: type.line };
    if (def !== undefined) defs.set(def, n);
    for (;;) {
      const f = tokens[k];
      if (f === undefined) throw cutShort(`the '{' of ${type.text} on line ${open.line}`, open.line);
      if (f.text === '}' && !f.quoted) {
        k++;
        return n;
      }
      if (f.text === 'ROUTE') {
        k += 4;
        continue;
      }
      if (f.text === 'PROTO' || f.text === 'EXTERNPROTO') {
        skipDeclaration();
        continue;
      }
      if (f.quoted || '{}[]'.includes(f.text)) throw malformed(`'${f.text}' where a field name of ${type.text} should be`, f);
      k++;
      // IS (a PROTO body's field) and event declarations are not values.
      if (peek()?.text === 'IS') {
        k += 2;
        continue;
      }
      value(n, f.text, depth);
    }
  };

  /** A field's value at k: a node, a list of nodes, or tokens. */
  const value = (n: SceneNode, field: string, depth: number): void => {
    const t = tokens[k];
    if (t === undefined) throw new LoadError(format, 'truncated', `the file ends after the field ${field}: is it cut short?`);
    if (t.text === '[' && !t.quoted) {
      const open = t;
      k++;
      const list: string[] = [];
      for (;;) {
        const u = tokens[k];
        if (u === undefined) throw cutShort(`the '[' of ${field} on line ${open.line}`, open.line);
        if (u.text === ']' && !u.quoted) {
          k++;
          break;
        }
        if (!u.quoted && isNodeStart(k)) {
          const child = node(depth + 1);
          if (child !== null) n.children.push({ field, node: child });
        } else {
          if (u.text === '[' || u.text === '{' || u.text === '}') throw malformed(`'${u.text}' inside the list ${field}`, u);
          list.push(u.text);
          k++;
        }
      }
      if (list.length > 0) n.fields.set(field, list);
      return;
    }
    if (!t.quoted && isNodeStart(k)) {
      const child = node(depth + 1);
      if (child !== null) n.children.push({ field, node: child });
      return;
    }
    // A single value: the tokens up to the next field name (an SFVec3f is three numbers, an
    // SFRotation four, an SFBool a word).
    const out: string[] = [];
    while (k < tokens.length) {
      const u = tokens[k]!;
      if (!u.quoted && (u.text === '}' || u.text === ']' || u.text === '[' || u.text === '{')) break;
      if (out.length > 0 && !u.quoted && /^[A-Za-z_]/.test(u.text) && !/^(TRUE|FALSE|NULL|true|false|inf|nan)$/i.test(u.text)) break;
      out.push(u.text);
      k++;
      if (u.quoted) break;
    }
    n.fields.set(field, out);
  };

  /** Whether a node starts at token j: DEF, USE, NULL, or a word followed by '{'. */
  const isNodeStart = (j: number): boolean => {
    const t = tokens[j];
    if (t === undefined || t.quoted) return false;
    if (t.text === 'DEF' || t.text === 'USE') return true;
    if (t.text === 'NULL') return true;
    return /^[A-Za-z_]/.test(t.text) && tokens[j + 1]?.text === '{' && !tokens[j + 1]!.quoted;
  };

  const skipDeclaration = (): void => {
    // PROTO name [ interface ] { body }; EXTERNPROTO name [ interface ] "url" or [ urls ].
    const kind = tokens[k]!.text;
    k += 2;
    if (peek()?.text === '[') skipGroup();
    if (kind === 'PROTO' && peek()?.text === '{') skipGroup();
    else if (kind === 'EXTERNPROTO') {
      if (peek()?.text === '[') skipGroup();
      else k++;
    }
  };

  const top: SceneNode[] = [];
  while (k < tokens.length) {
    const t = tokens[k]!;
    if (t.text === 'ROUTE') k += 4;
    else if (t.text === 'PROTO' || t.text === 'EXTERNPROTO') skipDeclaration();
    else if (STATEMENTS.has(t.text)) k += t.text === 'META' ? 3 : t.text === 'UNIT' ? 4 : 2;
    else if (t.text === 'IMPORT') k += tokens[k + 2]?.text === 'AS' ? 4 : 2;
    else if (t.text === 'EXPORT') k += tokens[k + 2]?.text === 'AS' ? 4 : 2;
    else {
      if (!isNodeStart(k)) throw malformed(`'${t.text}' where a node should be`, t);
      const n = node(0);
      if (n !== null) top.push(n);
    }
  }
  return top;
}
