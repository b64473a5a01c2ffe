// Synthetic alert history for the alert-store benchmarks: a hospital's alert table after a week, spread
// evenly over the given span, deterministic for a seed. Mix (per alert): 5 % critical (level 2 trend),
// the rest spread over heart rate, SpO2, glucose and signal loss; 200 patients. Handling as on a ward
// where nurses keep up: alerts older than an hour are 88 % resolved, 10 % confirmed, 2 % still pending;
// the last hour's are 40 % pending, 30 % confirmed, 30 % resolved.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Alert, AlertStatus, AlertType } from '../../shared/domain/types';
import { toMysqlDateTime } from '../../electron/main/adapters/mysql/mysql-alert-store';
import type { MysqlQueryable } from '../../electron/main/adapters/mysql/mysql-schema';
import { createSqliteAlertStore } from '../../electron/main/adapters/sqlite/sqlite-alert-store';

export const PATIENTS = 200;
export const HOUR_MS = 3_600_000;
export const WEEK_MS = 7 * 24 * HOUR_MS;

export interface HistoricAlert {
  alert: Alert;
  status: AlertStatus;
  handleBy: string | null;
  handleStation: string | null;
  handleTime: number | null;
  ackTime: number | null;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function patientId(i: number): string {
  return 'P' + String(i + 1).padStart(3, '0');
}

const LEVEL1: { type: AlertType; detail: string; reading: Alert['reading'] }[] = [
  {
    type: 'heart_rate',
    detail: 'Heart rate too high: 134 bpm',
    reading: { heartRate: 134, bloodOxygen: 96, bloodGlucose: 5.4 },
  },
  {
    type: 'blood_oxygen',
    detail: 'Blood oxygen too low: 89.5 %',
    reading: { heartRate: 88, bloodOxygen: 89.5, bloodGlucose: 5.6 },
  },
  {
    type: 'blood_glucose',
    detail: 'Blood glucose too high: 11.2 mmol/L',
    reading: { heartRate: 79, bloodOxygen: 97, bloodGlucose: 11.2 },
  },
  { type: 'signal_loss', detail: 'No reading from D042 for 35 s', reading: null },
];

/**
 * Alerts number `from` .. `from + count - 1` of a history ending at `now` and spanning `spanMs`. Alert k
 * lands at a time drawn uniformly from the span (so loading 10k, then 90k more, then 900k more gives
 * the same density curve as loading 1M at once). Batches of `batch`.
 */
export function* historicAlerts(opts: {
  from: number;
  count: number;
  now: number;
  spanMs?: number;
  batch?: number;
  seed?: number;
}): Generator<HistoricAlert[]> {
  const span = opts.spanMs ?? WEEK_MS;
  const batch = opts.batch ?? 5000;
  let out: HistoricAlert[] = [];
  for (let k = opts.from; k < opts.from + opts.count; k++) {
    const r = rng((opts.seed ?? 7) * 1_000_003 + k);
    const alertTime = Math.floor(opts.now - r() * span);
    const patient = patientId(Math.floor(r() * PATIENTS));
    const critical = r() < 0.05;
    const kind = LEVEL1[Math.floor(r() * LEVEL1.length)]!;
    const alertId = createHash('md5').update(`bench|${k}`).digest('hex');
    const alert: Alert = {
      alertId,
      patientId: patient,
      deviceId: 'D' + patient.slice(1),
      alertTime,
      alertType: critical ? 'multi_vital_signs_deterioration' : kind.type,
      alertDetail: critical ? 'Heart rate up 24 bpm and SpO2 down 6 points within 10 minutes' : kind.detail,
      alertLevel: critical ? 2 : 1,
      status: 'pending',
      handleBy: null,
      handleTime: null,
      handleNote: null,
      reading: critical ? { heartRate: 112, bloodOxygen: 90, bloodGlucose: 6.1 } : kind.reading,
    };
    const recent = opts.now - alertTime < HOUR_MS;
    const u = r();
    const status: AlertStatus = recent
      ? u < 0.4
        ? 'pending'
        : u < 0.7
          ? 'confirmed'
          : 'resolved'
      : u < 0.02
        ? 'pending'
        : u < 0.12
          ? 'confirmed'
          : 'resolved';
    const ackTime =
      status === 'pending' ? null : Math.min(opts.now, alertTime + Math.floor(30_000 + r() * 600_000));
    const handleTime =
      status === 'resolved' && ackTime !== null
        ? Math.min(opts.now, ackTime + Math.floor(r() * 1_800_000))
        : ackTime;
    out.push({
      alert,
      status,
      handleBy: status === 'pending' ? null : `Nurse ${1 + Math.floor(r() * 30)}`,
      handleStation: status === 'pending' ? null : 'WARD-3',
      handleTime,
      ackTime,
    });
    if (out.length === batch) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

const MYSQL_COLUMNS = `alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level,
  heart_rate, blood_oxygen, blood_glucose, status, handle_by, handle_station, handle_time, ack_time, version`;

/**
 * Bulk-loads alerts into MySQL/MariaDB: one multi-row INSERT of `batch` rows per statement. The values
 * go through mysql2's placeholder expansion (`VALUES ?` with nested arrays), never string concatenation.
 */
export async function loadMysqlAlerts(
  conn: MysqlQueryable,
  opts: { from: number; count: number; now: number; batch?: number },
): Promise<void> {
  for (const rows of historicAlerts({ ...opts, batch: opts.batch ?? 5000 })) {
    const values = rows.map((h) => [
      h.alert.alertId,
      h.alert.patientId,
      h.alert.deviceId,
      toMysqlDateTime(h.alert.alertTime),
      h.alert.alertType,
      h.alert.alertDetail,
      h.alert.alertLevel,
      h.alert.reading?.heartRate ?? null,
      h.alert.reading?.bloodOxygen ?? null,
      h.alert.reading?.bloodGlucose ?? null,
      h.status,
      h.handleBy,
      h.handleStation,
      h.handleTime === null ? null : toMysqlDateTime(h.handleTime),
      h.ackTime === null ? null : toMysqlDateTime(h.ackTime),
      h.status === 'pending' ? 0 : h.status === 'confirmed' ? 1 : 2,
    ]);
    await conn.query(`INSERT INTO alerts (${MYSQL_COLUMNS}) VALUES ?`, [values]);
  }
}

/**
 * Pre-fills a station's SQLite alert store (simulator mode): the alert columns through the store's own
 * upsertAlerts(), then the handling columns (which only acknowledgements write) with one UPDATE each.
 */
export async function fillSqliteAlerts(
  db: Database,
  opts: { count: number; now: number; spanMs?: number; stationId: string },
): Promise<void> {
  const store = createSqliteAlertStore(db, { stationId: opts.stationId, timeZone: 'UTC' });
  const handle = db.prepare(`UPDATE alerts SET status = ?, handle_by = ?, handle_station = ?, handle_time = ?,
      ack_time = ?, version = ? WHERE alert_id = ?`);
  const handleAll = db.transaction((rows: HistoricAlert[]) => {
    for (const h of rows) {
      if (h.status === 'pending') continue;
      handle.run(
        h.status,
        h.handleBy,
        h.handleStation,
        h.handleTime,
        h.ackTime,
        h.status === 'confirmed' ? 1 : 2,
        h.alert.alertId,
      );
    }
  });
  for (const rows of historicAlerts({
    from: 0,
    count: opts.count,
    now: opts.now,
    spanMs: opts.spanMs,
    batch: 10_000,
  })) {
    await store.upsertAlerts(rows.map((h) => h.alert));
    handleAll(rows);
  }
}
