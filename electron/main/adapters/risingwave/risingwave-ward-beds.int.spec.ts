// Settings' bed editor in the RisingWave adapter (wardBeds, assignBed), against PostgreSQL standing in
// for RisingWave: PostgreSQL raises 23505 where RisingWave's INSERT overwrites, so both paths of the
// UPDATE-else-INSERT run here; the statements themselves are held to RisingWave's dialect by the gate.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestPgDatabase, type TestPgDatabase } from '../../../../tests/support/postgres';
import { createStandInSchema } from '../../../../tests/support/risingwave-bridge';
import {
  createRisingWaveVitalsSource,
  NO_WARD_MESSAGE,
  RISINGWAVE_SQL,
  type RisingWaveVitalsSourceOptions,
} from './risingwave-vitals-source';

let db: TestPgDatabase;
const now = Date.now();
const iso = (t: number) => new Date(t).toISOString();

beforeAll(async () => {
  db = await createTestPgDatabase('ns_rw_beds');
  await createStandInSchema(db.pool);
  for (let i = 1; i <= 6; i++) {
    await db.pool.query('INSERT INTO patient_latest_vitals VALUES ($1, $2, $3::timestamptz, 80, 97, 5.5)', [
      `P${i}`,
      `D${i}`,
      iso(now - 500),
    ]);
  }
}, 60_000);

beforeEach(async () => {
  await db.pool.query('DELETE FROM ward_beds');
  await db.pool.query(
    "INSERT INTO ward_beds VALUES ('A-1', 'A', 'P1', NULL, NULL), ('A-2', 'A', NULL, NULL, NULL), " +
      "('B-1', 'B', 'P3', NULL, NULL)",
  );
});

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
    pollIntervalMs: 60_000,
    log: () => undefined,
    wardId: 'A',
    ...extra,
  });
}

const who = { nurse: 'Li Na', stationId: 'ST-A' };

async function rows() {
  const r = await db.pool.query('SELECT bed_id, ward_id, patient_id FROM ward_beds ORDER BY bed_id');
  return r.rows as { bed_id: string; ward_id: string; patient_id: string | null }[];
}

describe('RisingWave source: ward beds for Settings', () => {
  it("lists only this ward's beds, with who changed them last", async () => {
    const s = source();
    await s.start();
    try {
      expect(await s.wardBeds!()).toEqual([
        { bedId: 'A-1', patientId: 'P1', updatedAt: null, updatedBy: null },
        { bedId: 'A-2', patientId: null, updatedAt: null, updatedBy: null },
      ]);
    } finally {
      await s.stop();
    }
  });

  it('assigns a patient to an empty bed, adds a new bed, and empties a bed; the tiles follow at once', async () => {
    const s = source();
    await s.start();
    try {
      expect((await s.beds()).map((b) => b.patientId)).toEqual(['P1']);
      const after = await s.assignBed!({ bedId: 'A-2', patientId: 'P2', ...who });
      const a2 = after.find((b) => b.bedId === 'A-2');
      expect(a2).toMatchObject({ patientId: 'P2', updatedBy: 'Li Na @ ST-A' });
      expect(a2?.updatedAt).toBeGreaterThanOrEqual(now - 60_000);
      // pollNow ran: the new patient is on a tile without waiting for the next poll
      expect((await s.beds()).map((b) => b.patientId).sort()).toEqual(['P1', 'P2']);
      expect(s.scope!()).toEqual(expect.arrayContaining(['P1', 'P2']));

      const added = await s.assignBed!({ bedId: 'A-3', patientId: 'P4', ...who });
      expect(added.map((b) => [b.bedId, b.patientId])).toEqual([
        ['A-1', 'P1'],
        ['A-2', 'P2'],
        ['A-3', 'P4'],
      ]);

      const cleared = await s.assignBed!({ bedId: 'A-1', patientId: null, ...who });
      expect(cleared.find((b) => b.bedId === 'A-1')?.patientId).toBeNull();
      expect(s.scope!()).not.toContain('P1');
    } finally {
      await s.stop();
    }
  });

  it('moves a patient: the bed they left in this ward is emptied, another ward keeps its row', async () => {
    await db.pool.query("UPDATE ward_beds SET patient_id = 'P1' WHERE bed_id = 'B-1'");
    const s = source();
    await s.start();
    try {
      const after = await s.assignBed!({ bedId: 'A-2', patientId: 'P1', ...who });
      expect(after.map((b) => [b.bedId, b.patientId])).toEqual([
        ['A-1', null],
        ['A-2', 'P1'],
      ]);
      // other wards are not this station's to change (the hospital's ADT corrects them)
      expect((await rows()).find((r) => r.bed_id === 'B-1')?.patient_id).toBe('P1');
    } finally {
      await s.stop();
    }
  });

  it("refuses a bed of another ward, and changes nothing (not even the patient's old bed)", async () => {
    const s = source();
    await s.start();
    try {
      const before = await rows();
      await expect(s.assignBed!({ bedId: 'B-1', patientId: 'P1', ...who })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('Bed B-1 belongs to another ward'),
      });
      expect(await rows()).toEqual(before);
    } finally {
      await s.stop();
    }
  });

  it('with no ward set, says so for both reading and assigning', async () => {
    const s = source({ wardId: null });
    await s.start();
    try {
      const refusal = { code: 'not_found', message: NO_WARD_MESSAGE };
      await expect(s.wardBeds!()).rejects.toMatchObject(refusal);
      await expect(s.assignBed!({ bedId: 'A-2', patientId: 'P2', ...who })).rejects.toMatchObject(refusal);
      expect((await rows()).find((r) => r.bed_id === 'A-2')?.patient_id).toBeNull();
    } finally {
      await s.stop();
    }
  });

  it('takes a bed another station of this ward created in the meantime (23505 → UPDATE again)', async () => {
    // the other station's INSERT lands between this one's UPDATE (no row yet) and its INSERT
    let raced = false;
    const s = source({
      createPool: (config) => {
        const pool = new pg.Pool(config);
        const original = pool.query.bind(pool) as (sql: string, params?: unknown[]) => Promise<unknown>;
        (pool as unknown as { query: typeof original }).query = async (sql, params) => {
          const r = await original(sql, params);
          if (!raced && sql === RISINGWAVE_SQL.wardBedUpdate) {
            raced = true;
            await db.pool.query("INSERT INTO ward_beds VALUES ('A-9', 'A', 'P6', NULL, 'other')");
          }
          return r;
        };
        return pool;
      },
    });
    await s.start();
    try {
      const after = await s.assignBed!({ bedId: 'A-9', patientId: 'P5', ...who });
      expect(raced).toBe(true);
      expect(after.find((b) => b.bedId === 'A-9')).toMatchObject({
        patientId: 'P5',
        updatedBy: 'Li Na @ ST-A',
      });
    } finally {
      await s.stop();
    }
  });
});
