// The core's view of the local acknowledgement cache (issue #21, finding 4): cache health follows the
// AckCache port on the health tick, a cache replaced at start-up is a technical alarm that stays visible
// until the station restarts, and a failing cache write reaches the nurse as a clear message.
import { describe, expect, it } from 'vitest';
import type { Alert, BackendHealth, BedSnapshot, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { NotificationRequest, SettingsView } from '../../../shared/ipc/contract';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { createSqliteAckCache } from '../adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store';
import { FakeClock } from './fake-clock';
import type { AckCache, AlertOutbox, VitalsSource } from './ports';
import { StationCore, type StationCoreDeps } from './station-core';
import { StationError } from './station-error';
import { callAs, NOBODY } from '../../../tests/support/nurses';

const ANA = callAs('Ana', { role: 'nurse' });

const NOW = 2_000_000;
/** lets the health tick's async probe finish and schedule the next tick */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function alert(alertId: string): Alert {
  return {
    alertId,
    patientId: 'P001',
    deviceId: 'D001',
    alertTime: NOW - 1000,
    alertType: 'heart_rate',
    alertDetail: 'Heart rate too high: 139 bpm',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 139, bloodOxygen: 97, bloodGlucose: 5 },
  };
}

class Vitals implements VitalsSource {
  readonly adapter = 'fake';
  readonly alertL = new Set<(a: Alert[]) => void>();
  async start() {}
  async stop() {}
  async beds(): Promise<BedSnapshot[]> {
    return [];
  }
  async trend() {
    return [];
  }
  async thresholds(patientId: string): Promise<Thresholds> {
    return { patientId, ...DEFAULT_THRESHOLDS, custom: false };
  }
  async updateThresholds(patientId: string): Promise<Thresholds> {
    return { patientId, ...DEFAULT_THRESHOLDS, custom: true };
  }
  rejects() {
    return { total: 0, byDevice: [] };
  }
  onAlerts(l: (a: Alert[]) => void) {
    this.alertL.add(l);
    return () => this.alertL.delete(l);
  }
  onBeds() {
    return () => undefined;
  }
  onHealth() {
    return () => undefined;
  }
  health() {
    return { backend: 'vitals' as const, adapter: 'fake', up: true, since: 0, message: null };
  }
}

/** The real SQLite cache, with its health (and, if asked, its writes) under the test's control. */
function cacheDouble() {
  const real = createSqliteAckCache(openStationDatabase(':memory:'));
  const state = { health: { up: true, message: null as string | null }, appendError: null as Error | null };
  const cache: AckCache = {
    ...real,
    append: (rec) => {
      if (state.appendError) throw state.appendError;
      return real.append(rec);
    },
    health: () => state.health,
  };
  return { cache, state };
}

/** Alerts waiting for the store (another finding's port): a plain in-memory queue is enough here. */
function memoryOutbox(): AlertOutbox {
  const queued = new Map<string, Alert>();
  return {
    add: (alerts) => alerts.forEach((a) => queued.set(a.alertId, a)),
    peek: (limit) => [...queued.values()].slice(0, limit),
    remove: (ids) => ids.forEach((id) => queued.delete(id)),
    size: () => queued.size,
  };
}

async function setup(over: Partial<StationCoreDeps> = {}) {
  const clock = new FakeClock(NOW);
  const vitals = new Vitals();
  const { cache, state } = cacheDouble();
  const shown: NotificationRequest[] = [];
  const logs: string[] = [];
  const healthEvents: BackendHealth[] = [];
  const core = new StationCore({
    vitals,
    alerts: createSqliteAlertStore(openStationDatabase(':memory:'), { stationId: 'ST-1' }),
    cache,
    outbox: memoryOutbox(),
    notifier: { show: (r) => shown.push(r) },
    clock,
    settings: {
      view: () => ({}) as SettingsView,
      notifications: () => ({ enabled: true, sound: false, criticalRepeatMinutes: 5, coalesceMs: 0 }),
      updateConnection: () => ({}) as SettingsView,
      updateNotifications: () => ({}) as SettingsView,
      ackRetentionDays: () => 30,
      updateRetention: () => ({}) as SettingsView,
      updateSignIn: () => ({}) as SettingsView,
    },
    info: {
      mode: 'simulator',
      stationId: 'ST-1',
      version: 'test',
      wardTimeZone: 'UTC',
      shell: 'web',
      demoRoster: null,
    },
    recordFeedInStore: true,
    log: (level, message) => logs.push(`${level} ${message}`),
    ...over,
  });
  core.on((event, payload) => {
    if (event === 'health:changed') {
      const c = (payload as BackendHealth[]).find((h) => h.backend === 'cache');
      if (c) healthEvents.push(c);
    }
  });
  await core.start();
  const cacheHealth = async () =>
    (await core.handlers['health:get']({}, NOBODY)).find((h) => h.backend === 'cache')!;
  return { clock, vitals, core, state, shown, logs, healthEvents, cacheHealth };
}

describe('StationCore: local cache health', () => {
  it('follows the cache port on the health tick, emits health:changed and raises a technical alarm once', async () => {
    const { clock, core, state, shown, healthEvents, cacheHealth } = await setup();
    expect(await cacheHealth()).toMatchObject({ up: true, message: null });
    const message =
      'The local acknowledgement cache file was deleted or replaced while the station was running.';
    state.health = { up: false, message };
    clock.advance(1000);
    expect(await cacheHealth()).toMatchObject({ up: false, message, since: NOW + 1000 });
    expect(healthEvents.at(-1)).toMatchObject({ up: false, message });
    const alarms = shown.filter((n) => n.key === 'cache:health');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ level: 1, urgency: 'normal', alertIds: [], reminder: false });
    expect(alarms[0]!.title).toMatch(/^Technical: /);
    expect(alarms[0]!.body).toBe(message);

    const emitted = healthEvents.length;
    for (let i = 0; i < 3; i++) {
      await settle();
      clock.advance(1000); // same state: no new event, no new alarm
    }
    expect(healthEvents).toHaveLength(emitted);
    expect(shown.filter((n) => n.key === 'cache:health')).toHaveLength(1);

    state.health = { up: true, message: null };
    await settle();
    clock.advance(1000);
    expect(await cacheHealth()).toMatchObject({ up: true, message: null });
    expect(healthEvents.at(-1)).toMatchObject({ up: true });
    await core.stop();
  });

  it('a cache replaced at start-up is a technical alarm, logged as an error, shown until restart', async () => {
    const message =
      'The local acknowledgement cache was damaged and has been replaced; kept as /d/x.damaged-1.';
    const { clock, core, shown, logs, cacheHealth } = await setup({
      cacheReplacedAtStart: { message, announce: true },
    });
    expect(await cacheHealth()).toMatchObject({ up: false, message });
    const alarm = shown.find((n) => n.key === 'cache:replaced');
    expect(alarm).toMatchObject({ level: 1, urgency: 'normal', alertIds: [], body: message });
    expect(alarm!.title).toMatch(/^Technical: /);
    expect(logs).toContain(`error ${message}`);
    for (let i = 0; i < 10; i++) {
      await settle();
      clock.advance(1000); // the cache itself is fine: the fact stays visible anyway
    }
    expect(await cacheHealth()).toMatchObject({ up: false, message });
    expect(shown.filter((n) => n.key.startsWith('cache:'))).toHaveLength(1);
    await core.stop();
  });

  it('does not announce again in a core rebuilt for new settings, but still shows it', async () => {
    const message = 'The local acknowledgement cache was damaged and has been replaced.';
    const { core, shown, cacheHealth } = await setup({ cacheReplacedAtStart: { message, announce: false } });
    expect(await cacheHealth()).toMatchObject({ up: false, message });
    expect(shown).toHaveLength(0);
    await core.stop();
  });

  it('tells the nurse clearly when the acknowledgement cannot be written locally', async () => {
    const { vitals, core, state, healthEvents } = await setup();
    for (const l of vitals.alertL) l([alert('a1')]);
    await core.flushStoreWrites();
    state.appendError = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    const err = await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(StationError);
    expect(err).toMatchObject({ code: 'unavailable' });
    expect((err as Error).message).toMatch(/could not be saved on this station/);
    expect((err as Error).message).not.toMatch(/not a database/);
    expect(core.unreadCount()).toBe(1); // still pending: nothing was recorded
    expect(healthEvents.at(-1)).toMatchObject({ up: false });
    await core.stop();
  });
});
