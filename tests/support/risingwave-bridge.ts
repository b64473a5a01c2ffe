// Stands in for RisingWave in tests and benchmarks (no RisingWave binary can be had here): consumes
// the `vital_signs` topic, runs the same rules (the in-process engine is the twin of the views in
// backend-setup/risingwave.sql), and writes what RisingWave's views and MySQL sink would hold:
// PostgreSQL tables `alerts`, `patient_latest_vitals`, `patient_vitals_1min`, `patient_thresholds`,
// and the MySQL `alerts` table (upserting only the alert columns, like the upsert sink).
//
// Like RisingWave, it holds what it consumed until a barrier (1 s by default, RisingWave's
// barrier_interval_ms): only then do the views change and the sinks write, so a test of the polling
// path sees RisingWave's extra second, and one of the push path sees what the push path saves.
// With `alertsTopic` it also writes what backend-setup/risingwave.sql's alerts_kafka_sink writes:
// FORMAT UPSERT ENCODE JSON with timestamptz.handling.mode = 'utc_string' — key {"alert_id":"…"},
// value every column of `alerts` as JSON, alert_time in RFC 3339 with microseconds and "Z"
// (RisingWave's JSON encoder: src/connector/src/sink/encoder/json.rs). Written here from that
// description, not with the app's decoder, so a mismatch between the two shows up in tests.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
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
CREATE TABLE IF NOT EXISTS ward_beds (
  bed_id varchar PRIMARY KEY, ward_id varchar, patient_id varchar, updated_at timestamptz, updated_by varchar);
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
  /** consumed readings take effect at the next barrier tick; default 1000 (0: at once) */
  barrierMs?: number;
  /** the Kafka sink of alerts (risingwave.sql's alerts_kafka_sink); unset: no Kafka sink */
  alertsTopic?: string;
  /**
   * false: the `alerts` view stays empty, so a station can only learn of alerts through the Kafka sink
   * (tests proving that path); default true
   */
  alertsView?: boolean;
}

/**
 * One alert as RisingWave's upsert JSON Kafka sink writes it: keys in alphabetical order (serde_json's
 * map), no spaces, double precision always with a fraction (97.0), int as an integer, NULL as null,
 * timestamptz as chrono's to_rfc3339_opts(Micros, true): 2026-12-07T10:00:00.123000Z.
 */
export function kafkaSinkMessage(a: Alert): { key: string; value: string } {
  const iso = new Date(a.alertTime).toISOString(); // …T10:00:00.123Z
  const double = (v: number | undefined) =>
    v === undefined || v === null ? 'null' : Number.isInteger(v) ? `${v}.0` : String(v);
  const int = (v: number | undefined) => (v === undefined || v === null ? 'null' : String(Math.trunc(v)));
  const fields: [string, string][] = [
    ['alert_detail', JSON.stringify(a.alertDetail)],
    ['alert_id', JSON.stringify(a.alertId)],
    ['alert_level', int(a.alertLevel)],
    ['alert_time', JSON.stringify(`${iso.slice(0, 23)}000Z`)],
    ['alert_type', JSON.stringify(a.alertType)],
    ['blood_glucose', double(a.reading?.bloodGlucose)],
    ['blood_oxygen', double(a.reading?.bloodOxygen)],
    ['device_id', JSON.stringify(a.deviceId)],
    ['heart_rate', int(a.reading?.heartRate)],
    ['patient_id', JSON.stringify(a.patientId)],
  ];
  const value = `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
  return { key: `{"alert_id":${JSON.stringify(a.alertId)}}`, value };
}

export interface Bridge {
  readonly stats: { consumed: number; rejected: number; alerts: number; barriers: number };
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
  const stats = { consumed: 0, rejected: 0, alerts: 0, barriers: 0 };
  const barrierMs = opts.barrierMs ?? 1_000;
  let producer: Producer | null = null;
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
    if (raised.length > 0 && opts.alertsView !== false) {
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
    }
    if (raised.length > 0) {
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
    if (producer && opts.alertsTopic && raised.length > 0) {
      await producer.send({
        topic: opts.alertsTopic,
        acks: -1,
        messages: raised.map((a) => kafkaSinkMessage(a)),
      });
    }
    stats.alerts += raised.length;
    opts.onWritten?.(raised, accepted);
    return raised;
  }

  // The barrier: batches consumed since the last tick are written together, at the tick.
  let held: { readings: Reading[]; messages: number; rejected: number; done: () => void }[] = [];
  let writing: Promise<void> = Promise.resolve();
  function barrier(): Promise<void> {
    const batches = held;
    held = [];
    writing = writing.then(async () => {
      stats.barriers++;
      if (batches.length === 0) return;
      await write(batches.flatMap((b) => b.readings));
      for (const b of batches) {
        stats.consumed += b.messages;
        stats.rejected += b.rejected;
        b.done();
      }
    });
    return writing;
  }
  const ticker = barrierMs > 0 ? setInterval(() => void barrier().catch(() => undefined), barrierMs) : null;

  let consumer: Consumer | null = null;
  if (opts.brokers.length > 0) {
    const kafka = new Kafka({ clientId: 'rw-stand-in', brokers: opts.brokers, logLevel: logLevel.NOTHING });
    if (opts.alertsTopic) {
      producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
    }
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
        if (barrierMs > 0) {
          // Counted only once written (at the barrier), so a test that waits for `consumed` sees
          // every row of the batch.
          await new Promise<void>((done) =>
            held.push({ readings, messages: batch.messages.length, rejected, done }),
          );
        } else {
          await write(readings);
          stats.consumed += batch.messages.length;
          stats.rejected += rejected;
        }
        for (const m of batch.messages) resolveOffset(m.offset);
        await heartbeat();
      },
    });
  }

  return {
    stats,
    ingest: write,
    async stop() {
      if (ticker) clearInterval(ticker);
      await barrier().catch(() => undefined);
      await consumer?.disconnect();
      await producer?.disconnect();
    },
  };
}
