// The alert store when connected: the MySQL table RisingWave's sink fills, plus who handled each alert.
// Every statement is a server-side prepared statement (execute) with `?` parameters, so values never
// pass through client-side escaping (which NO_BACKSLASH_ESCAPES would defeat). The only values written
// into SQL text are integers this module computes (LIMIT) and fixed fragments.
import mysql from 'mysql2/promise';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { IdentifierRule } from '../../../../shared/domain/identifiers';
import type { Alert, AlertPage, AlertQuery, AlertStats, TimeRange } from '../../../../shared/domain/types';
import type { BurdenStats } from '../../../../shared/ipc/contract';
import type { PatientScope, TransitionRequest, TransitionResult } from '../../core/ports';
import {
  AlertStoreError,
  MAX_TIME_MS,
  HANDLED_AMONG_CHUNK,
  NOT_YET_MESSAGE,
  PATIENT_ALERTS_CAP,
  PENDING_CHANGE_WINDOW_MS,
  TARGET_STATUS,
  alertColumns,
  assembleBurden,
  checkNow,
  checkTransitionRequest,
  conflictMessage,
  containsPattern,
  emptyBurden,
  emptyStats,
  inScope,
  isLegalTransition,
  paddedChunks,
  pageSize,
  patientInList,
  rangeStart,
  rate,
  rejectedAlertsError,
  resolveTimeZone,
  rowToAlert,
  scopeList,
  wardDays,
} from '../alert-store-shared';
import type { AlertAuditEvent, AlertColumns, AuditedAlertStore, ScopeList } from '../alert-store-shared';
import { logger } from '../../core/logger';
import { createIdentifierGate, type IdentifierGate } from '../identifier-gate';
import { isFatalMysqlError, isRetryableMysqlError, mapMysqlError } from './mysql-errors';
import { CHAINED_AUDIT_SESSION_SQL, appendAlertEvent, lockAlertEventsHead } from './mysql-audit-chain';
import type { LockedHead } from './mysql-audit-chain';
import { MYSQL_SCHEMA_VERSION } from './mysql-schema';

export { AlertStoreError } from '../alert-store-shared';
export type { AlertStoreErrorCode, AlertAuditEvent, AuditedAlertStore } from '../alert-store-shared';

export interface MysqlAlertStoreOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** default 4: the station runs a handful of queries at a time */
  connectionLimit?: number;
  /** this station's id: conflict messages say "from this station" when it handled the alert */
  stationId: string;
  /** IANA zone of the ward, for conflict-message times and per-day burden; default: the system's */
  timeZone?: string;
  /** a statement that gets no answer for this long fails as unavailable; default 10 000 ms */
  statementTimeoutMs?: number;
  /**
   * Which patient_id and device_id the alerts read back may carry (the table holds what RisingWave
   * sank, and what anyone with write access put there). The composition root always gives one, the
   * same instance as the RisingWave source's, whose rejects() then counts what this store refused.
   * Without one the store reads rows verbatim, like the SQLite store (the shared AlertStore contract
   * checks that both keep any value as data).
   */
  identifiers?: IdentifierRule;
  /** operator log (refused rows, rate-limited); default the main-process logger */
  log?: (message: string) => void;
}

type SqlValue = string | number | null;

const CONNECT_TIMEOUT_MS = 3_000;
const PING_TIMEOUT_MS = 3_000;
const TRANSACTION_ATTEMPTS = 3;

/** 1000-01-01T00:00:00Z, the first instant a DATETIME holds */
const MIN_TIME_MS = -30_610_224_000_000;

/** epoch ms → 'YYYY-MM-DD HH:MM:SS.mmm' (UTC), clamped to the DATETIME range */
export function toMysqlDateTime(ms: number): string {
  const clamped = Math.min(Math.max(Math.trunc(ms), MIN_TIME_MS), MAX_TIME_MS);
  return new Date(clamped).toISOString().slice(0, 23).replace('T', ' ');
}

function fromMysqlDateTime(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  // dateStrings is off, but a proxy or a changed option must not turn times into NaN silently.
  const t = Date.parse(`${String(v).replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? null : t;
}

const ALERT_COLUMNS = `alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level,
  heart_rate, blood_oxygen, blood_glucose, status, handle_by, handle_station, handle_time, handle_note`;
const ALERT_SELECT = `SELECT ${ALERT_COLUMNS} FROM alerts`;
const ORDER = 'ORDER BY alert_time DESC, alert_id DESC';
const EVENT_COLUMNS = `event_id, alert_id, action, from_status, to_status, outcome, nurse, station_id, note,
  event_time, recorded_at, message`;

function toAlertRow(r: RowDataPacket): { alert: Alert; handleStation: string | null } {
  const alert = rowToAlert({
    alert_id: r.alert_id,
    patient_id: r.patient_id,
    device_id: r.device_id,
    alert_time: fromMysqlDateTime(r.alert_time) ?? 0,
    alert_type: r.alert_type,
    alert_detail: r.alert_detail,
    alert_level: Number(r.alert_level),
    heart_rate: r.heart_rate === null ? null : Number(r.heart_rate),
    blood_oxygen: r.blood_oxygen === null ? null : Number(r.blood_oxygen),
    blood_glucose: r.blood_glucose === null ? null : Number(r.blood_glucose),
    status: r.status,
    handle_by: r.handle_by,
    handle_time: fromMysqlDateTime(r.handle_time),
    handle_note: r.handle_note,
  });
  return { alert, handleStation: r.handle_station ?? null };
}
const toAlert = (r: RowDataPacket): Alert => toAlertRow(r).alert;

/**
 * The alerts of `rows` whose patient_id and device_id pass the identifier rule: the read side (lists,
 * details, pending, handled elsewhere). A refused row is dropped, never shown, and counted once by the
 * gate (identifier-gate.ts); the acknowledgement path reads rows of its own and is left as it is.
 */
function screenedAlerts(rows: RowDataPacket[], gate: IdentifierGate | null): Alert[] {
  if (!gate) return rows.map(toAlert);
  return rows
    .filter(
      (r) =>
        gate.screen({
          what: 'alert',
          key: `alert:${String(r.alert_id)}`,
          patientId: r.patient_id,
          deviceId: r.device_id,
          deviceOptional: true,
        }) === null,
    )
    .map(toAlert);
}

// Multi-row upserts in three fixed sizes: few distinct prepared statements, few round trips.
const UPSERT_CHUNKS = [100, 10, 1] as const;
function upsertSql(rows: number): string {
  const tuple = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  return `INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level,
      heart_rate, blood_oxygen, blood_glucose)
    VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}
    ON DUPLICATE KEY UPDATE patient_id = VALUES(patient_id), device_id = VALUES(device_id),
      alert_time = VALUES(alert_time), alert_type = VALUES(alert_type), alert_detail = VALUES(alert_detail),
      alert_level = VALUES(alert_level), heart_rate = VALUES(heart_rate), blood_oxygen = VALUES(blood_oxygen),
      blood_glucose = VALUES(blood_glucose)`;
}
function upsertValues(r: AlertColumns): SqlValue[] {
  return [
    r.alertId,
    r.patientId,
    r.deviceId,
    toMysqlDateTime(r.alertTime),
    r.alertType,
    r.alertDetail,
    r.alertLevel,
    r.heartRate,
    r.bloodOxygen,
    r.bloodGlucose,
  ];
}

const HOUR_MS = 3_600_000;
/** Above this many matching patients, the patient search filters the time-ordered scan instead. */
const PATIENT_IN_LIST_MAX = 50;

// The statistic cards in one round trip, none of it a scan of the whole range (backend-setup/mysql.sql):
//   'h' whole hours from the first hour boundary at or after the range start: alert_counts_hourly;
//   'a' the partial first hour: the alerts themselves (at most an hour of ix_alerts_time_cover);
//   'p' + 'k' pending 10 minutes ago = alerts of [start − 10 min, now − 10 min] still pending now, plus
//       those acknowledged since (ack_time is set when an alert first leaves pending and never cleared).
const STATS_SQL = `SELECT 'h' AS part, alert_level, status, SUM(n) AS n FROM alert_counts_hourly
    WHERE hour_start >= ? GROUP BY alert_level, status
  UNION ALL
  SELECT 'a', alert_level, status, COUNT(*) FROM alerts
    WHERE alert_time >= ? AND alert_time < ? GROUP BY alert_level, status
  UNION ALL
  SELECT 'p', 0, 'pending', COUNT(*) FROM alerts
    WHERE status = 'pending' AND alert_time >= ? AND alert_time <= ?
  UNION ALL
  SELECT 'k', 0, 'pending', COUNT(*) FROM alerts
    WHERE ack_time > ? AND alert_time >= ? AND alert_time <= ?`;

// A ward's cards: the hourly counts know no patients, so its own alerts of the range are counted, read
// by patient (ix_alerts_patient_time). A ward is tens of beds, so that is a few thousand rows at most.
// "Pending 10 minutes ago" is the unscoped 'p' + 'k' in one test.
const scopedStatsSql = (scope: ScopeList) => `SELECT
    COUNT(CASE WHEN alert_time >= ? THEN 1 END) AS total,
    COUNT(CASE WHEN alert_time >= ? AND alert_level < 2 THEN 1 END) AS level1,
    COUNT(CASE WHEN alert_time >= ? AND alert_level >= 2 THEN 1 END) AS level2,
    COUNT(CASE WHEN alert_time >= ? AND status = 'pending' THEN 1 END) AS pending,
    COUNT(CASE WHEN alert_time >= ? AND status = 'confirmed' THEN 1 END) AS confirmed,
    COUNT(CASE WHEN alert_time >= ? AND status = 'resolved' THEN 1 END) AS resolved,
    COUNT(CASE WHEN alert_time <= ? AND (status = 'pending' OR ack_time > ?) THEN 1 END) AS pending_then
  FROM alerts WHERE alert_time >= ? AND ${patientInList(scope)}`;

/** ` AND patient_id IN (?, …)` for a scope, '' for the whole hospital */
const andInScope = (scope: ScopeList | null): string => (scope ? ` AND ${patientInList(scope)}` : '');

const overTimeSql = (
  scope: ScopeList | null,
) => `SELECT TIMESTAMPDIFF(HOUR, '1970-01-01 00:00:00', alert_time) AS h,
    alert_type, alert_level, COUNT(*) AS n
  FROM alerts WHERE alert_time >= ?${andInScope(scope)} GROUP BY h, alert_type, alert_level`;

// Median and p90 by linear interpolation between the floor and ceiling ranks, picked with window
// functions so only (at most) four rows come back, whatever the number of samples.
const ackSql = (scope: ScopeList | null) => `SELECT d, rn, cnt FROM (
    SELECT d, ROW_NUMBER() OVER (ORDER BY d) - 1 AS rn, COUNT(*) OVER () AS cnt FROM (
      SELECT GREATEST(0, TIMESTAMPDIFF(MICROSECOND, alert_time, ack_time) DIV 1000) AS d
      FROM alerts WHERE alert_time >= ? AND ack_time IS NOT NULL${andInScope(scope)}
    ) x
  ) y WHERE rn IN ((cnt - 1) DIV 2, cnt DIV 2, (9 * (cnt - 1)) DIV 10, (9 * (cnt - 1) + 9) DIV 10)`;

// Reads every column the app uses, so a table from an older schema fails here with a schema error
// instead of somewhere in the middle of an acknowledgement.
const PING_SQL = `SELECT
    (SELECT COUNT(*) FROM (SELECT ${ALERT_COLUMNS}, ack_time, version FROM alerts LIMIT 1) a) AS a,
    (SELECT COUNT(*) FROM (SELECT ${EVENT_COLUMNS} FROM alert_events LIMIT 1) e) AS e,
    (SELECT COUNT(*) FROM (SELECT hour_start, alert_level, status, n FROM alert_counts_hourly LIMIT 1) c) AS c,
    (SELECT COUNT(*) FROM (SELECT patient_id FROM alert_patients LIMIT 1) p) AS p`;
// By primary key, so the cost is the number of ids, whatever the size of the table.
const HANDLED_AMONG_SQL = `${ALERT_SELECT} WHERE status <> 'pending'
  AND alert_id IN (${Array.from({ length: HANDLED_AMONG_CHUNK }, () => '?').join(', ')})`;
const SCHEMA_VERSION_SQL = 'SELECT MAX(version) AS v FROM nurse_station_schema';

/** The statuses each action may start from, for the transition's IN list. */
const ALL_STATUSES: readonly Alert['status'][] = ['pending', 'confirmed', 'resolved'];
const LEGAL_FROM: Readonly<Record<TransitionRequest['action'], readonly Alert['status'][]>> = {
  confirm: ALL_STATUSES.filter((s) => isLegalTransition(s, 'confirm')),
  resolve: ALL_STATUSES.filter((s) => isLegalTransition(s, 'resolve')),
};

export function createMysqlAlertStore(opts: MysqlAlertStoreOptions): AuditedAlertStore {
  const timeZone = resolveTimeZone(opts.timeZone);
  const ownStation = opts.stationId;
  const timeoutMs = opts.statementTimeoutMs ?? 10_000;
  const ctx = { host: opts.host, port: opts.port, user: opts.user, database: opts.database, timeoutMs };
  const gate = opts.identifiers
    ? createIdentifierGate({
        rule: opts.identifiers,
        source: 'MySQL alert store',
        log: opts.log ?? ((m) => logger.warn(`mysql: ${m}`)),
      })
    : null;

  const pool: Pool = mysql.createPool({
    host: opts.host,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    database: opts.database,
    connectionLimit: opts.connectionLimit ?? 4,
    waitForConnections: true,
    // Beyond this many waiting requests, fail fast instead of piling up behind a dead server.
    queueLimit: 100,
    connectTimeout: CONNECT_TIMEOUT_MS,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    namedPlaceholders: false,
    multipleStatements: false,
    charset: 'UTF8MB4_UNICODE_CI',
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    maxPreparedStatements: 128,
    maxIdle: 2,
    idleTimeout: 60_000,
  });
  // DATETIME columns are UTC; so is created_at's CURRENT_TIMESTAMP default in this session.
  // (The core pool emits its callback-style connections; the promise wrapper's typing says otherwise.)
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'", () => undefined);
    // this app writes its audit rows itself, chained: the schema's trigger stands back for them
    conn.query(CHAINED_AUDIT_SESSION_SQL, () => undefined);
  });

  type Runner = Pick<PoolConnection, 'execute'>;
  const exec = async <T extends RowDataPacket[] | ResultSetHeader>(
    runner: Runner,
    sql: string,
    values: SqlValue[],
    timeout = timeoutMs,
  ): Promise<T> => {
    const [rows] = await runner.execute<T>({ sql, timeout }, values);
    return rows;
  };

  /** Patient ids containing `search`, case-insensitive (the same test as the LIKE it replaces). */
  const matchingPatients = async (search: string): Promise<string[]> => {
    const needle = search.toLowerCase();
    const rows = await exec<RowDataPacket[]>(pool, 'SELECT patient_id FROM alert_patients', []);
    return rows.map((r) => String(r.patient_id)).filter((id) => id.toLowerCase().includes(needle));
  };

  let closing: Promise<void> | null = null;
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (closing) throw new AlertStoreError('unavailable', 'The alert store connection is closed');
    try {
      return await fn();
    } catch (err) {
      throw mapMysqlError(err, ctx);
    }
  };

  /** Runs `fn` in one transaction on one connection; deadlocks and lock timeouts are retried. */
  const inTransaction = async <T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const conn = await pool.getConnection();
      let broken = false;
      try {
        await conn.beginTransaction();
        const result = await fn(conn);
        await conn.commit();
        return result;
      } catch (err) {
        broken = isFatalMysqlError(err);
        if (!broken) await conn.rollback().catch(() => undefined);
        if (!broken && attempt < TRANSACTION_ATTEMPTS && isRetryableMysqlError(err)) continue;
        throw err;
      } finally {
        if (broken) conn.destroy();
        else conn.release();
      }
    }
  };

  /**
   * Writes an acknowledgement's audit row, hash-chained (mysql-audit-chain.ts), in the transaction that
   * locked the chain's head: applied, conflict or not found alike.
   */
  const audit = (
    conn: PoolConnection,
    head: LockedHead,
    req: TransitionRequest,
    from: Alert['status'] | null,
    outcome: 'applied' | 'conflict' | 'not_found',
    message: string | null,
  ) =>
    appendAlertEvent(
      conn,
      head,
      {
        alert_id: req.alertId,
        action: req.action,
        from_status: from,
        to_status: TARGET_STATUS[req.action],
        outcome,
        nurse_id: req.nurseId ?? null,
        nurse: req.nurse,
        station_id: req.stationId,
        note: req.note,
        // hashed as stored: DATETIME(3), clamped to its range
        event_time: fromMysqlDateTime(toMysqlDateTime(req.at))!,
        message,
      },
      timeoutMs,
    );

  // One transaction per acknowledgement. The chain's head is locked first (every writer takes it
  // first, so stations never wait for each other in a cycle), then the alert's row: what that read
  // finds holds until the commit, so it decides applied or conflict and the audit row names the status
  // it was found in. The head lock puts the ward's acknowledgements in one order — a few ms each, for
  // an audit whose rows cannot be edited, removed or slipped in unseen.
  const transitionOnce = (req: TransitionRequest): Promise<TransitionResult | 'again'> =>
    inTransaction(async (conn): Promise<TransitionResult | 'again'> => {
      const head = await lockAlertEventsHead(conn, timeoutMs);
      const rows = await exec<RowDataPacket[]>(conn, `${ALERT_SELECT} WHERE alert_id = ? FOR UPDATE`, [
        req.alertId,
      ]);
      const row = rows[0];
      if (!row) {
        if (!req.repeat) await audit(conn, head, req, null, 'not_found', NOT_YET_MESSAGE);
        return { kind: 'not_yet' };
      }
      const { alert: current, handleStation } = toAlertRow(row);
      if (!isLegalTransition(current.status, req.action)) {
        const message = conflictMessage(current, handleStation, { ownStation, timeZone, at: req.at });
        await audit(conn, head, req, current.status, 'conflict', message);
        return { kind: 'conflict', current, message };
      }
      const to = TARGET_STATUS[req.action];
      const from = LEGAL_FROM[req.action];
      const at = toMysqlDateTime(req.at);
      const res = await exec<ResultSetHeader>(
        conn,
        `UPDATE alerts SET status = ?, handle_by = ?, handle_station = ?, handle_time = ?, handle_note = ?,
            ack_time = COALESCE(ack_time, ?), version = version + 1
          WHERE alert_id = ? AND status IN (${from.map(() => '?').join(', ')})`,
        [to, req.nurse, req.stationId, at, req.note, at, req.alertId, ...from],
      );
      // the row is locked: only a change outside this transaction's reach could make it miss
      if (res.affectedRows !== 1) return 'again';
      await audit(conn, head, req, current.status, 'applied', null);
      // The alert's content is the snapshot's (readings and time are the sink's; only a late reading
      // changes them); its handling is what this statement wrote.
      return {
        kind: 'applied',
        alert: { ...req.snapshot, status: to, handleBy: req.nurse, handleTime: req.at, handleNote: req.note },
      };
    });

  const transition = async (req: TransitionRequest): Promise<TransitionResult> => {
    if (!schemaVerified) await verifySchemaVersion();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await transitionOnce(req);
        if (result !== 'again') return result;
        if (attempt >= TRANSACTION_ATTEMPTS)
          throw new AlertStoreError('unavailable', 'The alert kept changing during its acknowledgement');
      } catch (err) {
        if (attempt < TRANSACTION_ATTEMPTS && isRetryableMysqlError(err)) continue;
        throw err;
      }
    }
  };

  // Acknowledgements rely on the chained audit of schema version 3. Against an older database, or one
  // whose version this account may not read, the store reports why and that the setup must run (ping
  // fails, as for a missing column), and transitions are refused: they wait in the station's cache.
  let schemaVerified = false;
  const verifySchemaVersion = async () => {
    schemaVerified = false;
    let rows: RowDataPacket[];
    try {
      rows = await exec<RowDataPacket[]>(pool, SCHEMA_VERSION_SQL, [], PING_TIMEOUT_MS);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ER_NO_SUCH_TABLE') {
        throw new AlertStoreError(
          'schema',
          `Database "${opts.database}" was set up by an older version (it has no nurse_station_schema table) — run npm run backend:setup`,
          code,
        );
      }
      if (code === 'ER_TABLEACCESS_DENIED_ERROR') {
        throw new AlertStoreError(
          'auth',
          `The user "${opts.user}" may not read the schema version — grant it SELECT on ${opts.database}.nurse_station_schema`,
          code,
        );
      }
      throw err;
    }
    const v = rows[0]?.v;
    const found = v === null || v === undefined ? null : Number(v);
    if (found === null || found < MYSQL_SCHEMA_VERSION) {
      throw new AlertStoreError(
        'schema',
        `The alert tables in database "${opts.database}" are from an older setup (schema version ${found ?? 'unknown'}, ` +
          `this app needs ${MYSQL_SCHEMA_VERSION}) — run npm run backend:setup`,
      );
    }
    schemaVerified = true;
  };

  return {
    adapter: 'mysql',

    upsertAlerts: (alerts) =>
      run(async () => {
        const valid: AlertColumns[] = [];
        const rejected: { alertId: unknown; reason: string }[] = [];
        for (const a of alerts) {
          const cols = alertColumns(a);
          if (typeof cols === 'string') rejected.push({ alertId: a?.alertId, reason: cols });
          else valid.push(cols);
        }
        const batches: AlertColumns[][] = [];
        let rest = valid;
        for (const size of UPSERT_CHUNKS) {
          while (rest.length >= size) {
            batches.push(rest.slice(0, size));
            rest = rest.slice(size);
          }
        }
        const write = (runner: Runner, batch: AlertColumns[]) =>
          exec(runner, upsertSql(batch.length), batch.flatMap(upsertValues));
        if (batches.length === 1) await write(pool, batches[0]!);
        else if (batches.length > 1) {
          await inTransaction(async (conn) => {
            for (const b of batches) await write(conn, b);
          });
        }
        if (rejected.length > 0) throw rejectedAlertsError(rejected, alerts.length);
      }),

    list: (query: AlertQuery, now: number, scope?: PatientScope) =>
      run(async (): Promise<AlertPage> => {
        checkNow(now);
        const size = pageSize(query.limit);
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return { items: [], next: null };
        const where = ['alert_time >= ?'];
        const values: SqlValue[] = [toMysqlDateTime(rangeStart(query.range, now))];
        if (query.level !== undefined) {
          where.push('alert_level = ?');
          values.push(query.level);
        }
        if (query.status !== undefined) {
          where.push('status = ?');
          values.push(query.status);
        }
        if (ward && query.patientSearch !== undefined && query.patientSearch !== '') {
          // A ward's patients are known: the search picks among them (the same test as below), and
          // the list asks for those by equality.
          const needle = query.patientSearch.toLowerCase();
          const found = scopeList(ward.ids.filter((id) => id.toLowerCase().includes(needle)))!;
          if (found.ids.length === 0) return { items: [], next: null };
          where.push(patientInList(found));
          values.push(...found.bind);
        } else if (ward) {
          where.push(patientInList(ward));
          values.push(...ward.bind);
        } else if (query.patientSearch !== undefined && query.patientSearch !== '') {
          // A substring match cannot seek an index, and riding the time index finds nothing fast when few
          // or no alerts match (a 1,000,000-alert week was scanned whole: seconds). So the ids are matched
          // first, against alert_patients (every id that has alerts, kept by a trigger), and the list asks
          // for those patients by equality; when many patients match, their alerts are dense enough for
          // the time-ordered scan with the substring test.
          const ids = await matchingPatients(query.patientSearch);
          if (ids.length === 0) return { items: [], next: null };
          if (ids.length <= PATIENT_IN_LIST_MAX) {
            where.push(`patient_id IN (${ids.map(() => '?').join(', ')})`);
            values.push(...ids);
          } else {
            where.push("LOWER(patient_id) LIKE LOWER(?) ESCAPE '!'");
            values.push(containsPattern(query.patientSearch));
          }
        }
        if (query.after) {
          // Spelled out rather than a row comparison, which older optimizers do not turn into a range.
          where.push('alert_time <= ? AND (alert_time < ? OR alert_id < ?)');
          const t = toMysqlDateTime(query.after.alertTime);
          values.push(t, t, query.after.alertId);
        }
        const sql = `${ALERT_SELECT} WHERE ${where.join(' AND ')} ${ORDER} LIMIT ${size + 1}`;
        const items = screenedAlerts(await exec<RowDataPacket[]>(pool, sql, values), gate);
        const more = items.length > size;
        if (more) items.length = size;
        const last = items[items.length - 1];
        return { items, next: more && last ? { alertTime: last.alertTime, alertId: last.alertId } : null };
      }),

    stats: (range: TimeRange, now: number, scope?: PatientScope) =>
      run(async (): Promise<AlertStats> => {
        checkNow(now);
        const from = rangeStart(range, now);
        const hour = Math.ceil(from / HOUR_MS) * HOUR_MS;
        const then = now - PENDING_CHANGE_WINDOW_MS;
        const f = toMysqlDateTime(from);
        const h = toMysqlDateTime(hour);
        const t0 = toMysqlDateTime(then);
        const f0 = toMysqlDateTime(from - PENDING_CHANGE_WINDOW_MS);
        const ward = scopeList(scope);
        if (ward) {
          if (ward.ids.length === 0) return emptyStats();
          const [r] = await exec<RowDataPacket[]>(pool, scopedStatsSql(ward), [
            ...[f, f, f, f, f, f, t0, t0, f0],
            ...ward.bind,
          ]);
          const n = (k: string) => Number(r?.[k] ?? 0);
          return {
            total: n('total'),
            level1: n('level1'),
            level2: n('level2'),
            pending: n('pending'),
            pendingChange: n('pending') - n('pending_then'),
            confirmed: n('confirmed'),
            resolved: n('resolved'),
            confirmedRate: rate(n('confirmed'), n('total')),
            resolvedRate: rate(n('resolved'), n('total')),
          };
        }
        const rows = await exec<RowDataPacket[]>(pool, STATS_SQL, [h, f, h, f0, t0, t0, f0, t0]);
        const c = { total: 0, level1: 0, level2: 0, pending: 0, confirmed: 0, resolved: 0, pendingThen: 0 };
        for (const r of rows) {
          const n = Number(r.n ?? 0);
          if (r.part === 'p' || r.part === 'k') {
            c.pendingThen += n;
            continue;
          }
          c.total += n;
          if (Number(r.alert_level) >= 2) c.level2 += n;
          else c.level1 += n;
          if (r.status === 'pending') c.pending += n;
          else if (r.status === 'confirmed') c.confirmed += n;
          else if (r.status === 'resolved') c.resolved += n;
        }
        return {
          total: c.total,
          level1: c.level1,
          level2: c.level2,
          pending: c.pending,
          pendingChange: c.pending - c.pendingThen,
          confirmed: c.confirmed,
          resolved: c.resolved,
          confirmedRate: rate(c.confirmed, c.total),
          resolvedRate: rate(c.resolved, c.total),
        };
      }),

    get: (alertId: string) =>
      run(async () => {
        const rows = await exec<RowDataPacket[]>(pool, `${ALERT_SELECT} WHERE alert_id = ?`, [alertId]);
        return screenedAlerts(rows, gate)[0] ?? null;
      }),

    patientAlerts: (patientId: string, range: TimeRange, now: number, scope?: PatientScope) =>
      run(async () => {
        checkNow(now);
        if (!inScope(patientId, scope)) return [];
        const rows = await exec<RowDataPacket[]>(
          pool,
          `${ALERT_SELECT} WHERE patient_id = ? AND alert_time >= ? ${ORDER} LIMIT ${PATIENT_ALERTS_CAP}`,
          [patientId, toMysqlDateTime(rangeStart(range, now))],
        );
        return screenedAlerts(rows, gate);
      }),

    transition: (req: TransitionRequest) =>
      run(async () => {
        checkTransitionRequest(req);
        return transition(req);
      }),

    burden: (range: TimeRange, now: number, scope?: PatientScope) =>
      run(async (): Promise<BurdenStats> => {
        checkNow(now);
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return emptyBurden();
        const within = ward?.bind ?? [];
        const from = rangeStart(range, now);
        const f = toMysqlDateTime(from);
        const days = wardDays(from, now, timeZone);
        const bounds = days.starts.slice(1);
        const whens = bounds.map((_, i) => `WHEN alert_time < ? THEN ${i}`);
        const dayExpr = whens.length > 0 ? `CASE ${whens.join(' ')} ELSE ${whens.length} END` : '0';
        const [perBedRows, overTimeRows, ackRows] = await Promise.all([
          exec<RowDataPacket[]>(
            pool,
            `SELECT patient_id, ${dayExpr} AS d, COUNT(*) AS n FROM alerts
              WHERE alert_time >= ?${andInScope(ward)} GROUP BY patient_id, d`,
            [...bounds.map(toMysqlDateTime), f, ...within],
          ),
          exec<RowDataPacket[]>(pool, overTimeSql(ward), [f, ...within]),
          exec<RowDataPacket[]>(pool, ackSql(ward), [f, ...within]),
        ]);
        // the statistics name patients too: a refused id is left out of them
        const shownBeds = perBedRows.filter(
          (r) =>
            !gate ||
            gate.screen({
              what: 'statistics',
              key: `burden:${String(r.patient_id)}`,
              patientId: r.patient_id,
            }) === null,
        );
        return assembleBurden({
          overTime: overTimeRows.map((r) => ({
            hour: Number(r.h),
            alertType: String(r.alert_type),
            alertLevel: Number(r.alert_level),
            count: Number(r.n),
          })),
          perBedDay: shownBeds.map((r) => ({
            patientId: String(r.patient_id),
            dayIndex: Number(r.d),
            count: Number(r.n),
          })),
          dayLabels: days.labels,
          ack: {
            values: new Map(ackRows.map((r) => [Number(r.rn), Number(r.d)])),
            count: Number(ackRows[0]?.cnt ?? 0),
          },
        });
      }),

    pendingAlerts: (scope?: PatientScope) =>
      run(async () => {
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return [];
        const sql = `${ALERT_SELECT} WHERE status = 'pending'${andInScope(ward)} ${ORDER}`;
        return screenedAlerts(await exec<RowDataPacket[]>(pool, sql, ward?.bind ?? []), gate);
      }),

    handledAmong: (alertIds: readonly string[]) =>
      run(async () => {
        const found: Alert[] = [];
        for (const chunk of paddedChunks([...new Set(alertIds)], HANDLED_AMONG_CHUNK)) {
          const rows = await exec<RowDataPacket[]>(pool, HANDLED_AMONG_SQL, chunk);
          found.push(...screenedAlerts(rows, gate));
        }
        return found;
      }),

    auditTrail: (alertId: string) =>
      run(async () => {
        const rows = await exec<RowDataPacket[]>(
          pool,
          `SELECT ${EVENT_COLUMNS} FROM alert_events WHERE alert_id = ? ORDER BY event_id`,
          [alertId],
        );
        return rows.map((r): AlertAuditEvent => ({
          eventId: Number(r.event_id),
          alertId: r.alert_id,
          action: r.action,
          fromStatus: r.from_status ?? null,
          toStatus: r.to_status,
          outcome: r.outcome,
          nurse: r.nurse,
          stationId: r.station_id,
          note: r.note ?? null,
          eventTime: fromMysqlDateTime(r.event_time) ?? 0,
          recordedAt: fromMysqlDateTime(r.recorded_at) ?? 0,
          message: r.message ?? null,
        }));
      }),

    ping: () =>
      run(async () => {
        await exec(pool, PING_SQL, [], PING_TIMEOUT_MS);
        await verifySchemaVersion();
      }),

    close: () => {
      closing ??= pool.end().catch(() => undefined);
      return closing;
    },
  };
}
