// The devices and the RisingWave stand-in of the connected-latency case, in a process of their own (as
// on a ward, where they are other machines): a simulated ward publishing to Kafka every 100 ms, with
// probe readings that raise alerts, and tests/support/risingwave-bridge.ts writing what RisingWave's
// views and sinks would hold into PostgreSQL and MySQL (and, with `alertsTopic`, the Kafka sink of
// alerts: the push path). Run by bench/cases/connected.ts with an IPC channel; it reports when readings
// were published and alerts written (epoch ms, performance.timeOrigin-based, comparable across
// processes) and its counters, and stops on { type: 'stop' }.
//
// The barrier (RisingWave's barrier_interval_ms, 1 s by default): readings consumed take effect only at
// the next tick. Two ways to model it:
// - 'bench' (default): this process consumes the topic itself, without ever pausing, and hands what it
//   read since the last tick to the stand-in at each tick (bridge.ingest, the stand-in started with
//   barrierMs 0). As in RisingWave, whose sources keep reading while a barrier is pending, so the
//   barrier wait is uniform over 0–barrierMs.
// - 'bridge': the stand-in's own barrier (barrierMs). It waits for the tick inside kafkajs' eachBatch,
//   and kafkajs hands it one partition's batch at a time and fetches again only once every batch is
//   done, so each tick writes one batch and a reading waits one to (partitions) ticks, not 0–1
//   (bench/experiments/barrier-stall.ts measures it). Kept to compare once the stand-in changes.
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Reading } from '../../shared/domain/types';
import { parseReading } from '../../shared/engine/parse-reading';
import { createWardSimulator } from '../../shared/simulator/ward-simulator';
import { KafkaReadingProducer } from '../../electron/main/adapters/kafka/kafka-reading-producer';
import { startRisingWaveBridge } from '../../tests/support/risingwave-bridge';

export interface FeedConfig {
  beds: number;
  brokers: string[];
  topic: string;
  groupId: string;
  pg: pg.PoolConfig;
  mysql: mysql.PoolOptions;
  probeEveryMs: number;
  /** RisingWave's barrier interval; default 1000 */
  barrierMs?: number;
  /** see the top of this file; default 'bench' */
  barrier?: 'bench' | 'bridge';
  /**
   * 'bench' barrier: an empty topic for the stand-in's own consumer to sit on (it needs brokers for
   * its Kafka sink, and then consumes something)
   */
  idleTopic?: string;
  /** the stand-in also writes alerts to this topic, as RisingWave's Kafka sink (the push path) */
  alertsTopic?: string;
}

export type FeedMessage =
  | { type: 'ready' }
  | { type: 'published'; t: number; keys: string[] }
  /** t: written (views, MySQL sink and Kafka sink); barrierAt: the tick that wrote them ('bench' only) */
  | { type: 'written'; t: number; barrierAt?: number; alertIds: string[] }
  | { type: 'stats'; published: number; consumed: number; barriers: number }
  /** each barrier tick ('bench' barrier only), so the case can place a station's polls against it */
  | { type: 'tick'; t: number }
  | { type: 'stopped' };

const PROBES: ((r: Reading) => Reading)[] = [
  (r) => ({ ...r, heartRate: 140 }),
  (r) => ({ ...r, bloodOxygen: 89 }),
  (r) => ({ ...r, bloodGlucose: 9.5 }),
];

const wall = () => performance.timeOrigin + performance.now();

/** A small seeded PRNG, so every run draws the same device timing. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function send(m: FeedMessage): void {
  process.send?.(m);
}

async function main(cfg: FeedConfig): Promise<void> {
  const pgPool = new pg.Pool(cfg.pg);
  const sinkPool = mysql.createPool({ ...cfg.mysql, connectionLimit: 2, timezone: 'Z' });
  sinkPool.pool.on('connection', (c) => c.query("SET time_zone = '+00:00'", () => undefined));
  const barrierMs = cfg.barrierMs ?? 1_000;
  const own = (cfg.barrier ?? 'bench') === 'bench';
  if (own && !cfg.idleTopic) throw new Error('the bench barrier needs an idleTopic');
  const bridge = await startRisingWaveBridge({
    brokers: cfg.brokers,
    topic: own ? cfg.idleTopic! : cfg.topic,
    pg: pgPool,
    mysql: sinkPool,
    timeZone: 'UTC',
    groupId: cfg.groupId,
    barrierMs: own ? 0 : barrierMs,
    ...(cfg.alertsTopic ? { alertsTopic: cfg.alertsTopic } : {}),
    onWritten: own
      ? undefined
      : (alerts) => {
          if (alerts.length > 0) send({ type: 'written', t: wall(), alertIds: alerts.map((a) => a.alertId) });
        },
  });

  // The 'bench' barrier: read continuously, write at each tick what was read since the last one.
  const counters = { consumed: 0, barriers: 0 };
  let held: Reading[] = [];
  let heldMessages = 0;
  let writing: Promise<void> = Promise.resolve();
  let ticker: ReturnType<typeof setInterval> | null = null;
  const consumer = own
    ? new Kafka({
        clientId: 'rw-stand-in-source',
        brokers: cfg.brokers,
        logLevel: logLevel.NOTHING,
      }).consumer({ groupId: `${cfg.groupId}-source`, maxWaitTimeInMs: 50 })
    : null;
  function tick(): Promise<void> {
    const barrierAt = wall();
    send({ type: 'tick', t: barrierAt });
    const readings = held;
    const messages = heldMessages;
    held = [];
    heldMessages = 0;
    writing = writing.then(async () => {
      counters.barriers++;
      if (messages === 0) return;
      try {
        const alerts = await bridge.ingest(readings);
        if (alerts.length > 0)
          send({ type: 'written', t: wall(), barrierAt, alertIds: alerts.map((a) => a.alertId) });
      } catch (err) {
        process.stderr.write(`stand-in write failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      counters.consumed += messages;
    });
    return writing;
  }
  if (consumer) {
    await consumer.connect();
    await consumer.subscribe({ topic: cfg.topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          const parsed = parseReading(m.value?.toString('utf8') ?? '', { timeZone: 'UTC' });
          if (parsed.ok) held.push(parsed.reading);
          heldMessages++;
          resolveOffset(m.offset);
        }
        await heartbeat();
      },
    });
    ticker = setInterval(() => void tick(), barrierMs);
  }
  const consumed = () => (own ? counters.consumed : bridge.stats.consumed);
  const barriers = () => (own ? counters.barriers : bridge.stats.barriers);
  const producer = new KafkaReadingProducer({
    brokers: cfg.brokers,
    topic: cfg.topic,
    timeZone: 'UTC',
    clientId: 'ns-bench-devices',
  });
  await producer.start();
  const sim = createWardSimulator({ beds: cfg.beds, seed: 3, startTime: Date.now() });
  let lastProbe = 0;
  let probes = 0;
  const probeBeds = Math.min(cfg.beds, 24);
  // Every 100 ms on average, each gap drawn from 50–150 ms: the barrier tick runs in this process
  // too, and a device timer in step with it (100 ms divides 1 s) would publish only at ten fixed
  // offsets before each tick. On a ward, devices are not in step with RisingWave's barrier.
  const rnd = mulberry32(7);
  let devices: ReturnType<typeof setTimeout> | null = null;
  const publishBatch = () => {
    const now = Date.now();
    const readings: Reading[] = [];
    for (const ev of sim.nextBatch(now)) {
      if (ev.kind === 'garbage') {
        producer.publishRaw(ev.patientId, ev.raw);
        continue;
      }
      let r = ev.reading;
      if (now - lastProbe >= cfg.probeEveryMs && r.patientId === sim.beds[probes % probeBeds]?.patientId) {
        r = PROBES[(probes + Math.floor(probes / probeBeds)) % PROBES.length]!(r);
        lastProbe = now;
        probes++;
      }
      readings.push(r);
    }
    send({ type: 'published', t: wall(), keys: readings.map((r) => `${r.patientId}|${r.measureTime}`) });
    producer.publish(readings);
  };
  const nextBatch = () => {
    devices = setTimeout(
      () => {
        publishBatch();
        nextBatch();
      },
      50 + rnd() * 100,
    );
  };
  nextBatch();
  const sendStats = () =>
    send({
      type: 'stats',
      published: producer.stats().published,
      consumed: consumed(),
      barriers: barriers(),
    });
  const stats = setInterval(sendStats, 250);
  send({ type: 'ready' });

  process.on('message', (m: { type?: string }) => {
    if (m.type !== 'stop') return;
    if (devices) clearTimeout(devices);
    devices = null;
    void (async () => {
      sendStats();
      clearInterval(stats);
      await producer.close(5000);
      if (ticker) clearInterval(ticker);
      await consumer?.disconnect();
      await tick();
      await bridge.stop();
      await sinkPool.end();
      await pgPool.end();
      send({ type: 'stopped' });
      process.exit(0);
    })();
  });
}

// Run as a child: `connected-feed.ts '<FeedConfig as JSON>'`.
main(JSON.parse(process.argv[2] ?? '{}') as FeedConfig).catch((err: unknown) => {
  process.stderr.write(`connected feed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
