// Issue #18: alerts read back from the MySQL store whose patient_id or device_id could spoof a patient
// are dropped (lists, details, pending, handled elsewhere, statistics), never shown, and counted in the
// reject summary of the rule the store was given. The rows are written straight into the table, as the
// RisingWave sink (or anyone with write access) would; what VARCHAR(64) utf8mb4 cannot hold (65
// characters, an unpaired surrogate, a non-string) is covered by the RisingWave adapter's spec.
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdentifierRule } from '../../../../shared/domain/identifiers';
import { HOSTILE_IDS } from '../../../../tests/support/hostile-ids';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/mariadb';
import { createIdentifierGate } from '../identifier-gate';
import { createMysqlAlertStore } from './mysql-alert-store';
import { applyMysqlSchema, mysqlSchemaPath } from './mysql-schema';

let db: TestDatabase;
let admin: Connection;

/** the hostile ids a VARCHAR(64) utf8mb4 column can hold */
const STORABLE = HOSTILE_IDS.filter(
  ([, v]) => typeof v === 'string' && v.length <= 64 && !/[\ud800-\udfff]/.test(v),
).map(([name, v]) => [name, v as string] as const);

const NOW = Date.parse('2026-11-20T12:00:00Z');
const at = (i: number) => new Date(NOW - 60_000 - i * 1000).toISOString().slice(0, 23).replace('T', ' ');

beforeAll(async () => {
  db = await createTestDatabase();
  admin = await mysql.createConnection({ ...db.config });
  await applyMysqlSchema(admin, await readFile(mysqlSchemaPath(), 'utf8'));
  const rows: (string | null)[][] = [['good-1', 'P001', 'D001']];
  for (const [i, [, v]] of STORABLE.entries()) {
    rows.push([`bad-p${i}`, v, 'D001']);
    if (v !== '') rows.push([`bad-d${i}`, 'P002', v]);
  }
  rows.push(['no-device', 'P003', null]);
  for (const [i, [id, patient, device]] of rows.entries()) {
    await admin.query(
      `INSERT INTO alerts (alert_id, patient_id, device_id, alert_time, alert_type, alert_level, alert_detail)
       VALUES (?, ?, ?, ?, 'heart_rate', 1, 'Heart rate too high: 150 bpm')`,
      [id, patient, device, at(i)],
    );
  }
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await db?.drop();
});

describe('mysql alert store: identifiers that could spoof a patient (issue #18)', () => {
  it('leaves refused rows out of every read, and counts each once', async () => {
    const identifiers = buildIdentifierRule(null);
    const logs: string[] = [];
    const store = createMysqlAlertStore({
      ...db.config,
      stationId: 'ST-1',
      timeZone: 'UTC',
      identifiers,
      log: (m) => logs.push(m),
    });
    try {
      const shown = ['good-1', 'no-device'];
      for (let i = 0; i < 2; i++) {
        const page = await store.list({ range: '24h', limit: 500 }, NOW);
        expect(page.items.map((a) => a.alertId).sort()).toEqual(shown);
        expect((await store.pendingAlerts()).map((a) => a.alertId).sort()).toEqual(shown);
      }
      expect(await store.get('bad-p0')).toBeNull();
      expect(await store.get('bad-d0')).toBeNull();
      expect((await store.get('good-1'))?.patientId).toBe('P001');
      expect(await store.patientAlerts(STORABLE[0]![1], '24h', NOW)).toEqual([]);
      expect((await store.patientAlerts('P002', '24h', NOW)).map((a) => a.alertId)).toEqual([]);
      expect(await store.handledAmong(['bad-p0', 'good-1'])).toEqual([]); // none handled elsewhere yet
      const burden = await store.burden('24h', NOW);
      expect([...new Set(burden.perBedPerDay.map((b) => b.patientId))].sort()).toEqual([
        'P001',
        'P002',
        'P003',
      ]);

      // counted once per refused row, however often it was read; the statistics' refused patients too
      const refusedRows = STORABLE.length + STORABLE.filter(([, v]) => v !== '').length;
      const summary = createIdentifierGate({
        rule: identifiers,
        source: 'x',
        log: () => undefined,
      }).rejects();
      expect(summary.total).toBe(refusedRows + STORABLE.length);
      for (const d of summary.byDevice) {
        expect(d.lastReason).toMatch(/ — (alert|statistics) from MySQL alert store, not shown$/);
        expect(d.lastReason).toMatch(/^[\x20-\x7e–…—]*$/);
      }
      expect(new Set(logs).size).toBe(logs.length);
      for (const line of logs) {
        expect(line).toMatch(/^MySQL alert store: refused (alert|statistics) rows: /);
        expect(line).not.toMatch(/img|P002|D001/);
      }
    } finally {
      await store.close();
    }
  });

  it("follows a hospital's pattern", async () => {
    const store = createMysqlAlertStore({
      ...db.config,
      stationId: 'ST-1',
      timeZone: 'UTC',
      identifiers: buildIdentifierRule('^(?:P00[13]|D001)$'),
      log: () => undefined,
    });
    try {
      const page = await store.list({ range: '24h', limit: 500 }, NOW);
      expect(page.items.map((a) => a.alertId).sort()).toEqual(['good-1', 'no-device']);
    } finally {
      await store.close();
    }
  });
});
