// `nurse-station audit verify --mysql` against the local MariaDB/MySQL (tests/support/mariadb.ts).
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../tests/support/cli-run';
import { createTestDatabase } from '../../../tests/support/mariadb';
import type { TestDatabase } from '../../../tests/support/mariadb';
import { appendAlertEvent, lockAlertEventsHead } from '../adapters/mysql/mysql-audit-chain';

let db: TestDatabase;
let admin: Connection;

beforeAll(async () => {
  db = await createTestDatabase({ applySchema: true });
  admin = await mysql.createConnection({ ...db.config, timezone: 'Z' });
  await admin.query("SET time_zone = '+00:00'");
  for (let i = 1; i <= 3; i++) {
    await admin.beginTransaction();
    const head = await lockAlertEventsHead(admin, 10_000);
    await appendAlertEvent(
      admin,
      head,
      {
        alert_id: `a${i}`,
        action: 'confirm',
        from_status: 'pending',
        to_status: 'confirmed',
        outcome: 'applied',
        nurse_id: 'N1',
        nurse: 'Ana',
        station_id: 'ST-1',
        note: null,
        event_time: Date.UTC(2026, 11, 7, 9, 0, i),
        message: null,
      },
      10_000,
    );
    await admin.commit();
  }
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await db?.drop();
});

async function cli(argv: string[]) {
  const before = process.env.NURSE_STATION_MYSQL_PASSWORD;
  process.env.NURSE_STATION_MYSQL_PASSWORD = db.config.password;
  try {
    return await runCliCaptured(argv);
  } finally {
    if (before === undefined) delete process.env.NURSE_STATION_MYSQL_PASSWORD;
    else process.env.NURSE_STATION_MYSQL_PASSWORD = before;
  }
}

const url = () => `mysql://${db.config.user}@${db.config.host}:${db.config.port}/${db.name}`;

describe('nurse-station audit verify --mysql', () => {
  it('reports an intact alert_events chain with exit 0, then names an edited row with exit 1', async () => {
    const where = `${db.config.user}@${db.config.host}:${db.config.port}/${db.name}`;
    const ok = await cli(['audit', 'verify', '--mysql', url()]);
    expect(ok).toEqual({
      code: 0,
      stdout: `alert_events: OK — 3 rows checked, 0 unchained\naudit: ${where}: chain intact\n`,
      stderr: '',
    });
    // an administrator's status change outside the app: the trigger's row carries no hash, and is counted
    await admin.query(
      `INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type, alert_detail, alert_level)
       VALUES ('x1', 'P1', 'D1', UTC_TIMESTAMP(3), 'heart_rate', 'HR high', 1)`,
    );
    await admin.query("UPDATE alerts SET status = 'resolved' WHERE alert_id = 'x1'");
    const counted = await cli(['audit', 'verify', '--mysql', url()]);
    expect(counted.code).toBe(0);
    expect(counted.stdout).toContain(
      'alert_events: OK — 3 rows checked, 1 unchained (1 written outside Nurse Station, first event_id 4)',
    );
    await admin.query('DROP TRIGGER IF EXISTS alert_events_no_update');
    await admin.query("UPDATE alert_events SET note = 'rewritten' WHERE event_id = 2");
    const broken = await cli(['audit', 'verify', '--mysql', url()]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^alert_events: BROKEN at event_id 2 \(hash mismatch\) — 1 rows checked/);
    expect(broken.stdout).toContain(`audit: ${where}: chain BROKEN\n`);
  });

  it('says so for a database that is not the alert store (exit 2)', async () => {
    const r = await cli([
      'audit',
      'verify',
      '--mysql',
      `mysql://${db.config.user}@${db.config.host}:${db.config.port}/information_schema`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no alert_events table/);
  });
});
