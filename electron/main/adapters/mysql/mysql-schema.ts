// Applies backend-setup/mysql.sql statement by statement and checks that the tables it leaves behind
// have every column the app uses. Shared by the setup command and the integration tests.
import { fileURLToPath } from 'node:url';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { AlertStoreError } from '../alert-store-shared';

/** A mysql2/promise Connection, PoolConnection or Pool. */
export type MysqlQueryable = Pick<Connection, 'query' | 'execute'>;

/**
 * The version backend-setup/mysql.sql writes into nurse_station_schema. The app records acknowledgements
 * only against this version or a newer one (version 2: the audit row is written by a trigger; version 3:
 * the app writes it, hash-chained, with audit_chain_heads, and the trigger stands back for it).
 */
export const MYSQL_SCHEMA_VERSION = 3;

/** Columns the app reads or writes, per table (the RisingWave sink writes a subset of `alerts`). */
export const REQUIRED_MYSQL_COLUMNS: Readonly<
  Record<
    | 'alerts'
    | 'alert_events'
    | 'alert_counts_hourly'
    | 'alert_patients'
    | 'audit_chain_heads'
    | 'nurse_roster'
    | 'nurse_station_schema',
    readonly string[]
  >
> = {
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
    'nurse_id',
    'prev_hash',
    'row_hash',
  ],
  alert_counts_hourly: ['hour_start', 'alert_level', 'status', 'n'],
  alert_patients: ['patient_id'],
  audit_chain_heads: ['chain_name', 'seq', 'head_hash'],
  nurse_roster: ['nurse_id', 'display_name', 'role', 'active', 'pin_hash', 'updated_at'],
  nurse_station_schema: ['id', 'version', 'applied_at'],
};

/**
 * Columns the schema file adds itself to a table of an earlier setup (its audit-chain migration): not
 * a reason to refuse that table before the file has run.
 */
export const MIGRATED_MYSQL_COLUMNS: Readonly<
  Partial<Record<keyof typeof REQUIRED_MYSQL_COLUMNS, readonly string[]>>
> = {
  alert_events: ['nurse_id', 'prev_hash', 'row_hash'],
};

/** Where the schema lives when running from the repository (setup command, tests). */
export function mysqlSchemaPath(): string {
  return fileURLToPath(new URL('../../../../backend-setup/mysql.sql', import.meta.url));
}

/**
 * Splits the schema file as its header documents: a statement ends with a semicolon at the end of a
 * line. Whole-line `--` comments are removed, and pieces left empty are dropped (the server would answer
 * "query was empty").
 */
export function splitSqlStatements(sqlText: string): string[] {
  return sqlText
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((piece) =>
      piece
        .split(/\r?\n/)
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((piece) => piece !== '');
}

function firstCodeLine(statement: string): string {
  const line = statement.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('--')) ?? '';
  return line.trim().slice(0, 80);
}

/**
 * Runs every statement of `sqlText` on `conn` (text protocol: DDL and triggers cannot all be prepared),
 * then verifies the result with checkMysqlSchema. Throws an AlertStoreError naming the failing statement.
 */
export async function applyMysqlSchema(
  conn: MysqlQueryable,
  sqlText: string,
): Promise<{ statements: number }> {
  // The file locks tables around its triggers, which holds for the connection that ran LOCK TABLES.
  if ('getConnection' in conn) throw new TypeError('applyMysqlSchema needs a single connection, not a pool');
  // An older `alerts` (e.g. the demo's) is refused before anything is created on or beside it; what the
  // file migrates itself (an earlier setup's alert_events) is not.
  const before = (await checkMysqlSchema(conn, { beforeMigration: true })).filter(
    (p) => !p.endsWith(' is missing'),
  );
  if (before.length > 0) throw new AlertStoreError('schema', before.join('; '));
  const statements = splitSqlStatements(sqlText);
  for (const [i, statement] of statements.entries()) {
    try {
      await conn.query(statement);
    } catch (err) {
      // a failure between LOCK TABLES and UNLOCK TABLES must not leave the caller's connection locked
      await conn.query('UNLOCK TABLES').catch(() => undefined);
      const e = err as { code?: unknown; errno?: unknown; sqlMessage?: unknown };
      const code = typeof e.code === 'string' ? e.code : 'error';
      // The server's own message is kept (this runs in the setup command, for an administrator): it
      // quotes our schema, never a credential.
      const why = typeof e.sqlMessage === 'string' ? e.sqlMessage.slice(0, 200) : code;
      const kind =
        code === 'ER_ACCESS_DENIED_ERROR' ||
        code === 'ER_DBACCESS_DENIED_ERROR' ||
        code === 'ER_TABLEACCESS_DENIED_ERROR' ||
        code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR'
          ? 'auth'
          : code.startsWith('E') && !code.startsWith('ER_')
            ? 'unavailable'
            : 'schema';
      throw new AlertStoreError(
        kind,
        `Schema statement ${i + 1} of ${statements.length} (${firstCodeLine(statement)}) failed: ${why}`,
        typeof e.errno === 'number' ? `${code} (${e.errno})` : code,
      );
    }
  }
  const problems = await checkMysqlSchema(conn);
  if (problems.length > 0) throw new AlertStoreError('schema', problems.join('; '));
  await rebuildAlertSummaries(conn);
  return { statements: statements.length };
}

const REBUILD_COUNTS_SQL = `INSERT INTO alert_counts_hourly (hour_start, alert_level, status, n)
  SELECT DATE_FORMAT(alert_time, '%Y-%m-%d %H:00:00') AS h, alert_level, status, COUNT(*)
    FROM alerts GROUP BY h, alert_level, status`;

/**
 * Recomputes the tables derived from `alerts` by triggers, alert_counts_hourly and alert_patients (after
 * the triggers were created or replaced, or after a bulk load with them dropped). The tables are locked
 * meanwhile, so no alert written by the sink is counted twice or missed; a 1,000,000-alert table takes a
 * few seconds. `conn` must be one connection, not a pool: LOCK TABLES holds for the connection that took it.
 */
export async function rebuildAlertSummaries(conn: MysqlQueryable): Promise<void> {
  if ('getConnection' in conn)
    throw new TypeError('rebuildAlertSummaries needs a single connection, not a pool');
  await conn.query('LOCK TABLES alerts READ, alert_counts_hourly WRITE, alert_patients WRITE');
  try {
    await conn.query('DELETE FROM alert_counts_hourly');
    await conn.query(REBUILD_COUNTS_SQL);
    await conn.query('DELETE FROM alert_patients');
    await conn.query('INSERT INTO alert_patients (patient_id) SELECT DISTINCT patient_id FROM alerts');
  } finally {
    await conn.query('UNLOCK TABLES');
  }
}

/**
 * What is wrong with the alert tables of the connection's current database, as sentences; empty when
 * nothing is. Catches a table left over from an older schema (e.g. the health_care demo's `alerts`),
 * which CREATE TABLE IF NOT EXISTS leaves untouched.
 */
export async function checkMysqlSchema(
  conn: MysqlQueryable,
  opts: { beforeMigration?: boolean } = {},
): Promise<string[]> {
  const tables = Object.keys(REQUIRED_MYSQL_COLUMNS);
  // the names are this module's constants; the placeholders keep the statement a prepared one
  const [rows] = await conn.execute<RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => '?').join(', ')})`,
    tables,
  );
  const have = new Map<string, Set<string>>();
  for (const r of rows) {
    const t = String(r.t);
    if (!have.has(t)) have.set(t, new Set());
    have.get(t)!.add(String(r.c).toLowerCase());
  }
  const problems: string[] = [];
  for (const [table, columns] of Object.entries(REQUIRED_MYSQL_COLUMNS)) {
    const cols = have.get(table);
    if (!cols) {
      problems.push(`Table "${table}" is missing`);
      continue;
    }
    const migrated = opts.beforeMigration
      ? (MIGRATED_MYSQL_COLUMNS[table as keyof typeof REQUIRED_MYSQL_COLUMNS] ?? [])
      : [];
    const missing = columns.filter((c) => !cols.has(c) && !migrated.includes(c));
    if (missing.length > 0) {
      problems.push(
        `Table "${table}" comes from an older schema and lacks ${missing.join(', ')} — rename it (or add the ` +
          `columns) and run the setup again`,
      );
    }
  }
  if (!opts.beforeMigration && have.has('audit_chain_heads')) {
    // the file seeds it; without it no station could write a chained audit row
    const [heads] = await conn.execute<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM audit_chain_heads WHERE chain_name = 'alert_events'",
    );
    if (Number(heads[0]?.n ?? 0) === 0) {
      problems.push('Table "audit_chain_heads" has no head for alert_events — run the setup again');
    }
  }
  return problems;
}
