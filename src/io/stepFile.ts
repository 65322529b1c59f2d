// STEP's exchange structure (ISO 10303-21, .step / .stp): a HEADER section, then a DATA section of
// entity instances, `#12=NAME(arguments);`, or complex ones, `#12=(NAME(...)OTHER(...));`. An
// argument is a number, a 'string' ('' for a quote), an .ENUMERATION., a #reference, $ (unset),
// * (derived), a (list), or a typed value NAME(...). This reads the DATA section into entities by
// id; step.ts reads the shapes from them. Comments (/* */) and white space between tokens are
// skipped; anything else is refused with its line.
import { LIMITS, formatCount } from './limits';
import { LoadError } from './types';

export interface StepRef {
  ref: number;
}
export interface StepEnum {
  enum: string;
}
export interface StepTyped {
  type: string;
  args: StepValue[];
}
export type StepValue = number | string | StepRef | StepEnum | StepTyped | StepValue[] | null;

export interface StepEntity {
  id: number;
  /** The entity's type in upper case; for a complex entity, its parts' types joined by '+'. */
  type: string;
  args: StepValue[];
  /** A complex entity's parts by type (B-splines made rational, units). */
  parts?: Map<string, StepValue[]>;
}

/** Entities a file may hold: 20 million lines of a STEP file take about 1.5 GB. */
const MAX_ENTITIES = 10_000_000;

function malformed(detail: string): LoadError {
  return new LoadError('step', 'malformed', detail);
}

class Tokens {
  at = 0;
  line = 1;

  constructor(private readonly text: string) {}

  /** Skips white space and comments. */
  skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.at);
      if (c === 10) {
        this.line++;
        this.at++;
      } else if (c === 32 || c === 9 || c === 13) this.at++;
      else if (c === 47 && t.charCodeAt(this.at + 1) === 42) {
        const end = t.indexOf('*/', this.at + 2);
        if (end < 0) throw malformed(`line ${this.line}: a comment (/*) is never closed`);
        for (let i = this.at; i < end; i++) if (t.charCodeAt(i) === 10) this.line++;
        this.at = end + 2;
      } else return;
    }
  }

  peek(): string {
    this.skip();
    return this.text[this.at] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) throw malformed(`line ${this.line}: expected "${ch}" but found ${this.shown()}`);
    this.at++;
  }

  shown(): string {
    const rest = this.text.slice(this.at, this.at + 20).split('\n')[0]!;
    return rest === '' ? 'the end of the file' : `"${rest}"`;
  }

  /** An upper-case keyword (an entity or type name). */
  keyword(): string {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.at, this.at + 256));
    if (m === null) throw malformed(`line ${this.line}: expected a name but found ${this.shown()}`);
    this.at += m[0].length;
    return m[0].toUpperCase();
  }

  value(depth: number): StepValue {
    if (depth > 64) throw malformed(`line ${this.line}: lists nest more than 64 deep`);
    const c = this.peek();
    const t = this.text;
    if (c === '(') {
      this.at++;
      const list: StepValue[] = [];
      if (this.peek() === ')') {
        this.at++;
        return list;
      }
      for (;;) {
        list.push(this.value(depth + 1));
        const next = this.peek();
        this.at++;
        if (next === ')') return list;
        if (next !== ',') throw malformed(`line ${this.line}: expected "," or ")" in a list but found ${next === '' ? 'the end of the file' : `"${next}"`}`);
      }
    }
    if (c === '#') {
      const m = /^#(\d+)/.exec(t.slice(this.at, this.at + 24));
      if (m === null) throw malformed(`line ${this.line}: "#" not followed by an instance number`);
      this.at += m[0].length;
      return { ref: Number(m[1]) };
    }
    if (c === "'") {
      let out = '';
      let i = this.at + 1;
      for (;;) {
        const q = t.indexOf("'", i);
        if (q < 0) throw malformed(`line ${this.line}: a string is never closed`);
        out += t.slice(i, q);
        if (t[q + 1] === "'") {
          out += "'";
          i = q + 2;
        } else {
          for (let k = this.at; k < q; k++) if (t.charCodeAt(k) === 10) this.line++;
          this.at = q + 1;
          return out;
        }
      }
    }
    if (c === '.') {
      const m = /^\.([A-Za-z0-9_]+)\./.exec(t.slice(this.at, this.at + 256));
      if (m !== null) {
        this.at += m[0].length;
        return { enum: m[1]!.toUpperCase() };
      }
    }
    if (c === '$' || c === '*') {
      this.at++;
      return null;
    }
    if (c === '"') {
      // A binary value ("0F3A..."): not used by shapes.
      const q = t.indexOf('"', this.at + 1);
      if (q < 0) throw malformed(`line ${this.line}: a binary value is never closed`);
      this.at = q + 1;
      return null;
    }
    const number = /^[+-]?(\d+\.?\d*|\.\d+)([Ee][+-]?\d+)?/.exec(t.slice(this.at, this.at + 64));
    if (number !== null) {
      this.at += number[0].length;
      const v = Number(number[0]);
      if (!Number.isFinite(v)) throw malformed(`line ${this.line}: the number ${number[0]} is beyond what a double holds`);
      return v;
    }
    if (/[A-Za-z_]/.test(c)) {
      const type = this.keyword();
      const args = this.value(depth + 1);
      if (!Array.isArray(args)) throw malformed(`line ${this.line}: the typed value ${type} has no (arguments)`);
      return { type, args };
    }
    throw malformed(`line ${this.line}: expected a value but found ${this.shown()}`);
  }
}

/** The DATA section's entities by instance number. */
export function parseStepData(text: string): Map<number, StepEntity> {
  if (!/^\s*ISO-10303-21\s*;/.test(text.slice(0, 4096))) throw malformed('not a STEP file: it does not start with "ISO-10303-21;"');
  const data = /(^|[;\s])DATA\s*(\([^)]*\))?\s*;/m.exec(text);
  if (data === null) throw malformed('the file has no DATA section');
  const tokens = new Tokens(text);
  tokens.at = data.index + data[0].length;
  tokens.line = text.slice(0, tokens.at).split('\n').length;
  const entities = new Map<number, StepEntity>();
  for (;;) {
    const c = tokens.peek();
    if (c === '') throw new LoadError('step', 'truncated', 'the DATA section never ends (no ENDSEC;): is the file cut short?');
    if (c !== '#') {
      const word = tokens.keyword();
      if (word === 'ENDSEC') break;
      throw malformed(`line ${tokens.line}: expected an instance (#12=...) or ENDSEC but found ${word}`);
    }
    const ref = tokens.value(0) as StepRef;
    tokens.expect('=');
    let entity: StepEntity;
    if (tokens.peek() === '(') {
      tokens.at++;
      const parts = new Map<string, StepValue[]>();
      while (tokens.peek() !== ')') {
        const type = tokens.keyword();
        const args = tokens.value(1);
        if (!Array.isArray(args)) throw malformed(`line ${tokens.line}: ${type} has no (arguments)`);
        parts.set(type, args);
      }
      tokens.at++;
      entity = { id: ref.ref, type: [...parts.keys()].join('+'), args: [], parts };
    } else {
      const type = tokens.keyword();
      const args = tokens.value(1);
      if (!Array.isArray(args)) throw malformed(`line ${tokens.line}: ${type} has no (arguments)`);
      entity = { id: ref.ref, type, args };
    }
    tokens.expect(';');
    if (entities.has(entity.id)) throw malformed(`line ${tokens.line}: instance #${entity.id} is defined twice`);
    if (entities.size >= MAX_ENTITIES) throw new LoadError('step', 'too-large', `the file holds more than ${formatCount(MAX_ENTITIES)} instances; ${formatCount(LIMITS.maxPoints)} points are read at most`);
    entities.set(entity.id, entity);
  }
  return entities;
}
