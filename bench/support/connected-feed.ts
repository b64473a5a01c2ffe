// The devices and the RisingWave stand-in of the connected-latency case, in a process of their own (as
// on a ward, where they are other machines): a simulated ward publishing to Kafka every 100 ms, with
// probe readings that raise alerts, and tests/support/risingwave-bridge.ts consuming the topic into
// PostgreSQL and MySQL. Run by bench/cases/connected.ts with an IPC channel; it reports when readings
// were published and alerts written (epoch ms, performance.timeOrigin-based, comparable across
// processes) and its counters, and stops on { type: 'stop' }.
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Reading } from '../../shared/domain/types';
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
}

export type FeedMessage =
  | { type: 'ready' }
  | { type: 'published'; t: number; keys: string[] }
  | { type: 'written'; t: number; alertIds: string[] }
  | { type: 'stats'; published: number; consumed: number }
  | { type: 'stopped' };

const PROBES: ((r: Reading) => Reading)[] = [
  (r) => ({ ...r, heartRate: 140 }),
  (r) => ({ ...r, bloodOxygen: 89 }),
  (r) => ({ ...r, bloodGlucose: 9.5 }),
];

const wall = () => performance.timeOrigin + performance.now();

function send(m: FeedMessage): void {
  process.send?.(m);
}

async function main(cfg: FeedConfig): Promise<void> {
  const pgPool = new pg.Pool(cfg.pg);
  const sinkPool = mysql.createPool({ ...cfg.mysql, connectionLimit: 2, timezone: 'Z' });
  sinkPool.pool.on('connection', (c) => c.query("SET time_zone = '+00:00'", () => undefined));
  const bridge = await startRisingWaveBridge({
    brokers: cfg.brokers,
    topic: cfg.topic,
    pg: pgPool,
    mysql: sinkPool,
    timeZone: 'UTC',
    groupId: cfg.groupId,
    onWritten: (alerts) => {
      if (alerts.length > 0) send({ type: 'written', t: wall(), alertIds: alerts.map((a) => a.alertId) });
    },
  });
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
  const devices = setInterval(() => {
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
  }, 100);
  const stats = setInterval(
    () => send({ type: 'stats', published: producer.stats().published, consumed: bridge.stats.consumed }),
    250,
  );
  send({ type: 'ready' });

  process.on('message', (m: { type?: string }) => {
    if (m.type !== 'stop') return;
    clearInterval(devices);
    void (async () => {
      send({ type: 'stats', published: producer.stats().published, consumed: bridge.stats.consumed });
      clearInterval(stats);
      await producer.close(5000);
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
