// The connected E2E station's ward feed: a simulated ward (8 beds unless told) whose readings go through the
// RisingWave stand-in (tests/support/risingwave-bridge.ts) into PostgreSQL and the MySQL sink, once a
// second. connected-station.ts runs it in its own process with `--feed-process` (benchmarks: on a ward
// the devices, RisingWave and its sink are other machines, and in the station's process their work
// would delay the station's own requests), and in-process otherwise.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createWardSimulator } from '../../../shared/simulator/ward-simulator';
import { startRisingWaveBridge } from '../../support/risingwave-bridge';

export interface WardFeedConfig {
  pg: pg.PoolConfig;
  mysql: mysql.PoolOptions;
  /** default 8 */
  beds?: number;
}

export interface WardFeed {
  stop(): Promise<void>;
}

/** Starts feeding; resolves after the first batch (8 simulated minutes of history) is written. */
export async function startWardFeed(cfg: WardFeedConfig): Promise<WardFeed> {
  const pgPool = new pg.Pool({ ...cfg.pg, max: 2 });
  pgPool.on('error', () => undefined);
  const sinkPool = mysql.createPool({ ...cfg.mysql, timezone: 'Z', connectionLimit: 2 });
  const bridge = await startRisingWaveBridge({
    brokers: [],
    topic: '',
    pg: pgPool,
    mysql: sinkPool,
    timeZone: 'UTC',
  });
  const sim = createWardSimulator({
    beds: cfg.beds ?? 8,
    seed: 5,
    startTime: Date.now() - 8 * 60_000,
    timeZone: 'UTC',
  });
  let feeding: Promise<unknown> = Promise.resolve();
  const feed = () => {
    feeding = feeding
      .then(async () => {
        const readings = sim.nextBatch(Date.now()).flatMap((e) => (e.kind === 'reading' ? [e.reading] : []));
        await bridge.ingest(readings);
      })
      .catch((err: Error) => process.stderr.write(`bridge: ${err.message}\n`));
  };
  feed();
  await feeding;
  const feeder = setInterval(feed, 1000);
  return {
    async stop() {
      clearInterval(feeder);
      await feeding;
      await bridge.stop();
      await sinkPool.end();
      await pgPool.end();
    },
  };
}

// As a process of its own: the config is the first argument (JSON); "ready" on stdout once fed.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const feed = await startWardFeed(JSON.parse(process.argv[2] ?? '{}') as WardFeedConfig);
  process.stdout.write('ward feed ready\n');
  const stop = () => void feed.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
