import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import { thresholdLimitsSchema } from '../../../shared/ipc/contract';
import { parseHash, pathFor } from '../composables/use-hash-router';
import { shortcutFor } from '../composables/use-shortcuts';
import { visibleWindow } from '../composables/use-virtual-list';
import { safeFilename } from './download';
import { MAX_TILE_WIDTH, MIN_TILE_WIDTH, tileLayout } from './tile-layout';
import { toNumber, zodFieldErrors } from './validation';
import { formatVital, vitalStatus } from './vitals';

describe('vitalStatus', () => {
  it('treats a value exactly on a limit as normal (same rule as the engine)', () => {
    expect(vitalStatus('heartRate', 120, DEFAULT_THRESHOLDS)).toBe('normal');
    expect(vitalStatus('heartRate', 121, DEFAULT_THRESHOLDS)).toBe('high');
    expect(vitalStatus('heartRate', 49, DEFAULT_THRESHOLDS)).toBe('low');
    expect(vitalStatus('bloodOxygen', 93, DEFAULT_THRESHOLDS)).toBe('normal');
    expect(vitalStatus('bloodOxygen', 92.9, DEFAULT_THRESHOLDS)).toBe('low');
    expect(vitalStatus('bloodOxygen', 100, DEFAULT_THRESHOLDS)).toBe('normal');
    expect(vitalStatus('bloodGlucose', 7.3, DEFAULT_THRESHOLDS)).toBe('high');
    expect(vitalStatus('bloodGlucose', 7.3, null)).toBe('normal');
  });
  it('formats with the vital’s precision', () => {
    expect(formatVital('bloodGlucose', 5)).toBe('5.0');
    expect(formatVital('heartRate', 72.4)).toBe('72');
    expect(formatVital('heartRate', null)).toBe('—');
  });
});

describe('parseHash', () => {
  it('maps hashes to screens', () => {
    expect(parseHash('')).toMatchObject({ screen: 'ward' });
    expect(parseHash('#/')).toMatchObject({ screen: 'ward' });
    expect(parseHash('#/alerts')).toMatchObject({ screen: 'alerts', params: {} });
    expect(parseHash('#/alerts/abc123')).toMatchObject({ screen: 'alerts', params: { alertId: 'abc123' } });
    expect(parseHash('#/patients/bed%207')).toMatchObject({
      screen: 'patient',
      params: { patientId: 'bed 7' },
    });
    expect(parseHash('#/settings?x=1')).toMatchObject({ screen: 'settings' });
    expect(parseHash('#/nowhere')).toMatchObject({ screen: 'ward' });
    expect(parseHash('#/patients/%E0%A4%A')).toMatchObject({ screen: 'ward' });
    expect(parseHash('#/alerts/a/b')).toMatchObject({ screen: 'ward' });
  });
  it('round-trips paths', () => {
    expect(parseHash(`#${pathFor('patient', 'bed/7')}`).params.patientId).toBe('bed/7');
    expect(pathFor('ward')).toBe('/');
  });
});

describe('shortcutFor', () => {
  const map = { j: () => {}, Escape: () => {} };
  const input = { tagName: 'INPUT', type: 'text' } as unknown as EventTarget;
  const checkbox = { tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget;
  const base = { ctrlKey: false, metaKey: false, altKey: false };
  it('leaves keys typed into a field to the field, except Escape', () => {
    expect(shortcutFor(map, { ...base, key: 'j', target: null })).toBe(map.j);
    expect(shortcutFor(map, { ...base, key: 'j', target: input })).toBeNull();
    expect(shortcutFor(map, { ...base, key: 'j', target: checkbox })).toBe(map.j);
    expect(shortcutFor(map, { ...base, key: 'Escape', target: input })).toBe(map.Escape);
    expect(shortcutFor(map, { ...base, ctrlKey: true, key: 'j', target: null })).toBeNull();
    expect(shortcutFor(map, { ...base, key: 'x', target: null })).toBeNull();
  });
});

describe('visibleWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    expect(visibleWindow(100_000, 56, 0, 560, 5)).toEqual({ start: 0, end: 20, offset: 0, total: 5_600_000 });
    const w = visibleWindow(100_000, 56, 56 * 50_000, 560, 5);
    expect(w.start).toBe(49_995);
    expect(w.end - w.start).toBe(20);
    expect(visibleWindow(3, 56, 0, 560, 5)).toMatchObject({ start: 0, end: 3 });
    expect(visibleWindow(0, 56, 500, 560, 5)).toMatchObject({ start: 0, end: 0 });
  });
});

describe('tileLayout', () => {
  it('makes a few beds big and many beds small, within bounds', () => {
    const few = tileLayout(8, 1600, 760, 8);
    const many = tileLayout(200, 1600, 760, 8);
    expect(few.width).toBeGreaterThan(many.width);
    expect(few.width).toBeLessThanOrEqual(MAX_TILE_WIDTH);
    expect(few.fits).toBe(true);
    expect(many.width).toBeGreaterThanOrEqual(MIN_TILE_WIDTH);
  });
  it('fits every bed on screen when it can', () => {
    for (const n of [8, 12, 24, 48, 60]) {
      const l = tileLayout(n, 1900, 950, 8);
      const rows = Math.ceil(n / l.columns);
      expect(rows * (l.height + 8) - 8).toBeLessThanOrEqual(950);
    }
  });
});

describe('validation', () => {
  it('turns zod issues into plain sentences per field', () => {
    const r = thresholdLimitsSchema.safeParse({
      ...DEFAULT_THRESHOLDS,
      heartRateMin: 130,
      bloodOxygenMin: 101,
    });
    expect(r.success).toBe(false);
    const e = zodFieldErrors(r.error!);
    expect(e.bloodOxygenMin).toBe('Must be at most 100.');
    const r2 = thresholdLimitsSchema.safeParse({ ...DEFAULT_THRESHOLDS, heartRateMin: 130 });
    expect(zodFieldErrors(r2.error!).heartRateMin).toBe('Heart rate minimum must be below its maximum.');
    const r3 = thresholdLimitsSchema.safeParse({ ...DEFAULT_THRESHOLDS, heartRateMax: toNumber('') });
    expect(zodFieldErrors(r3.error!).heartRateMax).toBe('Enter a number.');
  });
  it('reads decimal commas', () => {
    expect(toNumber('3,9')).toBe(3.9);
    expect(toNumber(' 7 ')).toBe(7);
  });
  it('makes download names safe', () => {
    expect(safeFilename('../etc/passwd')).toBe('_etc_passwd');
    expect(safeFilename('shift 2026-01-15.csv')).toBe('shift_2026-01-15.csv');
    expect(safeFilename('')).toBe('export.csv');
  });
});
