// Fault: a station is killed (SIGKILL, no shutdown code runs) while alerts stream to it over the push
// path, and started again on the same data folder. Two stations of different wards run side by side.
//
// Devices → Kafka → the RisingWave stand-in (1-s barrier) → its Kafka sink of alerts → each station's
// consumer group. The stand-in leaves the `alerts` view empty, so the only way a station can learn of
// an alert is the push path (and, after a restart, the MySQL record). Judged from what each station
// printed and from its local announced-alerts ledger:
// - nothing lost: every alert of a ward's beds reached that ward's station and was announced;
// - nothing repeated: no alert is in two notifications, across the kill;
// - each station saw only its own ward's beds and alerts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { createPool, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain/types';
import { createWardSimulator } from '../../../shared/simulator/ward-simulator';
import { KafkaReadingProducer } from '../../../electron/main/adapters/kafka/kafka-reading-producer';
import { deleteTopics, ensureKafka, uniqueTopic } from '../../support/kafka';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { createTestPgDatabase, type TestPgDatabase } from '../../support/postgres';
import { startRisingWaveBridge, type Bridge } from '../../support/risingwave-bridge';
import { closed, sleep, track } from '../../support/private-servers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WARD_1 = ['P001', 'P002', 'P003', 'P004'];
const WARD_2 = ['P005', 'P006', 'P007', 'P008'];

interface Printed {
  type: string;
  alertIds?: string[];
  reminder?: boolean;
  ids?: [string, string][];
  health?: { backend: string; up: boolean; alertPath?: string }[] | null;
  beds?: string[];
}

interface Station {
  child: ChildProcess;
  lines: Printed[];
}

let bootstrap: string;
let vitalsTopic: string;
let alertsTopic: string;
let pgdb: TestPgDatabase;
let mydb: TestDatabase;
let mysql: Pool;
let bridge: Bridge;
const raised: Alert[] = [];
const marks: Record<string, number> = {};
const writtenAt = new Map<string, number>();
const dirs: string[] = [];

function startStation(id: string, ward: string, dataDir: string, lines: Printed[]): Station {
  const enc = encodeURIComponent;
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/station-child.ts', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NURSE_STATION_ID: id,
      NURSE_STATION_MODE: 'connected',
      NURSE_STATION_RW_URL: `postgres://${enc(pgdb.user)}@${pgdb.host}:${pgdb.port}/${pgdb.database}`,
      NURSE_STATION_MYSQL_URL: `mysql://${enc(mydb.config.user)}:${enc(mydb.config.password)}@${mydb.config.host}:${mydb.config.port}/${mydb.config.database}`,
      NURSE_STATION_KAFKA_BOOTSTRAP: bootstrap,
      NURSE_STATION_KAFKA_ALERTS_TOPIC: alertsTopic,
      NURSE_STATION_WARD: ward,
    },
  });
  track(child);
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Printed);
    }
  });
  child.stderr!.resume();
  return { child, lines };
}

async function until(what: string, fn: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const pushLive = (lines: Printed[]) =>
  lines.some(
    (l) => l.type === 'health' && l.health?.some((h) => h.backend === 'vitals' && h.alertPath === 'push'),
  );

beforeAll(async () => {
  bootstrap = await ensureKafka();
  vitalsTopic = uniqueTopic('ns-kill-vitals');
  alertsTopic = uniqueTopic('ns-kill-alerts');
  const kafka = new Kafka({ clientId: 'kill-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: vitalsTopic, numPartitions: 2 },
      { topic: alertsTopic, numPartitions: 2 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();
  [pgdb, mydb] = await Promise.all([
    createTestPgDatabase('ns_kill'),
    createTestDatabase({ applySchema: true }),
  ]);
  mysql = createPool({ ...mydb.config, timezone: 'Z', connectionLimit: 2 });
  bridge = await startRisingWaveBridge({
    brokers: [bootstrap],
    topic: vitalsTopic,
    pg: pgdb.pool,
    mysql,
    timeZone: 'UTC',
    alertsTopic,
    alertsView: false,
    onWritten: (alerts) => {
      raised.push(...alerts);
      for (const a of alerts) writtenAt.set(a.alertId, Date.now());
    },
  });
  for (const [ward, patients] of [
    ['W1', WARD_1],
    ['W2', WARD_2],
  ] as const) {
    for (const [i, p] of patients.entries()) {
      await pgdb.pool.query('INSERT INTO ward_beds (bed_id, ward_id, patient_id) VALUES ($1, $2, $3)', [
        `${ward}-${i + 1}`,
        ward,
        p,
      ]);
    }
  }
}, 240_000);

afterAll(async () => {
  await bridge?.stop();
  await mysql?.end();
  await Promise.all([pgdb?.drop(), mydb?.drop()]);
  await deleteTopics(bootstrap, [vitalsTopic, alertsTopic]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('Fault: a station killed and restarted while alerts are pushed to it', () => {
  it('loses no alert, repeats none, and each station sees only its ward', async () => {
    const dirA = mkdtempSync(path.join(tmpdir(), 'ns-kill-a-'));
    const dirB = mkdtempSync(path.join(tmpdir(), 'ns-kill-b-'));
    dirs.push(dirA, dirB);
    const linesA: Printed[] = [];
    const linesB: Printed[] = [];
    let a = startStation('KILL-A', 'W1', dirA, linesA);
    const b = startStation('KILL-B', 'W2', dirB, linesB);
    await until('both stations on the push path', () => pushLive(linesA) && pushLive(linesB), 90_000);
    const readyA = linesA.find((l) => l.type === 'ready');
    expect(readyA?.beds).toEqual(WARD_1); // its ward's beds, waiting for their first readings

    // Eight beds, readings from a minute ago on: abnormal episodes start within the first seconds.
    const producer = new KafkaReadingProducer({ brokers: [bootstrap], topic: vitalsTopic, timeZone: 'UTC' });
    await producer.start();
    const sim = createWardSimulator({
      beds: 8,
      seed: 3,
      startTime: Date.now() - 60_000,
      timeZone: 'UTC',
      // Two abnormal beds in each ward, from the first batch on.
      scenarios: [
        { kind: 'tachycardia', bed: 1, firstAt: 30_000, every: 15_000 },
        { kind: 'desaturation', bed: 3, firstAt: 62_000, every: 15_000 },
        { kind: 'tachycardia', bed: 6, firstAt: 30_000, every: 15_000 },
        { kind: 'glucose_spike', bed: 8, firstAt: 62_000, every: 15_000 },
      ],
    });
    const publish = () =>
      producer.publish(sim.nextBatch(Date.now()).flatMap((e) => (e.kind === 'reading' ? [e.reading] : [])));
    // Alerts come at once, then about 16 s in (while station A is dead), then at the next buckets.
    for (let s = 0; s < 12; s++) {
      publish();
      await sleep(1_000);
    }
    marks.kill = Date.now();
    a.child.kill('SIGKILL');
    await closed(a.child);
    for (let s = 0; s < 8; s++) {
      publish(); // alerts raised while station A is dead
      await sleep(1_000);
    }
    marks.restart = Date.now();
    a = startStation('KILL-A', 'W1', dirA, linesA);
    for (let s = 0; s < 12; s++) {
      publish();
      await sleep(1_000);
    }
    await producer.close();
    await sleep(3_000); // the last barrier, the sink, the consumers
    const ward1 = raised.filter((x) => WARD_1.includes(x.patientId) && x.alertType !== 'signal_loss');
    const ward2 = raised.filter((x) => WARD_2.includes(x.patientId) && x.alertType !== 'signal_loss');
    expect(ward1.length, 'the simulated ward raised alerts in ward 1').toBeGreaterThanOrEqual(2);
    expect(ward2.length, 'the simulated ward raised alerts in ward 2').toBeGreaterThanOrEqual(2);
    await until(
      'station A has every ward-1 alert',
      () => {
        const seen = new Set(linesA.flatMap((l) => l.ids?.map(([id]) => id) ?? []));
        return ward1.every((x) => seen.has(x.alertId));
      },
      20_000,
    ).catch(() => undefined);

    for (const s of [a, b]) {
      s.child.kill('SIGTERM');
      await closed(s.child);
    }

    for (const [lines, mine, theirs, dir] of [
      [linesA, ward1, ward2, dirA],
      [linesB, ward2, ward1, dirB],
    ] as const) {
      const seen = lines.flatMap((l) => l.ids ?? []);
      const seenIds = new Set(seen.map(([id]) => id));
      // nothing lost
      expect(mine.filter((x) => !seenIds.has(x.alertId)).map((x) => x.alertId)).toEqual([]);
      // only its own ward
      const foreign = new Set(theirs.map((x) => x.patientId));
      expect(seen.filter(([, patient]) => foreign.has(patient))).toEqual([]);
      // nothing repeated: an alert is in one notification at most, across the kill
      const notified = lines
        .filter((l) => l.type === 'notify' && !l.reminder)
        .flatMap((l) => l.alertIds ?? []);
      expect(notified.filter((id, i) => notified.indexOf(id) !== i)).toEqual([]);
      // every alert of its ward was handed to its notification policy, once (the ledger's key)
      const db = new Database(path.join(dir, 'station.sqlite'), { readonly: true });
      const announced = new Set(
        db.prepare('SELECT alert_id FROM announced_alerts').pluck().all() as string[],
      );
      db.close();
      expect(mine.filter((x) => !announced.has(x.alertId)).map((x) => x.alertId)).toEqual([]);
      expect([...announced].filter((id) => theirs.some((x) => x.alertId === id))).toEqual([]);
    }
    // The kill mattered: station A's first run had alerts, and some were written while it was dead.
    const whileDead = ward1.filter((x) => {
      const t = writtenAt.get(x.alertId) ?? 0;
      return t > marks.kill! && t < marks.restart!;
    });
    expect(whileDead.length, 'ward-1 alerts written while station A was dead').toBeGreaterThan(0);
    const firstRun = linesA.slice(
      0,
      linesA.findLastIndex((l) => l.type === 'ready'),
    );
    expect(
      firstRun.some((l) => (l.ids?.length ?? 0) > 0),
      'station A had alerts before the kill',
    ).toBe(true);
    // Station A's second run was handed the alerts raised while it was dead.
    const restartedAt = linesA.findLastIndex((l) => l.type === 'ready');
    expect(linesA.slice(restartedAt).some((l) => (l.ids?.length ?? 0) > 0)).toBe(true);
  }, 240_000);
});
