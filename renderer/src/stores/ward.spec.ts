import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BedSnapshot, BedState } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import { flush, mockStation, ok } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { BEDS_PER_FRAME, mergeBeds, useWardStore } from './ward';

const bed = (id: string, state: BedState = 'normal', hr = 70): BedSnapshot => ({
  patientId: id,
  deviceId: `D-${id}`,
  latest: {
    patientId: id,
    deviceId: `D-${id}`,
    measureTime: 1,
    heartRate: hr,
    bloodOxygen: 97,
    bloodGlucose: 5,
  },
  spark: { heartRate: [hr], bloodOxygen: [97], bloodGlucose: [5] },
  state,
  activeAlertIds: state === 'normal' ? [] : ['x'],
});

describe('mergeBeds', () => {
  it('replaces by patient id, keeps unchanged beds’ identity and sorts new beds naturally', () => {
    const a = bed('P2');
    const b = bed('P10');
    const merged = mergeBeds([a, b], [bed('P10', 'critical', 140), bed('P1')]);
    expect(merged.map((x) => x.patientId)).toEqual(['P1', 'P2', 'P10']);
    expect(merged[1]).toBe(a);
    expect(merged[2]!.state).toBe('critical');
  });

  // Issue #12: a patient who leaves the station's ward leaves the overview.
  it('removes the tile of a vacated bed, keeps the others and ignores an unknown one', () => {
    const a = bed('P1');
    const b = bed('P2');
    const c = bed('P3');
    const merged = mergeBeds(
      [a, b, c],
      [
        { ...bed('P2'), vacated: true },
        { ...bed('P9'), vacated: true },
      ],
    );
    expect(merged.map((x) => x.patientId)).toEqual(['P1', 'P3']);
    expect(merged[0]).toBe(a);
    expect(merged[1]).toBe(c);
  });

  it('orders tiles by ward bed when the ward names them, and moves a patient who changes bed', () => {
    const p7 = { ...bed('P7'), bedId: '2' };
    const merged = mergeBeds([], [{ ...bed('P1'), bedId: '10' }, p7, { ...bed('P3'), bedId: '1' }]);
    expect(merged.map((x) => x.patientId)).toEqual(['P3', 'P7', 'P1']);
    const moved = mergeBeds(merged, [{ ...bed('P3'), bedId: '11' }]);
    expect(moved.map((x) => x.patientId)).toEqual(['P7', 'P1', 'P3']);
    expect(moved[0]).toBe(p7);
  });

  it('applies a push in order: a patient vacated and moved back in stays, the new patient is added', () => {
    const merged = mergeBeds(
      [bed('P1'), bed('P2')],
      [
        { ...bed('P1'), vacated: true },
        bed('P3'), // a new patient in the ward
        { ...bed('P2'), vacated: true },
        bed('P2', 'warning'),
      ],
    );
    expect(merged.map((x) => [x.patientId, x.state])).toEqual([
      ['P2', 'warning'],
      ['P3', 'normal'],
    ]);
  });
});

describe('useWardStore', () => {
  afterEach(() => {
    useWardStore().stop();
    setStationApi(null);
  });

  it('loads beds, merges updates and counts states', async () => {
    let active = 0;
    let maxActive = 0;
    const station = mockStation({
      'ward:beds': () => ok([bed('P3'), bed('P1'), bed('P2', 'warning')]),
      'thresholds:get': async ({ patientId }) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await flush(2);
        active--;
        return ok({ patientId, ...DEFAULT_THRESHOLDS, heartRateMax: 100, custom: true });
      },
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const ward = useWardStore();
    ward.start();
    await flush(40);
    expect(ward.beds.map((b) => b.patientId)).toEqual(['P1', 'P2', 'P3']);
    expect(ward.counts).toMatchObject({ normal: 2, warning: 1, critical: 0 });
    expect(ward.limits.get('P1')?.heartRateMax).toBe(100);
    expect(station.callsOf('thresholds:get')).toHaveLength(3);
    station.emit('ward:update', [bed('P3', 'critical', 150)]);
    expect(ward.counts.critical).toBe(1);
    expect(ward.bed('P3')!.latest!.heartRate).toBe(150);
    // limits are fetched once per bed, not on every update
    await flush(10);
    expect(station.callsOf('thresholds:get')).toHaveLength(3);
    expect(maxActive).toBeLessThanOrEqual(4);
  });

  it('draws a large push over several frames, beds changing state first, latest snapshot wins', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`);
    const station = mockStation({
      'ward:beds': () => ok(ids.map((id) => bed(id))),
      'thresholds:get': ({ patientId }) => ok({ patientId, ...DEFAULT_THRESHOLDS, custom: false }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const ward = useWardStore();
    ward.start();
    await flush(40);
    vi.useFakeTimers();
    try {
      const push = ids.map((id) => bed(id, id === 'P120' ? 'critical' : 'normal', 80));
      station.emit('ward:update', push);
      // at once: one frame's worth, the bed turning critical among them
      expect(ward.beds.filter((b) => b.latest!.heartRate === 80)).toHaveLength(BEDS_PER_FRAME);
      expect(ward.bed('P120')!.state).toBe('critical');
      // a newer snapshot of a waiting bed replaces the queued one
      station.emit('ward:update', [bed('P119', 'normal', 90)]);
      vi.advanceTimersByTime(16);
      expect(ward.beds.filter((b) => b.latest!.heartRate !== 70)).toHaveLength(2 * BEDS_PER_FRAME);
      vi.advanceTimersByTime(16);
      expect(ward.beds.every((b) => b.latest!.heartRate !== 70)).toBe(true);
      expect(ward.bed('P119')!.latest!.heartRate).toBe(90);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops a vacated patient's tile and limits, and fetches the limits again if they come back", async () => {
    const station = mockStation({
      'ward:beds': () => ok([bed('P1'), bed('P2')]),
      'thresholds:get': ({ patientId }) => ok({ patientId, ...DEFAULT_THRESHOLDS, custom: false }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const ward = useWardStore();
    ward.start();
    await flush(40);
    expect(ward.limits.has('P2')).toBe(true);
    station.emit('ward:update', [{ ...bed('P2', 'critical'), vacated: true }]);
    expect(ward.beds.map((b) => b.patientId)).toEqual(['P1']);
    expect(ward.bed('P2')).toBeUndefined();
    expect(ward.counts.critical).toBe(0);
    expect(ward.limits.has('P2')).toBe(false);
    await flush(10);
    // no limits are asked for a patient who has just left
    expect(station.callsOf('thresholds:get')).toHaveLength(2);
    station.emit('ward:update', [bed('P2')]);
    await flush(10);
    expect(ward.beds.map((b) => b.patientId)).toEqual(['P1', 'P2']);
    expect(station.callsOf('thresholds:get')).toHaveLength(3);
  });

  it('removes a vacated tile in the first frame of a large push', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`);
    const station = mockStation({
      'ward:beds': () => ok(ids.map((id) => bed(id))),
      'thresholds:get': ({ patientId }) => ok({ patientId, ...DEFAULT_THRESHOLDS, custom: false }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const ward = useWardStore();
    ward.start();
    await flush(40);
    vi.useFakeTimers();
    try {
      station.emit('ward:update', [
        ...ids.map((id) => bed(id, 'normal', 80)),
        { ...bed('P120'), vacated: true },
      ]);
      expect(ward.bed('P120')).toBeUndefined();
      vi.advanceTimersByTime(64);
      expect(ward.beds).toHaveLength(119);
      expect(ward.beds.every((b) => b.latest!.heartRate === 80)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the error for the screen when the beds cannot be loaded', async () => {
    const station = mockStation({
      'ward:beds': () => ({ ok: false, error: { code: 'unavailable', message: 'Station unreachable.' } }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const ward = useWardStore();
    await ward.load();
    expect(ward.loadError).toBe('Station unreachable.');
    expect(ward.loaded).toBe(false);
  });
});
