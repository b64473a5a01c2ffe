// The RisingWave adapter against PostgreSQL, which stands in for RisingWave's wire protocol: the four
// relations the adapter reads are plain tables here, with RisingWave's names and columns.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert, BackendHealth, BedSnapshot } from '../../../../shared/domain/types';
import { createTestPgDatabase, type TestPgDatabase } from '../../../../tests/support/postgres';
import { FakeClock } from '../../core/fake-clock';
import type { Clock } from '../../core/ports';
import {
  createRisingWaveVitalsSource,
  type RisingWaveVitalsSource,
  type RisingWaveVitalsSourceOptions,
} from './risingwave-vitals-source';
import { checkRisingWaveStatement } from './risingwave-sql-rules';

const FIXTURE = `
  CREATE TABLE alerts (
    alert_id varchar PRIMARY KEY, patient_id varchar, device_id varchar, alert_time timestamptz,
    alert_type varchar, alert_detail varchar, alert_level int, heart_rate int,
    blood_oxygen double precision, blood_glucose double precision);
  CREATE TABLE patient_latest_vitals (
    patient_id varchar PRIMARY KEY, device_id varchar, measure_time timestamptz, heart_rate int,
    blood_oxygen double precision, blood_glucose double precision);
  CREATE TABLE patient_vitals_1min (
    patient_id varchar, window_start timestamptz,
    hr_min int, hr_avg numeric, hr_max int,
    spo2_min double precision, spo2_avg double precision, spo2_max double precision,
    glucose_min double precision, glucose_avg double precision, glucose_max double precision,
    PRIMARY KEY (patient_id, window_start));
  CREATE TABLE patient_thresholds (
    patient_id varchar PRIMARY KEY, heart_rate_min double precision, heart_rate_max double precision,
    blood_oxygen_min double precision, blood_glucose_min double precision, blood_glucose_max double precision,
    updated_at timestamptz, updated_by varchar);
`;

const BASE = Date.parse('2025-06-01T08:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

let db: TestPgDatabase;
/** every statement the adapters under test sent, for the RisingWave-subset check */
const statements = new Set<string>();

beforeAll(async () => {
  db = await createTestPgDatabase('ns_rw');
  await db.pool.query(FIXTURE);
});

afterAll(async () => {
  await db?.drop();
});

/** A pool whose queries are recorded, and that can be made to fail like a dead server. */
function recordingPoolFactory(state: { failing: boolean; failWhen?: (sql: string) => boolean }) {
  return (config: pg.PoolConfig): pg.Pool => {
    const pool = new pg.Pool(config);
    const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    const wrapped = (...args: unknown[]) => {
      const first = args[0];
      const sql = typeof first === 'string' ? first : (first as { text: string }).text;
      statements.add(sql);
      if (state.failing || state.failWhen?.(sql)) {
        return Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
        );
      }
      return original(...args);
    };
    Object.assign(pool, { query: wrapped });
    return pool;
  };
}

async function insertAlert(
  id: string,
  patientId: string,
  t: number,
  extra: { level?: number; type?: string } = {},
): Promise<void> {
  await db.pool.query(`INSERT INTO alerts VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7, 130, 95.5, 6.1)`, [
    id,
    patientId,
    `D-${patientId}`,
    iso(t),
    extra.type ?? 'heart_rate',
    'Heart rate too high: 130 bpm',
    extra.level ?? 1,
  ]);
}

async function insertLatest(patientId: string, t: number, hr = 80, spo2 = 97, glucose = 5.5): Promise<void> {
  await db.pool.query(
    `INSERT INTO patient_latest_vitals VALUES ($1, $2, $3::timestamptz, $4, $5, $6)
     ON CONFLICT (patient_id) DO UPDATE SET device_id = EXCLUDED.device_id, measure_time = EXCLUDED.measure_time,
       heart_rate = EXCLUDED.heart_rate, blood_oxygen = EXCLUDED.blood_oxygen, blood_glucose = EXCLUDED.blood_glucose`,
    [patientId, `D-${patientId}`, iso(t), hr, spo2, glucose],
  );
}

async function insertMinute(patientId: string, windowStart: number, hrAvg: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO patient_vitals_1min VALUES ($1, $2::timestamptz, $3, $4, $5, 95, 96.5, 98, 5.1, 5.4, 5.9)`,
    [patientId, iso(windowStart), Math.floor(hrAvg) - 5, hrAvg, Math.ceil(hrAvg) + 5],
  );
}

describe('RisingWave vitals source (PostgreSQL stand-in)', () => {
  let clock: FakeClock;
  let source: RisingWaveVitalsSource | null = null;
  let delivered: Alert[];
  let bedUpdates: BedSnapshot[][];
  let healthLog: BackendHealth[];
  let pool: { failing: boolean; failWhen?: (sql: string) => boolean };

  /** The test's fake clock, recording the delay of every timer set on it. */
  function delayRecordingClock(delays: number[]): Clock {
    return {
      now: () => clock.now(),
      monotonic: () => clock.monotonic(),
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return clock.setTimeout(fn, ms);
      },
      clearTimeout: (h) => clock.clearTimeout(h),
    };
  }

  function makeSource(extra: Partial<RisingWaveVitalsSourceOptions> = {}, theClock: Clock = clock) {
    const s = createRisingWaveVitalsSource({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
      clock: theClock,
      stationId: 'station-7',
      createPool: recordingPoolFactory(pool),
      log: () => undefined,
      // These tests count and time the poll timers; the no-answer watchdog has its own spec (ward spec).
      noAnswerAfterMs: 0,
      ...extra,
    });
    s.onAlerts((a) => delivered.push(...a));
    s.onBeds((b) => bedUpdates.push(b));
    s.onHealth((h) => healthLog.push(h));
    source = s;
    return s;
  }

  beforeEach(async () => {
    clock = new FakeClock(BASE);
    delivered = [];
    bedUpdates = [];
    healthLog = [];
    pool = { failing: false };
    await db.pool.query('TRUNCATE alerts, patient_latest_vitals, patient_vitals_1min, patient_thresholds');
  });

  afterEach(async () => {
    await source?.stop();
    source = null;
  });

  it('lists beds with their latest reading, sparklines seeded from the 1-minute view, and states', async () => {
    for (let m = 10; m >= 1; m--) await insertMinute('P1', BASE - m * 60_000, 70 + m + 0.5);
    await insertMinute('P1', BASE - 11 * 60_000, 999); // outside the 10-minute seed window
    await insertLatest('P1', BASE - 2_000, 88, 97.5, 5.6);
    await insertLatest('P2', BASE - 1_000, 75, 99, 5.0);
    await insertLatest('P10', BASE - 45_000, 60, 96, 6.0); // silent for 45 s
    await insertAlert(md5('a1'), 'P2', BASE - 60_000, { level: 2, type: 'multi_vital_signs_deterioration' });

    const s = makeSource();
    await s.start();
    expect(s.health()).toMatchObject({ backend: 'vitals', adapter: 'risingwave', up: true, message: null });

    const beds = await s.beds();
    expect(beds.map((b) => b.patientId)).toEqual(['P1', 'P2', 'P10']);
    const [p1, p2, p10] = beds;
    expect(p1!.latest).toEqual({
      patientId: 'P1',
      deviceId: 'D-P1',
      measureTime: BASE - 2_000,
      heartRate: 88,
      bloodOxygen: 97.5,
      bloodGlucose: 5.6,
    });
    // ten seeded minute averages (oldest first, numeric parsed as number) + the live value
    expect(p1!.spark.heartRate).toEqual([80.5, 79.5, 78.5, 77.5, 76.5, 75.5, 74.5, 73.5, 72.5, 71.5, 88]);
    expect(p1!.spark.bloodOxygen).toHaveLength(11);
    expect(p1!.state).toBe('normal');
    expect(p2!.state).toBe('critical');
    expect(p2!.activeAlertIds).toEqual([md5('a1')]);
    expect(p10!.state).toBe('signal_loss');
    expect(bedUpdates[0]).toHaveLength(3);

    // a new reading moves the ring and is announced; unchanged beds are not
    await insertLatest('P1', BASE + 1_000, 91, 97, 5.6);
    clock.advance(1_000);
    await s.pollNow();
    const last = bedUpdates[bedUpdates.length - 1]!;
    expect(last.map((b) => b.patientId)).toEqual(['P1']);
    expect(last[0]!.spark.heartRate.at(-1)).toBe(91);
    expect(last[0]!.latest?.heartRate).toBe(91);
  });

  it('returns 1-minute trend points for a range, oldest first, end exclusive', async () => {
    for (let m = 0; m < 5; m++) await insertMinute('P1', BASE + m * 60_000, 80 + m);
    await insertMinute('P2', BASE, 50);
    const s = makeSource();
    await s.start();
    const points = await s.trend('P1', BASE + 60_000, BASE + 4 * 60_000);
    expect(points.map((p) => p.t)).toEqual([BASE + 60_000, BASE + 120_000, BASE + 180_000]);
    expect(points[0]).toEqual({
      t: BASE + 60_000,
      heartRate: { min: 76, avg: 81, max: 86 },
      bloodOxygen: { min: 95, avg: 96.5, max: 98 },
      bloodGlucose: { min: 5.1, avg: 5.4, max: 5.9 },
    });
    expect(await s.trend('P404', BASE, BASE + 600_000)).toEqual([]);
  });

  it('reads default thresholds, stores custom ones, and updates them in place', async () => {
    const s = makeSource();
    await s.start();
    expect(await s.thresholds('P1')).toEqual({
      patientId: 'P1',
      heartRateMin: 50,
      heartRateMax: 120,
      bloodOxygenMin: 93,
      bloodGlucoseMin: 3.9,
      bloodGlucoseMax: 7.2,
      custom: false,
    });
    const limits = {
      heartRateMin: 45,
      heartRateMax: 110,
      bloodOxygenMin: 90,
      bloodGlucoseMin: 4,
      bloodGlucoseMax: 8.5,
    };
    expect(await s.updateThresholds('P1', limits)).toEqual({ patientId: 'P1', ...limits, custom: true });
    expect(await s.thresholds('P1')).toEqual({ patientId: 'P1', ...limits, custom: true });

    clock.advance(5_000);
    const changed = { ...limits, heartRateMax: 125.5 };
    await s.updateThresholds('P1', changed);
    expect(await s.thresholds('P1')).toEqual({ patientId: 'P1', ...changed, custom: true });
    const rows = await db.pool.query('SELECT updated_by, updated_at FROM patient_thresholds');
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].updated_by).toBe('station-7');
    expect((rows.rows[0].updated_at as Date).getTime()).toBe(BASE + 5_000);
    expect(await s.thresholds('P2')).toMatchObject({ custom: false });
  });

  it('delivers each alert once, in alert_time order, including late rows inside the overlap window', async () => {
    await insertAlert(md5('old'), 'P1', BASE - 11 * 60_000); // before the first poll's 10-minute lookback
    await insertAlert(md5('b'), 'P2', BASE - 30_000);
    await insertAlert(md5('a'), 'P1', BASE - 60_000, { level: 2 });
    const s = makeSource();
    await s.start();
    expect(delivered.map((a) => a.alertId)).toEqual([md5('a'), md5('b')]);
    expect(delivered[0]).toMatchObject({
      patientId: 'P1',
      deviceId: 'D-P1',
      alertTime: BASE - 60_000,
      alertType: 'heart_rate',
      alertLevel: 2,
      status: 'pending',
      reading: { heartRate: 130, bloodOxygen: 95.5, bloodGlucose: 6.1 },
    });

    // newest alert seen: BASE + 10 s
    await insertAlert(md5('c'), 'P1', BASE + 10_000);
    clock.advance(11_000);
    await s.pollNow();
    expect(delivered.map((a) => a.alertId)).toEqual([md5('a'), md5('b'), md5('c')]);

    // rows committed late: two inside the 5-s overlap (one sharing the newest timestamp), one outside
    await insertAlert(md5('late-1'), 'P2', BASE + 7_000);
    await insertAlert(md5('late-0'), 'P3', BASE + 6_000);
    await insertAlert(md5('c2'), 'P3', BASE + 10_000);
    await insertAlert(md5('too-late'), 'P3', BASE + 1_000);
    await insertAlert(md5('d'), 'P2', BASE + 12_000);
    clock.advance(1_000);
    await s.pollNow();
    const batch = delivered.slice(3);
    expect(batch.map((a) => a.alertTime)).toEqual([BASE + 6_000, BASE + 7_000, BASE + 10_000, BASE + 12_000]);
    expect(batch.map((a) => a.alertId)).toEqual([md5('late-0'), md5('late-1'), md5('c2'), md5('d')]);

    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await s.pollNow();
    }
    const ids = delivered.map((a) => a.alertId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(md5('too-late'));
    expect(ids).not.toContain(md5('old'));
  });

  it('pages through a backlog larger than one page without losing or repeating rows', async () => {
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < 1234; i++) {
      // several rows share each timestamp, so paging must break ties on alert_id
      params.push(md5(`bulk-${i}`), `P${i % 7}`, iso(BASE - 120_000 + Math.floor(i / 3) * 10));
      const n = params.length;
      values.push(`($${n - 2}, $${n - 1}, 'D', $${n}::timestamptz, 'blood_oxygen', 'x', 1, 80, 90, 5)`);
    }
    await db.pool.query(`INSERT INTO alerts VALUES ${values.join(',')}`, params);
    const s = makeSource();
    await s.start();
    expect(delivered).toHaveLength(1234);
    const sorted = [...delivered].sort(
      (a, b) => a.alertTime - b.alertTime || (a.alertId < b.alertId ? -1 : 1),
    );
    expect(delivered.map((a) => a.alertId)).toEqual(sorted.map((a) => a.alertId));
    clock.advance(1_000);
    await s.pollNow();
    expect(delivered).toHaveLength(1234);
  });

  it('still delivers the pages read before a poll failed, and the rest once the server is back', async () => {
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < 600; i++) {
      params.push(md5(`part-${i}`), iso(BASE - 60_000 + i * 10));
      const n = params.length;
      values.push(`($${n - 1}, 'P1', 'D', $${n}::timestamptz, 'heart_rate', 'x', 1, 130, 97, 5)`);
    }
    await db.pool.query(`INSERT INTO alerts VALUES ${values.join(',')}`, params);
    pool.failWhen = (sql) => sql.includes('alert_id > $2');
    const s = makeSource();
    await s.start();
    expect(s.health().up).toBe(false);
    expect(delivered).toHaveLength(500);

    pool.failWhen = undefined;
    clock.advance(1_000);
    await s.pollNow();
    expect(s.health().up).toBe(true);
    expect(delivered).toHaveLength(600);
    expect(new Set(delivered.map((a) => a.alertId)).size).toBe(600);
    expect(delivered.map((a) => a.alertTime)).toEqual(
      [...delivered.map((a) => a.alertTime)].sort((a, b) => a - b),
    );
  });

  it('resumes after stop()/start() without gaps or repeats, and leaves no timer behind', async () => {
    await insertAlert(md5('r1'), 'P1', BASE - 5_000);
    const s = makeSource();
    await s.start();
    expect(clock.pending()).toBe(1);
    await s.stop();
    expect(clock.pending()).toBe(0);
    expect(s.health()).toMatchObject({ up: false });

    // while stopped: new alerts, one of them older than the newest delivered (inside the overlap)
    await insertAlert(md5('r2'), 'P1', BASE + 20_000);
    await insertAlert(md5('r0'), 'P2', BASE - 7_000);
    clock.advance(30_000);
    await s.start();
    await s.pollNow();
    expect(delivered.map((a) => a.alertId)).toEqual([md5('r1'), md5('r0'), md5('r2')]);
    await s.stop();
    expect(clock.pending()).toBe(0);
  });

  it('keeps delivering after the database connections are killed, without repeats', async () => {
    await insertAlert(md5('k1'), 'P1', BASE - 1_000);
    const s = makeSource();
    await s.start();
    // Kill every server connection of the test database (as a server restart would).
    await db.pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [db.database],
    );
    await insertAlert(md5('k2'), 'P1', BASE + 500);
    clock.advance(1_000);
    // the first poll may hit a dead connection; the next one reconnects
    await s.pollNow();
    await s.pollNow();
    expect(s.health().up).toBe(true);
    expect(delivered.map((a) => a.alertId)).toEqual([md5('k1'), md5('k2')]);
  });

  it("raises one signal-loss alert per silence, with the engine's deterministic id", async () => {
    const last = BASE - 1_234;
    await insertLatest('P1', last);
    const s = makeSource({ signalLossMs: 30_000 });
    await s.start();
    expect(delivered).toEqual([]);

    clock.advance(29_000); // silent 30.234 s
    await s.pollNow();
    expect(delivered).toHaveLength(1);
    const bucketSeconds = Math.floor((last + 30_000) / 30_000) * 30;
    expect(delivered[0]).toMatchObject({
      alertId: md5(`P1|signal_loss|${bucketSeconds}`),
      patientId: 'P1',
      deviceId: 'D-P1',
      alertType: 'signal_loss',
      alertLevel: 1,
      alertTime: BASE + 29_000,
      reading: null,
    });
    expect((await s.beds())[0]!.state).toBe('signal_loss');

    clock.advance(5_000);
    await s.pollNow();
    expect(delivered).toHaveLength(1); // once per silence

    // a second source (another station, or a restart) computes the same id for the same silence
    const otherClock = new FakeClock(BASE + 47_000);
    const other = createRisingWaveVitalsSource({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
      clock: otherClock,
      log: () => undefined,
    });
    const seenByOther: Alert[] = [];
    other.onAlerts((a) => seenByOther.push(...a));
    await other.start();
    await other.stop();
    expect(seenByOther.map((a) => a.alertId)).toEqual([delivered[0]!.alertId]);

    // the bed speaks again, then falls silent again: a new episode, a new id
    await insertLatest('P1', BASE + 40_000);
    clock.advance(7_000);
    await s.pollNow();
    expect((await s.beds())[0]!.state).toBe('normal');
    clock.advance(31_000);
    await s.pollNow();
    expect(delivered).toHaveLength(2);
    expect(delivered[1]!.alertId).toBe(md5(`P1|signal_loss|${Math.floor((BASE + 70_000) / 30_000) * 30}`));
  });

  it('polls at a fixed rate: a slow poll does not stretch the period', async () => {
    const delays: number[] = [];
    const recording = delayRecordingClock(delays);
    // every statement takes 100 ms of (fake) time
    pool.failWhen = () => {
      clock.advance(100);
      return false;
    };
    const s = makeSource({ pollIntervalMs: 1_000 }, recording);
    await s.start();
    const pollMs = clock.now() - BASE;
    expect(pollMs).toBeGreaterThanOrEqual(200);
    expect(delays).toEqual([1_000 - pollMs]);
    // a poll slower than the interval: the next one follows after the minimum gap, not at once
    pool.failWhen = () => {
      clock.advance(600);
      return false;
    };
    clock.advance(delays[0]!);
    await vi.waitFor(() => expect(delays).toHaveLength(2));
    expect(delays[1]).toBe(100);
  });

  it('reports health transitions and retries with backoff (1 s doubling to 30 s)', async () => {
    const delays: number[] = [];
    const recording = delayRecordingClock(delays);
    pool.failing = true;
    const s = makeSource({ pollIntervalMs: 1_000 }, recording);
    await s.start();
    expect(s.health()).toMatchObject({
      up: false,
      message: `RisingWave unreachable at ${db.host}:${db.port} — retrying`,
    });
    for (let i = 0; i < 6; i++) {
      const before = delays.length;
      clock.advance(delays[delays.length - 1]!);
      await vi.waitFor(() => expect(delays.length).toBe(before + 1));
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);

    pool.failing = false;
    clock.advance(30_000);
    await vi.waitFor(() => expect(s.health().up).toBe(true));
    await vi.waitFor(() => expect(delays.at(-1)).toBe(1_000));
    expect(healthLog.map((h) => [h.up, h.message])).toEqual([
      [false, `Connecting to RisingWave at ${db.host}:${db.port}`],
      [false, `RisingWave unreachable at ${db.host}:${db.port} — retrying`],
      [true, null],
    ]);
    expect(healthLog[2]!.since).toBe(clock.now());
  });

  it('says RisingWave is unreachable when nothing listens on the port, and request methods fail cleanly', async () => {
    const port = await closedPort();
    const s = createRisingWaveVitalsSource({
      host: '127.0.0.1',
      port,
      user: 'root',
      password: 'secret-pw',
      database: 'dev',
      clock,
      log: () => undefined,
    });
    source = s;
    const seen: BackendHealth[] = [];
    s.onHealth((h) => seen.push(h));
    await s.start();
    expect(s.health()).toMatchObject({
      up: false,
      message: `RisingWave unreachable at 127.0.0.1:${port} — retrying`,
    });
    expect(seen.at(-1)?.message).toBe(`RisingWave unreachable at 127.0.0.1:${port} — retrying`);
    const err = await s.thresholds('P1').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'unavailable',
      message: `RisingWave unreachable at 127.0.0.1:${port}`,
    });
    expect(String((err as Error).message)).not.toContain('secret-pw');
    expect(s.rejects()).toEqual({ total: 0, byDevice: [] });
  });

  it('names a missing view as a setup problem', async () => {
    await db.pool.query('ALTER TABLE patient_vitals_1min RENAME TO patient_vitals_1min_gone');
    try {
      const s = makeSource();
      await s.start();
      expect(s.health().message).toBe(
        `RisingWave at ${db.host}:${db.port} lacks the Nurse Station tables/views (run npm run backend:setup) — retrying`,
      );
    } finally {
      await db.pool.query('ALTER TABLE patient_vitals_1min_gone RENAME TO patient_vitals_1min');
    }
  });

  it('passes hostile patient ids as data, never as SQL', async () => {
    const s = makeSource();
    await s.start();
    const hostile = [
      "P1'; DROP TABLE alerts; --",
      "x' OR '1'='1",
      'P1"; DELETE FROM patient_thresholds; --',
      "'); TRUNCATE patient_latest_vitals; --",
    ];
    await insertLatest('P9', BASE);
    const limits = {
      heartRateMin: 40,
      heartRateMax: 100,
      bloodOxygenMin: 90,
      bloodGlucoseMin: 4,
      bloodGlucoseMax: 9,
    };
    await s.updateThresholds('P9', limits);
    for (const id of hostile) {
      expect(await s.thresholds(id)).toMatchObject({ patientId: id, custom: false });
      expect(await s.trend(id, BASE - 3_600_000, BASE)).toEqual([]);
      await s.updateThresholds(id, limits);
      expect(await s.thresholds(id)).toMatchObject({ patientId: id, custom: true });
    }
    await expect(
      s.updateThresholds('P1', { ...limits, heartRateMax: '1; DROP TABLE alerts' as unknown as number }),
    ).rejects.toThrow(RangeError);
    const tables = await db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'alerts',
      'patient_latest_vitals',
      'patient_thresholds',
      'patient_vitals_1min',
    ]);
    const stored = await db.pool.query('SELECT patient_id FROM patient_thresholds ORDER BY patient_id');
    expect(stored.rows.map((r) => r.patient_id).sort()).toEqual(['P9', ...hostile].sort());
    expect((await db.pool.query('SELECT count(*)::int AS n FROM patient_latest_vitals')).rows[0].n).toBe(1);
  });

  it('sent only statements inside the RisingWave subset (casts on every parameter, literal LIMITs)', () => {
    expect(statements.size).toBeGreaterThanOrEqual(8);
    for (const sql of statements) expect(checkRisingWaveStatement(sql), sql).toEqual([]);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
