import { describe, expect, it } from 'vitest';
import { batchLabels, describeBatchClasses, stopReason } from '../../src/batch/batchClasses';

const MODEL = ['airplane', 'bathtub', 'bed', 'chair'];
const head = { name: 'bottle · guitar · lamp', classes: ['bottle', 'guitar', 'lamp'] };

describe('the classes a batch ranks', () => {
  it('are the head’s when one is in use, else the model’s', () => {
    expect(batchLabels(head, MODEL)).toEqual(head.classes);
    expect(batchLabels(null, MODEL)).toBe(MODEL);
    expect(batchLabels(undefined, MODEL)).toBe(MODEL);
  });

  it('are described with the head’s name and count, or the model’s count', () => {
    expect(describeBatchClasses(head, MODEL)).toBe('your head “bottle · guitar · lamp” (3 classes)');
    expect(describeBatchClasses(null, MODEL)).toBe("the model's 4 classes");
    expect(describeBatchClasses({ name: 'one', classes: ['one'] }, MODEL)).toBe('your head “one” (1 class)');
  });
});

describe('a running batch stops', () => {
  it('when the model changes, not while one is still opening', () => {
    expect(stopReason({ model: 'a', head: null }, { model: 'b', head: null })).toMatch(/^Stopped: the model changed to b \(the rows so far are a's\)/);
    expect(stopReason({ model: 'a', head: null }, { model: null, head: null })).toBeNull();
    expect(stopReason({ model: 'a', head: null }, { model: 'a', head: null })).toBeNull();
  });

  it('when a head is taken into use, dropped or replaced by another of the same name', () => {
    expect(stopReason({ model: 'a', head: null }, { model: 'a', head })).toMatch(/classes changed to your head “bottle · guitar · lamp” \(the rows so far are in the model's classes\)/);
    expect(stopReason({ model: 'a', head }, { model: 'a', head: null })).toMatch(/classes changed to the model's classes \(the rows so far are in your head/);
    // Same name, other weights: still another head.
    expect(stopReason({ model: 'a', head }, { model: 'a', head: { ...head } })).not.toBeNull();
    expect(stopReason({ model: 'a', head }, { model: 'a', head })).toBeNull();
  });

  it('for the model first when both change (a head belongs to one model)', () => {
    expect(stopReason({ model: 'a', head }, { model: 'b', head: null })).toMatch(/model changed to b/);
  });
});
