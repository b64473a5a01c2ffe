import { describe, expect, it } from 'vitest';
import { currentShift, shiftBounds } from './shifts';

describe('shifts', () => {
  it('gives the bounds of each shift in ward time', () => {
    expect(shiftBounds('2026-01-15', 'early', 'UTC')).toEqual({
      from: Date.UTC(2026, 0, 15, 7),
      to: Date.UTC(2026, 0, 15, 15),
    });
    expect(shiftBounds('2026-01-15', 'night', 'Europe/Berlin')).toEqual({
      from: Date.UTC(2026, 0, 15, 22),
      to: Date.UTC(2026, 0, 16, 6),
    });
    expect(shiftBounds('2026-01-31', 'night', 'UTC')!.to).toBe(Date.UTC(2026, 1, 1, 7));
    expect(shiftBounds('nope', 'early', 'UTC')).toBeNull();
  });

  it('a night with a DST change is 7 hours long', () => {
    const b = shiftBounds('2026-03-28', 'night', 'Europe/Berlin')!;
    expect(b.to - b.from).toBe(7 * 3_600_000);
  });

  it('names the running shift by the day it started', () => {
    expect(currentShift(Date.UTC(2026, 0, 15, 8), 'UTC')).toEqual({ date: '2026-01-15', shift: 'early' });
    expect(currentShift(Date.UTC(2026, 0, 15, 16), 'UTC')).toEqual({ date: '2026-01-15', shift: 'late' });
    expect(currentShift(Date.UTC(2026, 0, 15, 23, 30), 'UTC')).toEqual({
      date: '2026-01-15',
      shift: 'night',
    });
    expect(currentShift(Date.UTC(2026, 0, 1, 3), 'UTC')).toEqual({ date: '2025-12-31', shift: 'night' });
  });
});
