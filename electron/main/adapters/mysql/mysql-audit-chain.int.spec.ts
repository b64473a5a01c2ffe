// The hash chain of alert_events on the local MariaDB/MySQL (tests/support/mariadb.ts): written by
// concurrent stations, checked by verifyMysqlAuditChain, and tampering found at its first row.
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../tests/support/mariadb';
import type { TestDatabase } from '../../../../tests/support/mariadb';
import {
  appendAlertEvent,
  lockAlertEventsHead,
  verifyMysqlAuditChain,
  type AlertEventValues,
} from './mysql-audit-chain';

let db: TestDatabase;
let admin: Connection;

beforeAll(async () => {
  db = await createTestDatabase({ applySchema: true });
  admin = await mysql.createConnection({ ...db.config, timezone: 'Z' });
  // an administrator who means harm can drop the append-only triggers: the chain still tells
  await admin.query('DROP TRIGGER IF EXISTS alert_events_no_update');
  await admin.query('DROP TRIGGER IF EXISTS alert_events_no_delete');
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await db?.drop();
});

beforeEach(async () => {
  await admin.query('TRUNCATE TABLE alert_events');
  await admin.query(
    "UPDATE audit_chain_heads SET seq = 0, head_hash = REPEAT('0', 64) WHERE chain_name = 'alert_events'",
  );
});

const values = (n: number, station = 'ST-1'): AlertEventValues => ({
  alert_id: `a${n}`,
  action: 'confirm',
  from_status: 'pending',
  to_status: 'confirmed',
  outcome: 'applied',
  nurse_id: 'N1',
  nurse: 'Ana Łukasz 😀',
  station_id: station,
  note: n % 2 ? null : `note ${n}`,
  event_time: Date.UTC(2026, 11, 7, 10, 0, 0, n),
  message: null,
});

async function connect(): Promise<Connection> {
  const conn = await mysql.createConnection({ ...db.config, timezone: 'Z' });
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

/** one station's acknowledgement: lock the head, write the row, commit */
async function write(conn: Connection, v: AlertEventValues): Promise<number> {
  await conn.beginTransaction();
  try {
    const head = await lockAlertEventsHead(conn, 10_000);
    const { eventId } = await appendAlertEvent(conn, head, v, 10_000);
    await conn.commit();
    return eventId;
  } catch (err) {
    await conn.rollback();
    throw err;
  }
}

async function writeMany(n: number): Promise<void> {
  const conn = await connect();
  try {
    for (let i = 1; i <= n; i++) await write(conn, values(i));
  } finally {
    await conn.end();
  }
}

async function verify() {
  // a reader in another session time zone: times are read as the UTC text they were stored as
  const conn = await mysql.createConnection({ ...db.config });
  try {
    await conn.query("SET time_zone = '+05:30'");
    return await verifyMysqlAuditChain(conn);
  } finally {
    await conn.end();
  }
}

describe('MySQL audit chain', () => {
  it('verifies an intact chain and its head', async () => {
    await writeMany(4);
    const r = await verify();
    expect(r).toMatchObject({ ok: true, rowsChecked: 4, legacyRows: 0, unchainedRows: 0 });
    expect(r.head?.seq).toBe(4);
  });

  it('verifies an empty table', async () => {
    expect(await verify()).toMatchObject({ ok: true, rowsChecked: 0, head: { seq: 0 } });
  });

  it('two stations writing at once never fork the chain', async () => {
    const a = await connect();
    const b = await connect();
    try {
      await Promise.all(
        [a, b].map(async (conn, s) => {
          for (let i = 1; i <= 15; i++) await write(conn, values(i, `ST-${s + 1}`));
        }),
      );
    } finally {
      await a.end();
      await b.end();
    }
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT prev_hash) AS links FROM alert_events',
    );
    expect(rows[0]).toMatchObject({ n: 30, links: 30 });
    expect(await verify()).toMatchObject({ ok: true, rowsChecked: 30 });
  });

  it('verifies while stations write, even on a READ COMMITTED session, and leaves it as it was', async () => {
    const writers = await Promise.all([connect(), connect()]);
    const reader = await mysql.createConnection({ ...db.config });
    await reader.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    let writing = true;
    const reports: Awaited<ReturnType<typeof verifyMysqlAuditChain>>[] = [];
    try {
      const done = Promise.all(
        writers.map(async (conn, s) => {
          for (let i = 1; i <= 25; i++) await write(conn, values(i, `ST-${s + 1}`));
        }),
      ).finally(() => (writing = false));
      while (writing) reports.push(await verifyMysqlAuditChain(reader));
      await done;
      reports.push(await verifyMysqlAuditChain(reader));
      const [level] = await reader.query<mysql.RowDataPacket[]>('SELECT @@tx_isolation AS l');
      expect(level[0]?.l).toBe('READ-COMMITTED');
    } finally {
      await Promise.all([...writers, reader].map((c) => c.end()));
    }
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.filter((r) => !r.ok)).toEqual([]);
    expect(reports.at(-1)).toMatchObject({ ok: true, rowsChecked: 50 });
  });

  it('names an edited row', async () => {
    await writeMany(4);
    await admin.query("UPDATE alert_events SET nurse = 'Someone else' WHERE event_id = 2");
    expect((await verify()).broken).toMatchObject({ seq: 2, problem: 'hash-mismatch' });
  });

  it('names an edited time (a millisecond is enough)', async () => {
    await writeMany(3);
    await admin.query(
      'UPDATE alert_events SET event_time = event_time + INTERVAL 1000 MICROSECOND WHERE event_id = 3',
    );
    expect((await verify()).broken).toMatchObject({ seq: 3, problem: 'hash-mismatch' });
  });

  it('names the row after a deleted one', async () => {
    await writeMany(4);
    await admin.query('DELETE FROM alert_events WHERE event_id = 2');
    expect((await verify()).broken).toMatchObject({ seq: 3, problem: 'prev-link-broken' });
  });

  it('finds deleted newest rows through the head', async () => {
    await writeMany(4);
    await admin.query('DELETE FROM alert_events WHERE event_id >= 3');
    expect((await verify()).broken).toMatchObject({ seq: 4, problem: 'missing-at-head' });
  });

  it('finds a forged chained row appended after the head', async () => {
    await writeMany(2);
    await admin.query(
      `INSERT INTO alert_events (alert_id, action, to_status, outcome, nurse, station_id, event_time,
         recorded_at, prev_hash, row_hash)
       SELECT 'forged', 'confirm', 'confirmed', 'applied', 'X', 'ST-9', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3),
              row_hash, REPEAT('a', 64) FROM alert_events WHERE event_id = 2`,
    );
    expect((await verify()).broken).toMatchObject({ seq: 3, problem: 'hash-mismatch' });
  });

  it('names the first chained row after the head when the head was moved back', async () => {
    await writeMany(4);
    await admin.query(
      `UPDATE audit_chain_heads h JOIN alert_events e ON e.event_id = 2
          SET h.seq = 2, h.head_hash = e.row_hash WHERE h.chain_name = 'alert_events'`,
    );
    const r = await verify();
    expect(r.broken).toMatchObject({ seq: 3, problem: 'head-mismatch' });
    expect(r.broken?.message).toMatch(/seq 3 to 4/);
  });

  it('counts rows without a hash (the trigger, an older station) and keeps checking after them', async () => {
    await admin.query(
      `INSERT INTO alert_events (alert_id, action, to_status, outcome, nurse, station_id, event_time, recorded_at)
       VALUES ('old', 'confirm', 'confirmed', 'applied', 'Ana', 'ST-1', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
    );
    await writeMany(2);
    await admin.query(
      `INSERT INTO alert_events (alert_id, action, to_status, outcome, nurse, station_id, event_time, recorded_at)
       VALUES ('admin', 'resolve', 'resolved', 'applied', 'dba', 'database', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
    );
    await writeMany(1);
    expect(await verify()).toMatchObject({
      ok: true,
      legacyRows: 1,
      unchainedRows: 1,
      firstUnchainedSeq: 4,
      rowsChecked: 3,
    });
  });

  it('says so when the database has no alert_events table', async () => {
    const conn = await mysql.createConnection({ ...db.config, database: undefined });
    try {
      await conn.query('CREATE DATABASE IF NOT EXISTS `' + db.name + '_empty`');
      await conn.query('USE `' + db.name + '_empty`');
      await expect(verifyMysqlAuditChain(conn)).rejects.toThrow(/no alert_events table/);
    } finally {
      await conn.query('DROP DATABASE IF EXISTS `' + db.name + '_empty`').catch(() => undefined);
      await conn.end();
    }
  });
});
