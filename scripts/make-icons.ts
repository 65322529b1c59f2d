// Draws the app icon (the design of public/favicon.svg: a dark rounded square with a few
// points) into the PNGs a web app manifest needs for installability: 192 and 512 px, plus a
// maskable 512 px one with the points inside the safe zone. Run once; the PNGs are committed.
//   node --input-type=module -e "const { runnerImport } = await import('vite'); await runnerImport('./scripts/make-icons.ts', { configFile: false })"
import { mkdirSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

type Rgb = [number, number, number];
const BACKGROUND: Rgb = [0x18, 0x19, 0x1c];
const BLUE: Rgb = [0x5a, 0xa9, 0xff];
const GREEN: Rgb = [0x35, 0xb7, 0x79];
// Circles of the 32 x 32 favicon: x, y, r, colour.
const DOTS: [number, number, number, Rgb][] = [
  [16, 7, 2.2, BLUE], [8, 12, 2, BLUE], [24, 12, 2, BLUE], [11, 19, 2.2, BLUE], [21, 19, 2.2, BLUE], [16, 25.5, 2.4, BLUE],
  [16, 15, 1.6, GREEN], [6, 21, 1.4, GREEN], [26, 21, 1.4, GREEN],
];

/** RGBA pixels; `maskable` fills the whole square and shrinks the dots into the 80 % safe zone. */
function draw(size: number, maskable: boolean): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const S = 4; // supersamples per axis
  const unit = size / 32;
  const scale = maskable ? 0.7 : 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) / unit; // 0..32
          const v = (y + (sy + 0.5) / S) / unit;
          if (!maskable && !insideRoundedSquare(u, v, 7)) continue;
          let c = BACKGROUND;
          for (const [cx, cy, cr, colour] of DOTS) {
            const du = (u - 16) / scale + 16 - cx;
            const dv = (v - 16) / scale + 16 - cy;
            if (du * du + dv * dv <= cr * cr) c = colour;
          }
          r += c[0]; g += c[1]; b += c[2]; a += 255;
        }
      }
      const n = S * S;
      const o = 4 * (y * size + x);
      // Premultiplied sums -> straight alpha.
      const cover = a / 255;
      px[o] = cover ? Math.round(r / cover) : 0;
      px[o + 1] = cover ? Math.round(g / cover) : 0;
      px[o + 2] = cover ? Math.round(b / cover) : 0;
      px[o + 3] = Math.round(a / n);
    }
  }
  return px;
}

function insideRoundedSquare(u: number, v: number, radius: number): boolean {
  const dx = Math.max(radius - u, 0, u - (32 - radius));
  const dy = Math.max(radius - v, 0, v - (32 - radius));
  return dx * dx + dy * dy <= radius * radius;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** RGBA 8-bit PNG, filter 0 on every row. */
function png(size: number, rgba: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, size);
  hv.setUint32(4, size);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = new Uint8Array(size * (1 + size * 4));
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (1 + size * 4) + 1);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

mkdirSync('public/icons', { recursive: true });
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['maskable-512.png', 512, true]] as const) {
  writeFileSync(`public/icons/${name}`, png(size, draw(size, maskable)));
  console.log(`public/icons/${name}: ${size} x ${size}${maskable ? ' (maskable)' : ''}`);
}
