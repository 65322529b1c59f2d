// The modifiers of a Blender object that make copies of its mesh, applied (blend.ts): a .blend keeps
// each mesh as it is before its modifiers, and modellers build half a chair and mirror it, one
// baluster and array it. Each is a set of matrices, in the object's own frame, that place copies of
// the mesh; the modifier stack is read in order, each modifier turning the copies so far into more:
// - Mirror: each axis on (x, y, z in turn) adds the reflection of every copy so far, over the
//   object's own axes or over a mirror object's;
// - Array of a fixed count: copy j is the step applied j times to every copy so far, the step a
//   constant offset, plus a relative one (a multiple of the copies' bounding box), then an offset
//   object's transform relative to the object's.
// Blender's merging of the seams changes no surface and is not done. Any other modifier on in the
// viewport that changes the shape (Boolean, Screw, geometry nodes, an armature, an Array fitted to
// a length or a curve, an Array's caps, ...) is passed to `skipped` to be named in a warning;
// those that only smooth or refine a shape are not (SHAPE_KEEPING).
import { type BlendFile, type StructView, listOf, nameOf } from './blendFile';
import { worldOf } from './blendPlace';
import { LIMITS, POINT_LIMIT_TEXT, formatCount } from './limits';
import { IDENTITY, type Matrix, invertAffine, multiply, scaling, translation } from './matrix';
import { quote } from './text';
import { LoadError } from './types';

/** ModifierData.mode: on in the viewport. */
const MODIFIER_VIEWPORT = 1 << 0;
/** MirrorModifierData.flag: the axes mirrored over. */
const MIRROR_AXES = [1 << 3, 1 << 4, 1 << 5];
/** ArrayModifierData.offset_type: a constant offset, a relative one, an offset object's. */
const ARRAY_CONSTANT = 1 << 0;
const ARRAY_RELATIVE = 1 << 1;
const ARRAY_OBJECT = 1 << 2;
/** ArrayModifierData.fit_type: a fixed count (the others fit a length or a curve). */
const ARRAY_FIXED_COUNT = 0;
/** Modifiers that smooth, refine or re-mesh a shape without changing what it is: not named in the
 * warnings. */
const SHAPE_KEEPING = new Set(
  ['Subsurf', 'Multires', 'Triangulate', 'WeightedNormal', 'EdgeSplit', 'Bevel', 'Solidify', 'Smooth', 'CorrectiveSmooth', 'LaplacianSmooth', 'Decimate', 'Weld', 'NormalEdit', 'DataTransfer', 'UVProject', 'UVWarp', 'WeightVGEdit', 'WeightVGMix', 'WeightVGProximity', 'Collision', 'Surface', 'Remesh'].map((n) => `${n}ModifierData`),
);

/** `ob`'s world matrix inverted, times `other`'s: `other`'s frame seen from `ob`'s; null when
 * `ob`'s flattens space. */
function relativeFrame(file: BlendFile, ob: StructView, other: StructView): Matrix | null {
  const inverse = invertAffine(worldOf(file, ob));
  return inverse ? multiply(inverse, worldOf(file, other)) : null;
}

/** A mirror's reflection in an object's own frame: over its axes, or over a mirror object's
 * (into its frame, flipped there, and back). */
function mirrorMatrix(file: BlendFile, ob: StructView, modifier: StructView, axis: number): Matrix {
  const flip = scaling([axis === 0 ? -1 : 1, axis === 1 ? -1 : 1, axis === 2 ? -1 : 1]);
  const mirrorObject = file.at(modifier.pointer('mirror_ob'));
  const frame = mirrorObject ? relativeFrame(file, ob, mirrorObject) : null;
  const back = frame ? invertAffine(frame) : null;
  return frame && back ? multiply(frame, multiply(flip, back)) : flip;
}

/** The bounding box of the mesh's copies so far: min x y z, max x y z. */
function boundsOf(positions: Float64Array, copies: Matrix[]): [number[], number[]] {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const m of copies) {
    for (let i = 0; i < positions.length; i += 3) {
      const [x, y, z] = [positions[i]!, positions[i + 1]!, positions[i + 2]!];
      for (let k = 0; k < 3; k++) {
        const v = m[k]! * x + m[4 + k]! * y + m[8 + k]! * z + m[12 + k]!;
        lo[k] = Math.min(lo[k]!, v);
        hi[k] = Math.max(hi[k]!, v);
      }
    }
  }
  return [lo, hi];
}

/** An Array modifier's step from one copy to the next. */
function arrayStep(file: BlendFile, ob: StructView, modifier: StructView, positions: Float64Array, copies: Matrix[]): Matrix {
  const kinds = modifier.number('offset_type');
  const offset = [0, 0, 0];
  if (kinds & ARRAY_CONSTANT) modifier.numbers('offset', 3).forEach((v, k) => (offset[k] += v));
  if (kinds & ARRAY_RELATIVE) {
    const [lo, hi] = boundsOf(positions, copies);
    modifier.numbers('scale', 3).forEach((v, k) => (offset[k] += v * (hi[k]! - lo[k]!)));
  }
  const step = translation(offset);
  const other = kinds & ARRAY_OBJECT ? file.at(modifier.pointer('offset_ob')) : undefined;
  const frame = other ? relativeFrame(file, ob, other) : null;
  return frame ? multiply(step, frame) : step;
}

/** The matrices placing the copies of `ob`'s mesh (its vertices `positions`) that its Mirror and
 * Array modifiers make, the mesh itself first; the modifiers not applied go to `skipped`. */
export function modifiedCopies(file: BlendFile, ob: StructView, positions: Float64Array, skipped: (what: string) => void): Matrix[] {
  let copies: Matrix[] = [IDENTITY];
  const vertices = positions.length / 3;
  const room = (factor: number, what: string): void => {
    if (copies.length * factor * vertices > LIMITS.maxPoints) {
      throw new LoadError('blend', 'too-large', `${what} makes more than ${formatCount(LIMITS.maxPoints)} vertices; ${POINT_LIMIT_TEXT}`);
    }
  };
  for (const modifier of listOf(file, ob.sub('modifiers'), (m) => m.sub('modifier')?.pointer('next') ?? 0n)) {
    const base = modifier.sub('modifier');
    if (!base || (base.number('mode') & MODIFIER_VIEWPORT) === 0) continue;
    const name = `${base.text('name') || modifier.type.replace(/ModifierData$/, '')} on ${quote(nameOf(ob))}`;
    if (modifier.type === 'MirrorModifierData') {
      MIRROR_AXES.forEach((bit, axis) => {
        if ((modifier.number('flag') & bit) === 0) return;
        room(2, `the mirror ${name}`);
        const m = mirrorMatrix(file, ob, modifier, axis);
        copies = [...copies, ...copies.map((c) => multiply(m, c))];
      });
    } else if (modifier.type === 'ArrayModifierData' && modifier.number('fit_type') === ARRAY_FIXED_COUNT) {
      const count = Math.max(1, modifier.number('count'));
      room(count, `the array ${name}`);
      const step = arrayStep(file, ob, modifier, positions, copies);
      const made = [...copies];
      for (let j = 1, at = step; j < count; j++, at = multiply(at, step)) made.push(...copies.map((c) => multiply(at, c)));
      copies = made;
      if (modifier.pointer('start_cap') !== 0n || modifier.pointer('end_cap') !== 0n) skipped(`${name}'s caps`);
    } else if (!SHAPE_KEEPING.has(modifier.type)) {
      skipped(name);
    }
  }
  return copies;
}
