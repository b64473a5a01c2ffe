// refresh() (the station woke up: resume, unlock, network back) of the RisingWave adapter, against
// PostgreSQL standing in for RisingWave, through a TCP proxy the test can cut (the network is gone:
// connections reset, new ones refused) or freeze (a suspend: the sockets stay open and nothing comes
// back, as on a connection a NAT or the server dropped while the PC slept).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPgDatabase, type TestPgDatabase } from '../../../../tests/support/postgres';
import { createStandInSchema } from '../../../../tests/support/risingwave-bridge';
import { FakeClock } from '../../core/fake-clock';
import type { Clock } from '../../core/ports';
import { createRisingWaveVitalsSource, type RisingWaveVitalsSource } from './risingwave-vitals-source';

let db: TestPgDatabase;
const iso = (t: number) => new Date(t).toISOString();

/** A TCP proxy to PostgreSQL that can refuse connections, reset them, or freeze the open ones. */
interface Proxy {
  port: number;
  /** the network is gone: open connections reset, new ones refused */
  cut(): void;
  /** the sockets open now stay open but carry nothing more, either way (new ones work) */
  freezeOpen(): void;
  restore(): void;
  connections(): number;
  close(): Promise<void>;
}

async function startProxy(target: { host: string; port: number }): Promise<Proxy> {
  let refusing = false;
  let accepted = 0;
  const pairs = new Set<{ client: Socket; upstream: Socket; frozen: boolean }>();
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, frozen: false };
    pairs.add(pair);
    client.on('data', (d) => pair.frozen || upstream.write(d));
    upstream.on('data', (d) => pair.frozen || client.write(d));
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut() {
      refusing = true;
      for (const p of pairs) {
        p.client.resetAndDestroy();
        p.upstream.destroy();
      }
    },
    freezeOpen() {
      for (const p of pairs) p.frozen = true;
    },
    restore() {
      refusing = false;
    },
    connections: () => accepted,
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  db = await createTestPgDatabase('ns_rw_wake');
  await createStandInSchema(db.pool);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('RisingWave vitals source: refresh() on a wake (PostgreSQL stand-in behind a proxy)', () => {
  let proxy: Proxy;
  let source: RisingWaveVitalsSource | null = null;
  let clock: FakeClock;
  /** the delay of every timer the source sets */
  let delays: number[];

  function make(extra: { queryTimeoutMs?: number } = {}) {
    const recording: Clock = {
      now: () => clock.now(),
      monotonic: () => clock.monotonic(),
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return clock.setTimeout(fn, ms);
      },
      clearTimeout: (h) => clock.clearTimeout(h),
    };
    source = createRisingWaveVitalsSource({
      host: '127.0.0.1',
      port: proxy.port,
      user: db.user,
      password: db.password,
      database: db.database,
      pollIntervalMs: 1_000,
      clock: recording,
      log: () => undefined,
      noAnswerAfterMs: 0, // the watchdog's timers would mix with the poll delays recorded here
      connectTimeoutMs: 2_000,
      ...extra,
    });
    return source;
  }

  async function latest(patientId: string, t: number, hr: number): Promise<void> {
    await db.pool.query(
      `INSERT INTO patient_latest_vitals VALUES ($1, 'D1', $2::timestamptz, $3, 97, 5.5)
       ON CONFLICT (patient_id) DO UPDATE SET measure_time = EXCLUDED.measure_time, heart_rate = EXCLUDED.heart_rate`,
      [patientId, iso(t), hr],
    );
  }

  beforeAll(async () => {
    proxy = await startProxy({ host: db.host, port: db.port });
  });
  afterAll(async () => {
    await proxy.close();
  });
  afterEach(async () => {
    await source?.stop();
    source = null;
    proxy.restore();
    await db.pool.query('TRUNCATE patient_latest_vitals, alerts');
  });

  it('a source whose connection broke reconnects on refresh() at once, without waiting for its back-off', async () => {
    clock = new FakeClock(Date.now());
    delays = [];
    await latest('P1', clock.now() - 1_000, 80);
    const s = make();
    await s.start();
    expect(s.health().up).toBe(true);

    // the network goes: the polls fail and back off, 1 s doubling up to 16 s
    proxy.cut();
    for (let i = 0; i < 5; i++) {
      const n = delays.length;
      clock.advance(delays.at(-1)!);
      await vi.waitFor(() => expect(delays.length).toBe(n + 1));
    }
    expect(delays.slice(-5)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(s.health()).toMatchObject({ up: false, message: expect.stringMatching(/unreachable.*retrying/) });

    // the network is back, and the station hears of it: no clock time passes, no timer fires
    proxy.restore();
    await latest('P1', clock.now(), 91);
    const pendingBefore = clock.pending();
    await Promise.all([s.refresh(), s.refresh()]); // coalesced: one poll
    expect(s.health().up).toBe(true);
    expect((await s.beds()).find((b) => b.patientId === 'P1')?.latest?.heartRate).toBe(91);
    // the back-off starts over: the next poll follows at the poll interval, not 16 s later
    expect(delays.at(-1)).toBeLessThanOrEqual(1_000);
    expect(clock.pending()).toBe(pendingBefore); // one poll loop, still
  });

  it('does not wait on connections that went dead in a suspend: fresh ones answer at once', async () => {
    clock = new FakeClock(Date.now());
    delays = [];
    await latest('P2', clock.now() - 1_000, 75);
    // a hung query would only fail after this: long enough to fail the test if refresh() waited on one
    const s = make({ queryTimeoutMs: 60_000 });
    await s.start();
    const opened = proxy.connections();
    expect(opened).toBeGreaterThan(0);

    proxy.freezeOpen(); // the pool's idle connections are half-open now
    await latest('P2', clock.now(), 104);
    const t0 = performance.now();
    await s.refresh();
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(proxy.connections()).toBeGreaterThan(opened); // it connected afresh
    expect(s.health().up).toBe(true);
    expect((await s.beds()).find((b) => b.patientId === 'P2')?.latest?.heartRate).toBe(104);
  }, 20_000);

  it('resolves without a poll when stopped, and never rejects', async () => {
    clock = new FakeClock(Date.now());
    delays = [];
    const s = make();
    await s.refresh(); // not started
    await s.start();
    proxy.cut();
    await expect(s.refresh()).resolves.toBeUndefined(); // down: health says so
    expect(s.health().up).toBe(false);
    await s.stop();
    await expect(s.refresh()).resolves.toBeUndefined();
    expect(clock.pending()).toBe(0);
  });
});
