// The SQL twin against the TypeScript engine, on a real PostgreSQL. PostgreSQL cannot run RisingWave's
// streaming statements, so the file's rules are run as plain views over a table, after a small,
// mechanical rewrite of the RisingWave-only syntax:
//   CREATE SOURCE ... (Kafka, watermark)  -> a table with the same columns, event_time filled by the
//                                            source's own generation expression
//   TUMBLE(rel, col, INTERVAL 'n unit')   -> rel plus window_start = floor(epoch / n) * n
//   FOR SYSTEM_TIME AS OF PROCTIME()      -> dropped (a plain join: thresholds do not change here)
//   CREATE VIEW IF NOT EXISTS             -> CREATE VIEW
//   NOW() (the 7-day trend retention)     -> the scenario's ingest time
// Everything else (validation, the temporal join's COALESCE defaults, detail texts, md5 ids, the
// ROW_NUMBER dedup, the level-2 window logic) runs exactly as written. The inputs are in order per
// patient, so the watermark has nothing to drop and the two engines must agree row for row.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Reading, ThresholdLimits } from '../shared/domain/types';
import { AlertEngine } from '../shared/engine/alert-engine';
import { parseReading } from '../shared/engine/parse-reading';
import { demoSamplePath } from '../tests/support/demo-sample';

const sqlText = readFileSync(fileURLToPath(new URL('./risingwave.sql', import.meta.url)), 'utf8');
const statements = sqlText
  .split(/^-- ;;$/m)
  .map((s) =>
    s
      .split('\n')
      .filter((l) => !l.trim().startsWith('--'))
      .join('\n')
      .trim(),
  )
  .filter(Boolean);

const eventTimeExpr = /event_time TIMESTAMPTZ AS ([\s\S]*?END),\n\s*ingest_time/.exec(sqlText)?.[1];

function toPostgres(stmt: string, timeZone: string, now: number): string {
  return stmt
    .replaceAll('${WARD_TIME_ZONE}', timeZone)
    .replace(/\bNOW\(\)/g, `'${new Date(now).toISOString()}'::timestamptz`)
    .replace(/^CREATE VIEW IF NOT EXISTS /, 'CREATE VIEW ')
    .replace(/ FOR SYSTEM_TIME AS OF PROCTIME\(\)/g, '')
    .replace(
      /TUMBLE\((\w+), (\w+), INTERVAL '(\d+) (SECONDS|MINUTES|MINUTE)'\)/g,
      (_m, rel, col, n, unit) => {
        const secs = Number(n) * (String(unit).startsWith('SECOND') ? 1 : 60);
        return `(SELECT *, to_timestamp(floor(extract(epoch FROM ${col}) / ${secs}) * ${secs}) AS window_start FROM ${rel})`;
      },
    );
}

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const dbName = `ns_rwsql_${process.pid}_${Date.now().toString(36)}`;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client(ADMIN);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

interface Scenario {
  timeZone: string;
  messages: Record<string, unknown>[];
  thresholds: Record<string, ThresholdLimits>;
  ingestTime: number;
}

interface SqlResult {
  alerts: Alert[];
  accepted: number;
  latest: Reading[];
  perMinute: {
    patientId: string;
    t: number;
    hrMin: number;
    hrAvg: number;
    hrMax: number;
    spo2Avg: number;
    glucoseMax: number;
  }[];
}

/** Runs the scenario through the SQL file's rules in a fresh schema. */
async function runSql(s: Scenario, schema: string): Promise<SqlResult> {
  const c = new pg.Client({ ...ADMIN, database: dbName });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}; SET TIME ZONE 'UTC'`);
    await c.query(`CREATE TABLE vital_signs (
      patient_id jsonb, device_id jsonb, measure_time jsonb, heart_rate jsonb, blood_oxygen jsonb, blood_glucose jsonb,
      event_time timestamptz, ingest_time timestamptz)`);
    await c.query(
      `INSERT INTO vital_signs (patient_id, device_id, measure_time, heart_rate, blood_oxygen, blood_glucose, ingest_time)
       SELECT j->'patient_id', j->'device_id', j->'measure_time', j->'heart_rate', j->'blood_oxygen', j->'blood_glucose', $2
       FROM jsonb_array_elements($1::jsonb) AS j`,
      [JSON.stringify(s.messages), new Date(s.ingestTime)],
    );
    await c.query(
      `UPDATE vital_signs SET event_time = ${toPostgres(eventTimeExpr!, s.timeZone, s.ingestTime)}`,
    );
    for (const stmt of statements) {
      if (/^CREATE (SOURCE|SINK) /.test(stmt)) continue;
      await c.query(toPostgres(stmt, s.timeZone, s.ingestTime));
      if (/^CREATE TABLE IF NOT EXISTS patient_thresholds /.test(stmt)) {
        for (const [patientId, l] of Object.entries(s.thresholds)) {
          await c.query(
            `INSERT INTO patient_thresholds (patient_id, heart_rate_min, heart_rate_max, blood_oxygen_min,
               blood_glucose_min, blood_glucose_max, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, now(), 'test')`,
            [
              patientId,
              l.heartRateMin,
              l.heartRateMax,
              l.bloodOxygenMin,
              l.bloodGlucoseMin,
              l.bloodGlucoseMax,
            ],
          );
        }
      }
    }
    const alerts = await c.query(
      `SELECT alert_id, patient_id, device_id, (extract(epoch FROM alert_time) * 1000)::bigint AS t, alert_type,
              alert_detail, alert_level, heart_rate, blood_oxygen, blood_glucose FROM alerts`,
    );
    const accepted = await c.query('SELECT count(*)::int AS n FROM vital_readings');
    const latest = await c.query(
      `SELECT patient_id, device_id, (extract(epoch FROM measure_time) * 1000)::bigint AS t, heart_rate, blood_oxygen,
              blood_glucose FROM patient_latest_vitals`,
    );
    const perMinute = await c.query(
      `SELECT patient_id, (extract(epoch FROM window_start) * 1000)::bigint AS t, hr_min, hr_avg, hr_max, spo2_avg,
              glucose_max FROM patient_vitals_1min`,
    );
    return {
      alerts: alerts.rows.map((r) => ({
        alertId: r.alert_id,
        patientId: r.patient_id,
        deviceId: r.device_id,
        alertTime: Number(r.t),
        alertType: r.alert_type,
        alertDetail: r.alert_detail,
        alertLevel: r.alert_level,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: { heartRate: r.heart_rate, bloodOxygen: r.blood_oxygen, bloodGlucose: r.blood_glucose },
      })),
      accepted: accepted.rows[0].n,
      latest: latest.rows.map((r) => ({
        patientId: r.patient_id,
        deviceId: r.device_id,
        measureTime: Number(r.t),
        heartRate: r.heart_rate,
        bloodOxygen: r.blood_oxygen,
        bloodGlucose: r.blood_glucose,
      })),
      perMinute: perMinute.rows.map((r) => ({
        patientId: r.patient_id,
        t: Number(r.t),
        hrMin: r.hr_min,
        hrAvg: r.hr_avg,
        hrMax: r.hr_max,
        spo2Avg: r.spo2_avg,
        glucoseMax: r.glucose_max,
      })),
    };
  } finally {
    await c.end();
  }
}

function runEngine(s: Scenario) {
  const e = new AlertEngine();
  for (const [p, l] of Object.entries(s.thresholds)) e.setThresholds(p, l);
  const alerts: Alert[] = [];
  const accepted: Reading[] = [];
  for (const m of s.messages) {
    const p = parseReading(JSON.stringify(m), { timeZone: s.timeZone, now: s.ingestTime });
    if (!p.ok) continue;
    const o = e.ingest(p.reading);
    if (!o.accepted) throw new Error('scenario must be in order: ' + o.detail);
    accepted.push(p.reading);
    alerts.push(...o.alerts);
  }
  return { alerts, accepted };
}

const byId = (a: Alert, b: Alert) => (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0);

function latestPerPatient(readings: Reading[]): Reading[] {
  const m = new Map<string, Reading>();
  for (const r of readings) {
    const cur = m.get(r.patientId);
    if (!cur || r.measureTime > cur.measureTime) m.set(r.patientId, r);
  }
  return [...m.values()].sort((a, b) => a.patientId.localeCompare(b.patientId));
}

async function compare(s: Scenario, schema: string) {
  const sql = await runSql(s, schema);
  const ts = runEngine(s);
  expect(sql.accepted).toBe(ts.accepted.length);
  expect(sql.alerts.sort(byId)).toEqual([...ts.alerts].sort(byId));
  expect(sql.latest.sort((a, b) => a.patientId.localeCompare(b.patientId))).toEqual(
    latestPerPatient(ts.accepted),
  );

  const minutes = new Map<string, Reading[]>();
  for (const r of ts.accepted) {
    const key = `${r.patientId}|${Math.floor(r.measureTime / 60_000) * 60_000}`;
    minutes.set(key, [...(minutes.get(key) ?? []), r]);
  }
  expect(sql.perMinute).toHaveLength(minutes.size);
  for (const row of sql.perMinute) {
    const rs = minutes.get(`${row.patientId}|${row.t}`)!;
    const hr = rs.map((r) => r.heartRate);
    expect(row.hrMin).toBe(Math.min(...hr));
    expect(row.hrMax).toBe(Math.max(...hr));
    expect(row.hrAvg).toBeCloseTo(hr.reduce((a, b) => a + b, 0) / hr.length, 9);
    expect(row.spo2Avg).toBeCloseTo(rs.reduce((a, r) => a + r.bloodOxygen, 0) / rs.length, 9);
    expect(row.glucoseMax).toBe(Math.max(...rs.map((r) => r.bloodGlucose)));
  }
  return { sql, ts };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function localText(ms: number): string {
  // ward-local wall clock given as "fields read as UTC"
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const BOUNDARIES: [string, number[]][] = [
  ['heart_rate', [49, 50, 120, 121, 54, 55, 100, 101]],
  ['blood_oxygen', [92.99, 93, 94.99, 95]],
  ['blood_glucose', [3.89, 3.9, 7.2, 7.21, 4.39, 4.4, 6.1, 6.11]],
];

/**
 * Six beds for 25 minutes in New York (no DST change in the span), readings every 1–3 s, ~8 % abnormal,
 * values on and just past the limits, deterioration episodes, two patients with their own limits, and a share of messages both engines
 * must refuse (numeric strings, numeric ids, out-of-range and fractional values, missing fields,
 * bad time formats) or accept in another form (ISO-8601 with offsets).
 */
function generatedScenario(seed: number): Scenario {
  const r = rng(seed);
  const start = Date.UTC(2026, 5, 10, 9, 0, 0); // as New York wall clock fields
  const offsetMs = 4 * 3_600_000; // EDT
  const timed: { t: number; m: Record<string, unknown> }[] = [];
  for (let p = 0; p < 6; p++) {
    const patient = 'BED-' + p;
    let t = start + Math.floor(r() * 2000);
    let hr = 70 + Math.floor(r() * 20);
    let spo2 = 96 + r() * 3;
    while (t < start + 25 * 60_000) {
      if (r() < 0.01) {
        hr += 25;
        spo2 -= 6;
      } else {
        hr += Math.round((75 - hr) * 0.05 + (r() - 0.5) * 4);
        spo2 += (97 - spo2) * 0.05 + (r() - 0.5) * 0.6;
      }
      const abnormal = r() < 0.08;
      const m: Record<string, unknown> = {
        patient_id: patient,
        device_id: 'DEV.' + (p % 4),
        measure_time: localText(t),
        heart_rate:
          abnormal && r() < 0.4 ? (r() < 0.5 ? 130 + Math.floor(r() * 30) : 35 + Math.floor(r() * 14)) : hr,
        blood_oxygen: Math.round((abnormal && r() < 0.4 ? 85 + r() * 8 : Math.min(100, spo2)) * 100) / 100,
        blood_glucose:
          Math.round(
            (abnormal && r() < 0.4 ? (r() < 0.5 ? 8 + r() * 6 : 2 + r() * 1.8) : 4.5 + r() * 2) * 100,
          ) / 100,
      };
      if (r() < 0.06) {
        // on a limit (normal) or just past it, for the defaults and BED-1's own limits
        const [field, values] = BOUNDARIES[Math.floor(r() * BOUNDARIES.length)]!;
        m[field] = values[Math.floor(r() * values.length)];
      }
      const kind = r();
      if (kind < 0.05) m.measure_time = new Date(t + offsetMs).toISOString();
      else if (kind < 0.07) m.measure_time = new Date(t + offsetMs).toISOString().replace('Z', '+00:00');
      else if (kind < 0.08) m.heart_rate = String(m.heart_rate);
      else if (kind < 0.09) m.patient_id = 1000 + p;
      else if (kind < 0.1) m.heart_rate = 97.5;
      else if (kind < 0.11) m.blood_oxygen = 100.5;
      else if (kind < 0.12) delete m.blood_glucose;
      else if (kind < 0.13) m.measure_time = localText(t).replace(' ', 'T');
      else if (kind < 0.14) m.device_id = 'dev id';
      else if (kind < 0.145) m.heart_rate = 351;
      else if (kind < 0.15) m.blood_oxygen = '97';
      timed.push({ t, m });
      t += 1000 + Math.floor(r() * 2000);
    }
  }
  // interleave the beds by time, as a topic would carry them
  const messages = timed.sort((a, b) => a.t - b.t).map((x) => x.m);
  return {
    timeZone: 'America/New_York',
    messages,
    thresholds: {
      'BED-1': {
        heartRateMin: 55,
        heartRateMax: 100,
        bloodOxygenMin: 95,
        bloodGlucoseMin: 4.4,
        bloodGlucoseMax: 6.1,
      },
      'BED-4': {
        heartRateMin: 40,
        heartRateMax: 150,
        bloodOxygenMin: 88,
        bloodGlucoseMin: 3,
        bloodGlucoseMax: 10,
      },
    },
    ingestTime: start + offsetMs + 3_600_000,
  };
}

describe('risingwave.sql rules on PostgreSQL = the TypeScript engine', { timeout: 180_000 }, () => {
  it('the demo sample: same accepted readings, same alerts (ids, times, texts), same latest vitals and trends', async () => {
    const lines = readFileSync(demoSamplePath(), 'utf8').split('\n').filter(Boolean);
    const { sql } = await compare(
      {
        timeZone: 'Europe/Berlin',
        messages: lines.map((l) => JSON.parse(l) as Record<string, unknown>),
        thresholds: {},
        ingestTime: Date.parse('2026-11-20T08:00:00Z'),
      },
      'demo',
    );
    const types = new Set(sql.alerts.map((a) => `${a.patientId}:${a.alertType}`));
    expect(types).toContain('P001:blood_glucose');
    expect(types).toContain('P002:heart_rate');
    expect(types).toContain('P003:blood_oxygen');
  });

  for (const seed of [1, 2]) {
    it(`generated ward, seed ${seed}: custom limits, refused messages, ISO offsets, deterioration`, async () => {
      const s = generatedScenario(seed);
      const { sql, ts } = await compare(s, `gen${seed}`);
      expect(ts.accepted.length).toBeLessThan(s.messages.length * 0.95); // refusals were exercised
      expect(sql.alerts.some((a) => a.alertLevel === 2)).toBe(true);
      expect(sql.alerts.some((a) => a.patientId === 'BED-1')).toBe(true);
    });
  }
});
