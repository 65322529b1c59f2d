import { describe, expect, it } from 'vitest';
import { OTHER_UP_CHOICES, RADIO_UP_CHOICES, UP_CHOICES, upFromUrl } from '../../src/ui/upChoice';

describe('up choice', () => {
  it('reads every forced up from ?up=, and junk as auto', () => {
    for (const up of ['auto', 'z', 'y', '-y', 'x', '-x', '-z']) expect(upFromUrl(`?up=${encodeURIComponent(up)}`)).toBe(up);
    expect(upFromUrl('?up=-x')).toBe('-x'); // a minus needs no escaping in a query
    expect(upFromUrl('?up=%2Bx')).toBe('auto');
    expect(upFromUrl('?up=Z')).toBe('auto');
    expect(upFromUrl('')).toBe('auto');
  });

  it('the View panel shows each choice once, between its radio row and its list', () => {
    expect([...RADIO_UP_CHOICES, ...OTHER_UP_CHOICES].sort()).toEqual([...UP_CHOICES].sort());
    expect(UP_CHOICES).toHaveLength(7);
  });
});
