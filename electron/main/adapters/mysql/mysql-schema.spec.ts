import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toMysqlDateTime } from './mysql-alert-store';
import { mapMysqlError } from './mysql-errors';
import { MYSQL_SCHEMA_VERSION, mysqlSchemaPath, splitSqlStatements } from './mysql-schema';

describe('splitSqlStatements', () => {
  it('splits on a semicolon at the end of a line and drops comment-only pieces', () => {
    const sql =
      "-- header\n\nCREATE TABLE a (x INT);\n-- only a comment\n;\nINSERT INTO a VALUES (1); \r\nSELECT ';' ;";
    expect(splitSqlStatements(sql)).toEqual([
      'CREATE TABLE a (x INT)',
      'INSERT INTO a VALUES (1)',
      "SELECT ';'",
    ]);
  });

  it('gives the schema file as thirty-two statements, each splittable naively too', () => {
    const text = readFileSync(mysqlSchemaPath(), 'utf8');
    const statements = splitSqlStatements(text);
    const firstLine = (s: string) => s.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('--'));
    expect(statements.map(firstLine)).toEqual([
      'CREATE TABLE IF NOT EXISTS alerts (',
      'CREATE TABLE IF NOT EXISTS alert_counts_hourly (',
      'CREATE TABLE IF NOT EXISTS alert_patients (',
      'CREATE TABLE IF NOT EXISTS alert_events (',
      // the chain columns added to an alert_events of an earlier setup (no ADD COLUMN IF NOT EXISTS in MySQL)
      "SET @ns_chain_columns = (SELECT CONCAT_WS(', ',",
      "SET @ns_chain_migration = IF(@ns_chain_columns = '', 'DO 0', CONCAT('ALTER TABLE alert_events ', @ns_chain_columns))",
      'PREPARE ns_chain_migration FROM @ns_chain_migration',
      'EXECUTE ns_chain_migration',
      'DEALLOCATE PREPARE ns_chain_migration',
      'CREATE TABLE IF NOT EXISTS audit_chain_heads (',
      "INSERT IGNORE INTO audit_chain_heads (chain_name, seq, head_hash) VALUES ('alert_events', 0, REPEAT('0', 64))",
      'CREATE TABLE IF NOT EXISTS nurse_roster (',
      'LOCK TABLES alerts WRITE, alert_events WRITE, alert_counts_hourly WRITE, alert_patients WRITE',
      'DROP TRIGGER IF EXISTS alert_events_no_update',
      'CREATE TRIGGER alert_events_no_update BEFORE UPDATE ON alert_events FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alert_events_no_delete',
      'CREATE TRIGGER alert_events_no_delete BEFORE DELETE ON alert_events FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alerts_count_insert',
      'CREATE TRIGGER alerts_count_insert AFTER INSERT ON alerts FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alerts_patient_insert',
      'CREATE TRIGGER alerts_patient_insert AFTER INSERT ON alerts FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alerts_count_update_old',
      'CREATE TRIGGER alerts_count_update_old AFTER UPDATE ON alerts FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alerts_count_update_new',
      'CREATE TRIGGER alerts_count_update_new AFTER UPDATE ON alerts FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alerts_count_delete',
      'CREATE TRIGGER alerts_count_delete AFTER DELETE ON alerts FOR EACH ROW',
      'DROP TRIGGER IF EXISTS alerts_audit_transition',
      'CREATE TRIGGER alerts_audit_transition AFTER UPDATE ON alerts FOR EACH ROW',
      'UNLOCK TABLES',
      'CREATE TABLE IF NOT EXISTS nurse_station_schema (',
      `INSERT INTO nurse_station_schema (id, version, applied_at) VALUES (1, ${MYSQL_SCHEMA_VERSION}, UTC_TIMESTAMP(3))`,
    ]);
    // the version the app requires is the one the file writes, on insert and on update
    expect(statements.at(-1)).toContain(`ON DUPLICATE KEY UPDATE version = ${MYSQL_SCHEMA_VERSION},`);
    // the header's promise: a plain split on ";\n" gives the same statements
    const code = (s: string) => s.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('--'));
    const naive = text
      .split(';\n')
      .map(code)
      .filter((lines) => lines.length > 0);
    expect(naive).toEqual(statements.map(code));
    // no comment line ends with a semicolon (it would cut a statement in two)
    expect(text.split('\n').filter((l) => l.trim().startsWith('--') && l.trim().endsWith(';'))).toEqual([]);
  });
});

describe('toMysqlDateTime', () => {
  it('formats UTC with milliseconds and clamps to the DATETIME range', () => {
    expect(toMysqlDateTime(Date.UTC(2026, 10, 20, 3, 12, 5, 7))).toBe('2026-11-20 03:12:05.007');
    expect(toMysqlDateTime(8_640_000_000_000_000)).toBe('9999-12-31 23:59:59.999');
    expect(toMysqlDateTime(-8_640_000_000_000_000)).toBe('1000-01-01 00:00:00.000');
  });
});

describe('mapMysqlError', () => {
  const ctx = { host: 'db.ward', port: 3306, user: 'nurse_app', database: 'nurse_station' };
  const err = (code: string, errno?: number) =>
    Object.assign(new Error(`boom SELECT secret`), { code, errno });

  it.each([
    [
      'ECONNREFUSED',
      undefined,
      'unavailable',
      'Alert store unreachable at db.ward:3306 (connection refused)',
    ],
    ['ETIMEDOUT', undefined, 'unavailable', 'Alert store unreachable at db.ward:3306 (no answer within 3 s)'],
    ['ENOTFOUND', undefined, 'unavailable', 'Alert store unreachable at db.ward:3306 (host not found)'],
    [
      'PROTOCOL_CONNECTION_LOST',
      undefined,
      'unavailable',
      'Alert store unreachable at db.ward:3306 (connection lost)',
    ],
    ['ER_ACCESS_DENIED_ERROR', 1045, 'auth', 'Alert store refused the user "nurse_app" — check the password'],
    [
      'ER_DBACCESS_DENIED_ERROR',
      1044,
      'auth',
      'The user "nurse_app" may not use database "nurse_station" — check its grants',
    ],
    [
      'ER_BAD_DB_ERROR',
      1049,
      'schema',
      'Database "nurse_station" does not exist — run npm run backend:setup',
    ],
    ['ER_PARSE_ERROR', 1064, 'internal', 'The alert store failed (ER_PARSE_ERROR)'],
  ] as const)('%s → %s', (code, errno, kind, message) => {
    const mapped = mapMysqlError(err(code, errno), ctx);
    expect(mapped.code).toBe(kind);
    expect(mapped.message).toBe(message);
    expect(mapped.message).not.toMatch(/SELECT|secret/);
  });

  it('sees through a dual-stack AggregateError and a closed pool', () => {
    const agg = Object.assign(new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')]), {});
    expect(mapMysqlError(agg, ctx).message).toBe(
      'Alert store unreachable at db.ward:3306 (connection refused)',
    );
    expect(mapMysqlError(new Error('Pool is closed.'), ctx).code).toBe('unavailable');
  });
});
