// Runs the AlertStore contract against the local MariaDB/MySQL (tests/support/mariadb.ts), plus what
// only the MySQL adapter has: the schema file, the error messages and the server-side append-only audit.
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testServerConfig } from '../../../../tests/support/mariadb';
import type { TestDatabase } from '../../../../tests/support/mariadb';
import { AlertStoreError } from '../alert-store-shared';
import { CONTRACT_STATION, CONTRACT_TIME_ZONE, runAlertStoreContract } from '../alert-store.contract';
import { createMysqlAlertStore } from './mysql-alert-store';
import { applyMysqlSchema, checkMysqlSchema, mysqlSchemaPath } from './mysql-schema';

let db: TestDatabase;
let admin: Connection;

beforeAll(async () => {
  db = await createTestDatabase();
  admin = await mysql.createConnection({ ...db.config });
  await applyMysqlSchema(admin, await readFile(mysqlSchemaPath(), 'utf8'));
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await db?.drop();
});

runAlertStoreContract('mysql', async () => {
  // TRUNCATE is DDL: the append-only triggers do not fire, and the tables start empty for each test.
  await admin.query('TRUNCATE TABLE alerts');
  await admin.query('TRUNCATE TABLE alert_events');
  const store = createMysqlAlertStore({
    ...db.config,
    stationId: CONTRACT_STATION,
    timeZone: CONTRACT_TIME_ZONE,
  });
  return { store, cleanup: () => store.close() };
});

describe('mysql alert store', () => {
  it('applies the schema file again without harm', async () => {
    const sql = await readFile(mysqlSchemaPath(), 'utf8');
    const res = await applyMysqlSchema(admin, sql);
    expect(res.statements).toBe(6);
    expect(await checkMysqlSchema(admin)).toEqual([]);
  });

  it('keeps the audit append-only on the server', async () => {
    await admin.query(
      `INSERT INTO alert_events (alert_id, action, to_status, outcome, nurse, station_id, event_time, recorded_at)
       VALUES ('x', 'confirm', 'confirmed', 'not_found', 'Ana', 'ST-1', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
    );
    await expect(admin.query("UPDATE alert_events SET nurse = 'Eve'")).rejects.toThrow(/append-only/);
    await expect(admin.query('DELETE FROM alert_events')).rejects.toThrow(/append-only/);
  });

  it('serves the list, its filters and the cards from indexes', async () => {
    // 20 000 alerts over ~4.6 days, 5 % pending, so the optimizer has real statistics to go by.
    await admin.query('TRUNCATE TABLE alerts');
    await admin.query(`INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type, alert_detail,
        alert_level, status)
      WITH d (n) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
          UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
        seq (n) AS (SELECT a.n + 10 * b.n + 100 * c.n + 1000 * e.n + 10000 * f.n FROM d a, d b, d c, d e, d f
          WHERE f.n < 2)
      SELECT CONCAT('id-', n), CONCAT('P', n MOD 40), 'D', TIMESTAMPADD(SECOND, -20 * n, '2026-11-20 12:00:00'),
        'heart_rate', 'd', IF(n MOD 5 = 0, 2, 1), IF(n MOD 20 = 0, 'pending', 'resolved') FROM seq`);
    await admin.query('ANALYZE TABLE alerts');
    const plan = async (sql: string): Promise<{ key: string | null; extra: string }> => {
      const [rows] = await admin.query<RowDataPacket[]>(`EXPLAIN ${sql}`);
      return { key: rows[0]?.key ?? null, extra: String(rows[0]?.Extra ?? '') };
    };
    const cols = 'SELECT alert_id, patient_id, alert_time, status, handle_by FROM alerts';
    const order = 'ORDER BY alert_time DESC, alert_id DESC LIMIT 51';
    const from = "alert_time >= '2026-11-13 12:00:00'";
    // Several indexes can serve a filter without a filesort; the optimizer picks by statistics.
    const cases: [string, string | string[]][] = [
      [`${cols} WHERE ${from} ${order}`, 'ix_alerts_time'],
      [
        `${cols} WHERE ${from} AND alert_time <= '2026-11-18' AND (alert_time < '2026-11-18' OR alert_id < 'id-5') ${order}`,
        'ix_alerts_time',
      ],
      [
        `${cols} WHERE ${from} AND status = 'pending' ${order}`,
        ['ix_alerts_status_time', 'ix_alerts_status_level_time', 'ix_alerts_time'],
      ],
      [`${cols} WHERE ${from} AND alert_level = 2 ${order}`, 'ix_alerts_level_time'],
      [`${cols} WHERE patient_id = 'P7' AND ${from} ${order}`, 'ix_alerts_patient_time'],
    ];
    for (const [sql, key] of cases) {
      const p = await plan(sql);
      expect(typeof key === 'string' ? [key] : key, sql).toContain(p.key);
      expect(p.extra, sql).not.toMatch(/filesort/);
    }
    const cards =
      await plan(`SELECT COUNT(CASE WHEN status = 'pending' THEN 1 END), COUNT(CASE WHEN ack_time IS NULL
      THEN 1 END), COUNT(CASE WHEN alert_level < 2 THEN 1 END) FROM alerts WHERE ${from}`);
    expect(cards).toEqual({ key: 'ix_alerts_time_cover', extra: expect.stringContaining('Using index') });
    await admin.query('TRUNCATE TABLE alerts');
  });

  describe('errors', () => {
    const server = testServerConfig();
    const base = { ...server, database: 'nurse_station', stationId: 'ST-1' };

    async function failure(opts: Parameters<typeof createMysqlAlertStore>[0]): Promise<AlertStoreError> {
      const store = createMysqlAlertStore(opts);
      try {
        const err = await store.ping().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AlertStoreError);
        return err as AlertStoreError;
      } finally {
        await store.close();
      }
    }

    it('reports an unreachable server quickly', async () => {
      const start = Date.now();
      const err = await failure({ ...base, host: '127.0.0.1', port: 1 });
      expect(err.code).toBe('unavailable');
      expect(err.message).toBe('Alert store unreachable at 127.0.0.1:1 (connection refused)');
      expect(Date.now() - start).toBeLessThan(3_500);
    });

    it('reports a refused user without the password', async () => {
      const err = await failure({ ...base, user: 'ns_no_such_user', password: 'hunter2-secret' });
      expect(err.code).toBe('auth');
      expect(err.message).toBe('Alert store refused the user "ns_no_such_user" — check the password');
      expect(JSON.stringify({ m: err.message, d: err.detail })).not.toContain('hunter2');
    });

    it('reports a missing database with the way out', async () => {
      const err = await failure({ ...base, database: 'ns_test_does_not_exist' });
      expect(err.code).toBe('schema');
      expect(err.message).toBe(
        'Database "ns_test_does_not_exist" does not exist — run npm run backend:setup',
      );
    });

    it('reports missing tables as a schema problem', async () => {
      const empty = await createTestDatabase();
      try {
        const err = await failure({ ...base, ...empty.config });
        expect(err.code).toBe('schema');
        expect(err.message).toMatch(/alert tables in database "ns_test_\w+" are missing or out of date/);
      } finally {
        await empty.drop();
      }
    });

    it("names the columns an older table (the demo's) lacks", async () => {
      const old = await createTestDatabase();
      const c = await mysql.createConnection({ ...old.config });
      try {
        await c.query(`CREATE TABLE alerts (alert_id VARCHAR(64) PRIMARY KEY, patient_id VARCHAR(64),
          device_id VARCHAR(64), alert_time DATETIME(3), alert_type VARCHAR(64), alert_detail VARCHAR(255),
          alert_level TINYINT, heart_rate INT, blood_oxygen DOUBLE, blood_glucose DOUBLE,
          status VARCHAR(20), handle_by VARCHAR(80), handle_time DATETIME(3), handle_note VARCHAR(1000))`);
        const err = await applyMysqlSchema(c, await readFile(mysqlSchemaPath(), 'utf8')).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AlertStoreError);
        expect((err as AlertStoreError).code).toBe('schema');
        expect((err as AlertStoreError).message).toMatch(
          /"alerts" comes from an older schema and lacks handle_station, ack_time, version/,
        );
        const store = createMysqlAlertStore({ ...base, ...old.config });
        await expect(store.ping()).rejects.toMatchObject({ code: 'schema' });
        await store.close();
      } finally {
        await c.end();
        await old.drop();
      }
    });
  });
});
