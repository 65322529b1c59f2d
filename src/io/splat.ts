// .splat: the raw Gaussian splats that web splat viewers load (antimatter15's format): no header,
// 32 bytes a splat, little-endian: x, y, z (float32), three scales (float32), red, green, blue,
// alpha (bytes; the colour as shown and the opacity), then the rotation (4 bytes). Read as points
// coloured by the splat's colour, with the alpha as opacity (splats.ts).
import { LIMITS, POINT_LIMIT_TEXT, countOf, formatCount } from './limits';
import { LoadError, type Parsed } from './types';

const RECORD = 32;

export function parseSplat(bytes: Uint8Array): Parsed {
  const n = Math.floor(bytes.length / RECORD);
  const over = bytes.length - n * RECORD;
  if (over !== 0) {
    throw new LoadError(
      'splat',
      'malformed',
      `${formatCount(bytes.length)} bytes are not whole splats of ${RECORD} bytes (${countOf(n, 'splat')} and ${countOf(over, 'byte')} over): ` +
        'the file is cut short, or is not a .splat file',
    );
  }
  if (n > LIMITS.maxPoints) throw new LoadError('splat', 'too-large', `the file holds ${formatCount(n)} splats; ${POINT_LIMIT_TEXT}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const positions = new Float32Array(n * 3);
  const colors = new Float32Array(n * 3);
  const opacity = new Float32Array(n);
  for (let i = 0, at = 0; i < n; i++, at += RECORD) {
    for (let k = 0; k < 3; k++) {
      positions[3 * i + k] = view.getFloat32(at + 4 * k, true);
      colors[3 * i + k] = bytes[at + 24 + k]! / 255;
    }
    opacity[i] = bytes[at + 27]! / 255;
  }
  return { kind: 'points', cloud: { positions, colors, count: n }, fileVertexCount: n, warnings: [], opacity };
}
