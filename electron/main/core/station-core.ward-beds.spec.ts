// Settings' ward-bed editor through the core (issue #12): a signed-in nurse only, each change audited
// to the settings audit (section 'ward') before it is applied, then applied or refused; the simulator
// has no configurable beds and says so.
import { describe, expect, it } from 'vitest';
import type { Alert, BedSnapshot, Thresholds, WardBed } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { SettingsView } from '../../../shared/ipc/contract';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { createSqliteAckCache } from '../adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store';
import { WardBedsError } from '../adapters/risingwave/risingwave-vitals-source';
import { dispatch, type HandlerTable } from './dispatch';
import { FakeClock } from './fake-clock';
import type { AlertOutbox, AssignBedRequest, VitalsSource } from './ports';
import { StationCore, type SettingsAuditEntry } from './station-core';

const NOW = 2_000_000;

class Vitals implements VitalsSource {
  readonly adapter = 'fake';
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

/** A ward of two beds; bed X-1 belongs to another ward. */
class WardVitals extends Vitals {
  readonly calls: AssignBedRequest[] = [];
  beds_: WardBed[] = [
    { bedId: 'A-1', patientId: 'P1', updatedAt: null, updatedBy: null },
    { bedId: 'A-2', patientId: null, updatedAt: null, updatedBy: null },
  ];
  async wardBeds(): Promise<WardBed[]> {
    return this.beds_.map((b) => ({ ...b }));
  }
  async assignBed(req: AssignBedRequest): Promise<WardBed[]> {
    this.calls.push(req);
    if (req.bedId === 'X-1') throw new WardBedsError('conflict', 'Bed X-1 belongs to another ward.');
    const by = `${req.nurse} @ ${req.stationId}`;
    this.beds_ = this.beds_.map((b) =>
      b.patientId === req.patientId && b.bedId !== req.bedId ? { ...b, patientId: null } : b,
    );
    const bed = this.beds_.find((b) => b.bedId === req.bedId);
    if (bed) Object.assign(bed, { patientId: req.patientId, updatedAt: NOW, updatedBy: by });
    else this.beds_.push({ bedId: req.bedId, patientId: req.patientId, updatedAt: NOW, updatedBy: by });
    return this.wardBeds();
  }
}

const memoryOutbox = (): AlertOutbox => {
  const q = new Map<string, Alert>();
  return {
    add: (a) => a.forEach((x) => q.set(x.alertId, x)),
    peek: (n) => [...q.values()].slice(0, n),
    remove: (ids) => ids.forEach((id) => q.delete(id)),
    size: () => q.size,
  };
};

async function setup(vitals: VitalsSource, audit?: (e: SettingsAuditEntry) => void) {
  const audits: SettingsAuditEntry[] = [];
  const db = openStationDatabase(':memory:');
  const core = new StationCore({
    vitals,
    alerts: createSqliteAlertStore(db, { stationId: 'ST-1' }),
    cache: createSqliteAckCache(db),
    outbox: memoryOutbox(),
    notifier: { show: () => undefined },
    clock: new FakeClock(NOW),
    settings: {
      view: () => ({}) as SettingsView,
      notifications: () => ({ enabled: true, sound: false, criticalRepeatMinutes: 5, coalesceMs: 0 }),
      updateConnection: () => ({}) as SettingsView,
      updateNotifications: () => ({}) as SettingsView,
      ackRetentionDays: () => 30,
      updateRetention: () => ({}) as SettingsView,
    },
    info: { mode: 'connected', stationId: 'ST-1', version: 'test', wardTimeZone: 'UTC', shell: 'web' },
    recordFeedInStore: false,
    auditSettings: audit ?? ((e) => audits.push(e)),
    log: () => undefined,
  });
  await core.start();
  const call = (channel: string, request: unknown) =>
    dispatch(core.handlers as unknown as HandlerTable, channel, request);
  return { core, audits, call };
}

describe('StationCore: ward beds (Settings)', () => {
  it('lists the ward beds without sign-in, but assigns only for a signed-in nurse', async () => {
    const vitals = new WardVitals();
    const { call, audits } = await setup(vitals);
    const list = await call('ward:beds-config', {});
    expect(list).toMatchObject({ ok: true, value: [{ bedId: 'A-1' }, { bedId: 'A-2' }] });
    const anon = await call('ward:assign-bed', { bedId: 'A-2', patientId: 'P2' });
    expect(anon).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'Sign in before changing the station settings.' },
    });
    expect(vitals.calls).toEqual([]);
    expect(audits).toEqual([]);
  });

  it('audits the request before applying it, then the outcome, and passes nurse and station on', async () => {
    const vitals = new WardVitals();
    const { call, core, audits } = await setup(vitals);
    await core.handlers['session:sign-in']({ nurse: 'Li Na' });
    const r = await call('ward:assign-bed', { bedId: 'A-2', patientId: 'P1' });
    expect(r.ok).toBe(true);
    expect(vitals.calls).toEqual([{ bedId: 'A-2', patientId: 'P1', nurse: 'Li Na', stationId: 'ST-1' }]);
    expect(audits.map((a) => [a.section, a.outcome, a.nurse, a.stationId])).toEqual([
      ['ward', 'requested', 'Li Na', 'ST-1'],
      ['ward', 'applied', 'Li Na', 'ST-1'],
    ]);
    expect(audits[0]?.before).toEqual({
      bed: { bedId: 'A-2', patientId: null, updatedAt: null, updatedBy: null },
    });
    expect(audits[0]?.after).toEqual({ bedId: 'A-2', patientId: 'P1' });
    expect(audits[1]?.after).toMatchObject({
      bed: { bedId: 'A-2', patientId: 'P1', updatedBy: 'Li Na @ ST-1' },
    });
    // the patient left the old bed
    expect(r.ok && (r.value as WardBed[]).find((b) => b.bedId === 'A-1')?.patientId).toBeNull();
  });

  it("records a refusal (another ward's bed) and answers it as the adapter worded it", async () => {
    const vitals = new WardVitals();
    const { call, core, audits } = await setup(vitals);
    await core.handlers['session:sign-in']({ nurse: 'Li Na' });
    const r = await call('ward:assign-bed', { bedId: 'X-1', patientId: null });
    expect(r).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Bed X-1 belongs to another ward.' },
    });
    expect(audits.map((a) => a.outcome)).toEqual(['requested', 'refused']);
    expect(audits[1]?.after).toEqual({ error: 'Bed X-1 belongs to another ward.' });
  });

  it('makes no change it could not record', async () => {
    const vitals = new WardVitals();
    const { call, core } = await setup(vitals, () => {
      throw new Error('disk full');
    });
    await core.handlers['session:sign-in']({ nurse: 'Li Na' });
    const r = await call('ward:assign-bed', { bedId: 'A-2', patientId: 'P2' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(vitals.calls).toEqual([]);
  });

  it('answers the simulator (no configurable beds) with a clear unavailable', async () => {
    const { call, core } = await setup(new Vitals());
    await core.handlers['session:sign-in']({ nurse: 'Li Na' });
    const message = "Wards are set in the hospital's RisingWave; the simulator shows its own beds.";
    expect(await call('ward:beds-config', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message },
    });
    expect(await call('ward:assign-bed', { bedId: 'A-1', patientId: null })).toEqual({
      ok: false,
      error: { code: 'unavailable', message },
    });
  });

  it('validates bed and patient ids', async () => {
    const { call } = await setup(new WardVitals());
    for (const req of [
      { bedId: '', patientId: 'P1' },
      { bedId: 'A 1', patientId: 'P1' },
      { bedId: 'x'.repeat(65), patientId: null },
      { bedId: 'A-1', patientId: '' },
      { bedId: 'A-1' },
      { bedId: 'A-1', patientId: null, wardId: 'B' },
    ]) {
      expect(await call('ward:assign-bed', req)).toMatchObject({ error: { code: 'bad_request' } });
    }
  });
});
