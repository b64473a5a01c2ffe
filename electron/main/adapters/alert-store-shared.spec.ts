import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain/types';
import {
  AlertStoreError,
  alertColumns,
  conflictMessage,
  containsPattern,
  interpolatePercentiles,
  isLegalTransition,
  localDayStart,
  resolveTimeZone,
  wardDays,
} from './alert-store-shared';

const base: Alert = {
  alertId: 'a',
  patientId: 'P001',
  deviceId: 'D1',
  alertTime: Date.UTC(2026, 10, 20, 3, 0),
  alertType: 'heart_rate',
  alertDetail: '',
  alertLevel: 1,
  status: 'confirmed',
  handleBy: 'Ana',
  handleTime: Date.UTC(2026, 10, 20, 3, 12, 59),
  handleNote: null,
  reading: null,
};

describe('transition rules', () => {
  it('allows pending → confirmed → resolved and pending → resolved only', () => {
    expect(isLegalTransition('pending', 'confirm')).toBe(true);
    expect(isLegalTransition('pending', 'resolve')).toBe(true);
    expect(isLegalTransition('confirmed', 'resolve')).toBe(true);
    expect(isLegalTransition('confirmed', 'confirm')).toBe(false);
    expect(isLegalTransition('resolved', 'confirm')).toBe(false);
    expect(isLegalTransition('resolved', 'resolve')).toBe(false);
  });
});

describe('conflictMessage', () => {
  const ctx = { ownStation: 'ST-1', timeZone: 'UTC', at: Date.UTC(2026, 10, 20, 3, 20) };

  it('names nurse, ward-local time and station', () => {
    expect(conflictMessage(base, 'ST-2', ctx)).toBe(
      'Already confirmed by Nurse Ana at 03:12 from station ST-2',
    );
    expect(conflictMessage(base, 'ST-2', { ...ctx, timeZone: 'Asia/Kolkata' })).toBe(
      'Already confirmed by Nurse Ana at 08:42 from station ST-2',
    );
  });

  it('leaves out what it does not know', () => {
    expect(
      conflictMessage({ ...base, status: 'resolved', handleBy: null, handleTime: null }, null, ctx),
    ).toBe('Already resolved');
  });
});

describe('containsPattern', () => {
  it('escapes the LIKE wildcards and the escape character, not backslashes', () => {
    expect(containsPattern('a%b_c!d\\e')).toBe('%a!%b!_c!!d\\e%');
  });
});

describe('interpolatePercentiles', () => {
  const pick = (sorted: number[]) => {
    const n = sorted.length;
    const want = new Set([
      Math.floor((n - 1) / 2),
      Math.floor(n / 2),
      Math.floor((9 * (n - 1)) / 10),
      Math.floor((9 * (n - 1) + 9) / 10),
    ]);
    return new Map(sorted.map((v, i) => [i, v] as [number, number]).filter(([i]) => want.has(i)));
  };

  it('interpolates like PERCENTILE_CONT', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(interpolatePercentiles(pick(values), values.length)).toEqual({ median: 6, p90: 10 });
    const even = [10, 20, 30, 40];
    expect(interpolatePercentiles(pick(even), even.length)).toEqual({ median: 25, p90: 37 });
  });

  it('has no percentiles without samples', () => {
    expect(interpolatePercentiles(new Map(), 0)).toEqual({ median: null, p90: null });
  });
});

describe('ward days', () => {
  it('finds local midnight in zones with odd offsets', () => {
    expect(localDayStart(Date.UTC(2026, 10, 20, 12), 'UTC')).toBe(Date.UTC(2026, 10, 20));
    expect(localDayStart(Date.UTC(2026, 10, 20, 12), 'Asia/Kolkata')).toBe(Date.UTC(2026, 10, 19, 18, 30));
    expect(localDayStart(Date.UTC(2026, 10, 20, 20), 'Asia/Kolkata')).toBe(Date.UTC(2026, 10, 20, 18, 30));
    expect(localDayStart(Date.UTC(2026, 10, 20, 3), 'America/New_York')).toBe(Date.UTC(2026, 10, 19, 5));
  });

  it('handles the 23-hour and 25-hour days of daylight saving time', () => {
    // Europe/Berlin: 2026-03-29 has 23 hours, 2026-10-25 has 25.
    const spring = wardDays(Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 2, 30, 12), 'Europe/Berlin');
    expect(spring.labels).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(spring.starts).toEqual([
      Date.UTC(2026, 2, 27, 23),
      Date.UTC(2026, 2, 28, 23),
      Date.UTC(2026, 2, 29, 22),
    ]);
    const autumn = wardDays(Date.UTC(2026, 9, 24, 12), Date.UTC(2026, 9, 26, 12), 'Europe/Berlin');
    expect(autumn.starts).toEqual([
      Date.UTC(2026, 9, 23, 22),
      Date.UTC(2026, 9, 24, 22),
      Date.UTC(2026, 9, 25, 23),
    ]);
  });

  it('covers a week in eight days at most', () => {
    const to = Date.UTC(2026, 10, 20, 12);
    const days = wardDays(to - 7 * 86_400_000, to, 'UTC');
    expect(days.labels).toHaveLength(8);
    expect(days.labels[0]).toBe('2026-11-13');
    expect(days.labels[7]).toBe('2026-11-20');
  });

  it('refuses an unknown zone', () => {
    expect(() => resolveTimeZone('Nowhere/Land')).toThrow(AlertStoreError);
    expect(resolveTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });
});

describe('alertColumns', () => {
  it('rounds heart rate to whole beats and drops non-finite vitals', () => {
    const cols = alertColumns({
      ...base,
      reading: { heartRate: 72.6, bloodOxygen: Number.NaN, bloodGlucose: 5.5 },
    });
    expect(cols).toMatchObject({ heartRate: 73, bloodOxygen: null, bloodGlucose: 5.5 });
  });

  it('explains why an alert cannot be stored', () => {
    expect(alertColumns({ ...base, patientId: '' })).toMatch(/patient id/);
    expect(alertColumns({ ...base, alertTime: Number.NaN })).toMatch(/time/);
    expect(alertColumns({ ...base, alertType: 't'.repeat(65) as 'heart_rate' })).toMatch(/type/);
  });
});
