import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain/types';
import { compareAlerts, lowerBound, matchesFilters, mergeAlerts, type AlertFilters } from './alert-list';

const NOW = 1_800_000_000_000;
const all: AlertFilters = { range: '24h', level: null, status: null, patientSearch: '' };

function alert(id: string, t: number, patch: Partial<Alert> = {}): Alert {
  return {
    alertId: id,
    patientId: 'P1',
    deviceId: 'D1',
    alertTime: t,
    alertType: 'heart_rate',
    alertDetail: '',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: null,
    ...patch,
  };
}

describe('order', () => {
  it('sorts by time desc, then id desc (the server keyset)', () => {
    const list = [alert('a', 1), alert('c', 2), alert('b', 2)].sort(compareAlerts);
    expect(list.map((a) => a.alertId)).toEqual(['c', 'b', 'a']);
    expect(lowerBound(list, { alertTime: 2, alertId: 'b' })).toBe(1);
    expect(lowerBound(list, { alertTime: 3, alertId: 'z' })).toBe(0);
    expect(lowerBound(list, { alertTime: 0, alertId: 'a' })).toBe(3);
  });
});

describe('matchesFilters', () => {
  it('applies level, status, range and a case-insensitive patient search', () => {
    const a = alert('x', NOW - 1000, { alertLevel: 2, patientId: 'Bed-12' });
    expect(matchesFilters(a, all, NOW)).toBe(true);
    expect(matchesFilters(a, { ...all, level: 1 }, NOW)).toBe(false);
    expect(matchesFilters(a, { ...all, status: 'confirmed' }, NOW)).toBe(false);
    expect(matchesFilters(a, { ...all, patientSearch: 'bed-1' }, NOW)).toBe(true);
    expect(matchesFilters(a, { ...all, patientSearch: 'P9' }, NOW)).toBe(false);
    expect(matchesFilters(alert('old', NOW - 2 * 3_600_000), { ...all, range: '1h' }, NOW)).toBe(false);
  });
});

describe('mergeAlerts', () => {
  const page = [alert('c', NOW - 10), alert('b', NOW - 20), alert('a', NOW - 30)];

  it('puts a new alert at its place and leaves the input untouched', () => {
    const r = mergeAlerts(page, [alert('d', NOW - 5), alert('bb', NOW - 15)], all, NOW, true);
    expect(r.items.map((a) => a.alertId)).toEqual(['d', 'c', 'bb', 'b', 'a']);
    expect(r.inserted).toBe(2);
    expect(page).toHaveLength(3);
  });

  it('replaces a changed alert in place', () => {
    const changed = alert('b', NOW - 20, { status: 'confirmed', handleBy: 'Ann' });
    const r = mergeAlerts(page, [changed], all, NOW, true);
    expect(r.items[1]).toBe(changed);
    expect(r.inserted).toBe(0);
  });

  it('removes an alert that no longer matches the filter', () => {
    const r = mergeAlerts(
      page,
      [alert('b', NOW - 20, { status: 'confirmed' })],
      { ...all, status: 'pending' },
      NOW,
      true,
    );
    expect(r.items.map((a) => a.alertId)).toEqual(['c', 'a']);
    expect(r.removed).toEqual(['b']);
  });

  it('leaves alerts older than the loaded pages to pagination', () => {
    const r = mergeAlerts(page, [alert('old', NOW - 100)], all, NOW, false);
    expect(r.changed).toBe(false);
    const r2 = mergeAlerts(page, [alert('old', NOW - 100)], all, NOW, true);
    expect(r2.items.map((a) => a.alertId)).toEqual(['c', 'b', 'a', 'old']);
  });

  it('ignores new alerts that do not match', () => {
    const r = mergeAlerts(page, [alert('x', NOW - 1, { alertLevel: 2 })], { ...all, level: 1 }, NOW, true);
    expect(r.changed).toBe(false);
    expect(r.items).toBe(page);
  });

  it('equals filtering and sorting everything (property)', () => {
    const arbAlert = fc.record({
      id: fc.integer({ min: 0, max: 30 }).map((n) => `id${n}`),
      t: fc.integer({ min: 0, max: 20 }),
      level: fc.constantFrom<1 | 2>(1, 2),
      status: fc.constantFrom('pending' as const, 'confirmed' as const, 'resolved' as const),
    });
    fc.assert(
      fc.property(
        fc.array(arbAlert, { maxLength: 20 }),
        fc.array(arbAlert, { maxLength: 20 }),
        (initial, incoming) => {
          // ids are unique in a list and an alert keeps its time
          const timeOf = new Map<string, number>();
          const mk = (x: { id: string; t: number; level: 1 | 2; status: Alert['status'] }) => {
            if (!timeOf.has(x.id)) timeOf.set(x.id, NOW - x.t);
            return alert(x.id, timeOf.get(x.id)!, { alertLevel: x.level, status: x.status });
          };
          const filters: AlertFilters = { ...all, status: 'pending' };
          const start = [...new Map(initial.map((x) => [x.id, mk(x)])).values()]
            .filter((a) => matchesFilters(a, filters, NOW))
            .sort(compareAlerts);
          const inc = incoming.map(mk);
          const merged = mergeAlerts(start, inc, filters, NOW, true).items;
          const expected = new Map(start.map((a) => [a.alertId, a]));
          for (const a of inc) expected.set(a.alertId, a);
          const want = [...expected.values()]
            .filter((a) => matchesFilters(a, filters, NOW))
            .sort(compareAlerts);
          expect(merged.map((a) => a.alertId)).toEqual(want.map((a) => a.alertId));
          expect(merged.map((a) => a.status)).toEqual(want.map((a) => a.status));
        },
      ),
    );
  });
});
