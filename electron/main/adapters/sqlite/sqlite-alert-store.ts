// The alert store of simulator mode: the same semantics as the MySQL store, in the station's own SQLite
// file. better-sqlite3 is synchronous; every method runs its statements synchronously and returns a
// settled promise, and each transition is one IMMEDIATE transaction, so two acknowledgements of one
// alert are serialized even when another connection (the lead's ack cache) shares the file.
import type BetterSqlite3 from 'better-sqlite3';
import type { Alert, AlertPage, AlertQuery, AlertStats, TimeRange } from '../../../../shared/domain/types';
import type { BurdenStats } from '../../../../shared/ipc/contract';
import type { PatientScope, TransitionRequest, TransitionResult } from '../../core/ports';
import {
  AlertStoreError,
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
import type {
  AlertAuditEvent,
  AlertColumns,
  AlertRowValues,
  AuditedAlertStore,
  ScopeList,
} from '../alert-store-shared';

type Db = BetterSqlite3.Database;

export interface SqliteAlertStoreOptions {
  /** this station's id: conflict messages say "from this station" when it handled the alert */
  stationId: string;
  /** IANA zone of the ward, for conflict-message times and per-day burden; default: the system's */
  timeZone?: string;
}

// Times are epoch milliseconds (INTEGER). Indexes mirror backend-setup/mysql.sql (see the reasons
// there); a rowid table does not append alert_id to its indexes, so the keyset indexes name it.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  alert_id       TEXT    NOT NULL PRIMARY KEY,
  patient_id     TEXT    NOT NULL,
  device_id      TEXT,
  alert_time     INTEGER NOT NULL,
  alert_type     TEXT    NOT NULL,
  alert_detail   TEXT,
  alert_level    INTEGER NOT NULL,
  heart_rate     INTEGER,
  blood_oxygen   REAL,
  blood_glucose  REAL,
  status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'resolved')),
  handle_by      TEXT,
  handle_station TEXT,
  handle_time    INTEGER,
  handle_note    TEXT,
  ack_time       INTEGER,
  version        INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_alerts_time ON alerts (alert_time, alert_id);
CREATE INDEX IF NOT EXISTS ix_alerts_status_time ON alerts (status, alert_time, alert_id);
CREATE INDEX IF NOT EXISTS ix_alerts_level_time ON alerts (alert_level, alert_time, alert_id);
CREATE INDEX IF NOT EXISTS ix_alerts_patient_time ON alerts (patient_id, alert_time, alert_id);
CREATE INDEX IF NOT EXISTS ix_alerts_time_cover
  ON alerts (alert_time, alert_level, status, ack_time, alert_type, patient_id);

CREATE TABLE IF NOT EXISTS alert_events (
  event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id    TEXT    NOT NULL,
  action      TEXT    NOT NULL CHECK (action IN ('confirm', 'resolve')),
  from_status TEXT    CHECK (from_status IN ('pending', 'confirmed', 'resolved')),
  to_status   TEXT    NOT NULL CHECK (to_status IN ('pending', 'confirmed', 'resolved')),
  outcome     TEXT    NOT NULL CHECK (outcome IN ('applied', 'conflict', 'not_found')),
  nurse       TEXT    NOT NULL,
  station_id  TEXT    NOT NULL,
  note        TEXT,
  event_time  INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  message     TEXT
);
CREATE INDEX IF NOT EXISTS ix_alert_events_alert ON alert_events (alert_id, event_time);
CREATE TRIGGER IF NOT EXISTS alert_events_no_update BEFORE UPDATE ON alert_events
BEGIN SELECT RAISE(ABORT, 'alert_events is append-only: rows cannot be updated'); END;
CREATE TRIGGER IF NOT EXISTS alert_events_no_delete BEFORE DELETE ON alert_events
BEGIN SELECT RAISE(ABORT, 'alert_events is append-only: rows cannot be deleted'); END;
`;

const REQUIRED_COLUMNS: Record<string, string[]> = {
  alerts: [
    'alert_id',
    'patient_id',
    'device_id',
    'alert_time',
    'alert_type',
    'alert_detail',
    'alert_level',
    'heart_rate',
    'blood_oxygen',
    'blood_glucose',
    'status',
    'handle_by',
    'handle_station',
    'handle_time',
    'handle_note',
    'ack_time',
    'version',
    'created_at',
  ],
  alert_events: [
    'event_id',
    'alert_id',
    'action',
    'from_status',
    'to_status',
    'outcome',
    'nurse',
    'station_id',
    'note',
    'event_time',
    'recorded_at',
    'message',
  ],
};

const ALERT_SELECT = `SELECT alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level,
  heart_rate, blood_oxygen, blood_glucose, status, handle_by, handle_station, handle_time, handle_note
  FROM alerts`;
const ORDER = 'ORDER BY alert_time DESC, alert_id DESC';

type SqliteAlertRow = AlertRowValues & { handle_station: string | null };

interface EventRow {
  event_id: number;
  alert_id: string;
  action: AlertAuditEvent['action'];
  from_status: AlertAuditEvent['fromStatus'];
  to_status: AlertAuditEvent['toStatus'];
  outcome: AlertAuditEvent['outcome'];
  nurse: string;
  station_id: string;
  note: string | null;
  event_time: number;
  recorded_at: number;
  message: string | null;
}

function mapSqliteError(err: unknown): AlertStoreError {
  if (err instanceof AlertStoreError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const detail = code || (err instanceof Error ? err.name : null);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AlertStoreError('unavailable', 'The local alert store is busy; try again', detail);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new AlertStoreError('unavailable', 'The local alert store is read-only', detail);
  }
  if (code === 'SQLITE_FULL')
    return new AlertStoreError('unavailable', 'The disk holding the local alert store is full', detail);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AlertStoreError('internal', 'The local alert store file is damaged', detail);
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return new AlertStoreError('unavailable', 'The local alert store file cannot be read or written', detail);
  }
  if (err instanceof TypeError && /database connection is not open/i.test(err.message)) {
    return new AlertStoreError('unavailable', 'The local alert store is closed', detail);
  }
  return new AlertStoreError('internal', 'The local alert store failed', detail);
}

export function createSqliteAlertStore(db: Db, opts: SqliteAlertStoreOptions): AuditedAlertStore {
  const timeZone = resolveTimeZone(opts.timeZone);
  const ownStation = opts.stationId;
  try {
    db.exec(SCHEMA);
  } catch (err) {
    throw mapSqliteError(err);
  }
  for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
    const have = new Set(
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name),
    );
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw new AlertStoreError(
        'schema',
        `The local table "${table}" is from another version (missing ${missing.join(', ')}); move the file aside`,
      );
    }
  }

  const upsertStmt = db.prepare(`INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type,
      alert_detail, alert_level, heart_rate, blood_oxygen, blood_glucose, created_at)
    VALUES (@alertId, @patientId, @deviceId, @alertTime, @alertType, @alertDetail, @alertLevel, @heartRate,
      @bloodOxygen, @bloodGlucose, @createdAt)
    ON CONFLICT (alert_id) DO UPDATE SET patient_id = excluded.patient_id, device_id = excluded.device_id,
      alert_time = excluded.alert_time, alert_type = excluded.alert_type, alert_detail = excluded.alert_detail,
      alert_level = excluded.alert_level, heart_rate = excluded.heart_rate, blood_oxygen = excluded.blood_oxygen,
      blood_glucose = excluded.blood_glucose`);
  const getStmt = db.prepare(`${ALERT_SELECT} WHERE alert_id = ?`);
  const handledAmongStmt = db.prepare(
    `${ALERT_SELECT} WHERE status <> 'pending' AND alert_id IN (${Array.from({ length: HANDLED_AMONG_CHUNK }, () => '?').join(', ')})`,
  );
  const patientStmt = db.prepare(
    `${ALERT_SELECT} WHERE patient_id = ? AND alert_time >= ? ${ORDER} LIMIT ${PATIENT_ALERTS_CAP}`,
  );
  const updateStmt =
    db.prepare(`UPDATE alerts SET status = @to, handle_by = @nurse, handle_station = @station,
      handle_time = @at, handle_note = @note, ack_time = COALESCE(ack_time, @at), version = version + 1
    WHERE alert_id = @alertId AND status = @from`);
  const eventStmt = db.prepare(`INSERT INTO alert_events (alert_id, action, from_status, to_status, outcome,
      nurse, station_id, note, event_time, recorded_at, message)
    VALUES (@alertId, @action, @from, @to, @outcome, @nurse, @station, @note, @at, @recordedAt, @message)`);
  const auditStmt = db.prepare(`SELECT event_id, alert_id, action, from_status, to_status, outcome, nurse,
      station_id, note, event_time, recorded_at, message FROM alert_events WHERE alert_id = ? ORDER BY event_id`);
  // The scoped statements differ only by the scope's IN list, whose sizes are few (SCOPE_LIST_SIZES):
  // they are prepared on first use and kept in `dynamic`. Named parameters are bound with the object,
  // the IN list's `?` in order (better-sqlite3 takes both in one call).
  const statsSql = (scope: ScopeList | null) => `SELECT
      COUNT(CASE WHEN alert_time >= @from THEN 1 END) AS total,
      COUNT(CASE WHEN alert_time >= @from AND alert_level < 2 THEN 1 END) AS level1,
      COUNT(CASE WHEN alert_time >= @from AND alert_level >= 2 THEN 1 END) AS level2,
      COUNT(CASE WHEN alert_time >= @from AND status = 'pending' THEN 1 END) AS pending,
      COUNT(CASE WHEN alert_time >= @from AND status = 'confirmed' THEN 1 END) AS confirmed,
      COUNT(CASE WHEN alert_time >= @from AND status = 'resolved' THEN 1 END) AS resolved,
      COUNT(CASE WHEN alert_time <= @t0 AND (ack_time IS NULL OR ack_time > @t0) THEN 1 END) AS pending_then
    FROM alerts WHERE alert_time >= @fromThen${andInScope(scope)}`;
  const overTimeSql = (scope: ScopeList | null) => `SELECT alert_time / 3600000 AS h, alert_type, alert_level,
      COUNT(*) AS n
    FROM alerts WHERE alert_time >= @from${andInScope(scope)} GROUP BY h, alert_type, alert_level`;
  const ackSql = (scope: ScopeList | null) => `SELECT d, rn, cnt FROM (
      SELECT d, ROW_NUMBER() OVER (ORDER BY d) - 1 AS rn, COUNT(*) OVER () AS cnt
      FROM (SELECT MAX(0, ack_time - alert_time) AS d FROM alerts
        WHERE alert_time >= @from AND ack_time IS NOT NULL${andInScope(scope)})
    ) WHERE rn IN ((cnt - 1) / 2, cnt / 2, (9 * (cnt - 1)) / 10, (9 * (cnt - 1) + 9) / 10)`;
  const pingStmt = db.prepare(
    `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM alerts LIMIT 1)) AS a, (SELECT COUNT(*) FROM (SELECT 1 FROM alert_events LIMIT 1)) AS e`,
  );

  // Statement text depends only on which filters are present (and the day count for burden).
  const dynamic = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let s = dynamic.get(sql);
    if (!s) {
      s = db.prepare(sql);
      dynamic.set(sql, s);
    }
    return s;
  };

  /** ` AND patient_id IN (?, …)` for a scope, '' for the whole hospital */
  function andInScope(scope: ScopeList | null): string {
    return scope ? ` AND ${patientInList(scope)}` : '';
  }

  let closed = false;
  const run = async <T>(fn: () => T): Promise<T> => {
    if (closed || !db.open) throw new AlertStoreError('unavailable', 'The local alert store is closed');
    try {
      return fn();
    } catch (err) {
      throw mapSqliteError(err);
    }
  };
  const toAlert = (row: unknown): Alert => rowToAlert(row as SqliteAlertRow);

  const upsertMany = db.transaction((rows: AlertColumns[], createdAt: number) => {
    for (const r of rows) upsertStmt.run({ ...r, createdAt });
  });

  const transitionTx = db.transaction((req: TransitionRequest): TransitionResult => {
    const to = TARGET_STATUS[req.action];
    const base = {
      alertId: req.alertId,
      action: req.action,
      to,
      nurse: req.nurse,
      station: req.stationId,
      note: req.note,
      at: req.at,
      recordedAt: Date.now(),
    };
    const row = getStmt.get(req.alertId) as SqliteAlertRow | undefined;
    if (!row) {
      if (!req.repeat) eventStmt.run({ ...base, from: null, outcome: 'not_found', message: NOT_YET_MESSAGE });
      return { kind: 'not_yet' };
    }
    const current = rowToAlert(row);
    if (!isLegalTransition(current.status, req.action)) {
      const message = conflictMessage(current, row.handle_station, { ownStation, timeZone, at: req.at });
      eventStmt.run({ ...base, from: current.status, outcome: 'conflict', message });
      return { kind: 'conflict', current, message };
    }
    const changed = updateStmt.run({ ...base, from: current.status }).changes;
    // Inside an IMMEDIATE transaction nobody can change the row between the read and the update.
    if (changed !== 1) throw new AlertStoreError('internal', 'The alert changed during its acknowledgement');
    eventStmt.run({ ...base, from: current.status, outcome: 'applied', message: null });
    return {
      kind: 'applied',
      alert: { ...current, status: to, handleBy: req.nurse, handleTime: req.at, handleNote: req.note },
    };
  });

  return {
    adapter: 'sqlite',

    upsertAlerts: (alerts) =>
      run(() => {
        const valid: AlertColumns[] = [];
        const rejected: { alertId: unknown; reason: string }[] = [];
        for (const a of alerts) {
          const cols = alertColumns(a);
          if (typeof cols === 'string') rejected.push({ alertId: a?.alertId, reason: cols });
          else valid.push(cols);
        }
        if (valid.length > 0) upsertMany(valid, Date.now());
        if (rejected.length > 0) throw rejectedAlertsError(rejected, alerts.length);
      }),

    list: (query: AlertQuery, now: number, scope?: PatientScope) =>
      run((): AlertPage => {
        checkNow(now);
        const size = pageSize(query.limit);
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return { items: [], next: null };
        const where = ['alert_time >= @from'];
        const params: Record<string, unknown> = { from: rangeStart(query.range, now) };
        if (query.level !== undefined) {
          where.push('alert_level = @level');
          params.level = query.level;
        }
        if (query.status !== undefined) {
          where.push('status = @status');
          params.status = query.status;
        }
        if (query.patientSearch !== undefined && query.patientSearch !== '') {
          where.push("lower(patient_id) LIKE lower(@search) ESCAPE '!'");
          params.search = containsPattern(query.patientSearch);
        }
        if (query.after) {
          where.push('alert_time <= @afterTime AND (alert_time < @afterTime OR alert_id < @afterId)');
          params.afterTime = query.after.alertTime;
          params.afterId = query.after.alertId;
        }
        if (ward) where.push(patientInList(ward));
        const sql = `${ALERT_SELECT} WHERE ${where.join(' AND ')} ${ORDER} LIMIT ${size + 1}`;
        const items = prepared(sql)
          .all(...(ward?.bind ?? []), params)
          .map(toAlert);
        const more = items.length > size;
        if (more) items.length = size;
        const last = items[items.length - 1];
        return { items, next: more && last ? { alertTime: last.alertTime, alertId: last.alertId } : null };
      }),

    stats: (range: TimeRange, now: number, scope?: PatientScope) =>
      run((): AlertStats => {
        checkNow(now);
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return emptyStats();
        const from = rangeStart(range, now);
        const t0 = now - PENDING_CHANGE_WINDOW_MS;
        const r = prepared(statsSql(ward)).get(...(ward?.bind ?? []), {
          from,
          t0,
          fromThen: from - PENDING_CHANGE_WINDOW_MS,
        }) as Record<string, number>;
        const total = r.total ?? 0;
        const confirmed = r.confirmed ?? 0;
        const resolved = r.resolved ?? 0;
        const pending = r.pending ?? 0;
        return {
          total,
          level1: r.level1 ?? 0,
          level2: r.level2 ?? 0,
          pending,
          pendingChange: pending - (r.pending_then ?? 0),
          confirmed,
          resolved,
          confirmedRate: rate(confirmed, total),
          resolvedRate: rate(resolved, total),
        };
      }),

    get: (alertId: string) =>
      run(() => {
        const row = getStmt.get(alertId);
        return row ? toAlert(row) : null;
      }),

    patientAlerts: (patientId: string, range: TimeRange, now: number, scope?: PatientScope) =>
      run(() => {
        checkNow(now);
        if (!inScope(patientId, scope)) return [];
        return patientStmt.all(patientId, rangeStart(range, now)).map(toAlert);
      }),

    transition: (req: TransitionRequest) =>
      run(() => {
        checkTransitionRequest(req);
        return transitionTx.immediate(req);
      }),

    burden: (range: TimeRange, now: number, scope?: PatientScope) =>
      run((): BurdenStats => {
        checkNow(now);
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return emptyBurden();
        const within = ward?.bind ?? [];
        const from = rangeStart(range, now);
        const days = wardDays(from, now, timeZone);
        const whens = days.starts.slice(1).map((_, i) => `WHEN alert_time < ? THEN ${i}`);
        const dayExpr = whens.length > 0 ? `CASE ${whens.join(' ')} ELSE ${whens.length} END` : '0';
        const perBedRows = prepared(
          `SELECT patient_id, ${dayExpr} AS d, COUNT(*) AS n FROM alerts
            WHERE alert_time >= ?${andInScope(ward)} GROUP BY patient_id, d`,
        ).all(...days.starts.slice(1), from, ...within) as { patient_id: string; d: number; n: number }[];
        const overTimeRows = prepared(overTimeSql(ward)).all(...within, { from }) as {
          h: number;
          alert_type: string;
          alert_level: number;
          n: number;
        }[];
        const ackRows = prepared(ackSql(ward)).all(...within, { from }) as {
          d: number;
          rn: number;
          cnt: number;
        }[];
        return assembleBurden({
          overTime: overTimeRows.map((r) => ({
            hour: r.h,
            alertType: r.alert_type,
            alertLevel: r.alert_level,
            count: r.n,
          })),
          perBedDay: perBedRows.map((r) => ({ patientId: r.patient_id, dayIndex: r.d, count: r.n })),
          dayLabels: days.labels,
          ack: { values: new Map(ackRows.map((r) => [r.rn, r.d])), count: ackRows[0]?.cnt ?? 0 },
        });
      }),

    pendingAlerts: (scope?: PatientScope) =>
      run(() => {
        const ward = scopeList(scope);
        if (ward && ward.ids.length === 0) return [];
        const sql = `${ALERT_SELECT} WHERE status = 'pending'${andInScope(ward)} ${ORDER}`;
        return prepared(sql)
          .all(...(ward?.bind ?? []))
          .map(toAlert);
      }),
    handledAmong: (alertIds: readonly string[]) =>
      run(() =>
        paddedChunks([...new Set(alertIds)], HANDLED_AMONG_CHUNK).flatMap((chunk) =>
          handledAmongStmt.all(...chunk).map(toAlert),
        ),
      ),

    auditTrail: (alertId: string) =>
      run(() =>
        (auditStmt.all(alertId) as EventRow[]).map((r): AlertAuditEvent => ({
          eventId: r.event_id,
          alertId: r.alert_id,
          action: r.action,
          fromStatus: r.from_status,
          toStatus: r.to_status,
          outcome: r.outcome,
          nurse: r.nurse,
          stationId: r.station_id,
          note: r.note,
          eventTime: r.event_time,
          recordedAt: r.recorded_at,
          message: r.message,
        })),
      ),

    ping: () =>
      run(() => {
        pingStmt.get();
      }),

    // The database handle belongs to the caller (the ack cache shares it): only this store is closed.
    close: async () => {
      closed = true;
    },
  };
}
