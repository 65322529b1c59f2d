// A small XML reader for the XML formats (COLLADA): the element tree with attributes and text, no
// DOM. DOMParser is not there in a Web Worker or in Node, where files are read. Comments,
// processing instructions and the DOCTYPE are skipped, CDATA is text, the five named entities and
// numeric character references are decoded; namespaces are not resolved (a prefix is dropped from
// the element's name). Refused with the line: a tag that is not well-formed, a closing tag that
// does not match, an unknown entity, text cut short inside an element; deeper than MAX_DEPTH or
// more than MAX_ELEMENTS elements.
import type { FormatId } from './formats';
import { formatCount } from './limits';
import { LoadError } from './types';

export interface XmlElement {
  /** The local name: "p" for both <p> and <x:p>. */
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** The element's own text (CDATA included, entities decoded), its children's left out; '' when
   * it has none but blanks. */
  text: string;
  /** Where its start tag begins in the document, for messages (`lineOf`). */
  at: number;
}

/** Nesting deeper than this is refused (COLLADA's node trees are a few dozen deep at most). */
export const MAX_DEPTH = 256;
/** Elements a document may hold: the data of these formats is in long text lists, not elements. */
export const MAX_ELEMENTS = 2_000_000;

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const START_TAG = /<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The 1-based line of `offset` in `text`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Reads `text` (the whole document) into its root element; errors are `format`'s LoadErrors. */
export function parseXml(format: FormatId, text: string): XmlElement {
  const malformed = (offset: number, detail: string): LoadError => new LoadError(format, 'malformed', `line ${lineOf(text, offset)}: ${detail}`);
  const decode = (raw: string, offset: number): string =>
    raw.indexOf('&') < 0
      ? raw
      : raw.replace(/&([^;&\s]{0,32});?/g, (whole, name: string) => {
          if (!whole.endsWith(';')) throw malformed(offset, `'&' that does not start an entity (write &amp;)`);
          if (name in ENTITIES) return ENTITIES[name]!;
          const code = /^#x[0-9a-f]+$/i.test(name) ? parseInt(name.slice(2), 16) : /^#\d+$/.test(name) ? Number(name.slice(1)) : NaN;
          if (!(code >= 0 && code <= 0x10ffff)) throw malformed(offset, `the entity '&${name};' is not one XML defines`);
          return String.fromCodePoint(code);
        });

  const top: XmlElement = { name: '', attributes: {}, children: [], text: '', at: 0 };
  const stack: XmlElement[] = [top];
  const texts: string[][] = [[]];
  let elements = 0;
  const addText = (raw: string, offset: number, cdata: boolean): void => {
    if (stack.length === 1) {
      if (/\S/.test(raw)) throw malformed(offset, 'text outside the root element');
      return;
    }
    if (!cdata && !/\S/.test(raw)) return;
    texts[texts.length - 1]!.push(cdata ? raw : decode(raw, offset));
  };
  const skipTo = (from: number, end: string, what: string): number => {
    const j = text.indexOf(end, from);
    if (j < 0) throw new LoadError(format, 'truncated', `line ${lineOf(text, from)}: ${what} is not closed: is the file cut short?`);
    return j + end.length;
  };

  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      addText(text.slice(i), i, false);
      break;
    }
    if (lt > i) addText(text.slice(i, lt), i, false);
    if (text.startsWith('<!--', lt)) {
      i = skipTo(lt + 4, '-->', 'a comment');
    } else if (text.startsWith('<![CDATA[', lt)) {
      i = skipTo(lt + 9, ']]>', 'a CDATA section');
      addText(text.slice(lt + 9, i - 3), lt, true);
    } else if (text.startsWith('<?', lt)) {
      i = skipTo(lt + 2, '?>', 'a processing instruction');
    } else if (text.startsWith('<!', lt)) {
      // <!DOCTYPE ...>, with an internal subset in brackets when it has one.
      const gt = text.indexOf('>', lt);
      const bracket = text.indexOf('[', lt);
      i = bracket >= 0 && (gt < 0 || bracket < gt) ? skipTo(skipTo(bracket, ']', 'a DOCTYPE'), '>', 'a DOCTYPE') : skipTo(lt, '>', 'a DOCTYPE');
    } else if (text.startsWith('</', lt)) {
      i = skipTo(lt, '>', 'a closing tag');
      const name = text.slice(lt + 2, i - 1).trim();
      const open = stack[stack.length - 1]!;
      if (stack.length === 1) throw malformed(lt, `</${name}> closes no element`);
      if (localName(name) !== open.name) throw malformed(lt, `</${name}> closes <${open.name}> (opened on line ${lineOf(text, open.at)})`);
      open.text = texts.pop()!.join('');
      stack.pop();
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(text);
      if (m === null) {
        if (text.indexOf('>', lt) < 0) throw new LoadError(format, 'truncated', `line ${lineOf(text, lt)}: a tag is not closed: is the file cut short?`);
        throw malformed(lt, `a tag that is not well-formed: ${JSON.stringify(text.slice(lt, lt + 40))}`);
      }
      i = lt + m[0].length;
      const attributes: Record<string, string> = {};
      for (const a of m[2]!.matchAll(ATTRIBUTE)) attributes[a[1]!] = decode(a[2] ?? a[3] ?? '', lt);
      const element: XmlElement = { name: localName(m[1]!), attributes, children: [], text: '', at: lt };
      if (++elements > MAX_ELEMENTS) throw new LoadError(format, 'too-large', `the document has more than ${formatCount(MAX_ELEMENTS)} elements`);
      if (stack.length === 1 && top.children.length > 0) throw malformed(lt, `a second root element <${element.name}>`);
      stack[stack.length - 1]!.children.push(element);
      if (m[3] !== '/') {
        if (stack.length > MAX_DEPTH) throw new LoadError(format, 'unsupported', `line ${lineOf(text, lt)}: elements are nested more than ${MAX_DEPTH} deep`);
        stack.push(element);
        texts.push([]);
      }
    }
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!;
    throw new LoadError(format, 'truncated', `the file ends inside <${open.name}> (opened on line ${lineOf(text, open.at)}): is it cut short?`);
  }
  const root = top.children[0];
  if (root === undefined) throw new LoadError(format, 'empty', 'the file holds no XML element');
  return root;
}

/** The children of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The first child of `element` named `name`. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
