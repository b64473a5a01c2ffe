// Runs the AlertStore contract against the local MariaDB/MySQL (tests/support/mariadb.ts), plus what
// only the MySQL adapter has: the schema file, the error messages and the server-side append-only audit.
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testServerConfig } from '../../../../tests/support/mariadb';
import type { TestDatabase } from '../../../../tests/support/mariadb';
import type { Alert } from '../../../../shared/domain/types';
import type { TransitionRequest } from '../../core/ports';
import { AlertStoreError } from '../alert-store-shared';
import { CONTRACT_STATION, CONTRACT_TIME_ZONE, runAlertStoreContract } from '../alert-store.contract';
import { createMysqlAlertStore } from './mysql-alert-store';
import { applyMysqlSchema, checkMysqlSchema, mysqlSchemaPath, rebuildAlertSummaries } from './mysql-schema';

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
  await admin.query('TRUNCATE TABLE alert_counts_hourly');
  await admin.query('TRUNCATE TABLE alert_patients');
  // the audit chain starts again with its table
  await admin.query("UPDATE audit_chain_heads SET seq = 0, head_hash = REPEAT('0', 64)");
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
    expect(res.statements).toBe(32);
    expect(await checkMysqlSchema(admin)).toEqual([]);
  });

  // Issue #18: a ward upgrading from schema version 2 keeps its audit rows; the chain's columns are added.
  it('adds the audit chain to an alert_events of schema version 2, keeping its rows, once', async () => {
    const sql = await readFile(mysqlSchemaPath(), 'utf8');
    const columns = async () => {
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'alert_events' ORDER BY ORDINAL_POSITION`,
      );
      return rows.map((r) => String(r.c));
    };
    // a version-2 database: alert_events without the chain's columns, one row written by that version
    await admin.query(
      'ALTER TABLE alert_events DROP COLUMN nurse_id, DROP COLUMN prev_hash, DROP COLUMN row_hash',
    );
    await admin.query('UPDATE nurse_station_schema SET version = 2');
    await admin.query(
      `INSERT INTO alert_events (alert_id, action, to_status, outcome, nurse, station_id, event_time, recorded_at)
       VALUES ('v2-row', 'confirm', 'confirmed', 'applied', 'Ana', 'ST-1', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
    );
    expect(await columns()).not.toContain('row_hash');
    await applyMysqlSchema(admin, sql);
    const after = await columns();
    expect(after.slice(-3)).toEqual(['nurse_id', 'prev_hash', 'row_hash']);
    const [kept] = await admin.query<RowDataPacket[]>(
      "SELECT nurse, row_hash FROM alert_events WHERE alert_id = 'v2-row'",
    );
    expect(kept).toEqual([{ nurse: 'Ana', row_hash: null }]);
    const [version] = await admin.query<RowDataPacket[]>('SELECT version FROM nurse_station_schema');
    expect(version[0]?.version).toBe(3);
    // again: nothing to add, nothing changed
    await applyMysqlSchema(admin, sql);
    expect(await columns()).toEqual(after);
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

  it('audits a status changed outside the app under the account that changed it', async () => {
    // Another account than the triggers' definer (root), as a hospital's administrator would be.
    const user = `ns_outside_${process.pid}`;
    await admin.query(`CREATE USER IF NOT EXISTS '${user}'@'%'`);
    await admin.query(`GRANT SELECT, UPDATE ON \`${db.config.database}\`.alerts TO '${user}'@'%'`);
    const outsider = await mysql.createConnection({ ...db.config, user, password: '' });
    const store = createMysqlAlertStore({ ...db.config, stationId: 'ST-1', timeZone: 'UTC' });
    try {
      await admin.query(`INSERT INTO alerts (alert_id, patient_id, alert_time, alert_type, alert_level)
        VALUES ('adm-1', 'P1', '2026-11-20 12:00:00', 'heart_rate', 2), ('adm-2', 'P1', '2026-11-20 12:00:01', 'heart_rate', 2)`);
      // adm-1: confirmed by a nurse through the app, then resolved by the administrator (the handling
      // columns still name the nurse: the audit must not)
      const at = Date.parse('2026-11-20T12:05:00Z');
      const snapshot = (await store.get('adm-1'))!;
      const confirmed = await store.transition({
        alertId: 'adm-1',
        action: 'confirm',
        nurse: 'Ann',
        stationId: 'ST-1',
        note: 'seen',
        at,
        snapshot,
      });
      expect(confirmed.kind).toBe('applied');
      await outsider.query("UPDATE alerts SET status = 'resolved' WHERE alert_id = 'adm-1'");
      // adm-2: resolved straight from pending by the administrator
      await outsider.query("UPDATE alerts SET status = 'resolved' WHERE alert_id = 'adm-2'");
      // neither an update that leaves the status alone (the sink's) nor a move back to pending is recorded
      await outsider.query("UPDATE alerts SET heart_rate = 190 WHERE alert_id = 'adm-2'");
      await outsider.query("UPDATE alerts SET status = 'pending' WHERE alert_id = 'adm-2'");
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT alert_id, action, from_status, to_status, outcome, nurse, station_id, note, event_time, message
          FROM alert_events WHERE alert_id IN ('adm-1', 'adm-2') ORDER BY event_id`,
      );
      const outside = {
        action: 'resolve',
        to_status: 'resolved',
        outcome: 'applied',
        nurse: expect.stringMatching(new RegExp(`^${user}@`)),
        station_id: '',
        note: null,
        message: 'status changed outside Nurse Station',
      };
      expect(rows).toEqual([
        expect.objectContaining({
          alert_id: 'adm-1',
          action: 'confirm',
          from_status: 'pending',
          nurse: 'Ann',
          station_id: 'ST-1',
          note: 'seen',
          event_time: new Date(at),
          message: null,
        }),
        expect.objectContaining({ alert_id: 'adm-1', from_status: 'confirmed', ...outside }),
        expect.objectContaining({ alert_id: 'adm-2', from_status: 'pending', ...outside }),
      ]);
      // the time of an outside change is when it was made, not the nurse's earlier one
      expect((rows[1]!.event_time as Date).getTime()).toBeGreaterThan(at);
    } finally {
      await store.close();
      await outsider.end();
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.query("DELETE FROM alerts WHERE alert_id IN ('adm-1', 'adm-2')");
    }
  });

  it('refuses acknowledgements against an older schema until the setup has run again', async () => {
    const store = createMysqlAlertStore({ ...db.config, stationId: 'ST-1', timeZone: 'UTC' });
    const at = Date.parse('2026-11-20T12:00:00Z');
    const snapshot: Alert = {
      alertId: 'old-1',
      patientId: 'P1',
      deviceId: 'D1',
      alertTime: at,
      alertType: 'heart_rate',
      alertDetail: 'heart rate 150 above 120',
      alertLevel: 2,
      status: 'pending',
      handleBy: null,
      handleTime: null,
      handleNote: null,
      reading: { heartRate: 150, bloodOxygen: 97, bloodGlucose: 5.4 },
    };
    const req: TransitionRequest = {
      alertId: 'old-1',
      action: 'confirm',
      nurse: 'Ana',
      stationId: 'ST-1',
      note: null,
      at,
      snapshot,
    };
    try {
      await store.upsertAlerts([snapshot]);
      await admin.query('UPDATE nurse_station_schema SET version = 1');
      const refused = await store.transition(req).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AlertStoreError);
      expect((refused as AlertStoreError).code).toBe('schema');
      expect((refused as Error).message).toMatch(
        /schema version 1, this app needs 3\) — run npm run backend:setup/,
      );
      await expect(store.ping()).rejects.toThrow(/older setup/);
      expect((await store.get('old-1'))?.status).toBe('pending');
      // a database from before the version table: the same advice
      await admin.query('DROP TABLE nurse_station_schema');
      await expect(store.ping()).rejects.toThrow(
        /set up by an older version \(it has no nurse_station_schema table\) — run npm run backend:setup/,
      );
      // the setup again: the next ping clears it and the acknowledgement goes through
      await applyMysqlSchema(admin, await readFile(mysqlSchemaPath(), 'utf8'));
      await store.ping();
      expect(await store.transition(req)).toMatchObject({ kind: 'applied' });
    } finally {
      await store.close();
      await admin.query("DELETE FROM alerts WHERE alert_id = 'old-1'");
    }
  });

  it('says which grant is missing when the account may not read the schema version', async () => {
    const user = `ns_app_${process.pid}`;
    const on = `\`${db.config.database}\``;
    await admin.query(`CREATE USER IF NOT EXISTS '${user}'@'%'`);
    // the app account's grants from the schema file's header, but for the version table
    await admin.query(`GRANT SELECT, INSERT, UPDATE ON ${on}.alerts TO '${user}'@'%'`);
    await admin.query(`GRANT SELECT, INSERT ON ${on}.alert_events TO '${user}'@'%'`);
    await admin.query(`GRANT SELECT ON ${on}.alert_counts_hourly TO '${user}'@'%'`);
    await admin.query(`GRANT SELECT ON ${on}.alert_patients TO '${user}'@'%'`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE ON ${on}.audit_chain_heads TO '${user}'@'%'`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE ON ${on}.nurse_roster TO '${user}'@'%'`);
    const store = createMysqlAlertStore({
      ...db.config,
      user,
      password: '',
      stationId: 'ST-1',
      timeZone: 'UTC',
    });
    try {
      const err = await store.ping().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'auth' });
      expect((err as Error).message).toBe(
        `The user "${user}" may not read the schema version — grant it SELECT on ${db.config.database}.nurse_station_schema`,
      );
      await admin.query(`GRANT SELECT ON ${on}.nurse_station_schema TO '${user}'@'%'`);
      await store.ping();
    } finally {
      await store.close();
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    }
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
    // The cards' parts that read alerts (the rest is alert_counts_hourly): each an index-only range.
    const firstHour = await plan(`SELECT alert_level, status, COUNT(*) FROM alerts
      WHERE ${from} AND alert_time < '2026-11-13 13:00:00' GROUP BY alert_level, status`);
    expect(firstHour).toEqual({ key: 'ix_alerts_time_cover', extra: expect.stringContaining('Using index') });
    const pendingThen = await plan(`SELECT COUNT(*) FROM alerts WHERE status = 'pending'
      AND ${from} AND alert_time <= '2026-11-20 11:50:00'`);
    expect(pendingThen.extra).toContain('Using index');
    const ackedSince = await plan(`SELECT COUNT(*) FROM alerts WHERE ack_time > '2026-11-20 11:50:00'
      AND ${from} AND alert_time <= '2026-11-20 11:50:00'`);
    expect(ackedSince).toEqual({ key: 'ix_alerts_ack_time', extra: expect.stringContaining('Using index') });
    // A ward (issue #12): its 4 of 40 patients, padded to the 16-id IN list the store binds. The cards
    // of a ward cannot use the hourly counts; they must still read only the ward's rows through an index.
    const ward = ['P1', 'P2', 'P3', 'P4', ...Array.from({ length: 12 }, () => 'P4')]
      .map((p) => `'${p}'`)
      .join(', ');
    const scopedCards = await plan(`SELECT COUNT(CASE WHEN alert_time >= '2026-11-13 12:00:00' THEN 1 END),
        COUNT(CASE WHEN alert_time <= '2026-11-20 11:50:00' AND (status = 'pending' OR ack_time > '2026-11-20 11:50:00') THEN 1 END)
      FROM alerts WHERE alert_time >= '2026-11-13 11:50:00' AND patient_id IN (${ward})`);
    expect(['ix_alerts_patient_time', 'ix_alerts_time_cover']).toContain(scopedCards.key);
    const scopedList = await plan(`${cols} WHERE ${from} AND patient_id IN (${ward}) ${order}`);
    expect(['ix_alerts_patient_time', 'ix_alerts_time']).toContain(scopedList.key);
    await admin.query('TRUNCATE TABLE alerts');
    await admin.query('TRUNCATE TABLE alert_counts_hourly');
    await admin.query('TRUNCATE TABLE alert_patients');
  });

  it('searches patients the same way whether few or many match', async () => {
    await admin.query('TRUNCATE TABLE alerts');
    await admin.query('TRUNCATE TABLE alert_patients');
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    const rows = Array.from({ length: 120 }, (_, i) => [
      `q${i}`,
      i % 2 ? `P${String(i).padStart(3, '0')}` : `bed-${i}`,
      new Date(now - i * 60_000),
    ]);
    await admin.query(
      `INSERT INTO alerts (alert_id, patient_id, alert_time, alert_level, alert_type, alert_detail)
       VALUES ${rows.map(() => "(?, ?, ?, 1, 'heart_rate', 'd')").join(', ')}`,
      rows.flat(),
    );
    const store = createMysqlAlertStore({ ...db.config, stationId: 'ST-S', timeZone: 'UTC' });
    const search = async (patientSearch: string) =>
      (await store.list({ range: '24h', limit: 200, patientSearch }, now)).items.map((a) => a.patientId);
    try {
      // 60 patients match "p" (the substring scan), 50 "p0", one "p011", five "bed-11" (ids by equality)
      const many = await search('p');
      expect(many).toHaveLength(60);
      expect(many.every((id) => id.startsWith('P'))).toBe(true);
      expect(await search('p0')).toHaveLength(50);
      expect(await search('p011')).toEqual(['P011']);
      expect(await search('BED-11')).toEqual(['bed-110', 'bed-112', 'bed-114', 'bed-116', 'bed-118']);
      expect(await search('nobody')).toEqual([]);
      expect(await search('%')).toEqual([]);
    } finally {
      await store.close();
      await admin.query('TRUNCATE TABLE alerts');
      await admin.query('TRUNCATE TABLE alert_counts_hourly');
      await admin.query('TRUNCATE TABLE alert_patients');
    }
  });

  it('gives the statistic cards exactly as counting every alert of the range would', async () => {
    await admin.query('TRUNCATE TABLE alerts');
    await admin.query('TRUNCATE TABLE alert_counts_hourly');
    // 3,000 alerts over 8 days (some in the future), statuses and acknowledgement times mixed
    const base = Date.UTC(2026, 10, 20, 12, 0, 0);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows: unknown[][] = [];
    for (let i = 0; i < 3000; i++) {
      const t = base - Math.floor(rnd() * 8 * 86_400_000) + 3_600_000;
      const status = ['pending', 'confirmed', 'resolved'][Math.floor(rnd() * 3)]!;
      const ack = status === 'pending' ? null : new Date(t + Math.floor(rnd() * 7_200_000));
      rows.push([`s${i}`, `P${i % 30}`, new Date(t), 1 + Math.floor(rnd() * 2), status, ack]);
    }
    await admin.query(
      `INSERT INTO alerts (alert_id, patient_id, alert_time, alert_level, status, ack_time, alert_type, alert_detail)
       VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, 'heart_rate', 'd')").join(', ')}`,
      rows.flat(),
    );
    const store = createMysqlAlertStore({ ...db.config, stationId: 'ST-S', timeZone: 'UTC' });
    const brute = async (from: number, now: number) => {
      const f = new Date(from);
      const t0 = new Date(now - 600_000);
      const [r] = await admin.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS total, COUNT(CASE WHEN alert_level < 2 THEN 1 END) AS level1,
           COUNT(CASE WHEN alert_level >= 2 THEN 1 END) AS level2,
           COUNT(CASE WHEN status = 'pending' THEN 1 END) AS pending,
           COUNT(CASE WHEN status = 'confirmed' THEN 1 END) AS confirmed,
           COUNT(CASE WHEN status = 'resolved' THEN 1 END) AS resolved,
           (SELECT COUNT(*) FROM alerts WHERE alert_time >= ? AND alert_time <= ?
              AND (ack_time IS NULL OR ack_time > ?)) AS pending_then
         FROM alerts WHERE alert_time >= ?`,
        [new Date(from - 600_000), t0, t0, f],
      );
      const x = r[0]!;
      return [
        x.total,
        x.level1,
        x.level2,
        x.pending,
        x.confirmed,
        x.resolved,
        x.pending - x.pending_then,
      ].map(Number);
    };
    const ranges = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
    try {
      for (const now of [base, base + 1234, base - 37 * 60_000 + 17, base - 3 * 86_400_000 + 59_999]) {
        for (const [range, span] of Object.entries(ranges)) {
          const s = await store.stats(range as keyof typeof ranges, now);
          const got = [s.total, s.level1, s.level2, s.pending, s.confirmed, s.resolved, s.pendingChange];
          expect(got, `${range} at ${new Date(now).toISOString()}`).toEqual(await brute(now - span, now));
        }
      }
    } finally {
      await store.close();
      await admin.query('TRUNCATE TABLE alerts');
      await admin.query('TRUNCATE TABLE alert_counts_hourly');
      await admin.query('TRUNCATE TABLE alert_patients');
    }
  });

  it('keeps the hourly counts exact through sink upserts, moved times, transitions and deletes', async () => {
    await admin.query('TRUNCATE TABLE alerts');
    await admin.query('TRUNCATE TABLE alert_counts_hourly');
    const counts = async () => {
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT DATE_FORMAT(hour_start, '%Y-%m-%d %H') AS h, alert_level AS l, status AS s, n
           FROM alert_counts_hourly WHERE n <> 0 ORDER BY h, l, s`,
      );
      return rows.map((r) => `${r.h} L${r.l} ${r.s} ${r.n}`);
    };
    const truth = async () => {
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT DATE_FORMAT(alert_time, '%Y-%m-%d %H') AS h, alert_level AS l, status AS s, COUNT(*) AS n
           FROM alerts GROUP BY h, l, s ORDER BY h, l, s`,
      );
      return rows.map((r) => `${r.h} L${r.l} ${r.s} ${r.n}`);
    };
    const upsert = (id: string, time: string, level: number) =>
      admin.query(
        `INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level)
         VALUES (?, 'P1', 'D1', ?, 'heart_rate', 'd', ?)
         ON DUPLICATE KEY UPDATE alert_time = VALUES(alert_time), alert_level = VALUES(alert_level)`,
        [id, time, level],
      );
    await upsert('a', '2026-11-20 10:59:59.999', 1);
    await upsert('b', '2026-11-20 11:00:00.000', 1);
    await upsert('c', '2026-11-20 11:30:00.000', 2);
    expect(await counts()).toEqual([
      '2026-11-20 10 L1 pending 1',
      '2026-11-20 11 L1 pending 1',
      '2026-11-20 11 L2 pending 1',
    ]);
    // the sink replays an alert unchanged: nothing moves
    await upsert('c', '2026-11-20 11:30:00.000', 2);
    // a late reading moves an alert into the previous hour
    await upsert('b', '2026-11-20 10:59:00.000', 1);
    // a nurse confirms, then resolves
    await admin.query(
      "UPDATE alerts SET status = 'confirmed', ack_time = '2026-11-20 11:31:00' WHERE alert_id = 'c'",
    );
    await admin.query("UPDATE alerts SET status = 'resolved' WHERE alert_id = 'c'");
    expect(await counts()).toEqual(['2026-11-20 10 L1 pending 2', '2026-11-20 11 L2 resolved 1']);
    await admin.query("DELETE FROM alerts WHERE alert_id = 'a'");
    expect(await counts()).toEqual(await truth());
    // a rebuild (what the setup command does after replacing the triggers) agrees
    await admin.query('UPDATE alert_counts_hourly SET n = 99');
    await rebuildAlertSummaries(admin);
    expect(await counts()).toEqual(['2026-11-20 10 L1 pending 1', '2026-11-20 11 L2 resolved 1']);
    await admin.query('TRUNCATE TABLE alerts');
    await admin.query('TRUNCATE TABLE alert_counts_hourly');
    await admin.query('TRUNCATE TABLE alert_patients');
  });

  describe('errors', () => {
    const server = testServerConfig();
    const base = { ...server, database: 'nurse_station', stationId: 'ST-1' };

    it('answers an empty ward, or a patient outside the ward, without asking the server', async () => {
      // nothing listens on port 1: any statement would fail as unavailable
      const store = createMysqlAlertStore({ ...base, host: '127.0.0.1', port: 1 });
      const now = Date.UTC(2026, 10, 20, 12, 0, 0);
      try {
        expect(await store.list({ range: '24h', limit: 50 }, now, [])).toEqual({ items: [], next: null });
        expect((await store.stats('24h', now, [])).total).toBe(0);
        expect((await store.burden('7d', now, [])).noisiestBeds).toEqual([]);
        expect(await store.pendingAlerts([])).toEqual([]);
        expect(await store.patientAlerts('P1', '24h', now, ['P2'])).toEqual([]);
        await expect(store.list({ range: '24h', limit: 50 }, now, ['P1'])).rejects.toMatchObject({
          code: 'unavailable',
        });
      } finally {
        await store.close();
      }
    });

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
