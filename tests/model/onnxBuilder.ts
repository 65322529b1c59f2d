// A tiny ONNX writer for tests: just enough protobuf (onnx.proto field numbers) to build small
// graphs in the test itself, so the session and classifier tests need no exported model.

type Field = Uint8Array;

const enc = new TextEncoder();

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const intField = (no: number, value: number | bigint): Field => new Uint8Array([...varint(no << 3), ...varint(value)]);
const bytesField = (no: number, bytes: Uint8Array): Field =>
  concat([new Uint8Array([...varint((no << 3) | 2), ...varint(bytes.length)]), bytes]);
const strField = (no: number, s: string): Field => bytesField(no, enc.encode(s));
const msg = (...fields: Field[]): Uint8Array => concat(fields);

export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;

export interface ValueInfo {
  name: string;
  type: typeof FLOAT | typeof INT32 | typeof INT64;
  dims: (number | string)[];
}

export interface Initializer {
  name: string;
  type: typeof FLOAT | typeof INT64;
  dims: number[];
  data: Float32Array | BigInt64Array;
  /** Store the bytes outside the model, ONNX external-data style. */
  external?: { location: string; offset: number };
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[]>;
}

export interface GraphSpec {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
  nodes: NodeSpec[];
  opset?: number;
}

function valueInfo(v: ValueInfo): Uint8Array {
  const dims = v.dims.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : strField(2, d)));
  const shape = msg(...dims);
  const tensorType = msg(intField(1, v.type), bytesField(2, shape));
  return msg(strField(1, v.name), bytesField(2, bytesField(1, tensorType)));
}

function tensor(t: Initializer): Uint8Array {
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const fields: Field[] = [...t.dims.map((d) => intField(1, d)), intField(2, t.type), strField(8, t.name)];
  if (t.external) {
    const entry = (k: string, v: string) => bytesField(13, msg(strField(1, k), strField(2, v)));
    fields.push(entry('location', t.external.location), entry('offset', String(t.external.offset)));
    fields.push(entry('length', String(raw.length)), intField(14, 1));
  } else {
    fields.push(bytesField(9, raw));
  }
  return msg(...fields);
}

function attribute(name: string, value: number | number[]): Uint8Array {
  if (Array.isArray(value)) return msg(strField(1, name), ...value.map((v) => intField(8, v)), intField(20, 7));
  return msg(strField(1, name), intField(3, value), intField(20, 2));
}

function node(n: NodeSpec, i: number): Uint8Array {
  return msg(
    ...n.inputs.map((x) => strField(1, x)),
    ...n.outputs.map((x) => strField(2, x)),
    strField(3, `${n.op}_${i}`),
    strField(4, n.op),
    ...Object.entries(n.attrs ?? {}).map(([k, v]) => bytesField(5, attribute(k, v))),
  );
}

/** A ModelProto (IR 8, default domain at `opset`, 17 unless given). */
export function buildModel(g: GraphSpec): Uint8Array {
  const graph = msg(
    ...g.nodes.map((n, i) => bytesField(1, node(n, i))),
    strField(2, 'tiny'),
    ...(g.initializers ?? []).map((t) => bytesField(5, tensor(t))),
    ...g.inputs.map((v) => bytesField(11, valueInfo(v))),
    ...g.outputs.map((v) => bytesField(12, valueInfo(v))),
  );
  const opset = msg(strField(1, ''), intField(2, g.opset ?? 17));
  return msg(intField(1, 8), strField(2, 'any2point-tests'), bytesField(7, graph), bytesField(8, opset));
}
