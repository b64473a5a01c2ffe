// Wires a station core the way electron/main/core/station-host.ts does (same adapters, same options),
// but keeps hold of every part so a benchmark can time the seams between them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type {
  Alert,
  BackendHealth,
  BedSnapshot,
  RejectSummary,
  ThresholdLimits,
  Thresholds,
} from '../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../shared/domain/types';
import type { NotificationPolicySettings, NotificationRequest } from '../../shared/ipc/contract';
import { SimulatedVitalsSource } from '../../electron/main/adapters/simulator/simulated-vitals-source';
import { openStationDatabase } from '../../electron/main/adapters/sqlite/open-database';
import { createSqliteAckCache } from '../../electron/main/adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertOutbox } from '../../electron/main/adapters/sqlite/sqlite-alert-outbox';
import { createSqliteAlertStore } from '../../electron/main/adapters/sqlite/sqlite-alert-store';
import { DEFAULT_SETTINGS } from '../../electron/main/config/settings-store';
import {
  systemClock,
  type AckCache,
  type AlertStore,
  type Clock,
  type Notifier,
  type VitalsSource,
} from '../../electron/main/core/ports';
import { StationCore, type SettingsPort } from '../../electron/main/core/station-core';

export const BENCH_STATION = 'BENCH-1';
export const BENCH_TIME_ZONE = 'UTC';

/** The settings port with the shipped defaults (notification policy included), read-only. */
export function defaultSettingsPort(notifications?: NotificationPolicySettings): SettingsPort {
  const n = notifications ?? DEFAULT_SETTINGS.notifications;
  const refuse = () => {
    throw new Error('settings are read-only in the benchmarks');
  };
  return {
    view: refuse,
    notifications: () => n,
    updateConnection: refuse,
    updateNotifications: refuse,
    ackRetentionDays: () => DEFAULT_SETTINGS.ackRetentionDays,
    updateRetention: refuse,
    updateSignIn: refuse,
  };
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `ns-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SimulatorStation {
  core: StationCore;
  vitals: SimulatedVitalsSource;
  alerts: AlertStore;
  cache: AckCache;
  db: Database;
  close(): Promise<void>;
}

/** Simulator mode as the app runs it: simulated ward + engine, SQLite alert store and ack cache. */
export function simulatorStation(opts: {
  dataDir: string;
  clock: Clock;
  beds: number;
  seed?: number;
  warmupMs?: number;
  notifier: Notifier;
}): SimulatorStation {
  const db = openStationDatabase(join(opts.dataDir, 'station.sqlite'));
  const cache = createSqliteAckCache(db);
  const alerts = createSqliteAlertStore(db, { stationId: BENCH_STATION, timeZone: BENCH_TIME_ZONE });
  const vitals = new SimulatedVitalsSource({
    clock: opts.clock,
    beds: opts.beds,
    seed: opts.seed ?? 1,
    speed: 1,
    warmupMs: opts.warmupMs ?? 0,
    timeZone: BENCH_TIME_ZONE,
  });
  const core = new StationCore({
    vitals,
    alerts,
    cache,
    outbox: createSqliteAlertOutbox(db),
    notifier: opts.notifier,
    clock: opts.clock,
    settings: defaultSettingsPort(),
    info: {
      mode: 'simulator',
      stationId: BENCH_STATION,
      version: 'bench',
      wardTimeZone: BENCH_TIME_ZONE,
      shell: 'web',
      demoRoster: null,
    },
    recordFeedInStore: true,
    newId: randomUUID,
  });
  return {
    core,
    vitals,
    alerts,
    cache,
    db,
    async close() {
      await core.stop();
      await alerts.close();
      cache.close();
      if (db.open) db.close();
    },
  };
}

/** The main process serializes every event for its renderer (IPC or WebSocket): so does the bench. */
/**
 * A station core as the connected-mode cases run it: real clock, default settings, and the feed not
 * written to the alert store (RisingWave's sink does that on a ward), so only the core's work is timed.
 */
export function connectedBenchCore(ports: {
  vitals: VitalsSource;
  alerts: AlertStore;
  cache: AckCache;
  notifier: Notifier;
}): StationCore {
  return new StationCore({
    ...ports,
    outbox: createSqliteAlertOutbox(openStationDatabase(':memory:')),
    clock: systemClock,
    settings: defaultSettingsPort(),
    info: {
      mode: 'connected',
      stationId: BENCH_STATION,
      version: 'bench',
      wardTimeZone: BENCH_TIME_ZONE,
      shell: 'web',
      demoRoster: null,
    },
    recordFeedInStore: false,
  });
}

export function serializeEvents(core: StationCore): () => number {
  let bytes = 0;
  core.on((event, payload) => {
    bytes += JSON.stringify({ event, payload }).length;
  });
  return () => bytes;
}

/** A vitals source with no beds and no feed: for measuring the request paths of the core alone. */
export function idleVitalsSource(clock: Clock): VitalsSource {
  const health: BackendHealth = {
    backend: 'vitals',
    adapter: 'idle',
    up: true,
    since: clock.now(),
    message: null,
  };
  const none = () => () => undefined;
  return {
    adapter: 'idle',
    start: async () => undefined,
    stop: async () => undefined,
    beds: async (): Promise<BedSnapshot[]> => [],
    trend: async () => [],
    thresholds: async (patientId: string): Promise<Thresholds> => ({
      patientId,
      ...DEFAULT_THRESHOLDS,
      custom: false,
    }),
    updateThresholds: async (patientId: string, limits: ThresholdLimits): Promise<Thresholds> => ({
      patientId,
      ...limits,
      custom: true,
    }),
    rejects: (): RejectSummary => ({ total: 0, byDevice: [] }),
    onAlerts: none,
    onBeds: none,
    onHealth: none,
    health: () => health,
  };
}

/** Records what reached the notifier. */
export class RecordingNotifier implements Notifier {
  readonly shown: { at: number; request: NotificationRequest }[] = [];
  constructor(private readonly onShow?: (request: NotificationRequest) => void) {}
  show(request: NotificationRequest): void {
    this.shown.push({ at: performance.now(), request });
    this.onShow?.(request);
  }
}

export type { Alert };

/** A vitals source the bench drives by hand: it pushes alerts and bed snapshots into the core. */
export class ScriptedVitalsSource implements VitalsSource {
  readonly adapter = 'scripted';
  private readonly alertListeners = new Set<(a: Alert[]) => void>();
  private readonly bedListeners = new Set<(b: BedSnapshot[]) => void>();
  private readonly idle: VitalsSource;
  constructor(
    clock: Clock,
    private readonly initialBeds: BedSnapshot[],
  ) {
    this.idle = idleVitalsSource(clock);
  }
  start = async () => undefined;
  stop = async () => undefined;
  beds = async () => this.initialBeds;
  trend = async () => [];
  thresholds = (patientId: string) => this.idle.thresholds(patientId);
  updateThresholds = (patientId: string, limits: ThresholdLimits) =>
    this.idle.updateThresholds(patientId, limits);
  rejects = () => this.idle.rejects();
  health = () => this.idle.health();
  onHealth = () => () => undefined;
  onAlerts(l: (a: Alert[]) => void) {
    this.alertListeners.add(l);
    return () => this.alertListeners.delete(l);
  }
  onBeds(l: (b: BedSnapshot[]) => void) {
    this.bedListeners.add(l);
    return () => this.bedListeners.delete(l);
  }
  pushAlerts(alerts: Alert[]): void {
    for (const l of this.alertListeners) l(alerts);
  }
  pushBeds(beds: BedSnapshot[]): void {
    for (const l of this.bedListeners) l(beds);
  }
}
