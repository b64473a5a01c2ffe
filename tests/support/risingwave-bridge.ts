// Stands in for RisingWave in tests and benchmarks (no RisingWave binary can be had here): consumes
// the `vital_signs` topic, runs the same rules (the in-process engine is the twin of the views in
// backend-setup/risingwave.sql), and writes what RisingWave's views and MySQL sink would hold:
// PostgreSQL tables `alerts`, `patient_latest_vitals`, `patient_vitals_1min`, `patient_thresholds`,
// and the MySQL `alerts` table (upserting only the alert columns, like the upsert sink).
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Pool as MysqlPool } from 'mysql2/promise';
import type pg from 'pg';
import type { Alert, Reading } from '../../shared/domain/types';
import { AlertEngine } from '../../shared/engine/alert-engine';
import { parseReading } from '../../shared/engine/parse-reading';

/** The relations the app reads from RisingWave, as PostgreSQL tables with the same columns. */
export const STAND_IN_SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  alert_id varchar PRIMARY KEY, patient_id varchar, device_id varchar, alert_time timestamptz,
  alert_type varchar, alert_detail varchar, alert_level int,
  heart_rate int, blood_oxygen double precision, blood_glucose double precision);
CREATE INDEX IF NOT EXISTS alerts_time ON alerts (alert_time, alert_id);
CREATE TABLE IF NOT EXISTS patient_latest_vitals (
  patient_id varchar PRIMARY KEY, device_id varchar, measure_time timestamptz,
  heart_rate int, blood_oxygen double precision, blood_glucose double precision);
CREATE TABLE IF NOT EXISTS patient_vitals_1min (
  patient_id varchar, window_start timestamptz,
  hr_min double precision, hr_avg double precision, hr_max double precision,
  spo2_min double precision, spo2_avg double precision, spo2_max double precision,
  glucose_min double precision, glucose_avg double precision, glucose_max double precision,
  PRIMARY KEY (patient_id, window_start));
CREATE TABLE IF NOT EXISTS patient_thresholds (
  patient_id varchar PRIMARY KEY, heart_rate_min double precision, heart_rate_max double precision,
  blood_oxygen_min double precision, blood_glucose_min double precision, blood_glucose_max double precision,
  updated_at timestamptz, updated_by varchar);
`;

export async function createStandInSchema(pool: pg.Pool): Promise<void> {
  await pool.query(STAND_IN_SCHEMA);
}

export interface BridgeOptions {
  brokers: string[];
  topic: string;
  pg: pg.Pool;
  /** the hospital's MySQL, fed like RisingWave's upsert sink; null to skip */
  mysql: MysqlPool | null;
  timeZone: string;
  groupId?: string;
  /** called after each batch is written, with the alerts it raised */
  onWritten?: (alerts: Alert[], readings: number) => void;
}

export interface Bridge {
  readonly stats: { consumed: number; rejected: number; alerts: number };
  /** writes readings straight in, without Kafka (tests that drive the stand-in directly) */
  ingest(readings: Reading[]): Promise<Alert[]>;
  stop(): Promise<void>;
}

interface Agg {
  n: number;
  hr: number[];
  spo2: number[];
  glu: number[];
}

export async function startRisingWaveBridge(opts: BridgeOptions): Promise<Bridge> {
  await createStandInSchema(opts.pg);
  const engine = new AlertEngine();
  const stats = { consumed: 0, rejected: 0, alerts: 0 };
  const minute = new Map<string, Agg>();

  // One statement per relation and batch (arrays through unnest), not one per reading: a 1,000-bed ward
  // sends 1,000 readings a second, more than one Node process can write row by row (docs/performance.md).
  async function write(readings: Reading[]): Promise<Alert[]> {
    const raised: Alert[] = [];
    const latest = new Map<string, Reading>();
    const touched = new Map<string, { patientId: string; window: number; agg: Agg }>();
    let accepted = 0;
    for (const r of readings) {
      const out = engine.ingest(r);
      if (!out.accepted) continue;
      accepted++;
      raised.push(...out.alerts);
      const prev = latest.get(r.patientId);
      if (!prev || prev.measureTime <= r.measureTime) latest.set(r.patientId, r);
      const w = Math.floor(r.measureTime / 60_000) * 60_000;
      const key = `${r.patientId}|${w}`;
      const agg = minute.get(key) ?? {
        n: 0,
        hr: [Infinity, 0, -Infinity],
        spo2: [Infinity, 0, -Infinity],
        glu: [Infinity, 0, -Infinity],
      };
      minute.set(key, agg);
      touched.set(key, { patientId: r.patientId, window: w, agg });
      agg.n++;
      for (const [acc, v] of [
        [agg.hr, r.heartRate],
        [agg.spo2, r.bloodOxygen],
        [agg.glu, r.bloodGlucose],
      ] as const) {
        acc[0] = Math.min(acc[0]!, v);
        acc[1] = acc[1]! + v;
        acc[2] = Math.max(acc[2]!, v);
      }
    }
    if (latest.size > 0) {
      const rows = [...latest.values()];
      await opts.pg.query(
        `INSERT INTO patient_latest_vitals
           SELECT p, d, to_timestamp(t / 1000), hr, o, g FROM unnest($1::varchar[], $2::varchar[],
             $3::double precision[], $4::int[], $5::double precision[], $6::double precision[]) AS u(p, d, t, hr, o, g)
         ON CONFLICT (patient_id) DO UPDATE SET device_id = EXCLUDED.device_id, measure_time = EXCLUDED.measure_time,
           heart_rate = EXCLUDED.heart_rate, blood_oxygen = EXCLUDED.blood_oxygen, blood_glucose = EXCLUDED.blood_glucose
         WHERE patient_latest_vitals.measure_time <= EXCLUDED.measure_time`,
        [
          rows.map((r) => r.patientId),
          rows.map((r) => r.deviceId),
          rows.map((r) => r.measureTime),
          rows.map((r) => r.heartRate),
          rows.map((r) => r.bloodOxygen),
          rows.map((r) => r.bloodGlucose),
        ],
      );
    }
    if (touched.size > 0) {
      const aggs = [...touched.values()];
      const col = (pick: (a: Agg) => number[], i: number) =>
        aggs.map(({ agg }) => (i === 1 ? pick(agg)[1]! / agg.n : pick(agg)[i]!));
      await opts.pg.query(
        `INSERT INTO patient_vitals_1min
           SELECT p, to_timestamp(w / 1000), a, b, c, d, e, f, g, h, i FROM unnest($1::varchar[],
             $2::double precision[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
             $8::float8[], $9::float8[], $10::float8[], $11::float8[]) AS u(p, w, a, b, c, d, e, f, g, h, i)
         ON CONFLICT (patient_id, window_start) DO UPDATE SET hr_min = EXCLUDED.hr_min, hr_avg = EXCLUDED.hr_avg,
           hr_max = EXCLUDED.hr_max, spo2_min = EXCLUDED.spo2_min, spo2_avg = EXCLUDED.spo2_avg, spo2_max = EXCLUDED.spo2_max,
           glucose_min = EXCLUDED.glucose_min, glucose_avg = EXCLUDED.glucose_avg, glucose_max = EXCLUDED.glucose_max`,
        [
          aggs.map((a) => a.patientId),
          aggs.map((a) => a.window),
          ...[0, 1, 2].map((i) => col((a) => a.hr, i)),
          ...[0, 1, 2].map((i) => col((a) => a.spo2, i)),
          ...[0, 1, 2].map((i) => col((a) => a.glu, i)),
        ],
      );
    }
    if (raised.length > 0) {
      const v = (pick: (a: Alert) => unknown) => raised.map(pick);
      await opts.pg.query(
        `INSERT INTO alerts
           SELECT i, p, d, to_timestamp(t / 1000), ty, de, l, hr, o, g FROM unnest($1::varchar[], $2::varchar[],
             $3::varchar[], $4::double precision[], $5::varchar[], $6::varchar[], $7::int[], $8::int[],
             $9::float8[], $10::float8[]) AS u(i, p, d, t, ty, de, l, hr, o, g)
         ON CONFLICT (alert_id) DO NOTHING`,
        [
          v((a) => a.alertId),
          v((a) => a.patientId),
          v((a) => a.deviceId),
          v((a) => a.alertTime),
          v((a) => a.alertType),
          v((a) => a.alertDetail),
          v((a) => a.alertLevel),
          v((a) => a.reading?.heartRate ?? null),
          v((a) => a.reading?.bloodOxygen ?? null),
          v((a) => a.reading?.bloodGlucose ?? null),
        ],
      );
      if (opts.mysql) {
        // Like the upsert sink: only the alert columns, so nurses' handling columns survive.
        await opts.mysql.query(
          `INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level,
             heart_rate, blood_oxygen, blood_glucose)
           VALUES ${raised.map(() => '(?, ?, ?, FROM_UNIXTIME(? / 1000), ?, ?, ?, ?, ?, ?)').join(', ')}
           ON DUPLICATE KEY UPDATE patient_id = VALUES(patient_id), device_id = VALUES(device_id),
             alert_time = VALUES(alert_time), alert_type = VALUES(alert_type), alert_detail = VALUES(alert_detail),
             alert_level = VALUES(alert_level), heart_rate = VALUES(heart_rate), blood_oxygen = VALUES(blood_oxygen),
             blood_glucose = VALUES(blood_glucose)`,
          raised.flatMap((a) => [
            a.alertId,
            a.patientId,
            a.deviceId,
            a.alertTime,
            a.alertType,
            a.alertDetail,
            a.alertLevel,
            a.reading?.heartRate ?? null,
            a.reading?.bloodOxygen ?? null,
            a.reading?.bloodGlucose ?? null,
          ]),
        );
      }
    }
    stats.alerts += raised.length;
    opts.onWritten?.(raised, accepted);
    return raised;
  }

  let consumer: Consumer | null = null;
  if (opts.brokers.length > 0) {
    const kafka = new Kafka({ clientId: 'rw-stand-in', brokers: opts.brokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: opts.groupId ?? `rw-stand-in-${Date.now()}`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const readings: Reading[] = [];
        let rejected = 0;
        for (const m of batch.messages) {
          const parsed = parseReading(m.value?.toString('utf8') ?? '', { timeZone: opts.timeZone });
          if (parsed.ok) readings.push(parsed.reading);
          else rejected++;
        }
        await write(readings);
        // Counted only once written, so a test that waits for `consumed` sees every row of the batch.
        stats.consumed += batch.messages.length;
        stats.rejected += rejected;
        for (const m of batch.messages) resolveOffset(m.offset);
        await heartbeat();
      },
    });
  }

  return {
    stats,
    ingest: write,
    async stop() {
      await consumer?.disconnect();
    },
  };
}
