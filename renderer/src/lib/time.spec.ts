import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatClock,
  formatDateTime,
  formatDuration,
  fromLocalInput,
  safeZone,
  toLocalInput,
  zonedToEpoch,
} from './time';

describe('ward time', () => {
  const t = Date.UTC(2026, 0, 15, 2, 5, 9);

  it('formats in the ward zone, not the computer’s', () => {
    expect(formatClock(t, 'UTC')).toBe('02:05:09');
    expect(formatClock(t, 'Europe/Berlin')).toBe('03:05:09');
    expect(formatDateTime(t, 'America/New_York')).toBe('2026-01-14 21:05:09');
  });

  it('falls back to UTC for an unknown zone instead of throwing', () => {
    expect(safeZone('Not/AZone')).toBe('UTC');
    expect(formatClock(t, 'Not/AZone')).toBe('02:05:09');
  });

  it('converts wall-clock ward time to epoch, across DST changes', () => {
    expect(zonedToEpoch(2026, 1, 15, 3, 5, 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 15, 2, 5));
    // summer time (UTC+2)
    expect(zonedToEpoch(2026, 7, 1, 12, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 10, 0));
    // the day clocks go forward: 07:00 is already summer time
    expect(zonedToEpoch(2026, 3, 29, 7, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 5, 0));
  });

  it('round-trips datetime-local values', () => {
    const v = toLocalInput(t, 'Europe/Berlin');
    expect(v).toBe('2026-01-15T03:05');
    expect(fromLocalInput(v, 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 15, 2, 5));
    expect(fromLocalInput('', 'UTC')).toBeNull();
  });

  it('says how long ago in words a nurse reads at a glance', () => {
    expect(formatAgo(1000, 3000)).toBe('just now');
    expect(formatAgo(0, 42_000)).toBe('42 s ago');
    expect(formatAgo(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatAgo(0, 125 * 60_000)).toBe('2 h 05 min ago');
    expect(formatAgo(0, 3 * 86_400_000)).toBe('3 d ago');
    expect(formatAgo(5000, 0)).toBe('just now');
    expect(formatDuration(252_000)).toBe('4 min 12 s');
    expect(formatDuration(20_000)).toBe('20 s');
  });
});
