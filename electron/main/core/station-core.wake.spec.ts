// StationCore.wake(): the shell says the PC resumed, the screen was unlocked or the network came back,
// and the station re-reads at once instead of at its next poll or back-off. Fake ports first (what a
// wake asks of each, coalescing, never rejecting), then simulator mode for real after an 8-hour suspend
// (no flood of alerts or notifications).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, BedSnapshot, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { NotificationRequest, SettingsView } from '../../../shared/ipc/contract';
import { SimulatedVitalsSource } from '../adapters/simulator/simulated-vitals-source';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { createSqliteAckCache } from '../adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertOutbox } from '../adapters/sqlite/sqlite-alert-outbox';
import { createSqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store';
import { FakeClock } from './fake-clock';
import type { AlertStore, TransitionRequest, TransitionResult, VitalsSource } from './ports';
import { StationCore, type StationCoreDeps } from './station-core';
import { callAs, NOBODY } from '../../../tests/support/nurses';

const ANA = callAs('Ana', { role: 'nurse' });

const T0 = Date.UTC(2026, 10, 24, 6, 0, 0);

function alert(id: string, patientId = 'P001', over: Partial<Alert> = {}): Alert {
  return {
    alertId: id,
    patientId,
    deviceId: 'D001',
    alertTime: T0 - 60_000,
    alertType: 'heart_rate',
    alertDetail: 'Heart rate too high: 139 bpm',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 139, bloodOxygen: 97, bloodGlucose: 5 },
    ...over,
  };
}

/** An alert store shared with other stations (rows they change), that can go offline. */
class SharedStore implements AlertStore {
  readonly adapter = 'mysql';
  online = true;
  pings = 0;
  readonly rows = new Map<string, Alert>();
  private check() {
    if (!this.online) throw Object.assign(new Error('Alert store unreachable'), { code: 'unavailable' });
  }
  async upsertAlerts(alerts: Alert[]) {
    this.check();
    for (const a of alerts) if (!this.rows.has(a.alertId)) this.rows.set(a.alertId, { ...a });
  }
  async list() {
    return { items: [...this.rows.values()], next: null };
  }
  async stats(): ReturnType<AlertStore['stats']> {
    throw new Error('not used');
  }
  async get(id: string) {
    this.check();
    return this.rows.get(id) ?? null;
  }
  async patientAlerts() {
    return [];
  }
  async transition(req: TransitionRequest): Promise<TransitionResult> {
    this.check();
    const row = this.rows.get(req.alertId);
    if (!row) return { kind: 'not_yet' };
    Object.assign(row, { status: 'confirmed', handleBy: req.nurse, handleTime: req.at });
    return { kind: 'applied', alert: { ...row } };
  }
  async burden(): ReturnType<AlertStore['burden']> {
    throw new Error('not used');
  }
  async pendingAlerts() {
    this.check();
    return [...this.rows.values()].filter((a) => a.status === 'pending');
  }
  async handledAmong(ids: readonly string[]) {
    this.check();
    return ids.flatMap((id) => {
      const a = this.rows.get(id);
      return a && a.status !== 'pending' ? [{ ...a }] : [];
    });
  }
  async ping() {
    this.pings++;
    this.check();
  }
  async close() {}
}

/** A vitals source whose refresh() the test controls. */
class FakeVitals implements VitalsSource {
  readonly adapter = 'risingwave';
  refreshes = 0;
  /** the next refresh() waits for this, when set */
  gate: Promise<void> | null = null;
  failRefresh = false;
  private readonly bedL = new Set<(b: BedSnapshot[]) => void>();
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
  onAlerts() {
    return () => undefined;
  }
  onBeds(l: (b: BedSnapshot[]) => void) {
    this.bedL.add(l);
    return () => this.bedL.delete(l);
  }
  onHealth() {
    return () => undefined;
  }
  health() {
    return { backend: 'vitals' as const, adapter: 'risingwave', up: true, since: 0, message: null };
  }
  async refresh() {
    this.refreshes++;
    if (this.failRefresh) throw new Error('refresh exploded');
    if (this.gate) await this.gate;
  }
}

function settingsPort(): StationCoreDeps['settings'] {
  return {
    view: () => ({}) as SettingsView,
    notifications: () => ({ enabled: true, sound: false, criticalRepeatMinutes: 5, coalesceMs: 0 }),
    updateConnection: () => ({}) as SettingsView,
    updateNotifications: () => ({}) as SettingsView,
    ackRetentionDays: () => 30,
    updateRetention: () => ({}) as SettingsView,
    updateSignIn: () => ({}) as SettingsView,
  };
}

async function connectedStation() {
  const clock = new FakeClock(T0);
  const store = new SharedStore();
  const vitals = new FakeVitals();
  const local = openStationDatabase(':memory:');
  const cache = createSqliteAckCache(local);
  const log = vi.fn();
  const core = new StationCore({
    vitals,
    alerts: store,
    cache,
    outbox: createSqliteAlertOutbox(local),
    notifier: { show: () => undefined },
    clock,
    settings: settingsPort(),
    info: {
      mode: 'connected',
      stationId: 'ST-1',
      version: 'test',
      wardTimeZone: 'UTC',
      shell: 'electron',
      demoRoster: null,
    },
    recordFeedInStore: false,
    handledCheckIntervalMs: 5_000,
    log: (level, message) => log(level, message),
    newId: (() => {
      let n = 0;
      return () => `ack-${++n}`;
    })(),
  });
  await core.start();
  const wakeLines = () =>
    log.mock.calls.filter(([, m]) => String(m).startsWith('wake (')).map(([, m]) => String(m));
  return { clock, store, vitals, cache, core, log, wakeLines };
}

describe('StationCore.wake() with fake ports', () => {
  it('re-reads everything at once: no timer has to fire', async () => {
    const { clock, store, vitals, cache, core, wakeLines } = await connectedStation();
    // the store has two pending alerts the station has not seen yet: a wake loads them now
    store.rows.set('a1', alert('a1'));
    store.rows.set('a2', alert('a2', 'P002'));
    await core.wake('resume');
    expect(core.unreadCount()).toBe(2);
    // an acknowledgement made while the store is away waits in the local cache
    store.online = false;
    const ack = await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA);
    expect(ack.synced).toBe(false);
    // meanwhile, another station resolved a2 and a third alert came in
    store.rows.get('a2')!.status = 'resolved';
    store.rows.set('a3', alert('a3', 'P003'));
    store.online = true;
    const refreshes = vitals.refreshes;
    const pings = store.pings;
    const now = clock.now();

    await core.wake('network');

    expect(vitals.refreshes).toBe(refreshes + 1); // the source re-read and reconnected now
    expect(store.pings).toBe(pings + 1); // the store was pinged now
    expect(cache.unsynced()).toEqual([]); // the acknowledgement went to the store now
    expect(store.rows.get('a1')!.status).toBe('confirmed');
    expect(core.unreadCount()).toBe(1); // a3 loaded; a2 learnt as handled elsewhere
    expect(clock.now()).toBe(now); // all of it without the clock moving: no poll or back-off timer fired
    expect(wakeLines()).toEqual([
      'wake (resume): reconnecting and re-reading now',
      'wake (network): reconnecting and re-reading now',
    ]);
    await core.stop();
  });

  it('coalesces wakes during a re-read into one more re-read after it', async () => {
    const { vitals, core, wakeLines } = await connectedStation();
    let open: () => void = () => undefined;
    vitals.gate = new Promise<void>((r) => (open = r));
    const first = core.wake('resume');
    const second = core.wake('unlock-screen');
    const third = core.wake('network');
    expect(third).toBe(second); // both wait for the same follow-up
    await Promise.resolve();
    expect(vitals.refreshes).toBe(1);
    vitals.gate = null;
    open();
    await Promise.all([first, second, third]);
    expect(vitals.refreshes).toBe(2); // the first, then one for both that came meanwhile
    expect(wakeLines()).toEqual([
      'wake (resume): reconnecting and re-reading now',
      'wake (unlock-screen): re-reading again once the re-read under way is done',
      'wake (network): re-reading again once the re-read under way is done',
    ]);
    // idle again: a new wake runs at once
    await core.wake('resume');
    expect(vitals.refreshes).toBe(3);
    await core.stop();
  });

  it('never rejects: a failing source or an unreachable store end in the log and the health', async () => {
    const { store, vitals, core, log } = await connectedStation();
    vitals.failRefresh = true;
    store.online = false;
    await expect(core.wake('resume')).resolves.toBeUndefined();
    expect(log).toHaveBeenCalledWith('warn', 're-read after a wake failed: refresh exploded');
    const health = await core.handlers['health:get']({}, NOBODY);
    expect(health.find((h) => h.backend === 'alerts')!.up).toBe(false);
    // the next wake with everything back works
    vitals.failRefresh = false;
    store.online = true;
    await core.wake('network');
    expect((await core.handlers['health:get']({}, NOBODY)).find((h) => h.backend === 'alerts')!.up).toBe(
      true,
    );
    await core.stop();
    await expect(core.wake('resume')).resolves.toBeUndefined(); // stopped: nothing
    expect(vitals.refreshes).toBe(2);
  });
});

describe('StationCore.wake() in simulator mode after an 8-hour suspend', () => {
  afterEach(() => vi.restoreAllMocks());

  it('catches up at once, with no flood of alerts or notifications and no signal loss for every bed', async () => {
    const clock = new FakeClock(T0);
    const db = openStationDatabase(':memory:');
    const beds = 24;
    const vitals = new SimulatedVitalsSource({
      clock,
      beds,
      seed: 5,
      timeZone: 'UTC',
      warmupMs: 15 * 60_000,
    });
    const shown: NotificationRequest[] = [];
    const core = new StationCore({
      vitals,
      alerts: createSqliteAlertStore(db, { stationId: 'ST-1' }),
      cache: createSqliteAckCache(db),
      outbox: createSqliteAlertOutbox(db),
      notifier: { show: (r) => shown.push(r) },
      clock,
      settings: settingsPort(),
      info: {
        mode: 'simulator',
        stationId: 'ST-1',
        version: 'test',
        wardTimeZone: 'UTC',
        shell: 'electron',
        demoRoster: null,
      },
      recordFeedInStore: true,
    });
    const newAlerts: Alert[] = [];
    const updates: BedSnapshot[][] = [];
    core.on((event, payload) => {
      if (event === 'alerts:new') newAlerts.push(...(payload as Alert[]));
      if (event === 'ward:update') updates.push(payload as BedSnapshot[]);
    });
    await core.start();
    clock.advance(5 * 60_000);
    await core.flushStoreWrites();
    const pendingBefore = core.unreadCount();
    const shownBefore = shown.length;
    const alertsBefore = newAlerts.length;

    clock.stepWall(8 * 3_600_000); // the PC slept: wall time moved, the timers did not
    const updatesBefore = updates.length;
    await core.wake('resume'); // before the simulator's next tick notices
    await core.flushStoreWrites();

    // the beds went "waiting" first, then came back live
    const [waiting, live] = [updates[updatesBefore]!, updates.at(-1)!];
    expect(
      waiting.every((b) => b.state === 'waiting' || b.state === 'warning' || b.state === 'critical'),
    ).toBe(true);
    expect(waiting.every((b) => b.latest === null)).toBe(true);
    expect(live.filter((b) => (b.latest?.measureTime ?? 0) >= clock.now() - 2_000).length).toBeGreaterThan(
      beds - 4,
    );

    const after = newAlerts.slice(alertsBefore);
    // the simulated ward's last 15 minutes, not 8 hours of it (~1,700 alerts at 12 beds before)
    expect(after.length).toBeLessThan(beds * 4);
    expect(after.every((a) => a.alertTime >= clock.now() - 15 * 60_000 - 1_000)).toBe(true);
    // signal loss only where a sensor dropped off in the window (P007's scenario: every 12th bed)
    const lost = new Set(after.filter((a) => a.alertType === 'signal_loss').map((a) => a.patientId));
    for (const p of lost) expect(['P007', 'P019']).toContain(p);
    // announced: only what happened in the last two minutes, as after any backlog
    const announced = shown.slice(shownBefore);
    expect(announced.length).toBeLessThanOrEqual(6);
    expect(core.unreadCount() - pendingBefore).toBe(after.length);

    clock.advance(2_000); // live ticks again
    expect(updates.length).toBeGreaterThan(updatesBefore + 2);
    await core.stop();
    db.close();
  });
});
