import { createTestPgDatabase } from '../../../../tests/support/postgres';
import { startRisingWaveBridge } from '../../../../tests/support/risingwave-bridge';
import { runVitalsSourceContract } from '../vitals-source.contract';
import { createRisingWaveVitalsSource } from './risingwave-vitals-source';

// PostgreSQL stands in for RisingWave; the bridge fills the views' tables with the engine's rules.
runVitalsSourceContract('RisingWave (PostgreSQL stand-in)', async () => {
  const db = await createTestPgDatabase('ns_rwc');
  const bridge = await startRisingWaveBridge({
    brokers: [],
    topic: 'unused',
    pg: db.pool,
    mysql: null,
    timeZone: 'UTC',
  });
  const source = createRisingWaveVitalsSource({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    pollIntervalMs: 60_000,
  });
  return {
    source,
    feed: async (readings) => {
      await bridge.ingest(readings);
      await source.pollNow();
    },
    // polls are a minute apart: only a refresh() reads these soon
    stage: async (readings) => {
      await bridge.ingest(readings);
    },
    cleanup: async () => {
      await bridge.stop();
      await db.drop();
    },
  };
});
