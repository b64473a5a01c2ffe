// Experiment behind docs/performance.md "Alerts pushed, and each station its ward": how long the
// RisingWave stand-in's own barrier (tests/support/risingwave-bridge.ts, barrierMs) takes from a reading
// produced to Kafka to it being visible, by topic partitions. RisingWave's barrier covers whatever its
// sources read before it (they do not stop reading while a barrier is pending), so the newest reading
// of each written batch should be visible within ≈ 100 ms of being produced (devices publish every
// 100 ms); a consumer that waits for the tick inside eachBatch (kafkajs handles one batch at a time and
// fetches again only when all are done) reads the next batch only after the tick: one more tick per
// batch in the cycle. Measured on patient_latest_vitals, which keeps the newest reading of each bed.
// Run: npx tsx bench/experiments/barrier-stall.ts [seconds]
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { Reading } from '../../shared/domain/types';
import { KafkaReadingProducer } from '../../electron/main/adapters/kafka/kafka-reading-producer';
import { ensureKafka, uniqueTopic } from '../../tests/support/kafka';
import { createTestPgDatabase } from '../../tests/support/postgres';
import { startRisingWaveBridge } from '../../tests/support/risingwave-bridge';
import { formatMs, summarize } from '../stats';

const seconds = Number(process.argv[2] ?? 20);
const wall = () => performance.timeOrigin + performance.now();

async function run(brokers: string[], partitions: number): Promise<void> {
  const topic = uniqueTopic('bench-stall');
  const kafka = new Kafka({ clientId: 'ns-bench-stall', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  const db = await createTestPgDatabase('ns_bench');
  const pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, database: db.database });
  const producedAt = new Map<string, number>();
  const lat: number[] = [];
  let recording = false;
  const bridge = await startRisingWaveBridge({
    brokers,
    topic,
    pg: pool,
    mysql: null,
    timeZone: 'UTC',
    groupId: `stall-${topic}`,
    onWritten: () => undefined,
  });
  const producer = new KafkaReadingProducer({ brokers, topic, timeZone: 'UTC', clientId: 'stall' });
  await producer.start();
  const beds = 30;
  const devices = setInterval(() => {
    const now = Date.now();
    const readings: Reading[] = [];
    for (let b = 0; b < beds; b++) {
      readings.push({
        patientId: `P${b}`,
        deviceId: `D${b}`,
        measureTime: now,
        heartRate: 70,
        bloodOxygen: 98,
        bloodGlucose: 5.5,
      });
    }
    const t = wall();
    for (const r of readings) producedAt.set(`${r.patientId}|${r.measureTime}`, t);
    producer.publish(readings);
  }, 100);
  // poll the table: the first time a reading's measure_time shows up is when it was written
  const seen = new Set<string>();
  const watcher = setInterval(() => {
    void pool
      .query<{ patient_id: string; t: string }>(
        'SELECT patient_id, (extract(epoch from measure_time) * 1000)::bigint::text AS t FROM patient_latest_vitals',
      )
      .then((res) => {
        const t = wall();
        for (const row of res.rows) {
          const k = `${row.patient_id}|${row.t}`;
          if (seen.has(k)) continue;
          seen.add(k);
          const p = producedAt.get(k);
          if (p !== undefined && recording) lat.push(t - p);
        }
      });
  }, 20);
  await new Promise((r) => setTimeout(r, 5000));
  recording = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recording = false;
  clearInterval(devices);
  clearInterval(watcher);
  await producer.close(5000);
  await bridge.stop();
  await pool.end();
  await db.drop();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  const s = summarize(lat);
  // latest-vitals keeps only the newest reading per bed: readings overwritten within a barrier are not
  // seen, so this samples the newest reading of each barrier's batch (the shortest wait of the batch).
  process.stdout.write(
    `${partitions} partition(s): produced → visible in patient_latest_vitals (newest of each batch) ` +
      `p50 ${formatMs(s.p50)} p99 ${formatMs(s.p99)} min ${formatMs(s.min)} max ${formatMs(s.max)} ms ` +
      `(n=${s.n}), barriers ${bridge.stats.barriers}\n`,
  );
}

const brokers = [await ensureKafka()];
await run(brokers, 1);
await run(brokers, 3);
process.exit(0);
