// Fault 2: the RisingWave stand-in (a private PostgreSQL with the relations the app reads) goes down and
// comes back while alerts keep arriving. The RisingWave adapter's alert feed must resume without gaps
// and without delivering any alert twice, and its health must go down and up again.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendHealth } from '../../../shared/domain/types';
import {
  createRisingWaveVitalsSource,
  type RisingWaveVitalsSource,
} from '../../../electron/main/adapters/risingwave/risingwave-vitals-source';
import { createStandInSchema } from '../../support/risingwave-bridge';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { missingBinaryNote, sleep, waitFor } from '../../support/private-servers';
import { report } from '../helpers/station-fixtures';

const available = postgresBinDir() !== null;
const title = 'Fault: RisingWave stand-in restarts while alerts keep arriving';
const suite = available ? describe : describe.skip;

suite(available ? title : `${title} — ${missingBinaryNote('PostgreSQL (initdb, pg_ctl)')}`, () => {
  let server: PrivatePostgres;
  let source: RisingWaveVitalsSource;

  beforeAll(async () => {
    server = (await startPrivatePostgres())!;
    const pool = server.pool();
    await createStandInSchema(pool);
    await pool.end();
  }, 90_000);

  afterAll(async () => {
    await source?.stop();
    await server?.destroy();
  }, 60_000);

  it('delivers every alert exactly once across a server crash and restart', async () => {
    const delivered = new Map<string, number>();
    const order: string[] = [];
    const health: { t: number; up: boolean; message: string | null }[] = [];
    source = createRisingWaveVitalsSource({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: server.database,
      pollIntervalMs: 250,
      overlapMs: 5_000,
      connectTimeoutMs: 1_000,
      queryTimeoutMs: 3_000,
      log: () => undefined,
    });
    source.onAlerts((alerts) => {
      for (const a of alerts) {
        delivered.set(a.alertId, (delivered.get(a.alertId) ?? 0) + 1);
        order.push(a.alertId);
      }
    });
    source.onHealth((h: BackendHealth) => health.push({ t: Date.now(), up: h.up, message: h.message }));
    await source.start();
    expect(source.health().up).toBe(true);

    // Two writers, like the view gaining rows from several partitions: alert_time lags up to 2 s behind
    // commit order, inside the adapter's 5-s overlap window.
    const writer = new pg.Pool({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: server.database,
      max: 2,
      connectionTimeoutMillis: 500,
    });
    writer.on('error', () => undefined);
    let seq = 0;
    let running = true;
    const attempts = { ok: 0, failed: 0, afterRestart: 0 };
    let restartedAt = Infinity;
    const insertLoop = async (w: number) => {
      while (running) {
        const id = `rw-${w}-${String(seq++).padStart(5, '0')}`;
        const t = Date.now() - Math.floor(Math.random() * 2_000);
        try {
          await writer.query(
            `INSERT INTO alerts VALUES ($1::varchar, 'P001', 'D001', $2::timestamptz, 'heart_rate',
               'Heart rate too high: 139 bpm', 1, 139, 97.0, 5.4)`,
            [id, new Date(t).toISOString()],
          );
          attempts.ok++;
          if (Date.now() >= restartedAt) attempts.afterRestart++;
        } catch {
          attempts.failed++; // the server is down; the row may or may not exist: the table is the truth
          await sleep(50);
        }
        await sleep(20);
      }
    };
    const writers = [insertLoop(1), insertLoop(2)];

    await sleep(3_000);
    const stoppedAt = Date.now();
    await server.stop('immediate'); // like a crash: no checkpoint, clients cut off
    await waitFor('health to go down', () => health.some((h) => !h.up && h.t >= stoppedAt), 10_000, 20);
    const downMs = health.find((h) => !h.up && h.t >= stoppedAt)!.t - stoppedAt;
    await sleep(3_000);
    await server.start();
    restartedAt = Date.now();
    // Rows written in the window right after the restart, while the adapter is still backing off.
    await sleep(4_000);
    running = false;
    await Promise.all(writers);
    await writer.end();

    const check = server.pool();
    const { rows } = await check.query<{ alert_id: string }>('SELECT alert_id FROM alerts ORDER BY alert_id');
    await check.end();
    const inTable = rows.map((r) => r.alert_id);
    await waitFor(
      'the feed to deliver every row in the table',
      () => inTable.every((id) => delivered.has(id)),
      30_000,
      100,
    );
    const upAgain = health.find((h) => h.up && h.t >= restartedAt);
    expect(upAgain, JSON.stringify(health)).toBeDefined();

    const missing = inTable.filter((id) => !delivered.has(id));
    const repeated = [...delivered].filter(([, n]) => n !== 1);
    const unknown = [...delivered.keys()].filter((id) => !inTable.includes(id));
    expect(missing).toEqual([]);
    expect(repeated).toEqual([]);
    expect(unknown).toEqual([]);
    expect(attempts.afterRestart).toBeGreaterThan(0);
    expect(health.some((h) => !h.up && /unreachable|connection|terminat|shut/i.test(h.message ?? ''))).toBe(
      true,
    );

    report('fault-2 RisingWave restart', {
      rowsInserted: inTable.length,
      insertsWhileDownFailed: attempts.failed,
      insertsInWindowAfterRestart: attempts.afterRestart,
      delivered: order.length,
      uniqueDelivered: delivered.size,
      missing: missing.length,
      duplicates: repeated.length,
      healthDownAfterMs: downMs,
      healthUpAfterRestartMs: upAgain!.t - restartedAt,
      healthTransitions: health.map((h) => (h.up ? 'up' : 'down')).join(','),
    });
  }, 90_000);
});
