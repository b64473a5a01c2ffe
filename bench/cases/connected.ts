// Connected latency: a reading produced to Kafka (KafkaReadingProducer, as the simulator's `--kafka`
// mode and the demo's devices do) → the RisingWave stand-in (tests/support/risingwave-bridge.ts: Kafka
// consumer → the same engine → PostgreSQL tables + the MySQL sink) → the RisingWave adapter's poll
// (default every 1000 ms) → StationCore → NotificationPolicy → notifier.
//
// Split into: produce → written by the stand-in (Kafka + bridge), written → the poll that read it started
// (waiting for the poll: uniform over the interval, by design), poll start → notifier (query + core).
// No RisingWave binary can be had here, so the middle stage is PostgreSQL and a single-threaded Node
// bridge, not RisingWave: that stage's figure is the stand-in's, not RisingWave's. The devices and the
// stand-in run in a child process (bench/support/connected-feed.ts), as they are other machines on a
// ward: in one process their work at 200+ beds delayed the station's poll timer.
// Probes and the simulated nurse as in the embedded case (see there).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { Alert } from '../../shared/domain/types';
import { createMysqlAlertStore } from '../../electron/main/adapters/mysql/mysql-alert-store';
import {
  RISINGWAVE_SQL,
  createRisingWaveVitalsSource,
} from '../../electron/main/adapters/risingwave/risingwave-vitals-source';
import { openStationDatabase } from '../../electron/main/adapters/sqlite/open-database';
import { createSqliteAckCache } from '../../electron/main/adapters/sqlite/sqlite-ack-cache';
import { systemClock } from '../../electron/main/core/ports';
import { ensureKafka, uniqueTopic } from '../../tests/support/kafka';
import { createTestDatabase } from '../../tests/support/mariadb';
import { createTestPgDatabase } from '../../tests/support/postgres';
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatMs, roundSummary, summarize, type Summary } from '../stats';
import {
  BENCH_STATION,
  RecordingNotifier,
  connectedBenchCore,
  serializeEvents,
  tempDir,
} from '../support/station';
import type { FeedConfig, FeedMessage } from '../support/connected-feed';

const POLL_MS = 1000;
const SLACK_MS = 200;
const PROBE_EVERY_MS = 500;

const wall = () => performance.timeOrigin + performance.now();

interface WardRun {
  beds: number;
  seconds: number;
  total: Summary;
  kafkaAndBridge: Summary;
  pollWait: Summary;
  pollToNotify: Summary;
  alertsEvent: Summary;
  notifications: number;
  /** notifications the policy held back on purpose (burst summaries) or reminders: not timed */
  heldOrReminders: number;
  produced: number;
  consumed: number;
  bridgeBacklogAtEnd: number;
}

const FEED = fileURLToPath(new URL('../support/connected-feed.ts', import.meta.url));

interface Feed {
  /** the feed's counters, as last reported (every 250 ms) */
  stats: { published: number; consumed: number };
  stop(): Promise<void>;
}

function startFeed(cfg: FeedConfig, onMessage: (m: FeedMessage) => void): Promise<Feed> {
  const child = fork(FEED, [JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const stats = { published: 0, consumed: 0 };
  const stopped = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the connected feed exited (${code}) before it was ready`)),
    );
    child.on('message', (m: FeedMessage) => {
      if (m.type === 'stats') Object.assign(stats, { published: m.published, consumed: m.consumed });
      else if (m.type === 'ready')
        resolve({
          stats,
          async stop() {
            child.send({ type: 'stop' });
            const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            await stopped;
            clearTimeout(killer);
          },
        });
      else onMessage(m);
    });
  });
}

async function runWard(
  beds: number,
  seconds: number,
  brokers: string[],
  log: (m: string) => void,
): Promise<WardRun> {
  const topic = uniqueTopic('bench-vitals');
  const kafka = new Kafka({ clientId: 'ns-bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });

  const pgdb = await createTestPgDatabase('ns_bench');
  const mydb = await createTestDatabase({ applySchema: true });
  const tmp = tempDir('connected');

  const publishedAt = new Map<string, number>();
  const writtenAt = new Map<string, number>();
  const alertsById = new Map<string, Alert>();
  let lastPollStart = 0;
  let recording = false;
  const total: number[] = [];
  const kb: number[] = [];
  const wait: number[] = [];
  const deliver: number[] = [];
  const event: number[] = [];
  const toResolve: string[] = [];

  // Devices and the stand-in run in a child process, so their work does not delay the station's timers.
  const feed = await startFeed(
    {
      beds,
      brokers,
      topic,
      groupId: `ns-bench-${topic}`,
      pg: {
        host: pgdb.host,
        port: pgdb.port,
        user: pgdb.user,
        password: pgdb.password,
        database: pgdb.database,
      },
      mysql: { ...mydb.config },
      probeEveryMs: PROBE_EVERY_MS,
    },
    (m) => {
      if (m.type === 'published') for (const k of m.keys) publishedAt.set(k, m.t);
      else if (m.type === 'written') for (const id of m.alertIds) writtenAt.set(id, m.t);
    },
  );

  const vitals = createRisingWaveVitalsSource({
    host: pgdb.host,
    port: pgdb.port,
    user: pgdb.user,
    password: pgdb.password,
    database: pgdb.database,
    pollIntervalMs: POLL_MS,
    clock: systemClock,
    stationId: BENCH_STATION,
    log: () => undefined,
    createPool: (config) => {
      const pool = new pg.Pool(config);
      const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
      // the start of each poll's alert read: where "waiting for the poll" ends
      (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (args[0] === RISINGWAVE_SQL.alertsFirstPage) lastPollStart = wall();
        return query(...args);
      };
      return pool;
    },
  });
  // Notifications sent while the source delivers a poll's alerts answer that poll; others come from the
  // policy's timers.
  let inDelivery = false;
  let held = 0;
  const onAlerts = vitals.onAlerts.bind(vitals);
  vitals.onAlerts = (listener) =>
    onAlerts((alerts) => {
      inDelivery = true;
      try {
        listener(alerts);
      } finally {
        inDelivery = false;
      }
    });
  const store = createMysqlAlertStore({ ...mydb.config, stationId: BENCH_STATION, timeZone: 'UTC' });
  const db = openStationDatabase(join(tmp.dir, 'station.sqlite'));
  const cache = createSqliteAckCache(db);
  const notifier = new RecordingNotifier((req) => {
    if (!recording) return;
    // Held back on purpose by the notification policy (the rest of a bed's burst, sent as a summary when
    // its window closes; reminders): counted, not timed — as in the embedded case.
    if (req.reminder || !inDelivery) {
      held++;
      return;
    }
    const t = wall();
    // time the newest reading-raised alert of the request: the one that made it go out now
    let best: { alert: Alert; produced: number } | null = null;
    for (const id of req.alertIds) {
      const a = alertsById.get(id);
      const produced = a ? publishedAt.get(`${a.patientId}|${a.alertTime}`) : undefined;
      if (a && produced !== undefined && (!best || a.alertTime > best.alert.alertTime))
        best = { alert: a, produced };
    }
    toResolve.push(...req.alertIds);
    if (!best) return;
    const written = writtenAt.get(best.alert.alertId);
    total.push(t - best.produced);
    if (written !== undefined) {
      kb.push(written - best.produced);
      wait.push(Math.max(0, lastPollStart - written));
      deliver.push(t - Math.max(lastPollStart, written));
    }
  });
  const core = connectedBenchCore({ vitals, alerts: store, cache, notifier });
  serializeEvents(core);
  core.on((name, payload) => {
    if (name !== 'alerts:new') return;
    const t = wall();
    for (const a of payload as Alert[]) {
      alertsById.set(a.alertId, a);
      const produced = publishedAt.get(`${a.patientId}|${a.alertTime}`);
      if (recording && produced !== undefined) event.push(t - produced);
    }
  });

  await core.start();
  await core.handlers['session:sign-in']({ nurse: 'Bench Nurse' });
  const nurse = setInterval(() => {
    const ids = toResolve.splice(0);
    void (async () => {
      for (const alertId of ids) {
        await core.handlers['alerts:acknowledge']({ alertId, action: 'resolve' }).catch(() => undefined);
      }
    })();
  }, 2000);

  // the consumer group takes a few seconds to join; measure from when readings flow end to end
  const ready = Date.now();
  while (feed.stats.consumed === 0 && Date.now() - ready < 60_000)
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 5000));
  const consumed0 = feed.stats.consumed;
  const produced0 = feed.stats.published;
  recording = true;
  log(`${beds} beds: recording for ${seconds} s`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recording = false;
  const produced = feed.stats.published - produced0;
  const consumed = feed.stats.consumed - consumed0;
  const backlog = feed.stats.published - feed.stats.consumed;

  clearInterval(nurse);
  await core.stop();
  await store.close();
  await feed.stop();
  cache.close();
  db.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await pgdb.drop();
  await mydb.drop();
  tmp.remove();

  return {
    beds,
    seconds,
    total: roundSummary(summarize(total)),
    kafkaAndBridge: roundSummary(summarize(kb)),
    pollWait: roundSummary(summarize(wait)),
    pollToNotify: roundSummary(summarize(deliver)),
    alertsEvent: roundSummary(summarize(event)),
    notifications: total.length,
    heldOrReminders: held,
    produced,
    consumed,
    bridgeBacklogAtEnd: backlog,
  };
}

export const connectedCase: BenchCase = {
  name: 'connected',
  title: 'connected latency: Kafka → stand-in → PostgreSQL → poll → notifier',
  async run({ quick, log }) {
    const brokers = [await ensureKafka()];
    const sizes = quick ? [60] : [8, 60, 200, 1000];
    const seconds = quick ? 20 : 60;
    const rows: ResultRow[] = [];
    const results: WardRun[] = [];
    for (const beds of sizes) {
      const r = await runWard(beds, seconds, brokers, log);
      results.push(r);
      log(
        `${beds} beds: produce→notified p50 ${formatMs(r.total.p50)} p99 ${formatMs(r.total.p99)} ms (n=${r.total.n}); ` +
          `Kafka+bridge p50 ${formatMs(r.kafkaAndBridge.p50)} p99 ${formatMs(r.kafkaAndBridge.p99)}, poll wait p50 ` +
          `${formatMs(r.pollWait.p50)} p99 ${formatMs(r.pollWait.p99)}, poll→notified p50 ${formatMs(r.pollToNotify.p50)} ` +
          `p99 ${formatMs(r.pollToNotify.p99)} ms; ${r.heldOrReminders} held back by the policy (not timed); ` +
          `produced ${r.produced}, consumed ${r.consumed}`,
      );
      rows.push({
        measure: 'Connected latency',
        size: `${beds.toLocaleString('en')} beds: produced → notified`,
        value: `${formatMs(r.total.p50)} / ${formatMs(r.total.p99)} ms (n=${r.total.n})`,
        target: `p99 ≤ ${POLL_MS + SLACK_MS} ms`,
        status: r.total.n === 0 ? 'miss' : atMost(r.total.p99, POLL_MS + SLACK_MS),
        data: { ...r },
      });
      rows.push({
        measure: 'Connected latency',
        size: `${beds.toLocaleString('en')} beds: parts p50 / p99`,
        value:
          `Kafka+stand-in ${formatMs(r.kafkaAndBridge.p50)} / ${formatMs(r.kafkaAndBridge.p99)}, ` +
          `poll wait ${formatMs(r.pollWait.p50)} / ${formatMs(r.pollWait.p99)}, ` +
          `poll→notified ${formatMs(r.pollToNotify.p50)} / ${formatMs(r.pollToNotify.p99)} ms`,
        target: '',
        status: 'info',
        data: { kafkaAndBridge: r.kafkaAndBridge, pollWait: r.pollWait, pollToNotify: r.pollToNotify },
      });
    }
    return {
      name: 'connected',
      title: this.title,
      rows,
      details: { pollIntervalMs: POLL_MS, seconds, results },
    };
  },
};
