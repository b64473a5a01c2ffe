// Ward scoping, the push path and the no-answer watchdog of the RisingWave adapter, against PostgreSQL
// standing in for RisingWave's wire protocol (tables with the views' names and columns).
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, BackendHealth, BedSnapshot } from '../../../../shared/domain/types';
import { createTestPgDatabase, type TestPgDatabase } from '../../../../tests/support/postgres';
import { createStandInSchema } from '../../../../tests/support/risingwave-bridge';
import { checkRisingWaveStatement } from './risingwave-sql-rules';
import {
  createRisingWaveVitalsSource,
  RISINGWAVE_SQL,
  type AlertPush,
  type RisingWaveVitalsSourceOptions,
} from './risingwave-vitals-source';

let db: TestPgDatabase;
const now = Date.now();
const iso = (t: number) => new Date(t).toISOString();

beforeAll(async () => {
  db = await createTestPgDatabase('ns_rw_ward');
  await createStandInSchema(db.pool);
  // A 12-bed hospital: beds A-1..A-4 in ward A, B-1..B-4 in ward B, four patients in no ward.
  for (let i = 1; i <= 12; i++) {
    await db.pool.query('INSERT INTO patient_latest_vitals VALUES ($1, $2, $3::timestamptz, 80, 97, 5.5)', [
      `P${i}`,
      `D${i}`,
      iso(now - 500),
    ]);
  }
  for (let i = 1; i <= 4; i++) {
    await db.pool.query("INSERT INTO ward_beds (bed_id, ward_id, patient_id) VALUES ($1, 'A', $2)", [
      `A-${i}`,
      `P${i}`,
    ]);
    await db.pool.query("INSERT INTO ward_beds (bed_id, ward_id, patient_id) VALUES ($1, 'B', $2)", [
      `B-${i}`,
      `P${i + 4}`,
    ]);
  }
  await db.pool.query("INSERT INTO ward_beds (bed_id, ward_id, patient_id) VALUES ('A-5', 'A', NULL)");
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

function source(extra: Partial<RisingWaveVitalsSourceOptions> = {}) {
  return createRisingWaveVitalsSource({
    host: db.host,
    port: db.port,
    user: db.user,
    password: '',
    database: db.database,
    pollIntervalMs: 60_000, // polls are driven by pollNow()
    log: () => undefined,
    ...extra,
  });
}

let alertSeq = 0;
function alert(patientId: string, t = Date.now()): Alert {
  const id = (++alertSeq).toString(16).padStart(32, '0');
  return {
    alertId: id,
    patientId,
    deviceId: `D-${patientId}`,
    alertTime: t,
    alertType: 'heart_rate',
    alertDetail: 'Heart rate too high: 150 bpm',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 150, bloodOxygen: 97, bloodGlucose: 5.5 },
  };
}

async function insertAlert(a: Alert): Promise<void> {
  await db.pool.query(`INSERT INTO alerts VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7, 150, 97, 5.5)`, [
    a.alertId,
    a.patientId,
    a.deviceId,
    iso(a.alertTime),
    a.alertType,
    a.alertDetail,
    a.alertLevel,
  ]);
}

/** A push path the test drives by hand. */
function manualPush() {
  let deliver: ((alerts: Alert[]) => Promise<void>) | null = null;
  let live = false;
  const listeners = new Set<(live: boolean) => void>();
  const push: AlertPush = {
    start: () => undefined,
    stop: async () => undefined,
    live: () => live,
    problem: () => (live ? null : 'broker down'),
    onLiveChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    create: (d: (alerts: Alert[]) => Promise<void>) => {
      deliver = d;
      return push;
    },
    setLive(v: boolean) {
      live = v;
      for (const l of listeners) l(v);
    },
    deliver: (alerts: Alert[]) => deliver!(alerts),
  };
}

describe('ward scoping', () => {
  it('sends every statement through the RisingWave dialect gate', () => {
    for (const [name, sql] of Object.entries(RISINGWAVE_SQL)) {
      expect(checkRisingWaveStatement(sql), name).toEqual([]);
    }
  });

  it('reads only its own ward: beds, alerts and scope; the other ward the same', async () => {
    const a = source({ wardId: 'A' });
    const b = source({ wardId: 'B' });
    const seenA: Alert[] = [];
    const seenB: Alert[] = [];
    a.onAlerts((x) => seenA.push(...x));
    b.onAlerts((x) => seenB.push(...x));
    const inA = alert('P2');
    const inB = alert('P6');
    const nowhere = alert('P11');
    for (const x of [inA, inB, nowhere]) await insertAlert(x);
    await Promise.all([a.start(), b.start()]);
    expect((await a.beds()).map((x) => [x.bedId, x.patientId])).toEqual([
      ['A-1', 'P1'],
      ['A-2', 'P2'],
      ['A-3', 'P3'],
      ['A-4', 'P4'],
    ]);
    expect((await b.beds()).map((x) => x.patientId)).toEqual(['P5', 'P6', 'P7', 'P8']);
    expect(a.scope?.()).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(seenA.map((x) => x.alertId)).toEqual([inA.alertId]);
    expect(seenB.map((x) => x.alertId)).toEqual([inB.alertId]);
    // Rows read follow the ward (4 beds + 1 empty bed), not the 12-bed hospital.
    const before = a.rowsRead();
    await a.pollNow();
    expect(a.rowsRead() - before).toBeLessThanOrEqual(5 + 1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('follows the bed: a patient moved in appears, the one moved out is vacated', async () => {
    const a = source({ wardId: 'A' });
    const updates: BedSnapshot[] = [];
    a.onBeds((x) => updates.push(...x));
    await a.start();
    await db.pool.query("UPDATE ward_beds SET patient_id = 'P12' WHERE bed_id = 'A-4'");
    try {
      await a.pollNow();
      const beds = await a.beds();
      expect(beds.map((x) => x.patientId)).toEqual(['P1', 'P2', 'P3', 'P12']);
      expect(beds.find((x) => x.patientId === 'P12')?.bedId).toBe('A-4');
      expect(updates.filter((u) => u.vacated).map((u) => u.patientId)).toEqual(['P4']);
      expect(a.scope?.()).not.toContain('P4');
    } finally {
      await db.pool.query("UPDATE ward_beds SET patient_id = 'P4' WHERE bed_id = 'A-4'");
      await a.stop();
    }
  });

  it('without a ward reads the whole hospital (scope null)', async () => {
    const all = source();
    await all.start();
    expect((await all.beds()).length).toBe(12);
    expect(all.scope?.()).toBeNull();
    await all.stop();
  });
});

describe('push path', () => {
  it('delivers pushed alerts of its ward once, skips other wards, and stops polling alerts while live', async () => {
    const push = manualPush();
    const healths: BackendHealth[] = [];
    const a = source({ wardId: 'A', createAlertPush: push.create, reconcileIntervalMs: 60_000 });
    const got: Alert[] = [];
    a.onAlerts((x) => got.push(...x));
    a.onHealth((h) => healths.push(h));
    await a.start();
    expect(a.health()).toMatchObject({ up: true, alertPath: 'poll' });
    expect(a.health().message).toMatch(/Alert push from Kafka unavailable \(broker down\); polling/);
    push.setLive(true);
    expect(a.health()).toMatchObject({ up: true, alertPath: 'push', message: null });
    await a.pollNow(); // the catch-up poll right after the push path went live
    got.length = 0; // alerts of earlier tests, read by the first polls
    const mine = alert('P3');
    const theirs = alert('P7');
    await push.deliver([mine, theirs]);
    await push.deliver([mine]); // redelivered (offsets not committed before a restart)
    expect(got.map((x) => x.alertId)).toEqual([mine.alertId]);
    expect(a.feedCounts()).toMatchObject({ pushed: 1, outOfWard: 1 });
    // An out-of-ward alert makes the next poll read the ward's alerts (its patient may just have moved in).
    const readsBefore = a.rowsRead();
    await a.pollNow();
    expect(a.rowsRead() - readsBefore).toBeGreaterThan(5);
    // The sink wrote it to the view too: the safety-net poll must not deliver it again.
    await insertAlert(mine);
    const polledOnly = alert('P1');
    await insertAlert(polledOnly);
    const alertReads = () => a.rowsRead();
    const before = alertReads();
    await a.pollNow(); // live, not due: alerts are not read
    expect(got.map((x) => x.alertId)).toEqual([mine.alertId]);
    expect(alertReads() - before).toBeLessThanOrEqual(5);
    push.setLive(false); // broker lost: polling takes over and finds what the push path did not bring
    await a.pollNow();
    expect(got.map((x) => x.alertId)).toEqual([mine.alertId, polledOnly.alertId]);
    expect(a.health()).toMatchObject({ up: true, alertPath: 'poll' });
    await a.stop();
  });
});

describe('watchdog', () => {
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts the connection and never answers: a RisingWave behind a dead network path.
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('reports RisingWave down within 3.5 s when a working connection stops answering', async () => {
    const port = (server.address() as { port: number }).port;
    // Up first against the real server, then every query hangs.
    let hang = false;
    const a = source({
      wardId: 'A',
      pollIntervalMs: 1_000,
      queryTimeoutMs: 15_000,
      createPool: (config) => {
        const real = new pg.Pool({ ...config });
        const hung = new pg.Pool({ ...config, host: '127.0.0.1', port });
        hung.on('error', () => undefined);
        return new Proxy(real, {
          get(target, prop, receiver) {
            if (prop === 'query')
              return (...args: unknown[]) => (hang ? hung : target).query(...(args as [string]));
            if (prop === 'end')
              return async () => {
                await Promise.all([target.end(), hung.end().catch(() => undefined)]);
              };
            return Reflect.get(target, prop, receiver) as unknown;
          },
        });
      },
    });
    await a.start();
    expect(a.health().up).toBe(true);
    hang = true;
    const t0 = performance.now();
    while (a.health().up && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    const took = performance.now() - t0;
    expect(a.health().up).toBe(false);
    expect(a.health().message).toMatch(/No answer from RisingWave/);
    expect(took).toBeLessThan(4_500);
    hang = false;
    await a.stop();
  }, 30_000);
});
