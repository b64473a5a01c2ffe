// Fakes for the #12 review findings' tests (a store, a vitals source, a core on an in-memory SQLite file).
import type { Database } from 'better-sqlite3';
// Finding: a station started while MySQL is up never loads the store's pending alerts.
import type { Alert, BedSnapshot, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import { openStationDatabase } from '../../../electron/main/adapters/sqlite/open-database';
import { createSqliteAckCache } from '../../../electron/main/adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertOutbox } from '../../../electron/main/adapters/sqlite/sqlite-alert-outbox';
import { createSqliteAnnouncedAlerts } from '../../../electron/main/adapters/sqlite/sqlite-announced-alerts';
import { FakeClock } from '../../../electron/main/core/fake-clock';
import { StationCore } from '../../../electron/main/core/station-core';

export function alert(id: string, patientId = 'P001', over: Partial<Alert> = {}): Alert {
  return {
    alertId: id,
    patientId,
    deviceId: 'D001',
    alertTime: 1_990_000,
    alertType: 'heart_rate',
    alertDetail: 'x',
    alertLevel: 2,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: null,
    ...over,
  };
}
export function bed(patientId: string): BedSnapshot {
  return {
    patientId,
    deviceId: 'D001',
    latest: null,
    spark: { heartRate: [], bloodOxygen: [], bloodGlucose: [] },
    state: 'normal',
    activeAlertIds: [],
  };
}

export class Store {
  adapter = 'memory';
  rows = new Map<string, Alert>();
  pendingCalls: unknown[] = [];
  async upsertAlerts() {}
  async list() {
    return { items: [], next: null };
  }
  async stats() {
    return {} as never;
  }
  async get(id: string) {
    return this.rows.get(id) ?? null;
  }
  async patientAlerts() {
    return [];
  }
  async transition() {
    return { kind: 'not_yet' } as const;
  }
  async burden() {
    return {} as never;
  }
  async pendingAlerts(scope?: readonly string[] | null) {
    this.pendingCalls.push(scope);
    return [...this.rows.values()].filter(
      (a) => a.status === 'pending' && (!scope || scope.includes(a.patientId)),
    );
  }
  async handledAmong() {
    return [];
  }
  async ping() {}
  async close() {}
}
export class Vitals {
  adapter = 'risingwave';
  alertL = new Set<(a: Alert[]) => void>();
  scopeIds: string[] | null = ['P001'];
  async start() {}
  async stop() {}
  async beds() {
    return [bed('P001')];
  }
  async trend(_patientId: string): Promise<never[]> {
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
    return { backend: 'vitals' as const, adapter: 'risingwave', up: true, since: 0, message: null };
  }
  scope() {
    return this.scopeIds;
  }
  emit(a: Alert[]) {
    for (const l of this.alertL) l(a);
  }
}

type Shown = { key: string; level: number; alertIds: string[] };

export async function makeCore(
  store: Store,
  vitals: Vitals,
  clock = new FakeClock(2_000_000),
): Promise<{ core: StationCore; shown: Shown[]; clock: FakeClock; db: Database }> {
  const db: Database = openStationDatabase(':memory:');
  const shown: Shown[] = [];
  const core = new StationCore({
    vitals: vitals as never,
    alerts: store as never,
    cache: createSqliteAckCache(db),
    outbox: createSqliteAlertOutbox(db),
    announced: createSqliteAnnouncedAlerts(db),
    notifier: { show: (r) => shown.push(r as never) },
    clock,
    settings: {
      view: () => ({}) as never,
      notifications: () => ({ enabled: true, sound: false, criticalRepeatMinutes: 5, coalesceMs: 0 }),
      updateConnection: () => ({}) as never,
      updateNotifications: () => ({}) as never,
      ackRetentionDays: () => 30,
      updateRetention: () => ({}) as never,
      updateSignIn: () => ({}) as never,
    },
    info: {
      mode: 'connected',
      stationId: 'ST-1',
      version: 't',
      wardTimeZone: 'UTC',
      shell: 'web',
      demoRoster: null,
    },
    recordFeedInStore: false,
    handledCheckIntervalMs: 5000,
  });
  return { core, shown, clock, db };
}
