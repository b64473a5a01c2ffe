import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, BedSnapshot } from '../../../shared/domain/types';
import type { NotificationRequest, SettingsView } from '../../../shared/ipc/contract';
import { flush, mockStation, ok } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { setAlarmPlayer } from '../composables/use-alarm-sound';
import { useHashRouter } from '../composables/use-hash-router';
import {
  CRITICAL_REPEAT_MS,
  SILENCE_MS,
  soundLevel,
  toastLingers,
  useNotificationsStore,
} from './notifications';
import { useSettingsStore } from './settings';
import { useWardStore } from './ward';

const view = (sound: boolean): SettingsView => ({
  connection: {
    mode: 'simulator',
    risingwave: { host: 'h', port: 1, user: 'u', database: 'd', passwordSet: false },
    mysql: { host: 'h', port: 1, user: 'u', database: 'd', passwordSet: false },
    pollIntervalMs: 1000,
  },
  notifications: { enabled: true, sound, criticalRepeatMinutes: 5, coalesceMs: 3000 },
  secretStorage: { encrypted: false, message: 'memory only' },
  ackRetentionDays: 30,
});

const req = (level: 1 | 2, ids: string[], key = `k-${ids.join('-')}`): NotificationRequest => ({
  key,
  title: level === 2 ? 'Critical: bed P1' : 'Warning: bed P2',
  body: 'Heart rate too high',
  urgency: level === 2 ? 'critical' : 'normal',
  alertIds: ids,
  patientId: level === 2 ? 'P1' : 'P2',
  level,
  reminder: false,
});

const handled = (id: string): Alert => ({
  alertId: id,
  patientId: 'P1',
  deviceId: 'D1',
  alertTime: 0,
  alertType: 'heart_rate',
  alertDetail: '',
  alertLevel: 2,
  status: 'confirmed',
  handleBy: 'Ann',
  handleTime: 1,
  handleNote: null,
  reading: null,
});

async function setup(opts: { sound?: boolean; shell?: 'web' | 'electron'; beds?: BedSnapshot[] } = {}) {
  const played: number[] = [];
  setAlarmPlayer({ play: (l) => played.push(l), unlock: () => {} });
  const station = mockStation(
    {
      'settings:get': () => ok(view(opts.sound ?? true)),
      'ward:beds': () => ok(opts.beds ?? []),
    },
    opts.shell ?? 'web',
  );
  setStationApi(station.api);
  setActivePinia(createPinia());
  useSettingsStore().start();
  useWardStore().start();
  const store = useNotificationsStore();
  store.start();
  await flush(10);
  return { store, station, played };
}

describe('useNotificationsStore', () => {
  afterEach(() => {
    useNotificationsStore().stop();
    useWardStore().stop();
    setAlarmPlayer(null);
    setStationApi(null);
    vi.useRealTimers();
  });

  it('shows a toast (no browser notification permission in tests) and plays the level’s sound', async () => {
    const { store, station, played } = await setup();
    station.emit('notify:show', req(1, ['w1']));
    station.emit('notify:show', req(2, ['c1']));
    expect(store.toasts.map((t) => t.key)).toEqual(['k-c1', 'k-w1']);
    expect(played).toEqual([1, 2]);
  });

  it('replaces a toast with the same key (coalesced updates)', async () => {
    const { store, station } = await setup();
    station.emit('notify:show', req(1, ['w1'], 'bed-P2'));
    station.emit('notify:show', { ...req(1, ['w1', 'w2'], 'bed-P2'), body: '2 alerts' });
    expect(store.toasts).toHaveLength(1);
    expect(store.toasts[0]!.body).toBe('2 alerts');
  });

  it('repeats the critical alarm until the alert is acknowledged', async () => {
    vi.useFakeTimers();
    const { store, station, played } = await setup();
    station.emit('notify:show', req(2, ['c1']));
    expect(store.alarming).toBe(true);
    vi.advanceTimersByTime(CRITICAL_REPEAT_MS * 3);
    expect(played).toEqual([2, 2, 2, 2]);
    station.emit('alerts:changed', [handled('c1')]);
    expect(store.alarming).toBe(false);
    expect(store.toasts).toHaveLength(0);
    vi.advanceTimersByTime(CRITICAL_REPEAT_MS * 3);
    expect(played).toHaveLength(4);
  });

  it('silences for two minutes, then sounds again', async () => {
    vi.useFakeTimers();
    const { store, station, played } = await setup();
    station.emit('notify:show', req(2, ['c1']));
    store.silence();
    vi.advanceTimersByTime(CRITICAL_REPEAT_MS * 5);
    expect(played).toEqual([2]);
    vi.advanceTimersByTime(SILENCE_MS);
    expect(played.length).toBeGreaterThan(1);
  });

  // #21 item 7: silence is timed on the monotonic clock, so a wall-clock step back does not lengthen it.
  it('ends the silence after two minutes even when the wall clock steps back an hour', async () => {
    vi.useFakeTimers();
    const { store, station, played } = await setup();
    station.emit('notify:show', req(2, ['c1']));
    store.silence();
    vi.setSystemTime(Date.now() - 3_600_000); // wall time only: performance.now() keeps going
    vi.advanceTimersByTime(SILENCE_MS + CRITICAL_REPEAT_MS);
    expect(store.silenceRemainingMs()).toBe(0);
    expect(played.length).toBeGreaterThan(1);
  });

  it('obeys the policy’s sound flag', async () => {
    const { store, station, played } = await setup({ sound: false });
    station.emit('notify:show', req(2, ['c1']));
    expect(played).toEqual([]);
    expect(store.toasts).toHaveLength(1);
  });

  it('under Electron only sounds: the main process shows the OS notification', async () => {
    const { store, station, played } = await setup({ shell: 'electron' });
    station.emit('notify:show', req(2, ['c1']));
    expect(store.toasts).toHaveLength(0);
    expect(played).toEqual([2]);
  });

  it('opens the alert from a toast or a ui:focus-alert event', async () => {
    const { store, station } = await setup();
    const { route } = useHashRouter();
    station.emit('notify:show', req(1, ['w1']));
    store.open(store.toasts[0]!);
    expect(route.value).toMatchObject({ screen: 'alerts', params: { alertId: 'w1' } });
    expect(store.toasts).toHaveLength(0);
    station.emit('ui:focus-alert', { alertId: 'x9' });
    expect(route.value.params.alertId).toBe('x9');
  });

  it('stops the alarm when no bed is critical any more (missed change events)', async () => {
    const critical: BedSnapshot = {
      patientId: 'P1',
      deviceId: 'D1',
      latest: null,
      spark: { heartRate: [], bloodOxygen: [], bloodGlucose: [] },
      state: 'critical',
      activeAlertIds: ['c1'],
    };
    const { store, station } = await setup({ beds: [critical] });
    station.emit('notify:show', req(2, ['c1']));
    station.emit('ward:update', [
      {
        patientId: 'P1',
        deviceId: 'D1',
        latest: null,
        spark: { heartRate: [], bloodOxygen: [], bloodGlucose: [] },
        state: 'normal',
        activeAlertIds: [],
      },
    ]);
    await flush();
    expect(store.alarming).toBe(false);
  });

  it('auto-dismisses warning toasts but keeps critical ones', async () => {
    vi.useFakeTimers();
    const { store, station } = await setup();
    station.emit('notify:show', req(1, ['w1']));
    station.emit('notify:show', req(2, ['c1']));
    vi.advanceTimersByTime(60_000);
    expect(store.toasts.map((t) => t.key)).toEqual(['k-c1']);
  });

  // #12: losing a backend is a technical alarm: no patient, but it sounds; its all-clear does not.
  describe('technical alarms', () => {
    const lost: NotificationRequest = {
      key: 'backend:vitals',
      title: 'Technical: no connection to RisingWave (vital signs)',
      body: 'New alerts may not reach this station. Check patients at the bedside and call IT.',
      urgency: 'critical',
      alertIds: [],
      patientId: '',
      level: 1,
      reminder: false,
      technical: 'raised',
    };
    const restored: NotificationRequest = {
      ...lost,
      title: 'Technical: connection to RisingWave restored',
      urgency: 'normal',
      technical: 'cleared',
    };

    it('decides sound and toast lifetime', () => {
      expect(soundLevel(lost)).toBe(1);
      expect(soundLevel({ ...lost, reminder: true })).toBe(1);
      expect(soundLevel(restored)).toBeNull();
      expect(soundLevel(req(2, ['c1']))).toBe(2);
      expect(soundLevel(req(1, ['w1']))).toBe(1);
      expect(toastLingers(lost)).toBe(false); // the banner stays; the toast must not cover the buttons
      expect(toastLingers(restored)).toBe(false);
      expect(toastLingers(req(1, ['w1']))).toBe(false);
      expect(toastLingers(req(2, ['c1']))).toBe(true);
    });

    it('sounds the alarm (and its reminder) in both shells, not the all-clear', async () => {
      for (const shell of ['electron', 'web'] as const) {
        const { station, played } = await setup({ shell });
        station.emit('notify:show', lost);
        station.emit('notify:show', { ...lost, reminder: true });
        station.emit('notify:show', restored);
        expect(played).toEqual([1, 1]);
        useNotificationsStore().stop();
      }
    });

    it('lets the alarm toast go by itself (the banner stays), and the all-clear replaces it', async () => {
      vi.useFakeTimers();
      const { store, station } = await setup();
      station.emit('notify:show', lost);
      expect(store.toasts.map((t) => t.title)).toEqual([lost.title]);
      station.emit('notify:show', restored);
      expect(store.toasts.map((t) => t.title)).toEqual([restored.title]);
      vi.advanceTimersByTime(60_000);
      expect(store.toasts).toHaveLength(0);
      station.emit('notify:show', lost);
      vi.advanceTimersByTime(60_000);
      expect(store.toasts).toHaveLength(0);
    });

    it('is silenced like any alarm, and does not start the critical repeat', async () => {
      vi.useFakeTimers();
      const { store, station, played } = await setup();
      store.silence();
      station.emit('notify:show', lost);
      expect(played).toEqual([]);
      store.unsilence();
      station.emit('notify:show', { ...lost, reminder: true });
      vi.advanceTimersByTime(CRITICAL_REPEAT_MS * 3);
      expect(played).toEqual([1]);
      expect(store.alarming).toBe(false);
    });
  });
});
