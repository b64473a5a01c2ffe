import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendHealth, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { SettingsView } from '../../../shared/ipc/contract';
import { fail, flush, mockStation, ok } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { mergeHealth, useHealthStore } from './health';
import { usePatientStore } from './patient';
import { useReviewStore } from './review';
import { useSettingsStore } from './settings';

const h = (backend: BackendHealth['backend'], up: boolean, since = 1): BackendHealth => ({
  backend,
  adapter: 'x',
  up,
  since,
  message: null,
});

afterEach(() => setStationApi(null));

describe('health', () => {
  it('merges per backend in a fixed order', () => {
    expect(
      mergeHealth([h('cache', true), h('vitals', true)], [h('alerts', false)]).map((x) => x.backend),
    ).toEqual(['vitals', 'alerts', 'cache']);
  });

  it('exposes the alert store outage for the offline banner and follows events', async () => {
    const station = mockStation({
      'health:get': () => ok([h('vitals', true), h('alerts', true), h('cache', true)]),
      'rejects:summary': () => ok({ total: 0, byDevice: [] }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const store = useHealthStore();
    store.start();
    await flush(10);
    expect(store.alertStoreDown).toBeNull();
    station.emit('health:changed', [h('alerts', false, 1234)]);
    expect(store.alertStoreDown?.since).toBe(1234);
    station.emit('rejects:changed', {
      total: 3,
      byDevice: [{ deviceId: 'D9', count: 3, lastReason: 'bad', lastAt: 5 }],
    });
    expect(store.rejects?.total).toBe(3);
    store.stop();
  });
});

describe('patient thresholds', () => {
  const t: Thresholds = { patientId: 'P1', ...DEFAULT_THRESHOLDS, custom: false };

  it('validates like the station and reports what the station rejects', async () => {
    const station = mockStation({
      'thresholds:get': () => ok(t),
      'patients:trend': () => ok([]),
      'patients:alerts': () => ok([]),
      'thresholds:update': ({ limits }) =>
        limits.heartRateMax > 200
          ? fail('bad_request', 'Heart rate maximum is not plausible.')
          : ok({ ...t, ...limits, custom: true }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const p = usePatientStore();
    await p.open('P1');
    expect(station.callsOf('patients:trend')[0]).toMatchObject({ patientId: 'P1' });
    const bad = await p.saveThresholds({ ...DEFAULT_THRESHOLDS, heartRateMin: 130 });
    expect(bad).toMatchObject({
      ok: false,
      fields: { heartRateMin: 'Heart rate minimum must be below its maximum.' },
    });
    expect(station.callsOf('thresholds:update')).toHaveLength(0);
    const rejected = await p.saveThresholds({ ...DEFAULT_THRESHOLDS, heartRateMax: 250 });
    expect(rejected).toEqual({ ok: false, message: 'Heart rate maximum is not plausible.', fields: {} });
    const saved = await p.saveThresholds({ ...DEFAULT_THRESHOLDS, heartRateMax: 110 });
    expect(saved).toEqual({ ok: true });
    expect(p.thresholds).toMatchObject({ heartRateMax: 110, custom: true });
    p.close();
  });

  it('adds the patient’s new alerts live', async () => {
    const station = mockStation({
      'thresholds:get': () => ok(t),
      'patients:trend': () => ok([]),
      'patients:alerts': () => ok([]),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const p = usePatientStore();
    await p.open('P1');
    const a = {
      alertId: 'n1',
      patientId: 'P1',
      deviceId: 'D',
      alertTime: 5,
      alertType: 'heart_rate' as const,
      alertDetail: '',
      alertLevel: 1 as const,
      status: 'pending' as const,
      handleBy: null,
      handleTime: null,
      handleNote: null,
      reading: null,
    };
    station.emit('alerts:new', [a, { ...a, alertId: 'other', patientId: 'P2' }]);
    expect(p.alerts.map((x) => x.alertId)).toEqual(['n1']);
    p.close();
    expect(station.listenerCount('alerts:new')).toBe(0);
  });
});

describe('settings', () => {
  const view: SettingsView = {
    connection: {
      mode: 'simulator',
      risingwave: { host: 'h', port: 4566, user: 'root', database: 'dev', passwordSet: true },
      mysql: { host: 'h', port: 3306, user: 'u', database: 'd', passwordSet: false },
      pollIntervalMs: 1000,
    },
    notifications: { enabled: true, sound: true, criticalRepeatMinutes: 5, coalesceMs: 3000 },
    secretStorage: { encrypted: true, message: 'safeStorage' },
    ackRetentionDays: 30,
  };

  it('validates connection settings on the client and never sends an empty password', async () => {
    const station = mockStation({ 'settings:update-connection': () => ok(view) });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const s = useSettingsStore();
    const base = {
      mode: 'connected' as const,
      risingwave: { host: 'rw', port: 4566, user: 'root', database: 'dev', password: undefined },
      mysql: { host: 'my', port: 3306, user: 'u', database: 'd', password: 'secret' },
      pollIntervalMs: 1000,
    };
    const bad = await s.updateConnection({ ...base, pollIntervalMs: 5 });
    expect(bad).toMatchObject({ ok: false, fields: { pollIntervalMs: 'Must be at least 200.' } });
    expect(await s.updateConnection(base)).toEqual({ ok: true });
    const sent = station.callsOf('settings:update-connection')[0] as typeof base;
    expect('password' in sent.risingwave && sent.risingwave.password !== undefined).toBe(false);
    expect(sent.mysql.password).toBe('secret');
  });
});

describe('review', () => {
  it('sends only the filters that are set and checks the export range', async () => {
    const station = mockStation({
      'review:list': () => ok([]),
      'review:export-csv': () => ok({ filename: 'a.csv', csv: 'x' }),
    });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const r = useReviewStore();
    r.setFilters({ nurse: ' Ann ', action: 'resolve' });
    await flush();
    expect(station.callsOf('review:list')[0]).toEqual({
      patientId: undefined,
      nurse: 'Ann',
      action: 'resolve',
      from: undefined,
      to: undefined,
      limit: 2000,
    });
    expect(await r.exportCsv(10, 5)).toBe('The shift must end after it starts.');
    expect(await r.exportCsv(5, 10)).toEqual({ filename: 'a.csv', csv: 'x' });
  });
});
