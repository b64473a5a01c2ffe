// The whole connected path against real servers: simulated devices → Kafka → a stand-in for
// RisingWave (same rules, PostgreSQL tables with the views' columns, MySQL fed like the upsert sink)
// → the station (composition root in connected mode) → notification → a nurse's confirm/resolve
// landing in MySQL with its audit rows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createPool, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertPage } from '../../../shared/domain/types';
import type { AckOutcome, NotificationRequest } from '../../../shared/ipc/contract';
import { createWardSimulator } from '../../../shared/simulator/ward-simulator';
import { KafkaReadingProducer } from '../adapters/kafka/kafka-reading-producer';
import { demoSamplePath } from '../../../tests/support/demo-sample';
import { ensureKafka } from '../../../tests/support/kafka';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/mariadb';
import { createTestPgDatabase, type TestPgDatabase } from '../../../tests/support/postgres';
import { startRisingWaveBridge, type Bridge } from '../../../tests/support/risingwave-bridge';
import { seedMysqlRoster, TEST_ROSTER } from '../../../tests/integration/helpers/roster';
import { DEMO_CHARGE, signInRequest } from '../../../tests/support/nurses';
import type { StationHost } from './host-types';
import { createStationHost } from './station-host';

const SAMPLE = demoSamplePath();
const ctx = { shell: 'web' as const, peer: 'test' };
/** A nurse of the ward's roster (MySQL `nurse_roster`), seeded with the demo members before the station starts. */
const ANA = { nurseId: 'N2001', pin: 'ana-2001', name: 'Nurse Ana', role: 'nurse' as const };

let bootstrap: string;
let topic: string;
let pgdb: TestPgDatabase;
let mydb: TestDatabase;
let mysql: Pool;
let bridge: Bridge;
let host: StationHost;
let dataDir: string;
const notified: NotificationRequest[] = [];

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  bootstrap = await ensureKafka();
  topic = `vital_signs_it_${Date.now()}`;
  const kafka = new Kafka({
    clientId: 'connected-path-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  [pgdb, mydb] = await Promise.all([
    createTestPgDatabase('ns_path'),
    createTestDatabase({ applySchema: true }),
  ]);
  mysql = createPool({ ...mydb.config, timezone: 'Z', connectionLimit: 2 });
  await seedMysqlRoster(mydb.config, [...TEST_ROSTER, ANA]);
  bridge = await startRisingWaveBridge({
    brokers: [bootstrap],
    topic,
    pg: pgdb.pool,
    mysql,
    timeZone: 'UTC',
  });
  dataDir = mkdtempSync(join(tmpdir(), 'ns-connected-'));
  const enc = encodeURIComponent;
  host = await createStationHost({
    dataDir,
    shell: 'web',
    stationId: 'IT-1',
    notifier: { show: (r) => notified.push(r) },
    secretStore: {
      isEncryptionAvailable: async () => false,
      encrypt: async () => Buffer.alloc(0),
      decrypt: async () => ({ plain: '', shouldReEncrypt: false }),
      describe: async () => 'test',
    },
    env: {
      NURSE_STATION_MODE: 'connected',
      NURSE_STATION_RW_URL: `postgres://${enc(pgdb.user)}@${pgdb.host}:${pgdb.port}/${pgdb.database}`,
      NURSE_STATION_MYSQL_URL: `mysql://${enc(mydb.config.user)}:${enc(mydb.config.password)}@${mydb.config.host}:${mydb.config.port}/${mydb.config.database}`,
    },
  });
}, 240_000);

afterAll(async () => {
  await host?.close();
  await bridge?.stop();
  await mysql?.end();
  await Promise.all([pgdb?.drop(), mydb?.drop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('connected path', () => {
  it('runs in connected mode against RisingWave (stand-in) and MySQL', async () => {
    const info = await host.handle('station:info', {}, ctx);
    expect(info).toMatchObject({ ok: true, value: { mode: 'connected', stationId: 'IT-1' } });
    const health = await host.handle('health:get', {}, ctx);
    expect(health.ok && (health.value as { adapter: string }[]).map((h) => h.adapter)).toEqual([
      'risingwave',
      'mysql',
      'sqlite',
    ]);
  });

  it("consumes the demo generator's own messages unchanged", async () => {
    const kafka = new Kafka({ clientId: 'demo-replay', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    for (let i = 0; i < lines.length; i += 500) {
      await producer.send({
        topic,
        messages: lines.slice(i, i + 500).map((value) => ({
          key: (JSON.parse(value) as { patient_id: string }).patient_id,
          value,
        })),
      });
    }
    await producer.disconnect();
    await until('the demo sample consumed', async () => bridge.stats.consumed >= lines.length, 60_000);
    expect(bridge.stats.rejected).toBe(0);
    const { rows } = await pgdb.pool.query<{ patient_id: string; alert_type: string }>(
      `SELECT DISTINCT patient_id, alert_type FROM alerts WHERE alert_time < '2026-11-21' ORDER BY 1, 2`,
    );
    const pairs = rows.map((r) => `${r.patient_id}:${r.alert_type}`);
    expect(pairs).toContain('P001:blood_glucose');
    expect(pairs).toContain('P002:heart_rate');
    expect(pairs).toContain('P003:blood_oxygen');
  }, 90_000);

  it('delivers live alerts to the station, notifies, and records confirm/resolve in MySQL with audit rows', async () => {
    const producer = new KafkaReadingProducer({ brokers: [bootstrap], topic, timeZone: 'UTC' });
    await producer.start();
    // A ward whose bed P002 runs a tachycardia episode within the first minute and a half.
    const sim = createWardSimulator({ beds: 4, seed: 3, startTime: Date.now() - 120_000, timeZone: 'UTC' });
    const readings = sim.nextBatch(Date.now()).flatMap((e) => (e.kind === 'reading' ? [e.reading] : []));
    const before = bridge.stats.consumed;
    producer.publish(readings);
    // Partitions are consumed independently: wait for all of them before judging beds and trends.
    await until(
      'the live readings consumed',
      async () => bridge.stats.consumed >= before + readings.length,
      60_000,
    );
    const alert = await until(
      'a live alert in the station feed',
      async () => {
        const page = await host.handle('alerts:list', { range: '1h', limit: 50 }, ctx);
        return page.ok
          ? (page.value as AlertPage).items.find(
              (a) => a.alertType !== 'signal_loss' && a.alertTime > Date.now() - 130_000,
            )
          : null;
      },
      60_000,
    );
    await until('a notification', async () => notified.find((n) => n.patientId === alert.patientId), 30_000);
    await until('all four beds', async () => {
      const beds = await host.handle('ward:beds', {}, ctx);
      return beds.ok && (beds.value as { patientId: string }[]).length >= 4;
    });

    // signed in against the ward's roster in MySQL
    expect(await host.handle('session:sign-in', signInRequest(ANA), ctx)).toMatchObject({
      ok: true,
      value: { nurse: { nurseId: ANA.nurseId, name: 'Nurse Ana', role: 'nurse' }, demoRoster: null },
    });
    const confirmed = await host.handle(
      'alerts:acknowledge',
      { alertId: alert.alertId, action: 'confirm' },
      ctx,
    );
    expect(confirmed).toMatchObject({ ok: true, value: { synced: true, alert: { status: 'confirmed' } } });
    const resolved = await host.handle(
      'alerts:acknowledge',
      { alertId: alert.alertId, action: 'resolve', note: 'repositioned sensor' },
      ctx,
    );
    expect((resolved as { value: AckOutcome }).value.alert).toMatchObject({
      status: 'resolved',
      handleBy: 'Nurse Ana',
      handleNote: 'repositioned sensor',
    });
    const [rows] = await mysql.query('SELECT status, handle_by, handle_note FROM alerts WHERE alert_id = ?', [
      alert.alertId,
    ]);
    expect(rows).toEqual([
      { status: 'resolved', handle_by: 'Nurse Ana', handle_note: 'repositioned sensor' },
    ]);
    const [events] = await mysql.query(
      'SELECT action, outcome, nurse, station_id FROM alert_events WHERE alert_id = ? ORDER BY event_id',
      [alert.alertId],
    );
    expect(events).toEqual([
      { action: 'confirm', outcome: 'applied', nurse: 'Nurse Ana', station_id: 'IT-1' },
      { action: 'resolve', outcome: 'applied', nurse: 'Nurse Ana', station_id: 'IT-1' },
    ]);
    const review = await host.handle('review:list', { limit: 10 }, ctx);
    expect(review.ok && (review.value as { syncState: string }[]).map((r) => r.syncState)).toEqual([
      'synced',
      'synced',
    ]);
    await producer.close();
  }, 150_000);

  it('reads trends and thresholds from RisingWave and writes threshold changes back', async () => {
    const now = Date.now();
    const trend = await host.handle(
      'patients:trend',
      { patientId: 'P001', from: now - 3_600_000, to: now },
      ctx,
    );
    expect(trend.ok && (trend.value as unknown[]).length).toBeGreaterThan(0);
    const limits = {
      heartRateMin: 45,
      heartRateMax: 130,
      bloodOxygenMin: 92,
      bloodGlucoseMin: 4,
      bloodGlucoseMax: 8,
    };
    // a nurse may not change thresholds; the charge nurse may (issue #18)
    expect((await host.handle('session:sign-in', signInRequest(ANA), ctx)).ok).toBe(true);
    const refused = await host.handle('thresholds:update', { patientId: 'P001', limits }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await host.handle('session:sign-in', signInRequest(DEMO_CHARGE), ctx)).ok).toBe(true);
    const updated = await host.handle('thresholds:update', { patientId: 'P001', limits }, ctx);
    expect(updated).toMatchObject({ ok: true, value: { ...limits, custom: true } });
    const { rows } = await pgdb.pool.query(
      'SELECT heart_rate_max FROM patient_thresholds WHERE patient_id = $1',
      ['P001'],
    );
    expect(rows).toEqual([{ heart_rate_max: 130 }]);
  });
});

export type { Alert };
