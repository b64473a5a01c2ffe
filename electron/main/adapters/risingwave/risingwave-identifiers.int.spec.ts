// Issue #18: rows whose patient_id or device_id could spoof a patient are dropped by the RisingWave
// adapter, never shown, and counted with their reason in rejects(). PostgreSQL stands in for RisingWave
// (tables with the views' names and columns, tests/support/risingwave-bridge.ts). PostgreSQL cannot store
// a NUL or a non-text value in a varchar, which RisingWave's JSONB-derived columns (or a hand-made
// view) could carry: the rows are stored with a placeholder id, and the pool the adapter reads through
// replaces it in every result row by the hostile value, as a server would have sent it.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildIdentifierRule } from '../../../../shared/domain/identifiers';
import type { Alert, BedSnapshot, RejectSummary } from '../../../../shared/domain/types';
import { HOSTILE_IDS } from '../../../../tests/support/hostile-ids';
import { createTestPgDatabase, type TestPgDatabase } from '../../../../tests/support/postgres';
import { createStandInSchema } from '../../../../tests/support/risingwave-bridge';
import { createIdentifierGate, INVALID_DEVICE } from '../identifier-gate';
import {
  createRisingWaveVitalsSource,
  type AlertPush,
  type RisingWaveVitalsSource,
  type RisingWaveVitalsSourceOptions,
} from './risingwave-vitals-source';

let db: TestPgDatabase;
const iso = (t: number) => new Date(t).toISOString();
const hex = (n: number) => n.toString(16).padStart(32, '0');

/** placeholder → hostile value, for every hostile id */
const HOSTILE = new Map<string, unknown>(HOSTILE_IDS.map(([, value], i) => [`HOSTILE-${i}`, value]));
const placeholders = [...HOSTILE.keys()];
/** an absent device (NULL or '') is not an invalid one: an alert may have no device, a bed no readings */
const absent = (v: unknown) => v === null || v === '';
const devicePlaceholders = placeholders.filter((h) => !absent(HOSTILE.get(h)));

/** The pool as RisingWave would answer: placeholders in patient_id and device_id become the hostile ids. */
function hostilePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  const wrapped = async (...args: unknown[]) => {
    const result = await original(...args);
    for (const row of result.rows as Record<string, unknown>[]) {
      for (const col of ['patient_id', 'device_id']) {
        const v = row[col];
        if (typeof v === 'string' && HOSTILE.has(v)) row[col] = HOSTILE.get(v);
      }
    }
    return result;
  };
  Object.assign(pool, { query: wrapped });
  return pool;
}

beforeAll(async () => {
  db = await createTestPgDatabase('ns_rw_ids');
  await createStandInSchema(db.pool);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE alerts, patient_latest_vitals, patient_vitals_1min, ward_beds');
});

let seq = 0;
async function insertAlert(
  patientId: string,
  deviceId: string | null,
  t = Date.now() - 5_000,
): Promise<string> {
  const id = hex(++seq);
  await db.pool.query(
    `INSERT INTO alerts VALUES ($1, $2, $3, $4::timestamptz, 'heart_rate', 'Heart rate too high: 150 bpm', 1, 150, 97, 5.5)`,
    [id, patientId, deviceId, iso(t)],
  );
  return id;
}

async function insertLatest(patientId: string, deviceId: string, t = Date.now() - 500): Promise<void> {
  await db.pool.query('INSERT INTO patient_latest_vitals VALUES ($1, $2, $3::timestamptz, 80, 97, 5.5)', [
    patientId,
    deviceId,
    iso(t),
  ]);
}

async function insertMinute(patientId: string, t: number): Promise<void> {
  await db.pool.query(
    'INSERT INTO patient_vitals_1min VALUES ($1, $2::timestamptz, 70, 75, 80, 95, 96.5, 98, 5.1, 5.4, 5.9)',
    [patientId, iso(t)],
  );
}

function makeSource(extra: Partial<RisingWaveVitalsSourceOptions> = {}) {
  const logs: string[] = [];
  const delivered: Alert[] = [];
  const bedUpdates: BedSnapshot[] = [];
  const rejectEvents: RejectSummary[] = [];
  const source: RisingWaveVitalsSource = createRisingWaveVitalsSource({
    host: db.host,
    port: db.port,
    user: db.user,
    password: '',
    database: db.database,
    pollIntervalMs: 60_000, // polls are driven by pollNow()
    noAnswerAfterMs: 0,
    createPool: hostilePool,
    log: (m) => logs.push(m),
    ...extra,
  });
  source.onAlerts((a) => delivered.push(...a));
  source.onBeds((b) => bedUpdates.push(...b));
  source.onRejects?.((s) => rejectEvents.push(s));
  return { source, logs, delivered, bedUpdates, rejectEvents };
}

/** what a nurse could see of a source: its alerts, beds and reject texts, as one string */
function visible(delivered: Alert[], beds: BedSnapshot[]): string {
  return JSON.stringify([delivered, beds]);
}

describe('RisingWave adapter: identifiers that could spoof a patient (issue #18)', () => {
  it('drops alerts, bed vitals and trend rows with a hostile patient_id or device_id, and counts each once', async () => {
    const good = await insertAlert('P001', 'D001');
    for (const h of placeholders) await insertAlert(h, 'D-ok');
    for (const h of devicePlaceholders) await insertAlert('P002', h);
    await insertLatest('P001', 'D001');
    for (const h of placeholders) await insertLatest(h, 'D-ok');
    for (const h of devicePlaceholders) await insertLatest(`P-${h}`, h);
    for (const h of placeholders) await insertMinute(h, Date.now() - 120_000);

    const { source, delivered, bedUpdates, rejectEvents, logs } = makeSource();
    await source.start();
    try {
      await source.pollNow();
      await source.pollNow(); // re-reads the same rows: nothing is counted twice
      expect(delivered.map((a) => a.alertId)).toEqual([good]);
      const beds = await source.beds();
      expect(beds.map((b) => b.patientId)).toEqual(['P001']);
      expect(beds[0]!.spark.heartRate).toEqual([80]); // no seeded value of a refused patient
      for (const [, value] of HOSTILE_IDS) {
        if (typeof value === 'string' && value !== '') {
          expect(visible(delivered, [...beds, ...bedUpdates])).not.toContain(
            JSON.stringify(value).slice(1, -1),
          );
        }
      }

      const n = HOSTILE_IDS.length;
      const d = devicePlaceholders.length;
      const summary = source.rejects();
      // alerts: every hostile patient, every hostile device; latest rows: the same; trends: patients
      expect(summary.total).toBe(n + d + n + d + n);
      expect(rejectEvents.at(-1)).toEqual(summary);
      const byDevice = Object.fromEntries(summary.byDevice.map((d) => [d.deviceId, d]));
      expect(Object.keys(byDevice).sort()).toEqual(['(no device_id)', 'D-ok', INVALID_DEVICE].sort());
      expect(byDevice['D-ok']!.count).toBe(2 * n);
      expect(byDevice[INVALID_DEVICE]!.count).toBe(2 * d);
      expect(byDevice['(no device_id)']!.count).toBe(n); // the trend rows have no device column
      for (const d of summary.byDevice) {
        expect(d.lastReason).toMatch(
          /^(patient_id|device_id) .* — (alert|bed vitals|trend) from RisingWave, not shown$/,
        );
        expect(d.lastReason).toMatch(/^[\x20-\x7e–…—]*$/);
      }

      // one warning per distinct problem and row kind, never an id
      expect(logs.length).toBeGreaterThan(0);
      expect(new Set(logs).size).toBe(logs.length);
      for (const line of logs) {
        expect(line).toMatch(/^RisingWave: refused (alert|bed vitals|trend) rows: (patient_id|device_id) /);
        expect(line).not.toMatch(/HOSTILE|P002|D-ok|img|gnp/);
        expect(line).toMatch(/^[\x20-\x7e–]*$/);
      }
    } finally {
      await source.stop();
    }
  });

  it('names the reason of each of the issue ids', async () => {
    const names = [
      'a right-to-left override',
      'HTML',
      'a NUL',
      '65 characters',
      'a zero-width space',
      'full-width letters',
      'an empty string',
      'a number',
    ];
    for (const name of names)
      await insertAlert(`HOSTILE-${HOSTILE_IDS.findIndex(([n]) => n === name)}`, 'D-ok');
    const { source } = makeSource();
    await source.start();
    try {
      const reasons = source.rejects().byDevice[0]!;
      expect(reasons.count).toBe(names.length);
      const all: string[] = [];
      // the summary keeps the last reason per device; read each through a source of its own
      for (const name of names) {
        await db.pool.query('TRUNCATE alerts');
        await insertAlert(`HOSTILE-${HOSTILE_IDS.findIndex(([n]) => n === name)}`, 'D-ok');
        const one = makeSource();
        await one.source.start();
        all.push(one.source.rejects().byDevice[0]!.lastReason);
        await one.source.stop();
      }
      expect(all).toEqual([
        'patient_id contains a bidirectional control character U+202E (got "P\\u{202E}1gnp.exe") — alert from RisingWave, not shown',
        'patient_id must be 1–64 letters, digits or _ . : - (got "<img src=x onerror=alert(1)>") — alert from RisingWave, not shown',
        'patient_id contains a control character U+0000 (got "P001\\u{0000}") — alert from RisingWave, not shown',
        `patient_id must be 1–64 letters, digits or _ . : - (got "${'P'.repeat(40)}…") — alert from RisingWave, not shown`,
        'patient_id contains an invisible formatting character U+200B (got "P\\u{200B}001") — alert from RisingWave, not shown',
        'patient_id must be 1–64 letters, digits or _ . : - (got "\\u{FF30}\\u{FF10}\\u{FF10}\\u{FF11}") — alert from RisingWave, not shown',
        'patient_id must be 1–64 letters, digits or _ . : - (got "") — alert from RisingWave, not shown',
        'patient_id must be a string (got 1001) — alert from RisingWave, not shown',
      ]);
    } finally {
      await source.stop();
    }
  });

  it('in a ward: leaves out beds of hostile patients, and the vitals of hostile devices', async () => {
    await db.pool.query(
      "INSERT INTO ward_beds (bed_id, ward_id, patient_id) VALUES ('A-1', 'A', 'P001'), ('A-2', 'A', 'P002'), ('A-3', 'A', NULL)",
    );
    for (const [i, h] of placeholders.entries()) {
      await db.pool.query("INSERT INTO ward_beds (bed_id, ward_id, patient_id) VALUES ($1, 'A', $2)", [
        `H-${i}`,
        h,
      ]);
      await insertLatest(h, 'D-ok');
      await insertAlert(h, 'D-ok');
    }
    await insertLatest('P001', 'D001');
    await insertLatest('P002', placeholders[0]!); // P002's device sends a hostile id
    const { source, delivered } = makeSource({ wardId: 'A' });
    await source.start();
    try {
      await source.pollNow();
      const beds = await source.beds();
      expect(beds.map((b) => [b.patientId, b.bedId, b.deviceId, b.latest?.heartRate ?? null])).toEqual([
        ['P001', 'A-1', 'D001', 80],
        ['P002', 'A-2', null, null], // in its bed, waiting: its device's rows are refused
      ]);
      expect(source.scope?.()?.slice().sort()).toEqual(['P001', 'P002']);
      expect(delivered).toEqual([]);
      const wardBeds = await source.wardBeds!();
      // a bed whose patient_id is NULL or '' is an empty bed, as before
      const empty = placeholders.flatMap((h, i) => (absent(HOSTILE.get(h)) ? [[`H-${i}`, null]] : []));
      expect(wardBeds.map((b) => [b.bedId, b.patientId]).sort()).toEqual(
        [['A-1', 'P001'], ['A-2', 'P002'], ['A-3', null], ...empty].sort(),
      );
      // the ward bed rows (read by the poll and by the bed list: counted once), the alerts, one device
      const n = HOSTILE_IDS.length;
      expect(source.rejects().total).toBe(n - empty.length + n + 1);
    } finally {
      await source.stop();
    }
  });

  it("follows a hospital's pattern, and still refuses bidi and invisible characters under it", async () => {
    const identifiers = buildIdentifierRule('^(?:MRN[0-9]{6}|D[0-9]{3})$');
    const good = await insertAlert('MRN123456', 'D003');
    await insertAlert('P001', 'D003'); // the default alphabet, not the hospital's scheme
    await insertAlert('MRN123457', 'D-ok');
    const { source, delivered } = makeSource({ identifiers });
    await source.start();
    try {
      expect(delivered.map((a) => a.alertId)).toEqual([good]);
      expect(source.rejects().total).toBe(2);
      expect(
        source
          .rejects()
          .byDevice.map((d) => d.deviceId)
          .sort(),
      ).toEqual([INVALID_DEVICE, 'D003']);
    } finally {
      await source.stop();
    }
    // a pattern that accepts anything still refuses what could spoof
    await db.pool.query('TRUNCATE alerts');
    for (const h of placeholders) await insertAlert(h, 'D003');
    const permissive = makeSource({ identifiers: buildIdentifierRule('.+') });
    await permissive.source.start();
    try {
      const shown = permissive.delivered.map((a) => a.patientId);
      // only the HTML id and the full-width one are printable: the hospital's pattern allows them
      expect(shown.sort()).toEqual(['<img src=x onerror=alert(1)>', '\uFF30\uFF10\uFF10\uFF11']);
    } finally {
      await permissive.source.stop();
    }
  });

  it('checks pushed alerts too, and reports what the other adapters of the rule refused', async () => {
    const identifiers = buildIdentifierRule(null);
    let deliver: ((alerts: Alert[]) => Promise<void>) | null = null;
    const push: AlertPush = {
      start: () => undefined,
      stop: async () => undefined,
      live: () => true,
      problem: () => null,
      onLiveChange: () => () => undefined,
    };
    const { source, delivered } = makeSource({
      identifiers,
      createAlertPush: (d) => {
        deliver = d;
        return push;
      },
    });
    await source.start();
    try {
      const base: Alert = {
        alertId: hex(9000),
        patientId: 'P\u202E1gnp.exe',
        deviceId: 'D001',
        alertTime: Date.now(),
        alertType: 'heart_rate',
        alertDetail: 'Heart rate too high: 150 bpm',
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: null,
      };
      await deliver!([base, { ...base, alertId: hex(9001), patientId: 'P001' }]);
      expect(delivered.map((a) => a.patientId)).toEqual(['P001']);
      expect(source.rejects().total).toBe(1);
      // the MySQL store (or the Kafka feed) given the same rule instance refuses an alert: counted here
      const store = createIdentifierGate({
        rule: identifiers,
        source: 'MySQL alert store',
        log: () => undefined,
      });
      store.screen({ what: 'alert', key: `alert:${hex(9002)}`, patientId: 'P\u200B001', deviceId: 'D001' });
      store.screen({
        what: 'alert',
        key: `alert:${hex(9000)}`,
        patientId: 'P\u202E1gnp.exe',
        deviceId: 'D001',
      });
      expect(source.rejects().total).toBe(2);
      expect(source.rejects().byDevice[0]!.lastReason).toMatch(/from MySQL alert store, not shown$/);
    } finally {
      await source.stop();
    }
  });
});
