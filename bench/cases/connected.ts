// Connected latency: a reading produced to Kafka (KafkaReadingProducer, as the simulator's `--kafka`
// mode and the demo's devices do) → the RisingWave stand-in (tests/support/risingwave-bridge.ts: Kafka
// consumer → the same engine → PostgreSQL tables + the MySQL sink, and on the push path RisingWave's
// Kafka sink of alerts) → the station → StationCore → NotificationPolicy → notifier. Each ward size runs
// twice, on the two alert paths of the RisingWave adapter:
// - poll: the adapter polls the `alerts` view (default every 1000 ms);
// - push: the adapter is given a Kafka alert feed (kafka-alert-feed.ts) on the sink's topic, as the
//   station host wires it when Kafka is configured; the view is still polled now and then as a safety
//   net (the adapter's reconcileIntervalMs).
//
// The stand-in models RisingWave's barrier (1 s, barrier_interval_ms): readings take effect only at the
// next tick (see bench/support/connected-feed.ts for how). Split into: produce → written by the stand-in
// (Kafka, the barrier wait, the writes; with the barrier tick apart), written → notifier; on the poll
// path also written → the poll that read it started (waiting for the poll: uniform over the interval,
// by design) and poll start → notifier (query + core).
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
import { createKafkaAlertFeed } from '../../electron/main/adapters/kafka/kafka-alert-feed';
import { createMysqlAlertStore } from '../../electron/main/adapters/mysql/mysql-alert-store';
import {
  RISINGWAVE_SQL,
  createRisingWaveVitalsSource,
  type AlertFeedCounts,
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
import { callAs } from '../../tests/support/nurses';

/** the nurse signed in at the bench's station (sessions are the host's; a core is asked as her) */
const BENCH_NURSE = callAs('Bench Nurse', { role: 'nurse', peer: 'bench' });

const POLL_MS = 1000;
const BARRIER_MS = 1000;
const SLACK_MS = 200;
const PROBE_EVERY_MS = 500;
/** issue #12: reading produced to Kafka → notifier, p99, on the push path with the barrier modelled */
const PUSH_TARGET_MS = 1000;
/** NS_BENCH_BARRIER=bridge: the stand-in's own barrier instead (see bench/support/connected-feed.ts) */
const BARRIER_MODE: 'bench' | 'bridge' = process.env.NS_BENCH_BARRIER === 'bridge' ? 'bridge' : 'bench';

type AlertPath = 'poll' | 'push';

const wall = () => performance.timeOrigin + performance.now();

interface WardRun {
  beds: number;
  path: AlertPath;
  seconds: number;
  total: Summary;
  /** produce → written by the stand-in (Kafka + barrier wait + writes, the Kafka sink's send included) */
  kafkaAndBridge: Summary;
  /** produce → the barrier tick that wrote it (Kafka + the barrier wait; 'bench' barrier only) */
  toBarrier: Summary;
  /** the tick → written (the stand-in's writes; 'bench' barrier only) */
  barrierToWritten: Summary;
  /** written → notifier (push: Kafka sink → station's consumer → core; poll: poll wait + poll + core) */
  writtenToNotify: Summary;
  /** poll path: written → the start of the poll that read it */
  pollWait: Summary;
  /** poll path: that poll's start → notifier */
  pollToNotify: Summary;
  alertsEvent: Summary;
  /** poll path: each station's offset after the barrier tick, and its figures */
  byPhase: { phaseMs: number | null; total: Summary; pollWait: Summary }[];
  notifications: number;
  /** the timed notifications by the path whose delivery sent them */
  notificationsBy: { push: number; poll: number; other: number };
  /** notifications the policy held back on purpose (burst summaries) or reminders: not timed */
  heldOrReminders: number;
  /** alerts delivered while recording, by path (the source's feedCounts) */
  feedCounts: AlertFeedCounts;
  /** health().alertPath at the end */
  alertPathAtEnd: string | null;
  produced: number;
  consumed: number;
  barriers: number;
  bridgeBacklogAtEnd: number;
}

const FEED = fileURLToPath(new URL('../support/connected-feed.ts', import.meta.url));

interface Feed {
  /** the feed's counters, as last reported (every 250 ms) */
  stats: { published: number; consumed: number; barriers: number };
  stop(): Promise<void>;
}

function startFeed(cfg: FeedConfig, onMessage: (m: FeedMessage) => void): Promise<Feed> {
  const child = fork(FEED, [JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const stats = { published: 0, consumed: 0, barriers: 0 };
  const stopped = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the connected feed exited (${code}) before it was ready`)),
    );
    child.on('message', (m: FeedMessage) => {
      if (m.type === 'stats')
        Object.assign(stats, { published: m.published, consumed: m.consumed, barriers: m.barriers });
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

/** A notification that answered a delivery, resolved to its parts once every 'written' has arrived. */
interface Timed {
  t: number;
  alertIds: string[];
  lastPollStart: number;
  via: 'push' | 'poll' | 'other';
  segment: number;
}

interface Shared {
  beds: number;
  path: AlertPath;
  brokers: string[];
  alertsTopic: string;
  pg: { host: string; port: number; user: string; password: string; database: string };
  mysql: Parameters<typeof createMysqlAlertStore>[0];
  dir: string;
  log: (m: string) => void;
  /** where the run's samples go */
  alertsById: Map<string, Alert>;
  publishedAt: Map<string, number>;
  timed: Timed[];
  event: number[];
}

/** One station (vitals source + core + MySQL store + ack cache + a nurse resolving what it is shown). */
async function startStation(sh: Shared, segment: number) {
  let lastPollStart = 0;
  let recording = false;
  let held = 0;
  const toResolve: string[] = [];
  const vitals = createRisingWaveVitalsSource({
    ...sh.pg,
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
    ...(sh.path === 'push'
      ? {
          createAlertPush: (deliver: (alerts: Alert[]) => Promise<void>) =>
            createKafkaAlertFeed({
              brokers: sh.brokers,
              topic: sh.alertsTopic,
              stationId: BENCH_STATION,
              deliver,
              groupId: `ns-bench-station-${sh.alertsTopic}`,
              log: (m) => sh.log(`alert feed: ${m}`),
            }),
        }
      : {}),
  });
  // Notifications sent while the source delivers alerts answer that delivery; others come from the
  // policy's timers. Which path delivered: the source counts an alert as pushed or polled before it
  // hands it on, so the counter that moved since the last delivery names the path.
  let inDelivery: Timed['via'] | null = null;
  let seen = vitals.feedCounts();
  const onAlerts = vitals.onAlerts.bind(vitals);
  vitals.onAlerts = (listener) =>
    onAlerts((alerts) => {
      const now = vitals.feedCounts();
      inDelivery = now.pushed > seen.pushed ? 'push' : now.polled > seen.polled ? 'poll' : 'other';
      seen = now;
      try {
        listener(alerts);
      } finally {
        inDelivery = null;
      }
    });
  const store = createMysqlAlertStore({ ...sh.mysql, stationId: BENCH_STATION, timeZone: 'UTC' });
  const db = openStationDatabase(join(sh.dir, `station-${segment}.sqlite`));
  const cache = createSqliteAckCache(db);
  const notifier = new RecordingNotifier((req) => {
    toResolve.push(...req.alertIds);
    if (!recording) return;
    // Held back on purpose by the notification policy (the rest of a bed's burst, sent as a summary when
    // its window closes; reminders): counted, not timed — as in the embedded case.
    if (req.reminder || inDelivery === null) {
      held++;
      return;
    }
    // resolved after the run: a pushed alert can reach the station before the feed's 'written' message
    sh.timed.push({ t: wall(), alertIds: [...req.alertIds], lastPollStart, via: inDelivery, segment });
  });
  const core = connectedBenchCore({ vitals, alerts: store, cache, notifier });
  serializeEvents(core);
  core.on((name, payload) => {
    if (name !== 'alerts:new') return;
    const t = wall();
    for (const a of payload as Alert[]) {
      sh.alertsById.set(a.alertId, a);
      const produced = sh.publishedAt.get(`${a.patientId}|${a.alertTime}`);
      if (recording && produced !== undefined) sh.event.push(t - produced);
    }
  });
  await core.start();
  const nurse = setInterval(() => {
    const ids = toResolve.splice(0);
    void (async () => {
      for (const alertId of ids) {
        await core.handlers['alerts:acknowledge']({ alertId, action: 'resolve' }, BENCH_NURSE).catch(
          () => undefined,
        );
      }
    })();
  }, 2000);
  let counts0 = vitals.feedCounts();
  return {
    vitals,
    record(on: boolean) {
      if (on) counts0 = vitals.feedCounts();
      recording = on;
    },
    /** feedCounts since record(true) */
    counts(): AlertFeedCounts {
      const c = vitals.feedCounts();
      return {
        pushed: c.pushed - counts0.pushed,
        polled: c.polled - counts0.polled,
        outOfWard: c.outOfWard - counts0.outOfWard,
      };
    },
    held: () => held,
    async stop() {
      clearInterval(nurse);
      await core.stop();
      await store.close();
      cache.close();
      db.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One ward size on one alert path. The poll path's latency depends on where the station's polls fall
 * between the barrier's ticks: with both at 1 s that offset stays put for minutes, so one station
 * measures one offset. The poll path therefore runs `phases` stations one after another, each started
 * at its own offset after a tick ((j + ½) / phases of the interval), for an equal share of the time: the
 * offsets a ward's stations (or one station's restarts) would have.
 */
async function runWard(
  beds: number,
  path: AlertPath,
  seconds: number,
  phases: number,
  brokers: string[],
  log: (m: string) => void,
): Promise<WardRun> {
  const topic = uniqueTopic('bench-vitals');
  const alertsTopic = uniqueTopic('bench-alerts');
  const idleTopic = uniqueTopic('bench-idle');
  const kafka = new Kafka({ clientId: 'ns-bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic, numPartitions: 3, replicationFactor: 1 },
      { topic: idleTopic, numPartitions: 1, replicationFactor: 1 },
      ...(path === 'push' ? [{ topic: alertsTopic, numPartitions: 3, replicationFactor: 1 }] : []),
    ],
    waitForLeaders: true,
  });

  const pgdb = await createTestPgDatabase('ns_bench');
  const mydb = await createTestDatabase({ applySchema: true });
  const tmp = tempDir('connected');
  const writtenAt = new Map<string, { t: number; barrierAt?: number }>();
  let lastTick: number | null = null;
  const sh: Shared = {
    beds,
    path,
    brokers,
    alertsTopic,
    pg: {
      host: pgdb.host,
      port: pgdb.port,
      user: pgdb.user,
      password: pgdb.password,
      database: pgdb.database,
    },
    mysql: { ...mydb.config, stationId: BENCH_STATION },
    dir: tmp.dir,
    log,
    alertsById: new Map(),
    publishedAt: new Map(),
    timed: [],
    event: [],
  };

  // Devices and the stand-in run in a child process, so their work does not delay the station's timers.
  const feed = await startFeed(
    {
      beds,
      brokers,
      topic,
      groupId: `ns-bench-${topic}`,
      pg: sh.pg,
      mysql: { ...mydb.config },
      probeEveryMs: PROBE_EVERY_MS,
      barrierMs: BARRIER_MS,
      barrier: BARRIER_MODE,
      idleTopic,
      ...(path === 'push' ? { alertsTopic } : {}),
    },
    (m) => {
      if (m.type === 'published') for (const k of m.keys) sh.publishedAt.set(k, m.t);
      else if (m.type === 'tick') lastTick = m.t;
      else if (m.type === 'written')
        for (const id of m.alertIds)
          writtenAt.set(id, m.barrierAt === undefined ? { t: m.t } : { t: m.t, barrierAt: m.barrierAt });
    },
  );
  // the stand-in's consumer group takes a few seconds to join
  const ready = Date.now();
  while (feed.stats.consumed === 0 && Date.now() - ready < 60_000) await sleep(200);

  const segments = path === 'poll' ? phases : 1;
  const segmentSeconds = seconds / segments;
  const counts: AlertFeedCounts = { pushed: 0, polled: 0, outOfWard: 0 };
  const segmentInfo: { segment: number; phaseMs: number | null }[] = [];
  let held = 0;
  let alertPathAtEnd: string | null = null;
  let produced = 0;
  let consumed = 0;
  let barriers = 0;
  for (let j = 0; j < segments; j++) {
    // start the station (its first poll) at the segment's offset after a tick
    let phaseMs: number | null = null;
    const tick: number | null = lastTick;
    if (path === 'poll' && tick !== null) {
      phaseMs = ((j + 0.5) / segments) * BARRIER_MS;
      let at = tick + phaseMs;
      while (at < wall() + 20) at += BARRIER_MS;
      await sleep(at - wall());
    }
    segmentInfo.push({ segment: j, phaseMs });
    const station = await startStation(sh, j);
    // measure from when alerts flow end to end (on the push path: once the station's feed is live)
    const t0 = Date.now();
    const live = () => path === 'poll' || station.vitals.health().alertPath === 'push';
    while (!live() && Date.now() - t0 < 60_000) await sleep(200);
    if (!live()) log(`${beds} beds, push: the alert feed is not live after 60 s`);
    await sleep(path === 'push' ? 5000 : 3000);
    const consumed0 = feed.stats.consumed;
    const produced0 = feed.stats.published;
    const barriers0 = feed.stats.barriers;
    station.record(true);
    log(
      `${beds} beds, ${path} path: recording for ${segmentSeconds} s` +
        (phaseMs === null
          ? ''
          : ` (station ${j + 1}/${segments}, polls ${Math.round(phaseMs)} ms after the tick)`),
    );
    await sleep(segmentSeconds * 1000);
    station.record(false);
    const c = station.counts();
    counts.pushed += c.pushed;
    counts.polled += c.polled;
    counts.outOfWard += c.outOfWard;
    held += station.held();
    alertPathAtEnd = station.vitals.health().alertPath ?? null;
    produced += feed.stats.published - produced0;
    consumed += feed.stats.consumed - consumed0;
    barriers += feed.stats.barriers - barriers0;
    await station.stop();
  }
  const backlog = feed.stats.published - feed.stats.consumed;

  await feed.stop();
  await admin
    .deleteTopics({ topics: [topic, idleTopic, ...(path === 'push' ? [alertsTopic] : [])] })
    .catch(() => undefined);
  await admin.disconnect();
  await pgdb.drop();
  await mydb.drop();
  tmp.remove();

  // Every 'written' has arrived by now (the feed has stopped): the parts of each timed notification.
  const total: number[] = [];
  const kb: number[] = [];
  const toBarrier: number[] = [];
  const barrierToWritten: number[] = [];
  const writtenToNotify: number[] = [];
  const wait: number[] = [];
  const deliver: number[] = [];
  const bySegment = segmentInfo.map(() => ({ total: [] as number[], wait: [] as number[] }));
  const by = { push: 0, poll: 0, other: 0 };
  for (const n of sh.timed) {
    // time the newest reading-raised alert of the request: the one that made it go out now
    let best: { alert: Alert; produced: number } | null = null;
    for (const id of n.alertIds) {
      const a = sh.alertsById.get(id);
      const p = a ? sh.publishedAt.get(`${a.patientId}|${a.alertTime}`) : undefined;
      if (a && p !== undefined && (!best || a.alertTime > best.alert.alertTime))
        best = { alert: a, produced: p };
    }
    if (!best) continue;
    by[n.via]++;
    total.push(n.t - best.produced);
    bySegment[n.segment]?.total.push(n.t - best.produced);
    const w = writtenAt.get(best.alert.alertId);
    if (w === undefined) continue;
    kb.push(w.t - best.produced);
    writtenToNotify.push(n.t - w.t);
    if (w.barrierAt !== undefined) {
      toBarrier.push(w.barrierAt - best.produced);
      barrierToWritten.push(w.t - w.barrierAt);
    }
    if (n.via === 'poll') {
      const pw = Math.max(0, n.lastPollStart - w.t);
      wait.push(pw);
      bySegment[n.segment]?.wait.push(pw);
      deliver.push(n.t - Math.max(n.lastPollStart, w.t));
    }
  }
  const sum = (v: number[]) => roundSummary(summarize(v));
  return {
    beds,
    path,
    seconds,
    total: sum(total),
    kafkaAndBridge: sum(kb),
    toBarrier: sum(toBarrier),
    barrierToWritten: sum(barrierToWritten),
    writtenToNotify: sum(writtenToNotify),
    pollWait: sum(wait),
    pollToNotify: sum(deliver),
    alertsEvent: sum(sh.event),
    byPhase: segmentInfo.map((s, i) => ({
      phaseMs: s.phaseMs,
      total: sum(bySegment[i]!.total),
      pollWait: sum(bySegment[i]!.wait),
    })),
    notifications: total.length,
    notificationsBy: by,
    heldOrReminders: held,
    feedCounts: counts,
    alertPathAtEnd,
    produced,
    consumed,
    barriers,
    bridgeBacklogAtEnd: backlog,
  };
}

function describe(r: WardRun): string {
  const f = (s: Summary) => `${formatMs(s.p50)} / ${formatMs(s.p99)}`;
  return (
    `${r.beds} beds, ${r.path}: produce→notified p50 / p95 / p99 / max ${formatMs(r.total.p50)} / ` +
    `${formatMs(r.total.p95)} / ${formatMs(r.total.p99)} / ${formatMs(r.total.max)} ms (n=${r.total.n}); ` +
    `produce→barrier ${f(r.toBarrier)}, barrier→written ${f(r.barrierToWritten)}, ` +
    `written→notified ${f(r.writtenToNotify)}` +
    (r.path === 'poll' ? `, poll wait ${f(r.pollWait)}, poll→notified ${f(r.pollToNotify)}` : '') +
    ` ms` +
    (r.path === 'poll'
      ? `; by poll offset after the tick: ${r.byPhase
          .map((b) => `${formatMs(b.phaseMs ?? Number.NaN)} → p99 ${formatMs(b.total.p99)} (n=${b.total.n})`)
          .join(', ')}`
      : '') +
    `; delivered pushed ${r.feedCounts.pushed} / polled ${r.feedCounts.polled}; timed by path ` +
    `push ${r.notificationsBy.push} / poll ${r.notificationsBy.poll} / other ${r.notificationsBy.other}; ` +
    `${r.heldOrReminders} held back by the policy (not timed); produced ${r.produced}, consumed ` +
    `${r.consumed}, ${r.barriers} barriers; path at end ${r.alertPathAtEnd ?? '–'}`
  );
}

function rowsOf(r: WardRun): ResultRow[] {
  const size = `${r.beds.toLocaleString('en')} beds · ${r.path}`;
  const f = (s: Summary) => `${formatMs(s.p50)} / ${formatMs(s.p99)}`;
  const value = `${formatMs(r.total.p50)} / ${formatMs(r.total.p99)} ms (n=${r.total.n})`;
  const rows: ResultRow[] = [];
  if (r.path === 'push') {
    // really push: alerts reached the station through the Kafka sink, and the notifications timed
    // answered pushed deliveries
    const isPush = r.feedCounts.pushed > 0 && r.notificationsBy.push > 0;
    rows.push({
      measure: 'Connected latency',
      size: `${size}: produced → notified`,
      value,
      target: `p99 ≤ ${PUSH_TARGET_MS.toLocaleString('en')} ms`,
      status: r.total.n === 0 || !isPush ? 'miss' : atMost(r.total.p99, PUSH_TARGET_MS),
      data: { ...r },
      note:
        `pushed ${r.feedCounts.pushed}, polled ${r.feedCounts.polled} (safety-net polls); ` +
        `p95 ${formatMs(r.total.p95)}, max ${formatMs(r.total.max)} ms` +
        (isPush ? '' : '; NOT the push path: no pushed deliveries timed'),
    });
  } else {
    rows.push({
      measure: 'Connected latency',
      size: `${size}: produced → notified`,
      value,
      // the fallback: barrier wait + poll wait, each uniform over a second, cannot meet the old
      // poll + 200 ms target once the barrier is modelled; recorded, no target
      target: `(was p99 ≤ ${(POLL_MS + SLACK_MS).toLocaleString('en')} ms, no barrier)`,
      status: 'info',
      data: { ...r },
      note:
        `p95 ${formatMs(r.total.p95)}, max ${formatMs(r.total.max)} ms; polled ${r.feedCounts.polled}; ` +
        `p99 by poll offset after the barrier tick: ` +
        r.byPhase.map((b) => `${formatMs(b.phaseMs ?? Number.NaN)} ms → ${formatMs(b.total.p99)}`).join(', '),
    });
  }
  rows.push({
    measure: 'Connected latency',
    size: `${size}: parts p50 / p99`,
    value:
      `to barrier ${f(r.toBarrier)}, barrier→written ${f(r.barrierToWritten)}, ` +
      `written→notified ${f(r.writtenToNotify)}` +
      (r.path === 'poll'
        ? ` (poll wait ${f(r.pollWait)}, poll→notified ${f(r.pollToNotify)}; ` +
          `${r.byPhase.length} poll offsets: p99 ${r.byPhase.map((b) => formatMs(b.total.p99)).join(' / ')})`
        : ` · pushed ${r.feedCounts.pushed} / polled ${r.feedCounts.polled}`) +
      ' ms',
    target: '',
    status: 'info',
    data: {
      kafkaAndBridge: r.kafkaAndBridge,
      toBarrier: r.toBarrier,
      barrierToWritten: r.barrierToWritten,
      writtenToNotify: r.writtenToNotify,
      pollWait: r.pollWait,
      pollToNotify: r.pollToNotify,
      feedCounts: r.feedCounts,
      notificationsBy: r.notificationsBy,
    },
  });
  return rows;
}

export const connectedCase: BenchCase = {
  name: 'connected',
  title: 'connected latency: Kafka → stand-in (1-s barrier) → poll or push → notifier',
  async run({ quick, log }) {
    const brokers = [await ensureKafka()];
    const sizes = quick ? [60] : [8, 60, 200, 1000];
    const seconds = quick ? 20 : 60;
    const phases = quick ? 2 : 4;
    const rows: ResultRow[] = [];
    const results: WardRun[] = [];
    log(`barrier ${BARRIER_MS} ms, modelled by ${BARRIER_MODE === 'bench' ? 'the feed' : 'the stand-in'}`);
    for (const [i, beds] of sizes.entries()) {
      // both paths back to back, in alternating order, so drift in the machine's load hits both
      const order: AlertPath[] = i % 2 === 0 ? ['poll', 'push'] : ['push', 'poll'];
      const pair: WardRun[] = [];
      for (const path of order) {
        const r = await runWard(beds, path, seconds, phases, brokers, log);
        log(describe(r));
        pair.push(r);
      }
      pair.sort((a, b) => (a.path === b.path ? 0 : a.path === 'poll' ? -1 : 1));
      for (const r of pair) rows.push(...rowsOf(r));
      results.push(...pair);
      const [poll, push] = pair as [WardRun, WardRun];
      rows.push({
        measure: 'Connected latency',
        size: `${beds.toLocaleString('en')} beds: push vs poll`,
        value:
          `p50 ${formatMs(push.total.p50)} vs ${formatMs(poll.total.p50)}, ` +
          `p99 ${formatMs(push.total.p99)} vs ${formatMs(poll.total.p99)} ms ` +
          `(saves ${formatMs(poll.total.p50 - push.total.p50)} at p50)`,
        target: '',
        status: 'info',
        data: {
          p50Saved: poll.total.p50 - push.total.p50,
          p99Saved: poll.total.p99 - push.total.p99,
        },
      });
    }
    return {
      name: 'connected',
      title: this.title,
      rows,
      details: {
        pollIntervalMs: POLL_MS,
        barrierMs: BARRIER_MS,
        barrierModel: BARRIER_MODE,
        pushTargetMs: PUSH_TARGET_MS,
        seconds,
        results,
      },
    };
  },
};
