// The one place in src/io that touches three.js: running its loaders so colours come out as the
// file's own values, and getting plain typed arrays out of what they return.
import { type BufferAttribute, type BufferGeometry, ColorManagement, type InterleavedBufferAttribute } from 'three';

/** Runs a three.js loader with colour management off: the loaders otherwise convert every colour
 * from sRGB to linear, and our PointCloud holds the file's own 0..1 values. The loaders are
 * synchronous, so the global flag is restored before anything else can run. */
export function withFileColors<T>(parse: () => T): T {
  const was = ColorManagement.enabled;
  ColorManagement.enabled = false;
  try {
    return parse();
  } finally {
    ColorManagement.enabled = was;
  }
}

/** The loaders take an ArrayBuffer that is exactly the file; copies only when `bytes` is a view
 * into a larger buffer. */
export function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** A 3-component attribute as a Float32Array (shared when it already is one). */
export function float32Attribute(geometry: BufferGeometry, name: string): Float32Array | undefined {
  const attribute = geometry.getAttribute(name) as BufferAttribute | InterleavedBufferAttribute | undefined;
  if (attribute === undefined || attribute.itemSize !== 3) return undefined;
  if (!('isInterleavedBufferAttribute' in attribute) && attribute.array instanceof Float32Array && !attribute.normalized) {
    return attribute.array.length === attribute.count * 3 ? attribute.array : attribute.array.slice(0, attribute.count * 3);
  }
  const out = new Float32Array(attribute.count * 3);
  for (let i = 0; i < attribute.count; i++) {
    out[3 * i] = attribute.getX(i);
    out[3 * i + 1] = attribute.getY(i);
    out[3 * i + 2] = attribute.getZ(i);
  }
  return out;
}
