// Connected mode's VitalsSource: reads RisingWave's materialized views over the PostgreSQL wire
// protocol (`pg`) by polling. RisingWave speaks a subset of PostgreSQL, so every statement here
// follows these rules: each parameter is cast (`$1::timestamptz`), LIMIT is a literal constant,
// no read-write transactions, no LISTEN/NOTIFY, no temp tables, no INSERT … ON CONFLICT.
//
// What it does, and what it leaves to the station core:
// - Beds: `patient_latest_vitals` each poll, plus a small ring of recent values per patient for the
//   sparklines (seeded on start from `patient_vitals_1min`). The bed state comes from the alerts this
//   source delivered in the last 10 minutes; it knows nothing of acknowledgements, so the core refines
//   `state`/`activeAlertIds` with the alert store's statuses.
// - Alert feed: keyset polling of `alerts` on (alert_time, alert_id) re-reading an overlap window,
//   de-duplicated by id (see AlertFeedCursor): each alert is delivered once, in alert_time order,
//   across polls, stop()/start() and database restarts.
// - Signal loss: streaming SQL cannot see absence, so it is computed here from measure_time.
// - Rejects: RisingWave drops malformed JSON itself (source error tolerance), and its view checks the
//   ids of the default alphabet. What this source counts are the rows it refuses itself: any row whose
//   patient_id or device_id fails the identifier rule (shared/domain/identifiers.ts: a table written by
//   people or an ADT feed, a view changed by hand, a hospital pattern stricter than the view's) is
//   dropped, never shown, counted once and reported by rejects(), together with what the Kafka push and
//   the MySQL store refused under the same rule (identifier-gate.ts).
import pg from 'pg';
import {
  ALERT_TYPES,
  DEFAULT_THRESHOLDS,
  type Alert,
  type AlertType,
  type BackendHealth,
  type BedSnapshot,
  type BedState,
  type Reading,
  type RejectSummary,
  type ThresholdLimits,
  type Thresholds,
  type TrendPoint,
  type WardBed,
} from '../../../../shared/domain/types';
import { alertId, bucketStart, signalLossDetail } from '../../../../shared/engine/rules';
import { logger } from '../../core/logger';
import {
  systemClock,
  type AssignBedRequest,
  type Clock,
  type Unsubscribe,
  type VitalsSource,
} from '../../core/ports';
import type { IdentifierRule } from '../../../../shared/domain/identifiers';
import { createIdentifierGate } from '../identifier-gate';
import { AlertFeedCursor, compareFeedRows } from './alert-feed-cursor';
import { describePgError } from './pg-errors';
import { risingWaveTypes, toEpochMs, toNumber, tsParam } from './pg-row-types';
import { cleanDeviceText } from '../../../../shared/domain/free-text';

export interface RisingWaveVitalsSourceOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** ms between polls while healthy; default 1000 */
  pollIntervalMs?: number;
  /** how far behind the newest alert_time each poll re-reads; default 5000 */
  overlapMs?: number;
  /** no reading for this long → signal loss; default 30000 */
  signalLossMs?: number;
  /** the first poll after start only delivers alerts this recent; default 10 minutes */
  initialLookbackMs?: number;
  /** alerts this recent count towards a bed's state and activeAlertIds; default 10 minutes */
  activeAlertWindowMs?: number;
  /** values kept per vital for the sparklines; default 30 */
  sparkLength?: number;
  clock?: Clock;
  /** written to patient_thresholds.updated_by */
  stationId?: string;
  /** default 5000 */
  connectTimeoutMs?: number;
  /** client-side query timeout, so a hung server cannot stall the feed; default 15000 */
  queryTimeoutMs?: number;
  /** tests wrap the pool to inspect every statement */
  createPool?: (config: pg.PoolConfig) => pg.Pool;
  /** operator log for details that do not belong in the UI; default the main-process logger */
  log?: (message: string) => void;
  /**
   * This station's ward (`ward_beds.ward_id`): only its beds' vitals, alerts and trends are read, and a
   * patient moved into one of its beds follows the bed. Null or '': the whole hospital.
   */
  wardId?: string | null;
  /**
   * The push path of the alert feed (RisingWave's Kafka sink, kafka-alert-feed.ts), built with the
   * function it hands its alerts to. Without it, or while it is not live, alerts are polled.
   */
  createAlertPush?: (deliver: (alerts: Alert[]) => Promise<void>) => AlertPush;
  /** while the push path is live, alerts are still polled this often as a safety net; default 2000 */
  reconcileIntervalMs?: number;
  /**
   * No successful poll for this long → reported down at once, even while a query still hangs; default
   * max(2000, pollIntervalMs + 1000); 0 turns the watchdog off.
   */
  noAnswerAfterMs?: number;
  /**
   * Which patient_id and device_id rows may carry; default the station's conservative alphabet. Hand
   * the same instance to the Kafka feed and the MySQL store: rejects() then counts what they refused.
   */
  identifiers?: IdentifierRule;
}

/** What this source needs of a push feed (KafkaAlertFeed has it). */
export interface AlertPush {
  start(): void;
  stop(): Promise<void>;
  live(): boolean;
  problem(): string | null;
  onLiveChange(listener: (live: boolean) => void): () => void;
  /** the station woke up: reconnect now if down (or not heard from again soon), not after a back-off */
  reconnect?(): void;
}

export interface AlertFeedCounts {
  /** alerts delivered first by the push path */
  pushed: number;
  /** alerts delivered first by a poll (fallback, or the safety-net poll finding one push missed) */
  polled: number;
  /** pushed alerts of patients outside this station's ward, skipped */
  outOfWard: number;
}

export interface RisingWaveVitalsSource extends VitalsSource {
  /** Runs one poll now (after any poll in flight). Rejects only when stopped; failures go to health. */
  pollNow(): Promise<void>;
  /**
   * The station woke up: fresh connections (those idle through a suspend are likely dead), the back-off
   * reset, beds and alerts re-read now (alerts too while the push path looks live), the push path
   * reconnected if it is down. A poll in flight on a dead connection still ends at its query timeout.
   */
  refresh(): Promise<void>;
  /** which path delivered the alerts so far */
  feedCounts(): AlertFeedCounts;
  /** rows read from RisingWave so far (the benchmark's cost per station) */
  rowsRead(): number;
}

/** Thrown by request methods when RisingWave cannot answer; the message is safe for the UI. */
export class VitalsUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'VitalsUnavailableError';
  }
}

/**
 * A ward-bed change this source refuses, with a message written for the nurse: 'not_found' (no ward
 * is set for this station), 'conflict' (the bed belongs to another ward).
 */
export class WardBedsError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'WardBedsError';
  }
}

export const NO_WARD_MESSAGE = 'No ward is set for this station (Settings → Connection)';

// LIMITs are literals (RisingWave does not take them as parameters), checked once here.
const PAGE_SIZE = literalLimit(500);
const MAX_PAGES_PER_POLL = 20;
const MAX_BEDS = literalLimit(2000);
const MAX_SEED_ROWS = literalLimit(50_000);
/** 7 days of 1-minute buckets: the longest range the contract allows */
const MAX_TREND_ROWS = literalLimit(7 * 24 * 60 + 1);
const BACKOFF_START_MS = 1_000;
const MIN_POLL_GAP_MS = 100;
const BACKOFF_CAP_MS = 30_000;
const SEED_WINDOW_MS = 10 * 60_000;
/** alert ids remembered across both feed paths, so neither delivers what the other did */
const MAX_RECENT_IDS = 20_000;
/** no successful poll for this long (at least) → RisingWave is reported down, even while a query hangs */
const WATCHDOG_MIN_MS = 2_000;
const WATCHDOG_TICK_MS = 500;

function literalLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`invalid LIMIT ${n}`);
  return n;
}

const ALERT_COLUMNS =
  'alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level, heart_rate, blood_oxygen, blood_glucose';
const WARD_ALERT_COLUMNS = ALERT_COLUMNS.split(', ')
  .map((c) => `a.${c}`)
  .join(', ');

const SQL = {
  latest:
    'SELECT patient_id, device_id, measure_time, heart_rate, blood_oxygen, blood_glucose ' +
    `FROM patient_latest_vitals ORDER BY patient_id LIMIT ${MAX_BEDS}`,
  seed:
    'SELECT patient_id, window_start, hr_avg, spo2_avg, glucose_avg FROM patient_vitals_1min ' +
    `WHERE window_start >= $1::timestamptz ORDER BY patient_id, window_start LIMIT ${MAX_SEED_ROWS}`,
  alertsFirstPage:
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE alert_time >= $1::timestamptz ` +
    `ORDER BY alert_time, alert_id LIMIT ${PAGE_SIZE}`,
  // Keyset continuation. Timestamps travel as ms while the server keeps µs, so `>` may re-read the
  // last rows of the previous page; the cursor's de-duplication drops them.
  alertsNextPage:
    `SELECT ${ALERT_COLUMNS} FROM alerts ` +
    'WHERE alert_time > $1::timestamptz OR (alert_time = $1::timestamptz AND alert_id > $2::varchar) ' +
    `ORDER BY alert_time, alert_id LIMIT ${PAGE_SIZE}`,
  trend:
    'SELECT window_start, hr_min, hr_avg, hr_max, spo2_min, spo2_avg, spo2_max, glucose_min, glucose_avg, glucose_max ' +
    'FROM patient_vitals_1min WHERE patient_id = $1::varchar AND window_start >= $2::timestamptz ' +
    `AND window_start < $3::timestamptz ORDER BY window_start LIMIT ${MAX_TREND_ROWS}`,
  thresholds:
    'SELECT heart_rate_min, heart_rate_max, blood_oxygen_min, blood_glucose_min, blood_glucose_max ' +
    'FROM patient_thresholds WHERE patient_id = $1::varchar LIMIT 1',
  // RisingWave's INSERT has no ON CONFLICT clause (its tables overwrite on a duplicate primary key,
  // PostgreSQL raises 23505), so: UPDATE … RETURNING; if no row, INSERT; if that races another
  // station's INSERT (23505 on PostgreSQL), UPDATE again. No transaction needed: the row is whole.
  thresholdsUpdate:
    'UPDATE patient_thresholds SET heart_rate_min = $2::double precision, heart_rate_max = $3::double precision, ' +
    'blood_oxygen_min = $4::double precision, blood_glucose_min = $5::double precision, ' +
    'blood_glucose_max = $6::double precision, updated_at = $7::timestamptz, updated_by = $8::varchar ' +
    'WHERE patient_id = $1::varchar RETURNING patient_id',
  // all columns, in table order (older RisingWave versions require that)
  thresholdsInsert:
    'INSERT INTO patient_thresholds (patient_id, heart_rate_min, heart_rate_max, blood_oxygen_min, ' +
    'blood_glucose_min, blood_glucose_max, updated_at, updated_by) VALUES ($1::varchar, $2::double precision, ' +
    '$3::double precision, $4::double precision, $5::double precision, $6::double precision, $7::timestamptz, $8::varchar)',
  // Ward-scoped twins of the reads above: only the beds of ward $1, joined by patient_id, so a patient
  // moved into a bed follows it. An empty bed (patient_id NULL) comes back with no vitals and is skipped.
  wardLatest:
    'SELECT b.bed_id, b.patient_id, v.device_id, v.measure_time, v.heart_rate, v.blood_oxygen, v.blood_glucose ' +
    'FROM ward_beds b LEFT JOIN patient_latest_vitals v ON v.patient_id = b.patient_id ' +
    `WHERE b.ward_id = $1::varchar ORDER BY b.bed_id LIMIT ${MAX_BEDS}`,
  wardSeed:
    'SELECT m.patient_id, m.window_start, m.hr_avg, m.spo2_avg, m.glucose_avg FROM patient_vitals_1min m ' +
    'JOIN ward_beds b ON b.patient_id = m.patient_id WHERE b.ward_id = $1::varchar AND m.window_start >= $2::timestamptz ' +
    `ORDER BY m.patient_id, m.window_start LIMIT ${MAX_SEED_ROWS}`,
  wardAlertsFirstPage:
    `SELECT ${WARD_ALERT_COLUMNS} FROM alerts a JOIN ward_beds b ON b.patient_id = a.patient_id ` +
    'WHERE b.ward_id = $1::varchar AND a.alert_time >= $2::timestamptz ' +
    `ORDER BY a.alert_time, a.alert_id LIMIT ${PAGE_SIZE}`,
  wardAlertsNextPage:
    `SELECT ${WARD_ALERT_COLUMNS} FROM alerts a JOIN ward_beds b ON b.patient_id = a.patient_id ` +
    'WHERE b.ward_id = $1::varchar AND (a.alert_time > $2::timestamptz ' +
    'OR (a.alert_time = $2::timestamptz AND a.alert_id > $3::varchar)) ' +
    `ORDER BY a.alert_time, a.alert_id LIMIT ${PAGE_SIZE}`,
  // Settings' bed editor (ward $1). Same shape as thresholds: UPDATE … RETURNING, else INSERT, and
  // on 23505 (PostgreSQL; RisingWave would overwrite) UPDATE again. The UPDATE is confined to the
  // ward, so a bed of another ward is never changed by it; the INSERT is preceded by wardBedOwner,
  // since on RisingWave an INSERT of another ward's bed id would silently take that bed over.
  wardBedsList:
    'SELECT bed_id, patient_id, updated_at, updated_by FROM ward_beds WHERE ward_id = $1::varchar ' +
    `ORDER BY bed_id LIMIT ${MAX_BEDS}`,
  wardBedOwner: 'SELECT ward_id FROM ward_beds WHERE bed_id = $1::varchar LIMIT 1',
  // a patient lies in one bed: the other beds of the ward holding them are emptied first
  wardBedVacatePatient:
    'UPDATE ward_beds SET patient_id = NULL, updated_at = $3::timestamptz, updated_by = $4::varchar ' +
    'WHERE ward_id = $1::varchar AND patient_id = $2::varchar AND bed_id <> $5::varchar',
  wardBedUpdate:
    'UPDATE ward_beds SET patient_id = $3::varchar, updated_at = $4::timestamptz, updated_by = $5::varchar ' +
    'WHERE bed_id = $1::varchar AND ward_id = $2::varchar RETURNING bed_id',
  // all columns, in table order
  wardBedInsert:
    'INSERT INTO ward_beds (bed_id, ward_id, patient_id, updated_at, updated_by) ' +
    'VALUES ($1::varchar, $2::varchar, $3::varchar, $4::timestamptz, $5::varchar)',
  version: 'SELECT version() AS version',
  // RisingWave only: makes the write visible to the next read (read-after-write is not the default)
  flush: 'FLUSH',
} as const;

/** The statements this adapter can send, for the casting test. */
export const RISINGWAVE_SQL: Readonly<Record<string, string>> = SQL;

type Row = Record<string, unknown>;

interface PatientState {
  patientId: string;
  /** the ward bed the patient lies in (ward-scoped reads only) */
  bedId: string | null;
  deviceId: string | null;
  latest: Reading | null;
  /** newest measure_time seen, even when the row's vitals were incomplete */
  lastMeasureTime: number | null;
  /** measure_time of the last value pushed to the rings */
  lastSparkTime: number | null;
  spark: { heartRate: number[]; bloodOxygen: number[]; bloodGlucose: number[] };
}

/**
 * The engine's signal-loss id: md5(`${patient_id}|signal_loss|${bucket start, epoch s}`) of the 30-s
 * bucket holding the moment the silence reached the limit (last reading + signalLossMs), not of the
 * poll that noticed it: every station and every restart computes the same id for the same silence.
 */
export function signalLossAlertId(patientId: string, lastMeasureTime: number, signalLossMs: number): string {
  return alertId(patientId, 'signal_loss', bucketStart(lastMeasureTime + signalLossMs));
}

export function createRisingWaveVitalsSource(opts: RisingWaveVitalsSourceOptions): RisingWaveVitalsSource {
  const clock = opts.clock ?? systemClock;
  const pollIntervalMs = opts.pollIntervalMs ?? 1_000;
  const overlapMs = opts.overlapMs ?? 5_000;
  const signalLossMs = opts.signalLossMs ?? 30_000;
  const activeWindowMs = opts.activeAlertWindowMs ?? 10 * 60_000;
  const sparkLength = opts.sparkLength ?? 30;
  const stationId = opts.stationId ?? 'nurse-station';
  const wardId = opts.wardId ? opts.wardId : null;
  // Short: a push path that is "live" (fetches come back) while the sink writes nothing (RisingWave's
  // sink failed, a wrong topic) must not leave alerts waiting long; this bounds it to about 2 s + a poll.
  const reconcileMs = opts.reconcileIntervalMs ?? 2_000;
  const watchdogMs = opts.noAnswerAfterMs ?? Math.max(WATCHDOG_MIN_MS, pollIntervalMs + 1_000);
  const log = opts.log ?? ((m: string) => logger.warn(`risingwave: ${m}`));
  const target = {
    system: 'RisingWave',
    host: opts.host,
    port: opts.port,
    user: opts.user,
    database: opts.database,
  };

  const gate = createIdentifierGate({
    rule: opts.identifiers,
    source: 'RisingWave',
    log,
    now: () => clock.now(),
  });
  const rejectListeners = new Set<(summary: RejectSummary) => void>();
  /** gate.version() last told to rejectListeners */
  let rejectsSent = 0;

  const cursor = new AlertFeedCursor({ overlapMs, initialLookbackMs: opts.initialLookbackMs ?? 10 * 60_000 });
  const patients = new Map<string, PatientState>();
  /** alerts delivered within the active window, per patient */
  const recentAlerts = new Map<string, Alert[]>();
  /** patient → the measure_time whose silence already raised a signal-loss alert */
  const lossRaisedFor = new Map<string, number>();
  /** last bed snapshots sent to onBeds, to send only changes */
  const lastSent = new Map<string, string>();

  const alertListeners = new Set<(alerts: Alert[]) => void>();
  const bedListeners = new Set<(beds: BedSnapshot[]) => void>();
  const healthListeners = new Set<(health: BackendHealth) => void>();
  /** ids delivered by either path, oldest first (a Set keeps insertion order): neither repeats the other */
  const recentIds = new Set<string>();
  const counts: AlertFeedCounts = { pushed: 0, polled: 0, outOfWard: 0 };
  let rowsRead = 0;
  /** patient ids of the ward as last read; null until the first ward read (or with no ward) */
  let wardPatients: Set<string> | null = null;
  let push: AlertPush | null = null;
  let pushStarted = false;
  let lastAlertPoll = -Infinity;
  /** the push path just became live: poll alerts once more, to cover the moment it joined */
  let catchUpPoll = false;
  let lastSuccessAt: number | null = null;
  let watchdog: unknown = null;

  let health: BackendHealth = {
    backend: 'vitals',
    adapter: 'risingwave',
    up: false,
    since: clock.now(),
    message: 'Not connected to RisingWave yet',
  };
  let pool: pg.Pool | null = null;
  let running = false;
  let seeded = false;
  let timer: unknown = null;
  /** bumped by start() and stop(), so a poll finishing after a restart cannot start a second loop */
  let generation = 0;
  let failures = 0;
  let lastPollStart = 0;
  let isRisingWave: boolean | null = null;
  let lastLogged: string | null = null;
  /** serializes polls: the timer's and pollNow()'s never overlap */
  let chain: Promise<void> = Promise.resolve();
  /** refresh() under way: calls meanwhile join it */
  let refreshing: Promise<void> | null = null;

  function emit<T>(listeners: Set<(v: T) => void>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (err) {
        log(`a listener threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Tells the reject listeners when a row was refused since they last heard (by any adapter of the rule). */
  function sendRejects(): void {
    const v = gate.version();
    if (v === rejectsSent) return;
    rejectsSent = v;
    emit(rejectListeners, gate.rejects());
  }

  function alertPath(): 'push' | 'poll' {
    return push?.live() ? 'push' : 'poll';
  }

  /** What the banner says about the alert path while RisingWave itself answers. */
  function pathMessage(): string | null {
    if (!push || push.live()) return null;
    const problem = push.problem() ?? 'not live';
    return `Alert push from Kafka unavailable (${problem}); polling RisingWave every ${Math.round(pollIntervalMs / 100) / 10} s instead`;
  }

  function setHealth(up: boolean, message: string | null): void {
    const path = push ? alertPath() : undefined;
    if (health.up === up && health.message === message && health.alertPath === path) return;
    health = {
      ...health,
      up,
      message,
      since: health.up === up ? health.since : clock.now(),
      ...(path ? { alertPath: path } : {}),
    };
    emit(healthListeners, health);
  }

  function createPool(): pg.Pool {
    const config: pg.PoolConfig = {
      host: opts.host,
      port: opts.port,
      user: opts.user,
      password: opts.password,
      database: opts.database,
      max: 3,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      query_timeout: opts.queryTimeoutMs ?? 15_000,
      keepAlive: true,
      types: risingWaveTypes,
    };
    const p = opts.createPool ? opts.createPool(config) : new pg.Pool(config);
    // An idle client dies when the server restarts; without a listener that error would crash
    // the main process. The next poll fails (or reconnects) and reports through health.
    p.on('error', (err) => logOnce(`idle connection lost: ${err.message}`));
    return p;
  }

  function logOnce(message: string): void {
    if (message === lastLogged) return;
    lastLogged = message;
    log(message);
  }

  async function query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const p = pool;
    if (!p) throw new VitalsUnavailableError('The RisingWave source is not running');
    const result = await p.query(sql, params);
    rowsRead += result.rows.length;
    return result.rows as Row[];
  }

  /** For request methods: failures become a UI-safe VitalsUnavailableError. */
  async function request(sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return await query(sql, params);
    } catch (err) {
      if (err instanceof VitalsUnavailableError) throw err;
      const described = describePgError(err, target);
      logOnce(`${described.message}: ${err instanceof Error ? err.message : String(err)}`);
      throw new VitalsUnavailableError(described.message);
    }
  }

  // ---- polling -------------------------------------------------------------------------------

  function pushSpark(
    state: PatientState,
    hr: number | null,
    spo2: number | null,
    glucose: number | null,
  ): void {
    const push = (ring: number[], v: number | null) => {
      if (v === null) return;
      ring.push(v);
      if (ring.length > sparkLength) ring.splice(0, ring.length - sparkLength);
    };
    push(state.spark.heartRate, hr);
    push(state.spark.bloodOxygen, spo2);
    push(state.spark.bloodGlucose, glucose);
  }

  function patientState(patientId: string): PatientState {
    let state = patients.get(patientId);
    if (!state) {
      state = {
        patientId,
        deviceId: null,
        latest: null,
        bedId: null,
        lastMeasureTime: null,
        lastSparkTime: null,
        spark: { heartRate: [], bloodOxygen: [], bloodGlucose: [] },
      };
      patients.set(patientId, state);
    }
    return state;
  }

  async function seedSparks(now: number): Promise<void> {
    const since = tsParam(now - SEED_WINDOW_MS);
    const rows = wardId ? await query(SQL.wardSeed, [wardId, since]) : await query(SQL.seed, [since]);
    // only beds whose rings are empty: a restart of this source keeps the values it already has
    const empty = new Set(
      [...patients.values()]
        .filter(
          (s) => s.spark.heartRate.length + s.spark.bloodOxygen.length + s.spark.bloodGlucose.length === 0,
        )
        .map((s) => s.patientId),
    );
    for (const row of rows) {
      const key = `trend:${String(row.patient_id)}|${String(row.window_start)}`;
      if (gate.screen({ what: 'trend', key, patientId: row.patient_id }) !== null) continue;
      const patientId = row.patient_id as string;
      if (patients.has(patientId) && !empty.has(patientId)) continue;
      empty.add(patientId);
      pushSpark(
        patientState(patientId),
        toNumber(row.hr_avg),
        toNumber(row.spo2_avg),
        toNumber(row.glucose_avg),
      );
    }
  }

  /** Patients no longer in the ward's beds leave; their tiles are dropped. */
  function leaveWard(present: Set<string>): BedSnapshot[] {
    const vacated: BedSnapshot[] = [];
    for (const [patientId, state] of patients) {
      if (present.has(patientId)) continue;
      patients.delete(patientId);
      recentAlerts.delete(patientId);
      lossRaisedFor.delete(patientId);
      lastSent.delete(patientId);
      vacated.push({ ...snapshot(state, clock.now()), vacated: true });
    }
    return vacated;
  }

  /**
   * The latest rows whose ids pass the identifier rule, each with whether its vitals may be used. A
   * refused patient_id drops the row (the patient is not shown, nor counted as in the ward). In a ward
   * read the patient comes from ward_beds and the device from the readings: a refused device_id drops
   * only the vitals, so a patient correctly in a bed keeps its tile while one device misbehaves.
   */
  function screenLatest(rows: Row[]): { row: Row; patientId: string; vitals: boolean }[] {
    const kept: { row: Row; patientId: string; vitals: boolean }[] = [];
    for (const row of rows) {
      const p = row.patient_id;
      // an empty bed (NULL, or '' as the bed list reads it too); outside a ward, a row without a
      // patient is refused like any other bad id
      if (wardId && (p === null || p === '')) continue;
      const readingKey = `latest:${String(p)}|${String(row.device_id)}|${String(row.measure_time)}`;
      if (wardId) {
        const bedKey = `bed:${String(row.bed_id)}|${String(p)}`;
        if (gate.screen({ what: 'ward bed', key: bedKey, patientId: p }) !== null) continue;
        const device = { what: 'bed vitals', key: readingKey, deviceId: row.device_id, deviceOptional: true };
        kept.push({ row, patientId: p as string, vitals: gate.screen(device) === null });
      } else {
        const reading = { what: 'bed vitals', key: readingKey, patientId: p, deviceId: row.device_id };
        if (gate.screen({ ...reading, deviceOptional: true }) !== null) continue;
        kept.push({ row, patientId: p as string, vitals: true });
      }
    }
    return kept;
  }

  async function readLatest(): Promise<BedSnapshot[]> {
    const rows = screenLatest(wardId ? await query(SQL.wardLatest, [wardId]) : await query(SQL.latest));
    let vacated: BedSnapshot[] = [];
    if (wardId) {
      const present = new Set<string>();
      for (const { patientId } of rows) present.add(patientId);
      vacated = leaveWard(present);
      wardPatients = present;
    }
    for (const { row, patientId, vitals } of rows) {
      const measureTime = toEpochMs(row.measure_time);
      if (wardId) {
        // A ward patient without readings yet still gets a (waiting) tile, under its bed.
        const state = patientState(patientId);
        state.bedId = typeof row.bed_id === 'string' ? row.bed_id : null;
      }
      if (measureTime === null || !vitals) continue;
      const state = patientState(patientId);
      // '' or NULL: a reading without a device id keeps the device last seen
      state.deviceId =
        typeof row.device_id === 'string' && row.device_id !== '' ? row.device_id : state.deviceId;
      if (state.lastMeasureTime !== null && measureTime <= state.lastMeasureTime) continue;
      state.lastMeasureTime = measureTime;
      const hr = toNumber(row.heart_rate);
      const spo2 = toNumber(row.blood_oxygen);
      const glucose = toNumber(row.blood_glucose);
      if (hr !== null && spo2 !== null && glucose !== null) {
        state.latest = {
          patientId,
          deviceId: state.deviceId ?? '',
          measureTime,
          heartRate: hr,
          bloodOxygen: spo2,
          bloodGlucose: glucose,
        };
      }
      if (state.lastSparkTime === null || measureTime > state.lastSparkTime) {
        state.lastSparkTime = measureTime;
        pushSpark(state, hr, spo2, glucose);
      }
    }
    return vacated;
  }

  function rowToAlert(row: Row): Alert | null {
    const alertId = typeof row.alert_id === 'string' ? row.alert_id : null;
    if (
      alertId !== null &&
      gate.screen({
        what: 'alert',
        key: `alert:${alertId}`,
        patientId: row.patient_id,
        deviceId: row.device_id,
        deviceOptional: true,
      }) !== null
    ) {
      return null;
    }
    const patientId = typeof row.patient_id === 'string' ? row.patient_id : null;
    const alertTime = toEpochMs(row.alert_time);
    const alertType = row.alert_type;
    if (!alertId || !patientId || alertTime === null) {
      logOnce('skipped an alert row without id, patient or time');
      return null;
    }
    if (typeof alertType !== 'string' || !(ALERT_TYPES as readonly string[]).includes(alertType)) {
      logOnce(`alert ${alertId} has an unknown alert_type; is risingwave.sql newer than this app?`);
      return null;
    }
    // Anything but an explicit 1 is treated as critical: over-alerting beats a missed alarm.
    const level = toNumber(row.alert_level) === 1 ? 1 : 2;
    const hr = toNumber(row.heart_rate);
    const spo2 = toNumber(row.blood_oxygen);
    const glucose = toNumber(row.blood_glucose);
    return {
      alertId,
      patientId,
      deviceId: typeof row.device_id === 'string' ? row.device_id : '',
      alertTime,
      alertType: alertType as AlertType,
      alertDetail: typeof row.alert_detail === 'string' ? cleanDeviceText(row.alert_detail) : '',
      alertLevel: level,
      status: 'pending',
      handleBy: null,
      handleTime: null,
      handleNote: null,
      reading:
        hr !== null && spo2 !== null && glucose !== null
          ? { heartRate: hr, bloodOxygen: spo2, bloodGlucose: glucose }
          : null,
    };
  }

  /**
   * Alerts the cursor has marked delivered but listeners have not had yet. Drained at the end of every
   * poll, failed ones included: a page read before a failure must not be lost.
   */
  let undelivered: Alert[] = [];

  /** Of `alerts`, those neither path delivered before; marks them delivered. */
  function firstSeen(alerts: readonly Alert[]): Alert[] {
    const fresh: Alert[] = [];
    for (const a of alerts) {
      if (recentIds.has(a.alertId)) continue;
      recentIds.add(a.alertId);
      fresh.push(a);
    }
    for (const id of recentIds) {
      if (recentIds.size <= MAX_RECENT_IDS) break;
      recentIds.delete(id);
    }
    return fresh;
  }

  function flushAlerts(now: number): void {
    if (undelivered.length === 0) return;
    const batch = undelivered.sort(compareFeedRows);
    undelivered = [];
    rememberAlerts(batch, now);
    emit(alertListeners, batch);
  }

  /** The push path's alerts: the ward's, not delivered before, go straight to the listeners. */
  async function deliverPushed(alerts: Alert[]): Promise<void> {
    if (!running) throw new VitalsUnavailableError('The RisingWave source is not running');
    // The Kafka feed checked the ids already (with the same rule, when the composition root gave it
    // one); checked again here so that no push path can bypass the rule. A refused alert is counted once.
    const screened = alerts.filter(
      (a) =>
        gate.screen({
          what: 'alert',
          key: `alert:${a.alertId}`,
          patientId: a.patientId,
          deviceId: a.deviceId,
          deviceOptional: true,
        }) === null,
    );
    sendRejects();
    const inWard = wardPatients === null ? screened : screened.filter((a) => wardPatients?.has(a.patientId));
    // Not remembered: if the patient has just moved into one of this ward's beds, the next poll of
    // the ward's alerts delivers it.
    counts.outOfWard += screened.length - inWard.length;
    // ...at the very next poll, not the next safety-net one.
    if (inWard.length < screened.length) catchUpPoll = true;
    const fresh = firstSeen(inWard);
    if (fresh.length === 0) return;
    counts.pushed += fresh.length;
    const now = clock.now();
    fresh.sort(compareFeedRows);
    rememberAlerts(fresh, now);
    emit(alertListeners, fresh);
    refreshBedsOf(fresh, now);
  }

  async function readAlerts(now: number): Promise<void> {
    const from = tsParam(cursor.lowerBound(now));
    let rows = wardId
      ? await query(SQL.wardAlertsFirstPage, [wardId, from])
      : await query(SQL.alertsFirstPage, [from]);
    for (let page = 1; ; page++) {
      const alerts = rows.map(rowToAlert).filter((a): a is Alert => a !== null);
      const fresh = firstSeen(cursor.accept(alerts, now));
      counts.polled += fresh.length;
      undelivered.push(...fresh);
      const last = rows[rows.length - 1];
      if (rows.length < PAGE_SIZE || !last || page >= MAX_PAGES_PER_POLL) break;
      const lastTime = toEpochMs(last.alert_time);
      if (lastTime === null || typeof last.alert_id !== 'string') break;
      const next = wardId
        ? await query(SQL.wardAlertsNextPage, [wardId, tsParam(lastTime), last.alert_id])
        : await query(SQL.alertsNextPage, [tsParam(lastTime), last.alert_id]);
      // no progress (more than a page of rows in one millisecond): the next poll goes on
      if (next.length > 0 && next[next.length - 1]?.alert_id === last.alert_id) break;
      rows = next;
    }
  }

  function detectSignalLoss(now: number): Alert[] {
    const raised: Alert[] = [];
    for (const state of patients.values()) {
      const last = state.lastMeasureTime;
      // same rule as the engine's tick(): silent for signalLossMs or longer, once per episode
      if (last === null || now - last < signalLossMs) continue;
      if (lossRaisedFor.get(state.patientId) === last) continue;
      lossRaisedFor.set(state.patientId, last);
      const deviceId = state.deviceId ?? '';
      raised.push({
        alertId: signalLossAlertId(state.patientId, last, signalLossMs),
        patientId: state.patientId,
        deviceId,
        alertTime: now,
        alertType: 'signal_loss',
        alertDetail: signalLossDetail(deviceId, now - last),
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: null,
      });
    }
    return raised;
  }

  function rememberAlerts(alerts: Alert[], now: number): void {
    for (const alert of alerts) {
      const list = recentAlerts.get(alert.patientId) ?? [];
      if (!list.some((a) => a.alertId === alert.alertId)) list.push(alert);
      recentAlerts.set(alert.patientId, list);
    }
    for (const [patientId, list] of recentAlerts) {
      const kept = list.filter((a) => a.alertTime >= now - activeWindowMs);
      if (kept.length === 0) recentAlerts.delete(patientId);
      else recentAlerts.set(patientId, kept);
    }
  }

  function snapshot(state: PatientState, now: number): BedSnapshot {
    const active = (recentAlerts.get(state.patientId) ?? [])
      .filter((a) => a.alertTime >= now - activeWindowMs)
      .sort((a, b) => b.alertLevel - a.alertLevel || b.alertTime - a.alertTime);
    const vital = active.filter((a) => a.alertType !== 'signal_loss');
    let bedState: BedState;
    if (state.lastMeasureTime === null) bedState = 'waiting';
    else if (vital.some((a) => a.alertLevel === 2)) bedState = 'critical';
    else if (vital.some((a) => a.alertLevel === 1)) bedState = 'warning';
    else if (now - state.lastMeasureTime >= signalLossMs) bedState = 'signal_loss';
    else bedState = 'normal';
    return {
      patientId: state.patientId,
      ...(wardId ? { bedId: state.bedId } : {}),
      deviceId: state.deviceId,
      latest: state.latest ? { ...state.latest } : null,
      spark: {
        heartRate: [...state.spark.heartRate],
        bloodOxygen: [...state.spark.bloodOxygen],
        bloodGlucose: [...state.spark.bloodGlucose],
      },
      state: bedState,
      activeAlertIds: active.map((a) => a.alertId),
    };
  }

  function allSnapshots(now: number): BedSnapshot[] {
    return [...patients.values()]
      .map((s) => snapshot(s, now))
      .sort((a, b) => a.patientId.localeCompare(b.patientId, 'en', { numeric: true }));
  }

  /** Sends the beds whose snapshot changed (and the vacated ones). */
  function sendChangedBeds(now: number, vacated: BedSnapshot[] = [], only?: Set<string>): void {
    const changed: BedSnapshot[] = [...vacated];
    for (const state of patients.values()) {
      if (only && !only.has(state.patientId)) continue;
      const bed = snapshot(state, now);
      const key = JSON.stringify(bed);
      if (lastSent.get(bed.patientId) === key) continue;
      lastSent.set(bed.patientId, key);
      changed.push(bed);
    }
    if (changed.length > 0) emit(bedListeners, changed);
  }

  function refreshBedsOf(alerts: readonly Alert[], now: number): void {
    sendChangedBeds(now, [], new Set(alerts.map((a) => a.patientId)));
  }

  /** Alerts are polled while the push path is not live, and as a safety net every reconcileMs. */
  function alertsDue(): boolean {
    if (!push?.live()) return true;
    if (catchUpPoll) return true;
    return clock.monotonic() - lastAlertPoll >= reconcileMs;
  }

  async function pollOnce(): Promise<void> {
    const now = clock.now();
    if (!seeded) {
      await seedSparks(now);
      seeded = true;
    }
    const vacated = await readLatest();
    if (alertsDue()) {
      const wasCatchUp = catchUpPoll;
      await readAlerts(now);
      lastAlertPoll = clock.monotonic();
      if (wasCatchUp) catchUpPoll = false;
    }
    undelivered.push(...firstSeen(detectSignalLoss(now)));
    flushAlerts(now);
    sendChangedBeds(now, vacated);
  }

  async function detectServer(): Promise<void> {
    if (isRisingWave !== null) return;
    const rows = await query(SQL.version);
    isRisingWave = /risingwave/i.test(String(rows[0]?.version ?? ''));
  }

  /** One guarded poll: never throws; updates health and the failure count. */
  async function guardedPoll(): Promise<void> {
    if (!running) return;
    lastPollStart = clock.monotonic();
    try {
      await detectServer();
      await pollOnce();
      failures = 0;
      lastLogged = null;
      lastSuccessAt = clock.monotonic();
      startPush();
      setHealth(true, pathMessage());
    } catch (err) {
      failures++;
      flushAlerts(clock.now());
      const described = describePgError(err, target);
      logOnce(`${described.message}: ${err instanceof Error ? err.message : String(err)}`);
      setHealth(false, `${described.message} — retrying`);
    }
    // rows refused by this poll, and by the push path and the alert store since the last one
    sendRejects();
  }

  function schedule(gen: number): void {
    if (!running || gen !== generation) return;
    // Polls start every pollIntervalMs (fixed rate): waiting the full interval after each poll ended
    // stretched the period by the poll's own duration, which grows with the ward. At least
    // MIN_POLL_GAP_MS apart, so a slow server is not polled back to back.
    const sinceStart = clock.monotonic() - lastPollStart;
    const delay =
      failures === 0
        ? Math.max(Math.min(MIN_POLL_GAP_MS, pollIntervalMs), pollIntervalMs - sinceStart)
        : Math.min(BACKOFF_START_MS * 2 ** (failures - 1), BACKOFF_CAP_MS);
    timer = clock.setTimeout(() => {
      timer = null;
      const next = () => schedule(gen);
      void runSerial().then(next, next);
    }, delay);
  }

  function runSerial(): Promise<void> {
    chain = chain.then(guardedPoll, guardedPoll);
    return chain;
  }

  /**
   * A poll that hangs (a dead network holds a query until its 15-s timeout) would leave the banner
   * green: no successful poll for watchdogMs reports RisingWave down at once.
   */
  function armWatchdog(gen: number): void {
    watchdog = clock.setTimeout(() => {
      watchdog = null;
      if (!running || gen !== generation) return;
      const since = lastSuccessAt ?? startedAt;
      if (clock.monotonic() - since >= watchdogMs && health.up) {
        setHealth(
          false,
          `No answer from RisingWave at ${opts.host}:${opts.port} for ${Math.round(watchdogMs / 1000)} s — retrying`,
        );
      }
      armWatchdog(gen);
    }, WATCHDOG_TICK_MS);
  }
  let startedAt = 0;

  /** The push path starts after the first successful poll: the ward's patients are known by then. */
  function startPush(): void {
    if (pushStarted || !opts.createAlertPush) return;
    pushStarted = true;
    if (!push) {
      push = opts.createAlertPush(deliverPushed);
      push.onLiveChange((live) => {
        if (live) catchUpPoll = true;
        if (health.up) setHealth(true, pathMessage());
        else setHealth(false, health.message);
      });
    }
    push.start();
  }

  async function pollNow(): Promise<void> {
    if (!running) throw new VitalsUnavailableError('The RisingWave source is not running');
    await runSerial();
  }

  function refresh(): Promise<void> {
    if (!running) return Promise.resolve();
    refreshing ??= (async () => {
      const gen = generation;
      // Connections that sat idle through a suspend are likely dead (the server, or a NAT on the way,
      // dropped them while the PC slept): a poll on one would wait for its query timeout. New ones are
      // made for the next queries; one in use by a poll in flight is ended when that poll releases it.
      const old = pool;
      pool = createPool();
      if (old) void old.end().catch(() => undefined);
      failures = 0; // retried now, then 1 s, 2 s, … again
      catchUpPoll = true; // alerts are read now even while the push path looks live
      push?.reconnect?.();
      // the loop waiting on its timer is taken over (and rescheduled after this poll); a loop whose
      // poll is in flight reschedules itself
      const waiting = timer !== null;
      if (waiting) {
        clock.clearTimeout(timer);
        timer = null;
      }
      await runSerial();
      if (waiting && running && gen === generation && timer === null) schedule(gen);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  // ---- ward beds (Settings) ------------------------------------------------------------------

  function requireWard(): string {
    if (!wardId) throw new WardBedsError('not_found', NO_WARD_MESSAGE);
    return wardId;
  }

  function otherWard(bedId: string): WardBedsError {
    return new WardBedsError(
      'conflict',
      `Bed ${bedId} belongs to another ward; change it at that ward's station (or in the hospital's ADT).`,
    );
  }

  async function readWardBeds(ward: string): Promise<WardBed[]> {
    const rows = await request(SQL.wardBedsList, [ward]);
    const beds = rows
      .filter((r) => typeof r.bed_id === 'string')
      // an empty bed has no patient to check; a bed whose patient_id is refused is left out of the list
      .filter(
        (r) =>
          r.patient_id === null ||
          r.patient_id === '' ||
          gate.screen({
            what: 'ward bed',
            key: `bed:${String(r.bed_id)}|${String(r.patient_id)}`,
            patientId: r.patient_id,
          }) === null,
      )
      .map((r) => ({
        bedId: r.bed_id as string,
        patientId: typeof r.patient_id === 'string' && r.patient_id !== '' ? r.patient_id : null,
        updatedAt: toEpochMs(r.updated_at),
        updatedBy: typeof r.updated_by === 'string' ? r.updated_by : null,
      }));
    sendRejects();
    return beds;
  }

  async function requireBedNotElsewhere(ward: string, bedId: string): Promise<void> {
    const owner = (await request(SQL.wardBedOwner, [bedId]))[0];
    if (owner && owner.ward_id !== ward) throw otherWard(bedId);
  }

  /**
   * Without transactions (RisingWave has none for writes) the steps below are separate statements: a
   * second station assigning the same bed or patient at the same moment can interleave, and the last
   * write wins, as with thresholds. Across wards nothing is cleared: a patient assigned here who is
   * still in another ward's bed stays in that row too (this station may not change another ward's
   * beds; the hospital's ADT is the real source and corrects it).
   */
  async function assignBed(req: AssignBedRequest): Promise<WardBed[]> {
    const ward = requireWard();
    const { bedId, patientId } = req;
    // checked before anything is written, so a refused request leaves the ward as it was
    await requireBedNotElsewhere(ward, bedId);
    const at = tsParam(clock.now());
    const by = `${req.nurse} @ ${req.stationId}`;
    if (patientId !== null) await request(SQL.wardBedVacatePatient, [ward, patientId, at, by, bedId]);
    const params = [bedId, ward, patientId, at, by];
    const updated = await request(SQL.wardBedUpdate, params);
    if (updated.length === 0) {
      try {
        await query(SQL.wardBedInsert, params);
      } catch (err) {
        if ((err as { code?: unknown }).code !== '23505') {
          const described = describePgError(err, target);
          logOnce(`${described.message}: ${err instanceof Error ? err.message : String(err)}`);
          throw new VitalsUnavailableError(described.message);
        }
        // another station created the bed first (PostgreSQL): ours if it is in this ward
        if ((await request(SQL.wardBedUpdate, params)).length === 0) throw otherWard(bedId);
      }
    }
    if (isRisingWave === null) await detectServer().catch(() => undefined);
    if (isRisingWave) await request(SQL.flush);
    // the tiles follow the change at once rather than at the next poll
    await pollNow().catch(() => undefined);
    return readWardBeds(ward);
  }

  // ---- the port ------------------------------------------------------------------------------

  return {
    adapter: 'risingwave',

    async start() {
      if (running) return;
      running = true;
      const gen = ++generation;
      pool = createPool();
      startedAt = clock.monotonic();
      lastSuccessAt = null;
      if (watchdogMs > 0) armWatchdog(gen);
      setHealth(false, `Connecting to RisingWave at ${opts.host}:${opts.port}`);
      // The first poll runs before start() resolves so beds are there at once when RisingWave is up;
      // when it is down, start() still resolves and the source keeps retrying (health says so).
      await runSerial();
      schedule(gen);
    },

    async stop() {
      if (!running && !pool) return;
      running = false;
      generation++;
      if (timer !== null) {
        clock.clearTimeout(timer);
        timer = null;
      }
      if (watchdog !== null) {
        clock.clearTimeout(watchdog);
        watchdog = null;
      }
      if (push && pushStarted) {
        pushStarted = false;
        await push.stop();
      }
      await chain;
      const p = pool;
      pool = null;
      // Feed position, rings and raised signal losses are kept: start() again resumes without gaps
      // and without repeating alerts already delivered.
      seeded = false;
      isRisingWave = null;
      if (p) await p.end().catch(() => undefined);
      setHealth(false, 'Stopped');
    },

    pollNow,

    refresh,

    async wardBeds() {
      return readWardBeds(requireWard());
    },

    assignBed,

    async beds() {
      return allSnapshots(clock.now());
    },

    feedCounts: () => ({ ...counts }),
    rowsRead: () => rowsRead,

    scope() {
      return wardId ? [...(wardPatients ?? [])] : null;
    },

    async trend(patientId: string, from: number, to: number): Promise<TrendPoint[]> {
      const rows = await request(SQL.trend, [patientId, tsParam(from), tsParam(to)]);
      const points: TrendPoint[] = [];
      for (const row of rows) {
        const t = toEpochMs(row.window_start);
        if (t === null) continue;
        const triple = (min: unknown, avg: unknown, max: unknown) => ({
          min: toNumber(min) ?? Number.NaN,
          avg: toNumber(avg) ?? Number.NaN,
          max: toNumber(max) ?? Number.NaN,
        });
        const point: TrendPoint = {
          t,
          heartRate: triple(row.hr_min, row.hr_avg, row.hr_max),
          bloodOxygen: triple(row.spo2_min, row.spo2_avg, row.spo2_max),
          bloodGlucose: triple(row.glucose_min, row.glucose_avg, row.glucose_max),
        };
        // a bucket with a missing aggregate is left out rather than drawn as zero
        const values = [point.heartRate, point.bloodOxygen, point.bloodGlucose].flatMap((v) => [
          v.min,
          v.avg,
          v.max,
        ]);
        if (values.every(Number.isFinite)) points.push(point);
      }
      return points;
    },

    async thresholds(patientId: string): Promise<Thresholds> {
      const rows = await request(SQL.thresholds, [patientId]);
      const row = rows[0];
      if (!row) return { patientId, ...DEFAULT_THRESHOLDS, custom: false };
      const pick = (value: unknown, fallback: number) => toNumber(value) ?? fallback;
      return {
        patientId,
        heartRateMin: pick(row.heart_rate_min, DEFAULT_THRESHOLDS.heartRateMin),
        heartRateMax: pick(row.heart_rate_max, DEFAULT_THRESHOLDS.heartRateMax),
        bloodOxygenMin: pick(row.blood_oxygen_min, DEFAULT_THRESHOLDS.bloodOxygenMin),
        bloodGlucoseMin: pick(row.blood_glucose_min, DEFAULT_THRESHOLDS.bloodGlucoseMin),
        bloodGlucoseMax: pick(row.blood_glucose_max, DEFAULT_THRESHOLDS.bloodGlucoseMax),
        custom: true,
      };
    },

    async updateThresholds(patientId: string, limits: ThresholdLimits): Promise<Thresholds> {
      // The caller validated ranges; this guards the wire against NaN/Infinity all the same.
      const values = [
        limits.heartRateMin,
        limits.heartRateMax,
        limits.bloodOxygenMin,
        limits.bloodGlucoseMin,
        limits.bloodGlucoseMax,
      ];
      if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new RangeError('thresholds must be finite numbers');
      }
      const params = [patientId, ...values, tsParam(clock.now()), stationId];
      const updated = await request(SQL.thresholdsUpdate, params);
      if (updated.length === 0) {
        try {
          await query(SQL.thresholdsInsert, params);
        } catch (err) {
          // another station inserted the row first (PostgreSQL): ours is the newer value
          if ((err as { code?: unknown }).code !== '23505') {
            const described = describePgError(err, target);
            logOnce(`${described.message}: ${err instanceof Error ? err.message : String(err)}`);
            throw new VitalsUnavailableError(described.message);
          }
          await request(SQL.thresholdsUpdate, params);
        }
      }
      if (isRisingWave === null) await detectServer().catch(() => undefined);
      if (isRisingWave) await request(SQL.flush);
      return { patientId, ...limits, custom: true };
    },

    rejects(): RejectSummary {
      return gate.rejects();
    },

    onRejects(listener): Unsubscribe {
      rejectListeners.add(listener);
      return () => rejectListeners.delete(listener);
    },

    onAlerts(listener): Unsubscribe {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },

    onBeds(listener): Unsubscribe {
      bedListeners.add(listener);
      return () => bedListeners.delete(listener);
    },

    onHealth(listener): Unsubscribe {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },

    health(): BackendHealth {
      return { ...health };
    },
  };
}
