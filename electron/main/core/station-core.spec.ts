import { describe, expect, it } from 'vitest';
import type { Alert, BedSnapshot, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type {
  NotificationPolicySettings,
  NotificationRequest,
  SettingsView,
} from '../../../shared/ipc/contract';
import { ACK_WAITING_FOR_STORE } from '../../../shared/ipc/contract';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { createSqliteAckCache } from '../adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertOutbox } from '../adapters/sqlite/sqlite-alert-outbox';
import { FakeClock } from './fake-clock';
import type { AlertOutbox, AlertStore, TransitionRequest, TransitionResult, VitalsSource } from './ports';
import { StationCore } from './station-core';
import { callAs, NOBODY } from '../../../tests/support/nurses';

/** The nurse signed in in the window these tests act from (a nurse may acknowledge). */
const ANA = callAs('Ana', { role: 'nurse', nurseId: 'N-ANA' });

function alert(id: string, patientId = 'P001', over: Partial<Alert> = {}): Alert {
  return {
    alertId: id,
    patientId,
    deviceId: 'D001',
    alertTime: 1_990_000,
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

/** An in-memory alert store that can be taken offline and can lag behind the feed. */
class MemoryAlertStore implements AlertStore {
  readonly adapter = 'memory';
  online = true;
  readonly rows = new Map<string, Alert>();
  readonly attempts: { req: TransitionRequest; kind: string }[] = [];
  private check() {
    if (!this.online) throw Object.assign(new Error('Alert store unreachable'), { code: 'unavailable' });
  }
  async upsertAlerts(alerts: Alert[]) {
    this.check();
    for (const a of alerts) if (!this.rows.has(a.alertId)) this.rows.set(a.alertId, { ...a });
  }
  async list() {
    this.check();
    return { items: [...this.rows.values()], next: null };
  }
  async stats() {
    this.check();
    return {
      total: 0,
      level1: 0,
      level2: 0,
      pending: 0,
      pendingChange: 0,
      confirmed: 0,
      resolved: 0,
      confirmedRate: 0,
      resolvedRate: 0,
    };
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
    let result: TransitionResult;
    if (!row) result = { kind: 'not_yet' };
    else {
      const ok = req.action === 'confirm' ? row.status === 'pending' : row.status !== 'resolved';
      if (!ok)
        result = { kind: 'conflict', current: row, message: `Already ${row.status} by ${row.handleBy}` };
      else {
        Object.assign(row, {
          status: req.action === 'confirm' ? 'confirmed' : 'resolved',
          handleBy: req.nurse,
          handleTime: req.at,
          handleNote: req.note,
        });
        result = { kind: 'applied', alert: { ...row } };
      }
    }
    this.attempts.push({ req, kind: result.kind });
    return result;
  }
  async burden() {
    return {
      overTime: [],
      perBedPerDay: [],
      timeToAckMs: { median: null, p90: null, samples: 0 },
      noisiestBeds: [],
    };
  }
  async pendingAlerts() {
    this.check();
    return [...this.rows.values()].filter((a) => a.status === 'pending');
  }
  handledAmongCalls = 0;
  async handledAmong(ids: readonly string[]) {
    this.check();
    this.handledAmongCalls++;
    return ids.flatMap((id) => {
      const a = this.rows.get(id);
      return a && a.status !== 'pending' ? [{ ...a }] : [];
    });
  }
  async ping() {
    this.check();
  }
  async close() {}
}

class FakeVitals implements VitalsSource {
  readonly adapter = 'fake';
  alertL = new Set<(a: Alert[]) => void>();
  bedL = new Set<(b: BedSnapshot[]) => void>();
  async start() {}
  async stop() {}
  async beds(): Promise<BedSnapshot[]> {
    return [bed('P001'), bed('P002')];
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
  onBeds(l: (b: BedSnapshot[]) => void) {
    this.bedL.add(l);
    return () => this.bedL.delete(l);
  }
  onHealth() {
    return () => undefined;
  }
  health() {
    return { backend: 'vitals' as const, adapter: 'fake', up: true, since: 0, message: null };
  }
  emitAlerts(a: Alert[]) {
    for (const l of this.alertL) l(a);
  }
}

function bed(patientId: string): BedSnapshot {
  return {
    patientId,
    deviceId: 'D001',
    latest: null,
    spark: { heartRate: [], bloodOxygen: [], bloodGlucose: [] },
    state: 'normal',
    activeAlertIds: [],
  };
}

async function setup(
  opts: {
    record?: boolean;
    handledCheckIntervalMs?: number;
    outbox?: AlertOutbox;
    store?: MemoryAlertStore;
  } = {},
) {
  const clock = new FakeClock(2_000_000);
  const store = opts.store ?? new MemoryAlertStore();
  const vitals = new FakeVitals();
  const local = openStationDatabase(':memory:');
  const cache = createSqliteAckCache(local);
  const outbox = opts.outbox ?? createSqliteAlertOutbox(local);
  const shown: NotificationRequest[] = [];
  const events: { event: string; payload: unknown }[] = [];
  const policy: NotificationPolicySettings = {
    enabled: true,
    sound: false,
    criticalRepeatMinutes: 5,
    coalesceMs: 0,
  };
  let ids = 0;
  const core = new StationCore({
    vitals,
    alerts: store,
    cache,
    outbox,
    notifier: { show: (r) => shown.push(r) },
    clock,
    settings: {
      view: () => ({}) as SettingsView,
      notifications: () => policy,
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
    recordFeedInStore: opts.record ?? true,
    handledCheckIntervalMs: opts.handledCheckIntervalMs,
    newId: () => `ack-${++ids}`,
  });
  core.on((event, payload) => events.push({ event, payload }));
  await core.start();
  return { clock, store, vitals, cache, outbox, core, shown, events };
}

describe('StationCore', () => {
  it('records feed alerts, notifies and raises the bed state', async () => {
    const { vitals, core, store, shown, events } = await setup();
    vitals.emitAlerts([
      alert('a1'),
      alert('c1', 'P001', { alertLevel: 2, alertType: 'multi_vital_signs_deterioration' }),
    ]);
    await core.flushStoreWrites();
    expect(store.rows.size).toBe(2);
    expect(shown.map((s) => s.urgency)).toEqual(['normal', 'critical']);
    expect(core.unreadCount()).toBe(2);
    const beds = await core.handlers['ward:beds']({}, NOBODY);
    expect(beds.find((b) => b.patientId === 'P001')).toMatchObject({
      state: 'critical',
      activeAlertIds: ['c1', 'a1'],
    });
    expect(beds.find((b) => b.patientId === 'P002')!.state).toBe('normal');
    expect(events.some((e) => e.event === 'alerts:new')).toBe(true);
  });

  it('refuses to acknowledge when nobody is signed in', async () => {
    const { vitals, core } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await expect(
      core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, NOBODY),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it("lets a nurse acknowledge but keeps the charge nurse's work (thresholds, settings) from her", async () => {
    const { core } = await setup();
    const thresholds = { patientId: 'P001', limits: { ...DEFAULT_THRESHOLDS } };
    await expect(core.handlers['thresholds:update'](thresholds, ANA)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(core.handlers['thresholds:update'](thresholds, NOBODY)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(
      core.handlers['settings:update-retention']({ ackRetentionDays: 7 }, ANA),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      core.handlers['thresholds:update'](thresholds, callAs('Maria', { role: 'charge' })),
    ).resolves.toMatchObject({ patientId: 'P001', custom: true });
  });

  it('writes locally first, then syncs: confirm then resolve', async () => {
    const { vitals, core, cache, store } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    const out = await core.handlers['alerts:acknowledge'](
      { alertId: 'a1', action: 'confirm', note: 'seen' },
      ANA,
    );
    expect(out).toMatchObject({
      synced: true,
      alert: { status: 'confirmed', handleBy: 'Ana', handleNote: 'seen' },
      record: { nurse: 'Ana', nurseId: 'N-ANA' },
    });
    expect(store.rows.get('a1')!.status).toBe('confirmed');
    const res = await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'resolve' }, ANA);
    expect(res.alert.status).toBe('resolved');
    expect(cache.forAlert('a1').map((r) => [r.action, r.syncState])).toEqual([
      ['confirm', 'synced'],
      ['resolve', 'synced'],
    ]);
    expect(core.unreadCount()).toBe(0);
  });

  it('queues acknowledgements while the store is offline and syncs each exactly once, in order', async () => {
    const { vitals, core, cache, store, clock, events } = await setup();
    vitals.emitAlerts([alert('a1'), alert('a2', 'P002'), alert('a3', 'P002', { alertType: 'blood_oxygen' })]);
    await core.flushStoreWrites();
    store.online = false;
    const r1 = await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA);
    const r2 = await core.handlers['alerts:acknowledge']({ alertId: 'a2', action: 'resolve' }, ANA);
    const r3 = await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'resolve' }, ANA);
    expect([r1.synced, r2.synced, r3.synced]).toEqual([false, false, false]);
    expect(r1.alert.status).toBe('confirmed');
    clock.advance(1000);
    await core.syncNow();
    const health = events.filter((e) => e.event === 'health:changed').at(-1)!.payload as { up: boolean }[];
    expect(health[1]!.up).toBe(false);
    expect(cache.unsynced()).toHaveLength(3);

    store.online = true;
    clock.advance(1000); // health probe notices and triggers a sync
    await core.syncNow();
    expect(cache.unsynced()).toHaveLength(0);
    const applied = store.attempts
      .filter((a) => a.kind === 'applied')
      .map((a) => `${a.req.alertId}:${a.req.action}`);
    expect(applied).toEqual(['a1:confirm', 'a2:resolve', 'a1:resolve']);
    await core.syncNow();
    expect(store.attempts.filter((a) => a.kind === 'applied')).toHaveLength(3);
  });

  it('stops alarming for alerts another station handled, within a few seconds', async () => {
    const { vitals, core, store, clock, shown, events } = await setup({ handledCheckIntervalMs: 5_000 });
    vitals.emitAlerts([
      alert('c1', 'P001', { alertLevel: 2, alertType: 'multi_vital_signs_deterioration' }),
      alert('a2', 'P002'),
    ]);
    await core.flushStoreWrites();
    expect(core.unreadCount()).toBe(2);
    // another station confirms c1 in the store; this one has not heard of it yet
    Object.assign(store.rows.get('c1')!, { status: 'confirmed', handleBy: 'Ben', handleTime: clock.now() });
    const settle = async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    };
    for (let s = 0; s < 6; s++) {
      clock.advance(1000);
      await settle();
    }
    expect(core.unreadCount()).toBe(1);
    const beds = await core.handlers['ward:beds']({}, NOBODY);
    expect(beds.find((b) => b.patientId === 'P001')).toMatchObject({ state: 'normal', activeAlertIds: [] });
    expect(beds.find((b) => b.patientId === 'P002')!.state).toBe('warning');
    const changed = events.filter((e) => e.event === 'alerts:changed').flatMap((e) => e.payload as Alert[]);
    expect(changed).toEqual([
      expect.objectContaining({ alertId: 'c1', status: 'confirmed', handleBy: 'Ben' }),
    ]);
    // and the critical reminder (every 5 minutes while unacknowledged) no longer comes
    const before = shown.length;
    for (let m = 0; m < 6; m++) {
      clock.advance(60_000);
      await settle();
    }
    expect(shown.slice(before).filter((r) => r.urgency === 'critical')).toEqual([]);
  });

  it('does not ask the store about other stations when it has no check interval (simulator)', async () => {
    const { vitals, core, store, clock } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    for (let s = 0; s < 20; s++) {
      clock.advance(1000);
      await Promise.resolve();
    }
    expect(store.handledAmongCalls).toBe(0);
  });

  it("refuses up front when an alert it has not seen shows another station's change", async () => {
    const { core, cache, store } = await setup();
    store.rows.set('a1', alert('a1', 'P001', { status: 'confirmed', handleBy: 'Ben' }));
    await expect(
      core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Ben'),
    });
    expect(cache.forAlert('a1')).toHaveLength(0);
  });

  it("reports another station's earlier change of an alert it holds as the store's conflict", async () => {
    // The station acknowledges what its feed gave it without reading the store first (one round trip
    // less); the store's conditional transition decides, and the attempt stays in the cache.
    const { vitals, core, cache, store, events } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    Object.assign(store.rows.get('a1')!, { status: 'confirmed', handleBy: 'Ben' });
    await expect(
      core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Ben'),
    });
    expect(cache.forAlert('a1')).toEqual([expect.objectContaining({ syncState: 'conflict' })]);
    expect(store.rows.get('a1')).toMatchObject({ status: 'confirmed', handleBy: 'Ben' });
    const changed = events.filter((e) => e.event === 'alerts:changed').at(-1)!.payload as Alert[];
    expect(changed[0]).toMatchObject({ status: 'confirmed', handleBy: 'Ben' });
  });

  it('marks a queued acknowledgement that lost the race as a conflict, never overwriting', async () => {
    const { vitals, core, cache, store, events } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    store.online = false;
    await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA);
    Object.assign(store.rows.get('a1')!, { status: 'resolved', handleBy: 'Ben' });
    store.online = true;
    await core.syncNow();
    expect(cache.forAlert('a1')[0]).toMatchObject({
      syncState: 'conflict',
      syncError: 'Already resolved by Ben',
    });
    expect(store.rows.get('a1')!.handleBy).toBe('Ben');
    const changed = events.filter((e) => e.event === 'alerts:changed').at(-1)!.payload as Alert[];
    expect(changed[0]!.status).toBe('resolved');
  });

  it('retries an acknowledgement of an alert the store has not received yet', async () => {
    const { vitals, core, cache, store, clock } = await setup({ record: false });
    vitals.emitAlerts([alert('a9')]);
    const out = await core.handlers['alerts:acknowledge']({ alertId: 'a9', action: 'confirm' }, ANA);
    expect(out.synced).toBe(false);
    expect(cache.forAlert('a9')[0]!.syncState).toBe('retrying');
    store.rows.set('a9', alert('a9'));
    await core.syncNow(); // backing off: not asked again at once
    expect(cache.forAlert('a9')[0]!.syncState).toBe('retrying');
    clock.advance(2_000);
    await core.syncNow();
    expect(cache.forAlert('a9')[0]!.syncState).toBe('synced');
    expect(store.rows.get('a9')!.status).toBe('confirmed');
  });

  it('counts its own earlier write (crash after the store committed) once, not as a conflict', async () => {
    const { vitals, core, cache, store } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    store.online = false;
    const out = await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA);
    // the store got the write but the station never learned it
    Object.assign(store.rows.get('a1')!, {
      status: 'confirmed',
      handleBy: 'Ana',
      handleTime: out.record.ackTime,
    });
    store.online = true;
    await core.syncNow();
    expect(cache.forAlert('a1')[0]!.syncState).toBe('synced');
  });

  it('refuses to confirm twice locally', async () => {
    const { vitals, core, store } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    store.online = false;
    await core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA);
    await expect(
      core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already confirmed by \S/),
    });
    store.online = true;
    await core.syncNow();
    // synced: the same answer, naming who, without asking the store
    await expect(
      core.handlers['alerts:acknowledge']({ alertId: 'a1', action: 'confirm' }, ANA),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already confirmed by \S/) });
  });

  it('exports acknowledgements as CSV, formula cells neutralized', async () => {
    const { vitals, core, clock } = await setup();
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    await core.handlers['alerts:acknowledge'](
      { alertId: 'a1', action: 'confirm', note: '=HYPERLINK("x")' },
      ANA,
    );
    const { csv, filename } = await core.handlers['review:export-csv'](
      { from: 0, to: clock.now() + 1 },
      NOBODY,
    );
    expect(filename).toMatch(/^nurse-station-ST-1-.*\.csv$/);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('stops cleanly: no timers left', async () => {
    const { core, clock } = await setup();
    await core.stop();
    expect(clock.pending()).toBe(0);
  });
});

describe('StationCore backlog', () => {
  it('lists backlog alerts but does not announce them', async () => {
    const { vitals, core, shown } = await setup();
    vitals.emitAlerts([alert('old', 'P001', { alertTime: 2_000_000 - 10 * 60_000 })]);
    expect(shown).toHaveLength(0);
    expect(core.unreadCount()).toBe(1);
  });
});

describe('StationCore in connected mode', () => {
  it('records only station-detected signal-loss alerts in the alert store (the sink writes the rest)', async () => {
    const { vitals, core, store } = await setup({ record: false });
    vitals.emitAlerts([
      alert('a1'),
      alert('s1', 'P002', { alertType: 'signal_loss', alertDetail: 'No data' }),
    ]);
    await core.flushStoreWrites();
    expect([...store.rows.keys()]).toEqual(['s1']);
  });
});

// #21 item 3: signal-loss alerts raised during a store outage were logged and dropped, and each loss is
// raised once, so MySQL never had them.
describe('StationCore: nothing raised is dropped by a store outage', () => {
  it('keeps alerts the store could not take in the outbox and writes them once it is back', async () => {
    const { vitals, core, store, outbox, clock } = await setup({ record: false });
    store.online = false;
    vitals.emitAlerts([
      alert('s1', 'P001', { alertType: 'signal_loss', alertDetail: 'No data' }),
      alert('s2', 'P002', { alertType: 'signal_loss', alertDetail: 'No data' }),
    ]);
    await core.flushStoreWrites();
    expect(store.rows.size).toBe(0);
    expect(outbox.size()).toBe(2);
    for (let s = 0; s < 10; s++) {
      clock.advance(1_000); // probes and sync passes against the dead store
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(outbox.size()).toBe(2);

    store.online = true;
    for (let s = 0; s < 3; s++) {
      clock.advance(1_000); // the health probe sees it back and drains the outbox
      await new Promise((resolve) => setImmediate(resolve));
    }
    await core.flushStoreWrites();
    expect([...store.rows.keys()].sort()).toEqual(['s1', 's2']);
    expect(outbox.size()).toBe(0);
  });

  // Review of #21: one alert the store refuses blocked everything queued behind it and flapped health.
  it('lets an alert the store refuses leave the outbox, and writes the rest', async () => {
    const { vitals, core, store, outbox, events } = await setup({ record: false });
    const upsert = store.upsertAlerts.bind(store);
    store.upsertAlerts = async (alerts) => {
      await upsert(alerts.filter((a) => a.alertId !== 'bad'));
      if (alerts.some((a) => a.alertId === 'bad'))
        throw Object.assign(new Error('1 of 2 alerts were not stored'), { code: 'internal' });
    };
    const loss = (id: string) => alert(id, 'P001', { alertType: 'signal_loss', alertDetail: 'No data' });
    vitals.emitAlerts([loss('bad'), loss('s1')]);
    await core.flushStoreWrites();
    vitals.emitAlerts([loss('s2')]);
    await core.flushStoreWrites();
    expect([...store.rows.keys()].sort()).toEqual(['s1', 's2']);
    expect(outbox.size()).toBe(0);
    expect(events.filter((e) => e.event === 'health:changed')).toEqual([]);
  });

  it('writes what a station left in its outbox when it starts again', async () => {
    const outbox = createSqliteAlertOutbox(openStationDatabase(':memory:'));
    const first = await setup({ record: false, outbox });
    first.store.online = false;
    first.vitals.emitAlerts([alert('s1', 'P001', { alertType: 'signal_loss', alertDetail: 'No data' })]);
    await first.core.flushStoreWrites();
    await first.core.stop(); // or killed: the outbox is durable (tested in sqlite-alert-outbox.spec)
    expect(outbox.size()).toBe(1);

    const store = new MemoryAlertStore();
    const second = await setup({ record: false, outbox, store });
    await second.core.flushStoreWrites();
    expect([...store.rows.keys()]).toEqual(['s1']);
    expect(outbox.size()).toBe(0);
  });

  it('in simulator mode queues what the local store failed to write', async () => {
    const { vitals, core, store, outbox, clock } = await setup({ record: true });
    store.online = false;
    vitals.emitAlerts([alert('a1')]);
    await core.flushStoreWrites();
    expect(outbox.size()).toBe(1);
    store.online = true;
    clock.advance(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    await core.flushStoreWrites();
    expect([...store.rows.keys()]).toEqual(['a1']);
  });
});

// #21 item 5: an acknowledgement of an alert not yet in MySQL wrote a not_found audit row every ~2 s:
// 887 rows in 32 minutes for one acknowledgement.
describe('StationCore: acknowledgements of alerts the store does not have yet', () => {
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it('backs off exponentially, audits the first attempt only, and then shows as waiting for the store', async () => {
    const { vitals, core, cache, store, clock } = await setup({ record: false });
    vitals.emitAlerts([alert('ghost')]); // in the feed, not (yet) in the store: the sink is behind
    const r = await core.handlers['alerts:acknowledge']({ alertId: 'ghost', action: 'confirm' }, ANA);
    expect(r.synced).toBe(false);
    for (let s = 0; s < 32 * 60; s++) {
      clock.advance(1_000);
      await settle();
    }
    const attempts = store.attempts.filter((a) => a.req.alertId === 'ghost');
    const audited = attempts.filter((a) => !a.req.repeat);
    // 2 s, 4 s, … 256 s, then every 5 min: about 14 attempts in 32 minutes, not 960
    expect(attempts.length).toBeGreaterThanOrEqual(10);
    expect(attempts.length).toBeLessThanOrEqual(16);
    expect(audited).toHaveLength(1);
    const [record] = cache.unsynced();
    expect(record).toMatchObject({ syncState: 'retrying', syncError: ACK_WAITING_FOR_STORE });

    // The alert reaches the store; the feed shows it again (a later poll): synced within seconds.
    store.rows.set('ghost', alert('ghost'));
    vitals.emitAlerts([alert('ghost')]);
    for (let s = 0; s < 5 && cache.unsynced().length > 0; s++) {
      clock.advance(1_000);
      await settle();
    }
    expect(cache.unsynced()).toEqual([]);
    expect(store.rows.get('ghost')!.status).toBe('confirmed');
  });

  // Review of #21: under back-off a later resolve overtook the confirm of the same alert.
  it('keeps the acknowledgements of one alert in order while the first backs off', async () => {
    const { vitals, core, cache, store, clock } = await setup({ record: false });
    vitals.emitAlerts([alert('ghost')]);
    await core.handlers['alerts:acknowledge']({ alertId: 'ghost', action: 'confirm' }, ANA);
    for (let s = 0; s < 35; s++) {
      clock.advance(1_000);
      await settle();
    }
    // another nurse, signed in in her own window, resolves it
    await core.handlers['alerts:acknowledge'](
      { alertId: 'ghost', action: 'resolve' },
      callAs('Bea', { role: 'nurse', peer: 'other-window' }),
    );
    store.rows.set('ghost', alert('ghost'));
    for (let s = 0; s < 40 && cache.unsynced().length > 0; s++) {
      clock.advance(1_000);
      await settle();
    }
    const applied = store.attempts
      .filter((a) => a.kind !== 'not_yet')
      .map((a) => `${a.req.action}:${a.kind}`);
    expect(applied).toEqual(['confirm:applied', 'resolve:applied']);
    expect(store.rows.get('ghost')).toMatchObject({ status: 'resolved', handleBy: 'Bea' });
  });

  it('audits the first attempt that reaches the store, not one that found it unreachable', async () => {
    const { vitals, core, store, clock } = await setup({ record: false });
    vitals.emitAlerts([alert('ghost')]);
    store.online = false;
    await core.handlers['alerts:acknowledge']({ alertId: 'ghost', action: 'confirm' }, ANA);
    store.online = true;
    for (let s = 0; s < 10; s++) {
      clock.advance(1_000);
      await settle();
    }
    const attempts = store.attempts.filter((a) => a.req.alertId === 'ghost');
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts[0]!.req.repeat).toBe(false);
    expect(attempts.slice(1).every((a) => a.req.repeat)).toBe(true);
  });
});
