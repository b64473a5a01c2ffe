// Red team of #18, point 5: device messages whose patient_id or device_id is built to spoof a screen
// (a right-to-left override that makes "P‮1gnp.exe" read as "Pexe.pnp1", HTML, a NUL, a zero-width
// space, 65 characters, and the rest of tests/support/hostile-ids.ts), sent the way a bedside device
// or a replayed Kafka topic sends them: through the engine's parser (parseReading), the simulator's
// device-message path (SimulatedVitalsSource.ingestRaw, what the app's simulator mode runs) and the
// CLI's `replay`. Each must be rejected with a reason that shows the value escaped, counted, and
// never become a bed, an alert, a trend or a line of output; a hospital pattern narrows what passes
// but can never let a bidi or control character through.
import { PassThrough, Readable } from 'node:stream';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/main/core/fake-clock';
import { SimulatedVitalsSource } from '../../../electron/main/adapters/simulator/simulated-vitals-source';
import type { CliIo } from '../../../electron/main/cli/cli-io';
import { runCli } from '../../../electron/main/cli/main';
import { buildIdentifierRule } from '../../../shared/domain/identifiers';
import type { AckRecord, Alert, AlertPage, BedSnapshot, RejectSummary } from '../../../shared/domain/types';
import { parseReading } from '../../../shared/engine/parse-reading';
import { alertId, bucketStart } from '../../../shared/engine/rules';
import { HOSTILE_IDS } from '../../support/hostile-ids';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { DEMO_NURSE } from '../../support/nurses';
import { createTestPgDatabase, type TestPgDatabase } from '../../support/postgres';
import { waitFor } from '../../support/private-servers';
import { createStandInSchema } from '../../support/risingwave-bridge';
import { seedMysqlRoster } from '../helpers/roster';
import { report } from '../helpers/station-fixtures';
import { connectedSettings } from '../helpers/station-host';
import { FAKE_START, startRedTeamStation, UNSAFE_CHARS, type RedTeamStation } from './red-team-support';

/** The brief's five, first; then every other hostile id the identifier rule's own spec knows. */
const NAMED: [string, string][] = [
  ['right-to-left override', 'P\u202E1gnp.exe'],
  ['HTML', '<img src=x onerror=alert(1)>'],
  ['NUL', 'P001\u0000'],
  ['zero-width space', 'P\u200B001'],
  ['65 characters', 'P'.repeat(65)],
];
const HOSTILE: [string, unknown][] = [
  ...NAMED,
  ...HOSTILE_IDS.filter(([, v]) => !NAMED.some(([, n]) => n === v)).map(
    ([name, v]) => [name, v] as [string, unknown],
  ),
];

const iso = (t: number) => new Date(t).toISOString();

function message(patientId: unknown, deviceId: unknown, t: number, heartRate = 80): string {
  return JSON.stringify({
    patient_id: patientId,
    device_id: deviceId,
    measure_time: iso(t),
    heart_rate: heartRate,
    blood_oxygen: 97,
    blood_glucose: 5.5,
  });
}

/** Whether `text` carries the hostile value as it is (not escaped). */
function carriesRaw(text: string, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  // printable ASCII values (the HTML one) may be quoted in a reason; what must not happen is the raw
  // control or invisible character, or the id showing up as a field of its own
  return UNSAFE_CHARS.test(value) ? text.includes(value) : false;
}

describe('Red team #18: hostile device identifiers through the parser', () => {
  it('rejects each as patient_id and as device_id, with an escaped reason naming the field', () => {
    const t = FAKE_START;
    let tried = 0;
    for (const [name, value] of HOSTILE) {
      for (const field of ['patient_id', 'device_id'] as const) {
        const raw = field === 'patient_id' ? message(value, 'D001', t) : message('P001', value, t);
        const r = parseReading(raw, { timeZone: 'UTC', now: t });
        tried++;
        expect(r.ok, `${name} as ${field}`).toBe(false);
        if (r.ok) continue;
        expect(r.reason.startsWith(field), `${name}: ${r.reason}`).toBe(true);
        expect(
          UNSAFE_CHARS.test(r.reason),
          `${name} as ${field}: raw character in ${JSON.stringify(r.reason)}`,
        ).toBe(false);
        expect(r.reason.length, name).toBeLessThanOrEqual(200);
        // the result names an id only when it passed: a reject list never shows the hostile one
        expect(field === 'patient_id' ? r.patientId : r.deviceId, name).toBeNull();
        expect(field === 'patient_id' ? r.deviceId : r.patientId).toBe(
          field === 'patient_id' ? 'D001' : 'P001',
        );
      }
    }
    report('red team #18 hostile ids (parser)', { ids: HOSTILE.length, messagesTried: tried, accepted: 0 });
  });

  it('a hospital pattern narrows what passes; even ".+" lets no control, bidi or 65-character id through', () => {
    const t = FAKE_START;
    const mrn = buildIdentifierRule('^(?:MRN[0-9]{6}|DEV-[0-9]{3})$');
    const ok = parseReading(message('MRN004711', 'DEV-042', t), {
      timeZone: 'UTC',
      now: t,
      identifiers: mrn,
    });
    expect(ok.ok).toBe(true);
    const plain = parseReading(message('P001', 'DEV-042', t), { timeZone: 'UTC', now: t, identifiers: mrn });
    expect(plain).toMatchObject({ ok: false, reason: expect.stringMatching(/^patient_id .*pattern/) });
    const lax = buildIdentifierRule('.+');
    for (const [name, value] of HOSTILE) {
      if (name === 'HTML' || name === 'full-width letters') continue; // printable: ".+" is the hospital's choice
      for (const rule of [mrn, lax]) {
        const r = parseReading(message(value, 'DEV-042', t), { timeZone: 'UTC', now: t, identifiers: rule });
        expect(r.ok, `${name} with ${rule.pattern}`).toBe(false);
        if (!r.ok) expect(UNSAFE_CHARS.test(r.reason), name).toBe(false);
      }
    }
  });
});

describe('Red team #18: hostile device identifiers through the simulator’s device-message path', () => {
  it('counts each rejection, under no hostile id, and shows no bed, alert or trend for it', async () => {
    const clock = new FakeClock(FAKE_START);
    const source = new SimulatedVitalsSource({ clock, beds: 0, timeZone: 'UTC', scenarios: 'none' });
    await source.start();
    const raised: Alert[] = [];
    const t = clock.now();
    source.ingestRaw(message('P001', 'D001', t - 1_000), raised, t);
    source.ingestRaw(message('P001', 'D001', t, 180), raised, t); // a real alarm: the control case
    let sent = 0;
    for (const [, value] of HOSTILE) {
      // critical vitals: an accepted message would raise an alert at once
      source.ingestRaw(message(value, 'D001', t + ++sent, 180), raised, t + sent);
      source.ingestRaw(message('P001', value, t + ++sent, 180), raised, t + sent);
    }
    const beds = await source.beds();
    expect(beds.map((b) => [b.patientId, b.deviceId])).toEqual([['P001', 'D001']]);
    expect(raised.map((a) => [a.patientId, a.deviceId])).toEqual([['P001', 'D001']]);
    const rejects = source.rejects();
    expect(rejects.total).toBe(sent);
    const listed = JSON.stringify(rejects);
    expect(UNSAFE_CHARS.test(listed), 'raw control/bidi character in the reject summary').toBe(false);
    for (const d of rejects.byDevice) expect(['D001', 'unknown']).toContain(d.deviceId);
    for (const [name, value] of HOSTILE) {
      expect(carriesRaw(listed, value), name).toBe(false);
      if (typeof value === 'string' && value !== '') {
        expect(await source.trend(value, t - 60_000, t + 60_000), name).toEqual([]);
        expect(
          rejects.byDevice.some((d) => d.deviceId === value),
          name,
        ).toBe(false);
      }
    }
    await source.stop();
    report('red team #18 hostile ids (simulator)', {
      messages: sent,
      rejectedAndCounted: rejects.total,
      beds: beds.length,
      alertsFromHostile: raised.length - 1,
    });
  });

  it('with a hospital pattern, the simulator’s device path refuses an id of the default alphabet', async () => {
    const clock = new FakeClock(FAKE_START);
    const source = new SimulatedVitalsSource({
      clock,
      beds: 0,
      timeZone: 'UTC',
      scenarios: 'none',
      identifiers: buildIdentifierRule('^(?:MRN[0-9]{6}|DEV-[0-9]{3})$'),
    });
    await source.start();
    const t = clock.now();
    source.ingestRaw(message('MRN004711', 'DEV-042', t), [], t);
    source.ingestRaw(message('P001', 'D001', t), [], t);
    expect((await source.beds()).map((b) => b.patientId)).toEqual(['MRN004711']);
    expect(source.rejects()).toMatchObject({ total: 1, byDevice: [{ deviceId: 'unknown' }] });
    await source.stop();
  });
});

describe('Red team #18: hostile device identifiers through `nurse-station replay`', () => {
  it('reports each rejected line escaped on stderr and writes no alert for it', async () => {
    const t = Date.UTC(2026, 10, 20, 8, 0, 0);
    const lines = [message('P001', 'D001', t, 180)];
    for (const [i, [, value]] of HOSTILE.entries())
      lines.push(message(value, 'D009', t + 1_000 * (i + 1), 190));
    let out = '';
    let err = '';
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const io: CliIo = {
      stdin: Readable.from([lines.join('\n') + '\n']),
      stdout,
      stderr,
      signal: new AbortController().signal,
      now: () => t,
      systemTimeZone: 'UTC',
    };
    const code = await runCli(['replay', '--time-zone', 'UTC', '-'], io);
    await new Promise((r) => setImmediate(r));
    expect(code).toBe(0);
    const alerts = out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { patient_id: string });
    expect(alerts.map((a) => a.patient_id)).toEqual(['P001']);
    expect(err).toContain(`${lines.length} lines, 1 readings accepted, ${HOSTILE.length} rejected`);
    expect(UNSAFE_CHARS.test(err), 'raw control/bidi character on stderr').toBe(false);
    expect(err).toContain('\\u{202E}'); // the override is shown as what it is
    report('red team #18 hostile ids (replay)', {
      lines: lines.length,
      rejected: HOSTILE.length,
      alerts: alerts.length,
    });
  });
});

describe('Red team #18: hostile ids end to end in connected mode (PostgreSQL as RisingWave, MariaDB)', () => {
  // The hospital's scheme: P + 3 digits, D + 3 digits. 'P0001' passes the default alphabet, not this.
  const PATTERN = '^(?:P[0-9]{3}|D[0-9]{3})$';
  const now = Date.now();
  // PostgreSQL cannot store a NUL in text and MySQL's ids are VARCHAR(64): those two are the parser's
  const BAD_PATIENTS = ['P\u202E1gnp.exe', '<img src=x onerror=alert(1)>', 'P\u200B001', 'P0001'];
  const BAD_DEVICE = 'D\u202E07';
  let my: TestDatabase;
  let pgdb: TestPgDatabase;
  let station: RedTeamStation;
  const alertOf = (patientId: string, deviceId: string, i: number) => {
    const t = now - 60_000 + i * 1_000;
    return {
      id: alertId(patientId, 'heart_rate', bucketStart(t)),
      patientId,
      deviceId,
      t,
    };
  };
  const good = alertOf('P001', 'D001', 0);
  const bad = [
    ...BAD_PATIENTS.map((p, i) => alertOf(p, `D${String(i + 2).padStart(3, '0')}`, i + 1)),
    alertOf('P007', BAD_DEVICE, 9),
  ];

  beforeAll(async () => {
    my = await createTestDatabase({ applySchema: true });
    await seedMysqlRoster(my.config);
    pgdb = await createTestPgDatabase('ns_rt_ids');
    await createStandInSchema(pgdb.pool);
    const rows = [
      ['P001', 'D001'],
      ...BAD_PATIENTS.map((p, i) => [p, `D${String(i + 2).padStart(3, '0')}`]),
      ['P'.repeat(65), 'D008'],
      ['P007', BAD_DEVICE],
    ];
    for (const [p, d] of rows)
      await pgdb.pool.query(
        `INSERT INTO patient_latest_vitals VALUES ($1, $2, $3::timestamptz, 150, 97, 5.5)`,
        [p, d, new Date(now - 2_000).toISOString()],
      );
    const conn = await mysql.createConnection({ ...my.config });
    try {
      for (const a of [good, ...bad]) {
        const values = [
          a.id,
          a.patientId,
          a.deviceId,
          'heart_rate',
          'Heart rate too high: 150 bpm',
          1,
          150,
          97,
          5.5,
        ];
        await pgdb.pool.query(
          `INSERT INTO alerts VALUES ($1, $2, $3, $10::timestamptz, $4, $5, $6, $7, $8, $9)`,
          [...values, new Date(a.t).toISOString()],
        );
        await conn.query(
          `INSERT INTO alerts (alert_id, patient_id, device_id, alert_type, alert_detail, alert_level,
             heart_rate, blood_oxygen, blood_glucose, alert_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [...values, new Date(a.t).toISOString().slice(0, 23).replace('T', ' ')],
        );
      }
      const [count] = await conn.query('SELECT COUNT(*) AS n FROM alerts');
      expect((count as { n: number }[])[0]?.n).toBe(1 + bad.length); // the hostile rows are really there
    } finally {
      await conn.end();
    }
    station = await startRedTeamStation({
      beds: 0,
      env: { NURSE_STATION_ID_PATTERN: PATTERN },
      settingsFile: connectedSettings(
        { host: pgdb.host, port: pgdb.port, user: pgdb.user, database: pgdb.database },
        { host: my.config.host, port: my.config.port, user: my.config.user, database: my.name },
        300,
      ),
    });
    await waitFor(
      'connected mode to show the good bed',
      async () => {
        const b = await station.as('p-wait')<BedSnapshot[]>('ward:beds', {});
        return b.ok && b.value.some((x) => x.patientId === 'P001');
      },
      15_000,
    );
  }, 90_000);

  afterAll(async () => {
    await station?.close();
    await my?.drop();
    await pgdb?.drop();
  }, 60_000);

  it('shows only the hospital’s ids in beds, alerts, details and the CSV; counts every other row', async () => {
    const call = station.as('p-e2e');
    const beds = await call<BedSnapshot[]>('ward:beds', {});
    expect(beds.ok && beds.value.map((b) => [b.patientId, b.deviceId])).toEqual([['P001', 'D001']]);
    const list = await call<AlertPage>('alerts:list', { range: '24h', limit: 500 });
    expect(list.ok && list.value.items.map((a) => a.alertId)).toEqual([good.id]);
    for (const a of bad) expect(await call('alerts:get', { alertId: a.id })).toMatchObject({ ok: false });
    const rejects = await call<RejectSummary>('rejects:summary', {});
    expect(rejects.ok).toBe(true);
    const summary = rejects.ok ? rejects.value : { total: 0, byDevice: [] };
    // at least each bad latest-vitals row (6) and each bad alert row (5), each counted once
    expect(summary.total).toBeGreaterThanOrEqual(6);
    const text = JSON.stringify(summary);
    expect(UNSAFE_CHARS.test(text), text).toBe(false);
    // the hostile ids are never a device of the list; a reason quotes the value escaped (printable
    // ASCII such as the HTML one stays readable as text: Vue renders it as text, never as markup)
    for (const d of summary.byDevice)
      expect(['D001', 'D002', 'D003', 'D004', 'D005', 'D008', '(invalid device_id)']).toContain(d.deviceId);
    for (const d of summary.byDevice) expect(d.lastReason).toMatch(/not shown$/);
    // the one alert shown, acknowledged and exported: the CSV holds no hostile id
    await station.signIn('p-e2e', DEMO_NURSE);
    expect((await call('alerts:acknowledge', { alertId: good.id, action: 'confirm', note: 'ok' })).ok).toBe(
      true,
    );
    const review = await call<AckRecord[]>('review:list', { limit: 100 });
    expect(review.ok && review.value.map((r) => r.alert.patientId)).toEqual(['P001']);
    const csv = await call<{ csv: string }>('review:export-csv', {
      from: now - 3_600_000,
      to: Date.now() + 60_000,
    });
    expect(csv.ok).toBe(true);
    const body = csv.ok ? csv.value.csv : '';
    for (const p of [...BAD_PATIENTS, BAD_DEVICE]) expect(body.includes(p), p).toBe(false);
    expect(UNSAFE_CHARS.test(body)).toBe(false);
    report('red team #18 hostile ids (connected, end to end)', {
      pattern: PATTERN,
      badLatestRows: 6,
      badAlertRows: bad.length,
      bedsShown: 1,
      alertsShown: 1,
      rejectedCounted: summary.total,
    });
  }, 30_000);

  it('a hospital pattern that cannot be used stops the station from starting, and says why', async () => {
    await expect(
      startRedTeamStation({ beds: 0, env: { NURSE_STATION_ID_PATTERN: '(P[0-9]{3}' } }),
    ).rejects.toThrow(/NURSE_STATION_ID_PATTERN/);
  });
});
