// Gaussian splats (docs/io.md, "Gaussian splats"): what 3D Gaussian Splatting's PLY, SuperSplat's
// compressed PLY, .splat and .spz files hold is read as points, each splat's centre coloured by its
// base colour. The splats' sizes, turns and view-dependent colour are not needed to classify the
// shape and are not read. Nearly transparent splats (haze, floaters, the fill between surfaces) are
// left out with the other clean-up (finish.ts), unless every point of the file is kept.
import { countOf, formatCount } from './limits';

/** The constant of the zeroth spherical harmonic: a splat's colour is 0.5 + SH_C0 * its f_dc. */
export const SH_C0 = 0.28209479177387814;

export const SPLATS = {
  /** Splats whose opacity (0..1, after the sigmoid) is below this are left out: a viewer shows them
   * as faint haze at most, where a surface is drawn by splats far more opaque. */
  transparentBelow: 0.1,
} as const;

/** A splat's base colour channel (0..1) from its zeroth spherical-harmonic coefficient. */
export function colorFromDc(dc: number): number {
  const c = 0.5 + SH_C0 * dc;
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

/** A splat's opacity (0..1) from the logit 3D Gaussian Splatting stores. */
export function opacityFromLogit(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

/** Which splats to keep (1) and how many: those at least SPLATS.transparentBelow opaque. A NaN
 * opacity keeps its splat (its position decides). When every splat is below it, none is left out:
 * the file may store opacity otherwise, and its centres are all there is. */
export function opaqueSplats(opacity: Float32Array): { keep: Uint8Array; kept: number } {
  const keep = new Uint8Array(opacity.length);
  let kept = 0;
  for (let i = 0; i < opacity.length; i++) {
    if (!(opacity[i]! < SPLATS.transparentBelow)) {
      keep[i] = 1;
      kept++;
    }
  }
  if (kept === 0) keep.fill(1);
  return { keep, kept: kept === 0 ? opacity.length : kept };
}

/** What the user reads when splats were left out. */
export function transparentWarning(dropped: number, total: number): string {
  return (
    `${formatCount(dropped)} of ${countOf(total, 'splat')} ${dropped === 1 ? 'was' : 'were'} nearly transparent ` +
    `(opacity under ${SPLATS.transparentBelow}) and left out (haze and floaters, not the shape's surface)`
  );
}
