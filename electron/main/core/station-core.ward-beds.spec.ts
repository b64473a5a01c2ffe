// Settings' ward-bed editor through the core (issue #12): the charge nurse only, each change audited
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
import type { AlertOutbox, AssignBedRequest, AuditEvent, VitalsSource } from './ports';
import { StationCore, type Call, type SettingsAuditEntry } from './station-core';
import { callAs, NOBODY } from '../../../tests/support/nurses';

/** The charge nurse changes the ward's beds (issue #18). */
const LI_NA = callAs('Li Na', { role: 'charge', nurseId: 'C-LINA' });

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

async function setup(vitals: VitalsSource, audit?: (e: AuditEvent) => void) {
  const audits: SettingsAuditEntry[] = [];
  const others: AuditEvent[] = [];
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
      updateSignIn: () => ({}) as SettingsView,
    },
    info: {
      mode: 'connected',
      stationId: 'ST-1',
      version: 'test',
      wardTimeZone: 'UTC',
      shell: 'web',
      demoRoster: null,
    },
    recordFeedInStore: false,
    audit: {
      record:
        audit ??
        ((e) => {
          if (e.kind === 'settings') audits.push(e);
          else others.push(e);
        }),
      list: () => [],
    },
    log: () => undefined,
  });
  await core.start();
  const call = (channel: string, request: unknown, as: Call = NOBODY) =>
    dispatch(core.handlers as unknown as HandlerTable, channel, request, undefined, as);
  return { core, audits, others, call };
}

describe('StationCore: ward beds (Settings)', () => {
  it('lists the ward beds without sign-in, but assigns only for a signed-in charge nurse', async () => {
    const vitals = new WardVitals();
    const { call, audits, others } = await setup(vitals);
    const list = await call('ward:beds-config', {});
    expect(list).toMatchObject({ ok: true, value: [{ bedId: 'A-1' }, { bedId: 'A-2' }] });
    const anon = await call('ward:assign-bed', { bedId: 'A-2', patientId: 'P2' });
    expect(anon).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: "Sign in as the charge nurse to change the ward's beds." },
    });
    const nurse = await call(
      'ward:assign-bed',
      { bedId: 'A-2', patientId: 'P2' },
      callAs('Sam', { role: 'nurse' }),
    );
    expect(nurse).toEqual({
      ok: false,
      error: { code: 'forbidden', message: "Only the charge nurse may change the ward's beds." },
    });
    expect(vitals.calls).toEqual([]);
    expect(audits).toEqual([]);
    expect(others).toEqual([]);
  });

  it('audits the request before applying it, then the outcome, and passes nurse and station on', async () => {
    const vitals = new WardVitals();
    const { call, audits } = await setup(vitals);
    const r = await call('ward:assign-bed', { bedId: 'A-2', patientId: 'P1' }, LI_NA);
    expect(r.ok).toBe(true);
    expect(vitals.calls).toEqual([{ bedId: 'A-2', patientId: 'P1', nurse: 'Li Na', stationId: 'ST-1' }]);
    expect(audits.map((a) => [a.kind, a.section, a.outcome, a.nurseId, a.nurse, a.stationId])).toEqual([
      ['settings', 'ward', 'requested', 'C-LINA', 'Li Na', 'ST-1'],
      ['settings', 'ward', 'applied', 'C-LINA', 'Li Na', 'ST-1'],
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
    const { call, audits } = await setup(vitals);
    const r = await call('ward:assign-bed', { bedId: 'X-1', patientId: null }, LI_NA);
    expect(r).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Bed X-1 belongs to another ward.' },
    });
    expect(audits.map((a) => a.outcome)).toEqual(['requested', 'refused']);
    expect(audits[1]?.after).toEqual({ error: 'Bed X-1 belongs to another ward.' });
  });

  it('makes no change it could not record', async () => {
    const vitals = new WardVitals();
    const { call } = await setup(vitals, () => {
      throw new Error('disk full');
    });
    const r = await call('ward:assign-bed', { bedId: 'A-2', patientId: 'P2' }, LI_NA);
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(vitals.calls).toEqual([]);
  });

  it('answers the simulator (no configurable beds) with a clear unavailable', async () => {
    const { call } = await setup(new Vitals());
    const message = "Wards are set in the hospital's RisingWave; the simulator shows its own beds.";
    expect(await call('ward:beds-config', {}, LI_NA)).toEqual({
      ok: false,
      error: { code: 'unavailable', message },
    });
    expect(await call('ward:assign-bed', { bedId: 'A-1', patientId: null }, LI_NA)).toEqual({
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
      expect(await call('ward:assign-bed', req, LI_NA)).toMatchObject({ error: { code: 'bad_request' } });
    }
  });
});
