// The station's audit in its SQLite file: threshold changes, settings changes and access (sign-ins,
// refusals, lock-outs, sign-outs, time-outs, screen locks, roster saves, forbidden attempts), one
// hash-chained table each (core/audit-chain.ts). `list` reads them with the ack cache's rows, which
// are chained the same way, as the one timeline of the Audit screen.
import type { Database } from 'better-sqlite3';
import type { Alert, Thresholds } from '../../../../shared/domain/types';
import type { AuditEntry, AuditKind } from '../../../../shared/ipc/contract';
import type { AuditEvent, AuditLog } from '../../core/ports';
import { migrateAckCache } from './sqlite-ack-cache';
import { CHAIN_COLUMN_DECLARATIONS, addMissingColumns, createChainWriter } from './sqlite-audit-chain';

/**
 * threshold_audit and settings_audit were created by earlier versions without the chain columns
 * (added by addMissingColumns); access_audit is new. Columns are listed in the order of those tables.
 */
export function migrateAuditLog(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS threshold_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, patient_id TEXT NOT NULL, nurse TEXT NOT NULL,
      station_id TEXT NOT NULL, at INTEGER NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL,
      nurse_id TEXT, prev_hash TEXT, hash TEXT);
    CREATE TABLE IF NOT EXISTS settings_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, section TEXT NOT NULL, outcome TEXT NOT NULL, nurse TEXT NOT NULL,
      station_id TEXT NOT NULL, at INTEGER NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL,
      nurse_id TEXT, prev_hash TEXT, hash TEXT);
    CREATE TABLE IF NOT EXISTS access_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL, nurse_id TEXT, nurse TEXT NOT NULL,
      station_id TEXT NOT NULL, subject TEXT, detail TEXT NOT NULL, at INTEGER NOT NULL,
      prev_hash TEXT, hash TEXT);
  `);
  addMissingColumns(db, 'threshold_audit', CHAIN_COLUMN_DECLARATIONS);
  addMissingColumns(db, 'settings_audit', CHAIN_COLUMN_DECLARATIONS);
  // the Audit screen reads newest first, per table
  db.exec(`
    CREATE INDEX IF NOT EXISTS threshold_audit_at ON threshold_audit (at);
    CREATE INDEX IF NOT EXISTS settings_audit_at ON settings_audit (at);
    CREATE INDEX IF NOT EXISTS access_audit_at ON access_audit (at);
  `);
}

/** The longest detail the list gives (the screen shows one line; the row itself keeps everything). */
const DETAIL_MAX = 300;

/** One line, bounded: notes and error messages may hold newlines. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' / ').trim();
  return flat.length > DETAIL_MAX ? `${flat.slice(0, DETAIL_MAX - 1)}…` : flat;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const num = (v: unknown) => (typeof v === 'number' ? String(v) : '?');

/** "heart rate 50–120 → 45–120; SpO₂ ≥ 93 → ≥ 90": the limits that changed, or "no change". */
export function thresholdChangeSummary(
  before: Partial<Thresholds> | null,
  after: Partial<Thresholds> | null,
): string {
  const b = before ?? {};
  const a = after ?? {};
  const parts: string[] = [];
  const range = (t: Partial<Thresholds>, min: keyof Thresholds, max: keyof Thresholds) =>
    `${num(t[min])}–${num(t[max])}`;
  if (b.heartRateMin !== a.heartRateMin || b.heartRateMax !== a.heartRateMax)
    parts.push(
      `heart rate ${range(b, 'heartRateMin', 'heartRateMax')} → ${range(a, 'heartRateMin', 'heartRateMax')}`,
    );
  if (b.bloodOxygenMin !== a.bloodOxygenMin)
    parts.push(`SpO₂ ≥ ${num(b.bloodOxygenMin)} → ≥ ${num(a.bloodOxygenMin)}`);
  if (b.bloodGlucoseMin !== a.bloodGlucoseMin || b.bloodGlucoseMax !== a.bloodGlucoseMax)
    parts.push(
      `glucose ${range(b, 'bloodGlucoseMin', 'bloodGlucoseMax')} → ${range(a, 'bloodGlucoseMin', 'bloodGlucoseMax')}`,
    );
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

/** Keys whose values are never shown, even though the audited views should not hold any. */
const SECRET_KEY = /password|secret|token|pin|key/i;

function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
  return out;
}

function shown(path: string, v: unknown): string {
  if (v === undefined) return '–';
  // a boolean about a secret ("passwordSet") says nothing of the secret itself
  if (SECRET_KEY.test(path.split('.').at(-1) ?? '') && typeof v !== 'boolean') return '(hidden)';
  if (v === null) return '—';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** "risingwave.host: rw-1 → rw-2; mysql.passwordSet: false → true": what differs between the two views. */
export function settingsChangeSummary(before: unknown, after: unknown): string {
  if (after !== null && typeof after === 'object' && Object.keys(after).length === 1 && 'error' in after) {
    return `refused: ${String((after as { error: unknown }).error)}`;
  }
  const b = leaves(before, '', new Map());
  const a = leaves(after, '', new Map());
  const parts: string[] = [];
  for (const path of new Set([...b.keys(), ...a.keys()])) {
    const was = b.get(path);
    const now = a.get(path);
    if (!a.has(path)) continue; // a requested change names only what was asked
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    parts.push(
      b.has(path) ? `${path}: ${shown(path, was)} → ${shown(path, now)}` : `${path}: ${shown(path, now)}`,
    );
  }
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

interface AckRow {
  seq: number;
  ack_time: number;
  nurse_id: string | null;
  nurse: string;
  station_id: string;
  action: string;
  alert_id: string;
  patient_id: string;
  note: string | null;
  alert_json: string;
  hash: string | null;
}
interface ThresholdRow {
  seq: number;
  at: number;
  nurse_id: string | null;
  nurse: string;
  station_id: string;
  patient_id: string;
  before_json: string;
  after_json: string;
  hash: string | null;
}
interface SettingsRow extends Omit<ThresholdRow, 'patient_id'> {
  section: string;
  outcome: string;
}
interface AccessRow {
  seq: number;
  at: number;
  nurse_id: string | null;
  nurse: string;
  station_id: string;
  action: string;
  subject: string | null;
  detail: string;
  hash: string | null;
}

const fromAck = (r: AckRow): AuditEntry => {
  const alert = parseJson(r.alert_json) as Partial<Alert> | null;
  const what = typeof alert?.alertDetail === 'string' ? alert.alertDetail : '';
  const note = r.note ? `note: ${r.note}` : '';
  return {
    kind: 'acknowledgement',
    seq: r.seq,
    at: r.ack_time,
    nurseId: r.nurse_id,
    nurse: r.nurse,
    stationId: r.station_id,
    action: r.action,
    subject: `${r.alert_id} (patient ${r.patient_id})`,
    detail: oneLine([what, note].filter((s) => s !== '').join(' — ')),
    hash: r.hash ?? '',
  };
};
const fromThresholds = (r: ThresholdRow): AuditEntry => ({
  kind: 'thresholds',
  seq: r.seq,
  at: r.at,
  nurseId: r.nurse_id,
  nurse: r.nurse,
  stationId: r.station_id,
  action: 'update',
  subject: r.patient_id,
  detail: oneLine(
    thresholdChangeSummary(
      parseJson(r.before_json) as Partial<Thresholds> | null,
      parseJson(r.after_json) as Partial<Thresholds> | null,
    ),
  ),
  hash: r.hash ?? '',
});
const fromSettings = (r: SettingsRow): AuditEntry => ({
  kind: 'settings',
  seq: r.seq,
  at: r.at,
  nurseId: r.nurse_id,
  nurse: r.nurse,
  stationId: r.station_id,
  action: `${r.section} ${r.outcome}`,
  subject: null,
  detail: oneLine(settingsChangeSummary(parseJson(r.before_json), parseJson(r.after_json))),
  hash: r.hash ?? '',
});
const fromAccess = (r: AccessRow): AuditEntry => ({
  kind: 'access',
  seq: r.seq,
  at: r.at,
  nurseId: r.nurse_id,
  nurse: r.nurse,
  stationId: r.station_id,
  action: r.action,
  subject: r.subject,
  detail: oneLine(r.detail),
  hash: r.hash ?? '',
});

/** LIKE with the user's text taken literally. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Where each kind is, its time column, and how its rows read on the screen. */
const SOURCES: readonly {
  kind: AuditKind;
  table: string;
  time: string;
  toEntry: (row: never) => AuditEntry;
}[] = [
  { kind: 'acknowledgement', table: 'ack_log', time: 'ack_time', toEntry: fromAck },
  { kind: 'thresholds', table: 'threshold_audit', time: 'at', toEntry: fromThresholds },
  { kind: 'settings', table: 'settings_audit', time: 'at', toEntry: fromSettings },
  { kind: 'access', table: 'access_audit', time: 'at', toEntry: fromAccess },
];
const KIND_ORDER = new Map(SOURCES.map((s, i) => [s.kind, i]));

export function createSqliteAuditLog(db: Database): AuditLog {
  migrateAckCache(db); // read by list(); normally created by the ack cache already
  migrateAuditLog(db);
  const thresholds = createChainWriter(db, 'threshold_audit');
  const settings = createChainWriter(db, 'settings_audit');
  const access = createChainWriter(db, 'access_audit');
  // one prepared statement per source and filter shape, made on first use
  const queries = new Map<string, ReturnType<Database['prepare']>>();
  const query = (sql: string) => {
    let q = queries.get(sql);
    if (!q) {
      q = db.prepare(sql);
      queries.set(sql, q);
    }
    return q;
  };

  return {
    record(event: AuditEvent) {
      // whole ms: the chain hashes integers only
      const at = Math.trunc(event.at);
      switch (event.kind) {
        case 'thresholds':
          thresholds.append({
            patient_id: event.patientId,
            nurse_id: event.nurseId,
            nurse: event.nurse,
            station_id: event.stationId,
            at,
            before_json: JSON.stringify(event.before),
            after_json: JSON.stringify(event.after),
          });
          return;
        case 'settings':
          settings.append({
            section: event.section,
            outcome: event.outcome,
            nurse_id: event.nurseId,
            nurse: event.nurse,
            station_id: event.stationId,
            at,
            before_json: JSON.stringify(event.before),
            after_json: JSON.stringify(event.after),
          });
          return;
        case 'access':
          access.append({
            action: event.action,
            nurse_id: event.nurseId,
            nurse: event.nurse,
            station_id: event.stationId,
            subject: event.subject,
            detail: event.detail,
            at,
          });
          return;
        default: {
          const unknown: never = event;
          throw new TypeError(`unknown audit event ${JSON.stringify(unknown)}`);
        }
      }
    },

    list(filter) {
      const params: Record<string, unknown> = { limit: filter.limit };
      const where: string[] = [];
      if (filter.nurseId) {
        where.push("nurse_id LIKE @nurseId ESCAPE '\\'");
        params.nurseId = likeContains(filter.nurseId);
      }
      const entries: AuditEntry[] = [];
      for (const source of SOURCES) {
        if (filter.kind !== undefined && filter.kind !== source.kind) continue;
        const conditions = [...where];
        if (filter.from !== undefined) {
          conditions.push(`${source.time} >= @from`);
          params.from = filter.from;
        }
        if (filter.to !== undefined) {
          conditions.push(`${source.time} < @to`);
          params.to = filter.to;
        }
        const sql = `SELECT * FROM ${source.table} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
                     ORDER BY ${source.time} DESC, seq DESC LIMIT @limit`;
        for (const row of query(sql).all(params)) entries.push(source.toEntry(row as never));
      }
      // newest first across the tables; a tie keeps each table's own order
      entries.sort(
        (x, y) => y.at - x.at || KIND_ORDER.get(x.kind)! - KIND_ORDER.get(y.kind)! || y.seq - x.seq,
      );
      return entries.slice(0, filter.limit);
    },
  };
}
