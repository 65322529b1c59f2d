import { describe, expect, it } from 'vitest';
import { ATTENTION_COLORMAP } from '../../src/ui/attentionView';
import { colormapTable, COLORMAP_SIZE, type ColormapId } from '../../src/ui/viewer/colormaps';

// The page background (--bg in src/ui/app.css); the viewer draws points straight onto it.
const BACKGROUND = [0x11, 0x12, 0x14].map((v) => v / 255);

/** WCAG 2 relative luminance of an sRGB colour with channels in 0..1. */
function luminance([r, g, b]: number[]): number {
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}

function contrast(a: number[], b: number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

function entries(id: ColormapId): number[][] {
  const table = colormapTable(id);
  return Array.from({ length: COLORMAP_SIZE }, (_, i) => Array.from(table.subarray(3 * i, 3 * i + 3)));
}

describe('the attention colour map on the dark background', () => {
  it('is the map the attention view uses', () => {
    expect(ATTENTION_COLORMAP).toBe('attention');
  });

  it('every colour stands out from the background by at least 3:1 (WCAG non-text contrast)', () => {
    const weakest = Math.min(...entries('attention').map((c) => contrast(c, BACKGROUND)));
    expect(weakest).toBeGreaterThanOrEqual(3);
  });

  it('gets brighter as attention rises, so the order can be read', () => {
    const l = entries('attention').map(luminance);
    expect(l.every((v, i) => i === 0 || v >= l[i - 1]!)).toBe(true);
    expect(l.at(-1)! / l[0]!).toBeGreaterThan(4);
  });

  it('magma, the map it replaces, hides its low end in the background (the check can fail)', () => {
    expect(contrast(entries('magma')[0]!, BACKGROUND)).toBeLessThan(1.2);
  });
});
