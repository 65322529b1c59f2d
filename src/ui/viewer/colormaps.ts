// Colormaps as 256-entry RGB tables (0..1), built once from a few stops by linear interpolation.
// The renderer writes colours out unconverted (see pointViewer.ts), so these are display values.

export type ColormapId = 'viridis' | 'magma' | 'attention';

// Stops of matplotlib's viridis and magma at equal spacing (sRGB hex).
const VIRIDIS = ['#440154', '#482878', '#3e4a89', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const STOPS: Record<ColormapId, readonly string[]> = {
  viridis: VIRIDIS,
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55964', '#fb8761', '#fec287', '#fcfdbf'],
  // For points on the page's dark background (#111214): viridis from its steel blue up, so the
  // least attended points still stand out (contrast >= 3:1, the non-text minimum of WCAG) while
  // brightness keeps rising with attention. magma and viridis start near black and hide them.
  attention: VIRIDIS.slice(3),
};

export const COLORMAP_SIZE = 256;

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

function buildTable(stops: readonly string[]): Float32Array {
  const rgb = stops.map(hexToRgb);
  const table = new Float32Array(COLORMAP_SIZE * 3);
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const t = (i / (COLORMAP_SIZE - 1)) * (rgb.length - 1);
    const lo = Math.min(Math.floor(t), rgb.length - 2);
    const f = t - lo;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = rgb[lo][c] * (1 - f) + rgb[lo + 1][c] * f;
  }
  return table;
}

const tables = new Map<ColormapId, Float32Array>();

/** The colormap's table: entry i holds the RGB for value i / 255. */
export function colormapTable(id: ColormapId): Float32Array {
  let table = tables.get(id);
  if (!table) {
    table = buildTable(STOPS[id]);
    tables.set(id, table);
  }
  return table;
}
