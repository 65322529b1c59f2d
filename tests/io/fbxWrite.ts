// FBX files for the tests, written here from the format's published structure (the app reads
// them with three.js's FBXLoader): a node tree of named records with typed properties, binary
// (7.4's 32-bit or 7.5's 64-bit offsets, arrays raw or zlib-compressed) or ASCII. `meshFbx` writes
// one mesh model: its vertices, its polygons (FBX ends each with a negated index) and its
// translation, connected to the scene's root.
import { zlibSync } from 'three/examples/jsm/libs/fflate.module.js';
import { concat } from './generate';

export type Property = { type: 'L' | 'I' | 'D'; value: number } | { type: 'S'; value: string } | { type: 'd' | 'i'; value: number[] };
export interface FbxNode {
  name: string;
  properties?: Property[];
  children?: FbxNode[];
}

const L = (value: number): Property => ({ type: 'L', value });
const I = (value: number): Property => ({ type: 'I', value });
const D = (value: number): Property => ({ type: 'D', value });
const S = (value: string): Property => ({ type: 'S', value });

/** The scene's nodes: a mesh model of `vertices` and `polygons` moved by `translation`. */
export function meshTree(vertices: number[], polygons: number[][], translation: [number, number, number], upAxis = 1): FbxNode[] {
  const index = polygons.flatMap((p) => p.map((v, k) => (k === p.length - 1 ? -v - 1 : v)));
  return [
    { name: 'FBXHeaderExtension', children: [{ name: 'FBXHeaderVersion', properties: [I(1003)] }, { name: 'FBXVersion', properties: [I(7400)] }] },
    { name: 'GlobalSettings', children: [{ name: 'Version', properties: [I(1000)] }, { name: 'Properties70', children: [{ name: 'P', properties: [S('UpAxis'), S('int'), S('Integer'), S(''), I(upAxis)] }] }] },
    {
      name: 'Objects',
      children: [
        { name: 'Geometry', properties: [L(1000), S('Geometry::Shape'), S('Mesh')], children: [{ name: 'Vertices', properties: [{ type: 'd', value: vertices }] }, { name: 'PolygonVertexIndex', properties: [{ type: 'i', value: index }] }, { name: 'GeometryVersion', properties: [I(124)] }] },
        { name: 'Model', properties: [L(2000), S('Model::Shape'), S('Mesh')], children: [{ name: 'Version', properties: [I(232)] }, { name: 'Properties70', children: [{ name: 'P', properties: [S('Lcl Translation'), S('Lcl Translation'), S(''), S('A'), ...translation.map(D)] }] }] },
      ],
    },
    { name: 'Connections', children: [{ name: 'C', properties: [S('OO'), L(1000), L(2000)] }, { name: 'C', properties: [S('OO'), L(2000), L(0)] }] },
  ];
}

const encoder = new TextEncoder();

function propertyBytes(p: Property, compress: boolean): Uint8Array {
  const head = encoder.encode(p.type);
  if (p.type === 'S') {
    const text = encoder.encode(p.value);
    const out = new Uint8Array(4 + text.length);
    new DataView(out.buffer).setUint32(0, text.length, true);
    out.set(text, 4);
    return concat(head, out);
  }
  if (p.type === 'd' || p.type === 'i') {
    const raw = p.type === 'd' ? new Uint8Array(new Float64Array(p.value).buffer) : new Uint8Array(new Int32Array(p.value).buffer);
    const stored = compress ? zlibSync(raw) : raw;
    const out = new Uint8Array(12 + stored.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, p.value.length, true);
    view.setUint32(4, compress ? 1 : 0, true);
    view.setUint32(8, stored.length, true);
    out.set(stored, 12);
    return concat(head, out);
  }
  const out = new Uint8Array(p.type === 'I' ? 4 : 8);
  const view = new DataView(out.buffer);
  const value = p.value as number;
  if (p.type === 'I') view.setInt32(0, value, true);
  else if (p.type === 'L') view.setBigInt64(0, BigInt(value), true);
  else view.setFloat64(0, value, true);
  return concat(head, out);
}

/** A binary FBX of `nodes`: version 7400 (32-bit offsets) or 7500 (64-bit), arrays zlib-compressed or raw. */
export function binaryFbx(nodes: FbxNode[], { version = 7400, compress = true } = {}): Uint8Array {
  const wide = version >= 7500;
  const headerBytes = wide ? 25 : 13;
  const nodeBytes = (node: FbxNode, at: number): Uint8Array => {
    const name = encoder.encode(node.name);
    const props = concat(...(node.properties ?? []).map((p) => propertyBytes(p, compress)));
    let pos = at + headerBytes + name.length + props.length;
    const children: Uint8Array[] = [];
    for (const child of node.children ?? []) {
      const bytes = nodeBytes(child, pos);
      children.push(bytes);
      pos += bytes.length;
    }
    if (node.children !== undefined) {
      children.push(new Uint8Array(headerBytes)); // the NULL record closing a nested list
      pos += headerBytes;
    }
    const header = new Uint8Array(headerBytes + name.length);
    const view = new DataView(header.buffer);
    const put = (k: number, v: number) => (wide ? view.setBigUint64(8 * k, BigInt(v), true) : view.setUint32(4 * k, v, true));
    put(0, pos);
    put(1, node.properties?.length ?? 0);
    put(2, props.length);
    header[headerBytes - 1] = name.length;
    header.set(name, headerBytes);
    return concat(header, props, ...children);
  };
  const head = new Uint8Array(27);
  head.set(encoder.encode('Kaydara FBX Binary  \0\x1a\0'));
  new DataView(head.buffer).setUint32(23, version, true);
  const parts: Uint8Array[] = [head];
  let at = 27;
  for (const node of nodes) {
    const bytes = nodeBytes(node, at);
    parts.push(bytes);
    at += bytes.length;
  }
  parts.push(new Uint8Array(headerBytes)); // the top level's NULL record
  parts.push(new Uint8Array(176 + ((16 - ((at + headerBytes + 176) % 16)) % 16))); // a zeroed footer, 16-aligned
  return concat(...parts);
}

/** The same nodes as ASCII FBX 7.4. */
export function asciiFbx(nodes: FbxNode[]): Uint8Array {
  const value = (p: Property): string => (p.type === 'S' ? JSON.stringify(p.value) : Array.isArray(p.value) ? '' : String(p.value));
  const lines: string[] = ['; FBX 7.4.0 project file', ''];
  const write = (node: FbxNode, indent: string) => {
    const props = node.properties ?? [];
    const array = props.find((p) => p.type === 'd' || p.type === 'i');
    if (array && Array.isArray(array.value)) {
      lines.push(`${indent}${node.name}: *${array.value.length} {`, `${indent}\ta: ${array.value.join(',')}`, `${indent}}`);
      return;
    }
    // As exporters write it: a comma and a space after a string, a bare comma before a number.
    const head = `${indent}${node.name}: ${props.map((p, k) => (k === 0 ? '' : props[k - 1]!.type === 'S' && p.type === 'S' ? ', ' : ',') + value(p)).join('')}`;
    if (node.children === undefined) {
      lines.push(head);
      return;
    }
    lines.push(`${head} {`);
    for (const child of node.children) write(child, `${indent}\t`);
    lines.push(`${indent}}`);
  };
  for (const node of nodes) write(node, '');
  return encoder.encode(`${lines.join('\n')}\n`);
}
