// Static checks of backend-setup/risingwave.sql: how setup.ts can split it, its placeholders, and the
// names and columns the app reads. Its behaviour is checked against the engine in risingwave-sql.int.spec.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sql = readFileSync(fileURLToPath(new URL('./risingwave.sql', import.meta.url)), 'utf8');

const stripComments = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .trim();

const bySeparator = sql
  .split(/^-- ;;$/m)
  .map(stripComments)
  .filter((s) => s.length > 0);
const byNaiveSplit = sql
  .split(';\n')
  .map(stripComments)
  .filter((s) => s.length > 0 && s !== ';')
  .map((s) => s + ';');

function statement(prefix: RegExp): string {
  const found = bySeparator.filter((s) => prefix.test(s));
  expect(found, String(prefix)).toHaveLength(1);
  return found[0]!;
}

/** The output column names of a CREATE MATERIALIZED VIEW: the outermost SELECT list's aliases. */
function outputColumns(mv: string): string[] {
  const body = mv.replace(/^[\s\S]*?\bAS\s+SELECT\b/i, '');
  let depth = 0;
  let end = body.length;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /^\s+FROM\b/i.test(body.slice(i, i + 6))) {
      end = i;
      break;
    }
  }
  const items: string[] = [];
  depth = 0;
  let cur = '';
  for (const c of body.slice(0, end)) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else cur += c;
  }
  items.push(cur);
  return items.map((i) => {
    const m = /(?:\bAS\s+)?(\w+)\s*$/i.exec(i.trim());
    return m ? m[1]!.toLowerCase() : i.trim();
  });
}

describe('risingwave.sql', () => {
  it('splits into the same statements on "-- ;;" lines and on a naive ";\\n"', () => {
    expect(bySeparator.length).toBeGreaterThanOrEqual(10);
    expect(byNaiveSplit).toEqual(bySeparator);
    for (const s of bySeparator) expect(s.endsWith(';'), s.slice(0, 60)).toBe(true);
  });

  it('is idempotent: every CREATE says IF NOT EXISTS', () => {
    for (const s of bySeparator)
      expect(s, s.slice(0, 60)).toMatch(/^CREATE (SOURCE|TABLE|VIEW|MATERIALIZED VIEW|SINK) IF NOT EXISTS /);
  });

  it('uses only the documented placeholders', () => {
    const used = new Set([...sql.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([
      'KAFKA_BOOTSTRAP',
      'MYSQL_JDBC_URL',
      'MYSQL_PASSWORD',
      'MYSQL_USER',
      'WARD_TIME_ZONE',
    ]);
  });

  it('reads the Kafka topic vital_signs as JSON with a 5-s watermark', () => {
    const src = statement(/^CREATE SOURCE IF NOT EXISTS vital_signs /);
    expect(src).toContain("topic = 'vital_signs'");
    expect(src).toContain("properties.bootstrap.server = '${KAFKA_BOOTSTRAP}'");
    expect(src).toContain("WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND");
    expect(src).toContain('FORMAT PLAIN ENCODE JSON');
  });

  it('has the thresholds table with its columns', () => {
    const t = statement(/^CREATE TABLE IF NOT EXISTS patient_thresholds /);
    for (const col of [
      'patient_id VARCHAR PRIMARY KEY',
      'heart_rate_min DOUBLE PRECISION',
      'heart_rate_max DOUBLE PRECISION',
      'blood_oxygen_min DOUBLE PRECISION',
      'blood_glucose_min DOUBLE PRECISION',
      'blood_glucose_max DOUBLE PRECISION',
      'updated_at TIMESTAMPTZ',
      'updated_by VARCHAR',
    ]) {
      expect(t).toContain(col);
    }
  });

  it('exposes the materialized views the app reads, with exactly their columns', () => {
    expect(outputColumns(statement(/^CREATE MATERIALIZED VIEW IF NOT EXISTS alerts /))).toEqual([
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
    ]);
    expect(
      outputColumns(statement(/^CREATE MATERIALIZED VIEW IF NOT EXISTS patient_latest_vitals /)),
    ).toEqual(['patient_id', 'device_id', 'measure_time', 'heart_rate', 'blood_oxygen', 'blood_glucose']);
    const perMinute = statement(/^CREATE MATERIALIZED VIEW IF NOT EXISTS patient_vitals_1min /);
    const inner = perMinute.slice(perMinute.indexOf('(') + 1);
    expect(outputColumns('X AS ' + inner)).toEqual([
      'patient_id',
      'window_start',
      'hr_min',
      'hr_avg',
      'hr_max',
      'spo2_min',
      'spo2_avg',
      'spo2_max',
      'glucose_min',
      'glucose_avg',
      'glucose_max',
    ]);
  });

  it('sinks alerts into MySQL as an upsert keyed by alert_id that never deletes and never names the handling columns', () => {
    const sink = statement(/^CREATE SINK IF NOT EXISTS alerts_mysql_sink FROM alerts/);
    expect(sink).toContain("type = 'upsert'");
    expect(sink).toContain("primary_key = 'alert_id'");
    expect(sink).toContain("table.name = 'alerts'");
    expect(sink).toContain("jdbc.url = '${MYSQL_JDBC_URL}'");
    expect(sink).not.toMatch(/force_append_only/);
    // never DELETE FROM alerts: a row leaving the view must not take the nurses' handling with it
    expect(sink).toContain("ignore_delete = 'true'");
    // tcp.keepalive.* breaks RisingWave's MySQL connections (see the dialect gate)
    expect(sink).not.toMatch(/tcp\.keepalive/);
    const alerts = statement(/^CREATE MATERIALIZED VIEW IF NOT EXISTS alerts /);
    expect(alerts).not.toMatch(/\b(status|handle_by|handle_time|handle_note)\b/);
  });

  it('names the TypeScript twin of every rule', () => {
    for (const twin of [
      'parseReading',
      'AlertEngine.ingest',
      'AlertEngine.trendWindow',
      'trendDeteriorated',
      'alertId',
      'heartRateAbnormal',
    ]) {
      expect(sql).toContain(twin);
    }
  });
});
