// Losing a backend is a technical alarm (issue #12): the vitals feed or the alert store down for 2 s
// raises a sounding notification within 5 s, counted in the tray, reminded while it lasts, and
// "restored" once when it is back. A blip, or a station being stopped, raises nothing.
import { describe, expect, it } from 'vitest';
import type { Alert, BackendHealth, BedSnapshot, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { NotificationRequest, SettingsView } from '../../../shared/ipc/contract';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { createSqliteAckCache } from '../adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store';
import { FakeClock } from './fake-clock';
import type { AlertOutbox, AlertStore, VitalsSource } from './ports';
import { StationCore } from './station-core';
import { NOBODY } from '../../../tests/support/nurses';

const NOW = 5_000_000;
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A vitals source whose health the test sets, reporting it through onHealth like the real ones. */
class Vitals implements VitalsSource {
  private readonly healthL = new Set<(h: BackendHealth) => void>();
  private state: BackendHealth;
  /** what the real RisingWave source does on stop(): health down, "Stopped" */
  downOnStop = true;
  constructor(
    readonly adapter: string,
    private readonly clock: FakeClock,
  ) {
    this.state = { backend: 'vitals', adapter, up: true, since: clock.now(), message: null };
  }
  setUp(up: boolean, message: string | null = up ? null : 'Connection timed out — retrying') {
    this.state = { ...this.state, up, message, since: this.clock.now() };
    for (const l of this.healthL) l({ ...this.state });
  }
  async start() {}
  async stop() {
    if (this.downOnStop) this.setUp(false, 'Stopped');
  }
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
  onBeds() {
    return () => undefined;
  }
  onHealth(l: (h: BackendHealth) => void) {
    this.healthL.add(l);
    return () => this.healthL.delete(l);
  }
  health() {
    return { ...this.state };
  }
}

type PingMode = 'up' | 'fail' | 'hang';

/** The real SQLite store, named MySQL, with its ping under the test's control. */
function storeDouble() {
  const real = createSqliteAlertStore(openStationDatabase(':memory:'), { stationId: 'ST-1' });
  const ctl = { mode: 'up' as PingMode, pings: 0, hung: [] as (() => void)[] };
  const store: AlertStore = {
    ...real,
    adapter: 'mysql',
    ping: () => {
      ctl.pings++;
      if (ctl.mode === 'fail') return Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:3306'));
      if (ctl.mode === 'hang') return new Promise<void>((resolve) => ctl.hung.push(resolve));
      return Promise.resolve();
    },
  };
  return { store, ctl };
}

function memoryOutbox(): AlertOutbox {
  const queued = new Map<string, Alert>();
  return {
    add: (alerts) => alerts.forEach((a) => queued.set(a.alertId, a)),
    peek: (limit) => [...queued.values()].slice(0, limit),
    remove: (ids) => ids.forEach((id) => queued.delete(id)),
    size: () => queued.size,
  };
}

async function setup(opts: { vitalsAdapter?: string } = {}) {
  const clock = new FakeClock(NOW);
  const vitals = new Vitals(opts.vitalsAdapter ?? 'risingwave', clock);
  const { store, ctl } = storeDouble();
  const shown: NotificationRequest[] = [];
  const events: { event: string; payload: unknown; at: number }[] = [];
  const core = new StationCore({
    vitals,
    alerts: store,
    cache: createSqliteAckCache(openStationDatabase(':memory:')),
    outbox: memoryOutbox(),
    notifier: { show: (r) => shown.push(r) },
    clock,
    settings: {
      view: () => ({}) as SettingsView,
      // notifications off and no sound: a technical alarm does not depend on the nurse's alert settings
      notifications: () => ({ enabled: false, sound: false, criticalRepeatMinutes: 0, coalesceMs: 0 }),
      updateConnection: () => ({}) as SettingsView,
      updateNotifications: () => ({}) as SettingsView,
      ackRetentionDays: () => 30,
      updateRetention: () => ({}) as SettingsView,
      updateSignIn: () => ({}) as SettingsView,
    },
    info: {
      mode: 'connected',
      stationId: 'ST-1',
      version: 'test',
      wardTimeZone: 'UTC',
      shell: 'electron',
      demoRoster: null,
    },
    recordFeedInStore: false,
  });
  core.on((event, payload) => events.push({ event, payload, at: clock.monotonic() }));
  await core.start();
  const emitted = () =>
    events.filter((e) => e.event === 'notify:show').map((e) => e.payload as NotificationRequest);

  /** Advances in 100 ms steps (letting the async health probe run) until `done`, or `maxMs`. */
  async function runUntil(done: () => boolean, maxMs: number): Promise<number | null> {
    const start = clock.monotonic();
    while (clock.monotonic() - start < maxMs) {
      clock.advance(100);
      await settle();
      await settle();
      if (done()) return clock.monotonic() - start;
    }
    return null;
  }
  const run = (ms: number) => runUntil(() => false, ms);
  const alarms = (key: string) => shown.filter((n) => n.key === key);
  return { clock, vitals, ctl, core, shown, events, emitted, runUntil, run, alarms };
}

describe('StationCore: a lost backend is a technical alarm', () => {
  it('vitals down: a sounding technical alarm 2 s after (within 5 s), counted, with health:changed', async () => {
    const t = await setup();
    expect(t.core.unreadCount()).toBe(0);
    const healthBefore = t.events.filter((e) => e.event === 'health:changed').length;
    t.vitals.setUp(false);
    // the loss itself is reported at once (banner); the alarm waits out the 2-s threshold
    const health = t.events.filter((e) => e.event === 'health:changed');
    expect(health.length).toBe(healthBefore + 1);
    expect((health.at(-1)!.payload as BackendHealth[]).find((h) => h.backend === 'vitals')!.up).toBe(false);

    const detectedAfter = await t.runUntil(() => t.alarms('backend:vitals').length > 0, 10_000);
    expect(detectedAfter).not.toBeNull();
    expect(detectedAfter!).toBeGreaterThanOrEqual(2_000);
    expect(detectedAfter!).toBeLessThanOrEqual(3_000);
    const [alarm] = t.alarms('backend:vitals');
    expect(alarm).toMatchObject({
      title: 'Technical: no connection to RisingWave (vital signs)',
      urgency: 'critical', // stays on screen, through do-not-disturb
      level: 1,
      alertIds: [],
      patientId: '',
      reminder: false,
      technical: 'raised', // the renderer sounds it
    });
    expect(alarm!.body).toMatch(
      /New alerts may not reach this station\. Check patients at the bedside and call IT\./,
    );
    expect(t.emitted().filter((n) => n.key === 'backend:vitals')).toHaveLength(1); // to the renderer too
    expect(t.core.unreadCount()).toBe(1); // the tray counts it
    await t.core.stop();
  });

  it('a 1-s blip of either backend raises nothing', async () => {
    const t = await setup();
    t.vitals.setUp(false);
    await t.run(1_000);
    t.vitals.setUp(true);
    t.ctl.mode = 'fail'; // one failed ping, answered again on the next tick
    await t.run(1_000);
    t.ctl.mode = 'up';
    await t.run(10_000);
    expect(t.shown).toEqual([]);
    expect(t.emitted()).toEqual([]);
    expect(t.core.unreadCount()).toBe(0);
    await t.core.stop();
  });

  it('alert store refusing connections: alarm within 5 s', async () => {
    const t = await setup();
    t.ctl.mode = 'fail';
    const detectedAfter = await t.runUntil(() => t.alarms('backend:alerts').length > 0, 10_000);
    expect(detectedAfter).not.toBeNull();
    expect(detectedAfter!).toBeLessThanOrEqual(5_000);
    expect(t.alarms('backend:alerts')[0]).toMatchObject({
      title: 'Technical: no connection to MySQL (alert record)',
      urgency: 'critical',
      technical: 'raised',
    });
    expect(t.alarms('backend:alerts')[0]!.body).toMatch(/call IT/);
    await t.core.stop();
  });

  it('alert store ping that never answers (half-open TCP): counted as down, alarm within 5 s', async () => {
    const t = await setup();
    const pingsBefore = t.ctl.pings;
    t.ctl.mode = 'hang';
    const detectedAfter = await t.runUntil(() => t.alarms('backend:alerts').length > 0, 10_000);
    expect(detectedAfter).not.toBeNull();
    expect(detectedAfter!).toBeLessThanOrEqual(5_000);
    const health = await t.core.handlers['health:get']({}, NOBODY);
    expect(health.find((h) => h.backend === 'alerts')).toMatchObject({ up: false });
    expect(health.find((h) => h.backend === 'alerts')!.message).toMatch(/did not answer/);
    // a hung ping is not stacked up on the dead connection every second
    await t.run(20_000);
    expect(t.ctl.pings - pingsBefore).toBe(1);
    // the store answers at last: restored
    t.ctl.mode = 'up';
    for (const resolve of t.ctl.hung.splice(0)) resolve();
    await t.run(3_000);
    expect(t.alarms('backend:alerts').at(-1)).toMatchObject({ technical: 'cleared' });
    expect(t.core.unreadCount()).toBe(0);
    await t.core.stop();
  });

  it('raises "restored" once, silently, when the backend is back; the count drops', async () => {
    const t = await setup();
    t.vitals.setUp(false);
    await t.run(3_000);
    expect(t.core.unreadCount()).toBe(1);
    t.vitals.setUp(true);
    t.vitals.setUp(true, null); // repeated "up" reports change nothing
    await t.run(10 * 60_000);
    const vitals = t.alarms('backend:vitals');
    expect(vitals).toHaveLength(2);
    expect(vitals[1]).toMatchObject({
      title: 'Technical: connection to RisingWave restored',
      urgency: 'normal',
      level: 1,
      alertIds: [],
      reminder: false,
      technical: 'cleared', // no sound
    });
    expect(t.core.unreadCount()).toBe(0);
    await t.core.stop();
  });

  it('reminds every 2 minutes while the outage lasts, and stops reminding once restored', async () => {
    const t = await setup();
    t.vitals.setUp(false);
    await t.run(3_000);
    expect(t.alarms('backend:vitals')).toHaveLength(1);
    await t.run(2 * 60_000);
    expect(t.alarms('backend:vitals')).toHaveLength(2);
    const reminder = t.alarms('backend:vitals')[1]!;
    expect(reminder).toMatchObject({ reminder: true, technical: 'raised', urgency: 'critical' });
    expect(reminder.title).toMatch(/^Technical: still no connection to RisingWave \(vital signs\)/);
    expect(reminder.body).toMatch(/for 2 min/);
    await t.run(2 * 60_000);
    expect(t.alarms('backend:vitals')).toHaveLength(3);
    expect(t.core.unreadCount()).toBe(1); // reminders do not count twice
    t.vitals.setUp(true);
    await t.run(10 * 60_000);
    expect(t.alarms('backend:vitals')).toHaveLength(4); // the "restored" one, then nothing
    await t.core.stop();
  });

  it('both backends down: two alarms, counted twice', async () => {
    const t = await setup();
    t.vitals.setUp(false);
    t.ctl.mode = 'fail';
    await t.run(5_000);
    expect(t.alarms('backend:vitals')).toHaveLength(1);
    expect(t.alarms('backend:alerts')).toHaveLength(1);
    expect(t.core.unreadCount()).toBe(2);
    await t.core.stop();
  });

  it('stop(): vitals down because the station stopped is not an outage; no reminder, no restore', async () => {
    const t = await setup();
    await t.core.stop();
    t.ctl.mode = 'fail';
    await t.run(10 * 60_000);
    expect(t.shown).toEqual([]);
    expect(t.clock.pending()).toBe(0);

    const u = await setup();
    u.vitals.setUp(false);
    await u.run(3_000);
    expect(u.shown).toHaveLength(1);
    await u.core.stop();
    u.vitals.setUp(true);
    await u.run(10 * 60_000);
    expect(u.shown).toHaveLength(1);
    expect(u.clock.pending()).toBe(0);
  });

  it('the simulator is not a backend that can be lost', async () => {
    const t = await setup({ vitalsAdapter: 'simulator' });
    t.vitals.setUp(false, 'Simulator paused');
    await t.run(10_000);
    expect(t.shown).toEqual([]);
    await t.core.stop();
  });
});
