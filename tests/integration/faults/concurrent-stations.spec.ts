// Fault 5: two stations acknowledge the same alerts at the same moment. Two MySQL alert store instances
// (two pools, different station ids, as two nurse stations have) race on hundreds of alerts in MariaDB:
// every transition must have exactly one winner, the loser a clear conflict naming who won, and the audit
// must hold every attempt. And a station stops alarming for alerts the other one handled.
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain/types';
import type { TransitionResult } from '../../../electron/main/core/ports';
import {
  createMysqlAlertStore,
  type AuditedAlertStore,
} from '../../../electron/main/adapters/mysql/mysql-alert-store';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { createSqliteAckCache } from '../../../electron/main/adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertOutbox } from '../../../electron/main/adapters/sqlite/sqlite-alert-outbox';
import { openStationDatabase } from '../../../electron/main/adapters/sqlite/open-database';
import { dispatch } from '../../../electron/main/core/dispatch';
import { systemClock } from '../../../electron/main/core/ports';
import { StationCore } from '../../../electron/main/core/station-core';
import {
  STATION_INFO,
  ScriptedVitals,
  fixedSettings,
  makeAlert,
  quietNotifier,
  report,
} from '../helpers/station-fixtures';
import { callAs } from '../../support/nurses';

const WAVE = 50; // alerts raced at once: 2 × 50 requests in flight, well inside each pool's queue
const BASE = Date.UTC(2026, 10, 20, 8);

let db: TestDatabase;
let admin: Connection;
let a: AuditedAlertStore;
let b: AuditedAlertStore;

beforeAll(async () => {
  db = await createTestDatabase({ applySchema: true });
  admin = await mysql.createConnection({ ...db.config });
  a = createMysqlAlertStore({ ...db.config, stationId: 'ST-A', timeZone: 'UTC', connectionLimit: 4 });
  b = createMysqlAlertStore({ ...db.config, stationId: 'ST-B', timeZone: 'UTC', connectionLimit: 4 });
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await admin?.end().catch(() => undefined);
  await db?.drop();
}, 60_000);

type Side = { store: AuditedAlertStore; station: string; nurse: string };
const sideA = (): Side => ({ store: a, station: 'ST-A', nurse: 'Ana' });
const sideB = (): Side => ({ store: b, station: 'ST-B', nurse: 'Ben' });

/** Races `actionA` from station A and `actionB` from station B on every alert, WAVE alerts at a time. */
async function race(alerts: Alert[], actionA: 'confirm' | 'resolve', actionB: 'confirm' | 'resolve') {
  const results: { alert: Alert; a: TransitionResult; b: TransitionResult }[] = [];
  const errors: unknown[] = [];
  const started = performance.now();
  for (let i = 0; i < alerts.length; i += WAVE) {
    const wave = alerts.slice(i, i + WAVE);
    const at = Date.now();
    const go = (side: Side, alert: Alert, action: 'confirm' | 'resolve') =>
      side.store
        .transition({
          alertId: alert.alertId,
          action,
          nurse: side.nurse,
          stationId: side.station,
          note: `${action} from ${side.station}`,
          at,
          snapshot: alert,
        })
        .catch((err: unknown) => {
          errors.push(err);
          throw err;
        });
    const settled = await Promise.all(
      wave.map(async (alert, k) => {
        // Alternate who sends first, so neither station always has the head start.
        const pair =
          k % 2 === 0
            ? [go(sideA(), alert, actionA), go(sideB(), alert, actionB)]
            : [go(sideB(), alert, actionB), go(sideA(), alert, actionA)].reverse();
        const [ra, rb] = await Promise.all(pair);
        return { alert, a: ra!, b: rb! };
      }),
    );
    results.push(...settled);
  }
  return { results, errors, ms: performance.now() - started };
}

async function auditRows(): Promise<RowDataPacket[]> {
  const [rows] = await admin.query<RowDataPacket[]>(
    'SELECT event_id, alert_id, action, from_status, to_status, outcome, station_id, message FROM alert_events ORDER BY event_id',
  );
  return rows;
}

describe('Fault: two stations acknowledge the same alerts concurrently (MariaDB)', () => {
  const alerts = Array.from({ length: 300 }, (_, i) =>
    makeAlert(
      `race-${String(i).padStart(4, '0')}`,
      `P${String(1 + (i % 30)).padStart(3, '0')}`,
      BASE + i * 1000,
    ),
  );

  it('confirm vs confirm, then resolve vs resolve: one winner each, a clear conflict for the loser, every attempt audited', async () => {
    await a.upsertAlerts(alerts);

    const confirm = await race(alerts, 'confirm', 'confirm');
    expect(confirm.errors).toEqual([]);
    let winsA = 0;
    for (const { alert, a: ra, b: rb } of confirm.results) {
      const kinds = [ra.kind, rb.kind].sort();
      expect(kinds, alert.alertId).toEqual(['applied', 'conflict']);
      const [loser, winner] = ra.kind === 'conflict' ? [ra, 'ST-B'] : [rb, 'ST-A'];
      if (winner === 'ST-A') winsA++;
      if (loser.kind !== 'conflict') throw new Error('unreachable');
      expect(loser.current.status).toBe('confirmed');
      expect(loser.message).toMatch(
        new RegExp(
          `^Already confirmed by Nurse ${winner === 'ST-A' ? 'Ana' : 'Ben'} at \\d\\d:\\d\\d from station ${winner}$`,
        ),
      );
    }

    const resolve = await race(alerts, 'resolve', 'resolve');
    expect(resolve.errors).toEqual([]);
    for (const { alert, a: ra, b: rb } of resolve.results) {
      expect([ra.kind, rb.kind].sort(), alert.alertId).toEqual(['applied', 'conflict']);
      const loser = ra.kind === 'conflict' ? ra : rb;
      if (loser.kind === 'conflict')
        expect(loser.message).toMatch(/^Already resolved by Nurse (Ana|Ben) at /);
    }

    const rows = await auditRows();
    expect(rows).toHaveLength(4 * alerts.length); // 2 stations × 2 rounds, every attempt
    const byAlert = new Map<string, RowDataPacket[]>();
    for (const r of rows) byAlert.set(r.alert_id, [...(byAlert.get(r.alert_id) ?? []), r]);
    for (const alert of alerts) {
      const trail = byAlert.get(alert.alertId)!;
      // Serialized by the row lock: applied, then the loser saw its result; the same for resolve.
      expect(trail.map((r) => `${r.action}:${r.from_status}:${r.outcome}`)).toEqual([
        'confirm:pending:applied',
        'confirm:confirmed:conflict',
        'resolve:confirmed:applied',
        'resolve:resolved:conflict',
      ]);
    }
    const [final] = await admin.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n, SUM(version) AS v FROM alerts WHERE status = 'resolved'",
    );
    expect(Number(final[0]!.n)).toBe(alerts.length);
    expect(Number(final[0]!.v)).toBe(2 * alerts.length); // exactly two applied transitions per alert

    report('fault-5 concurrent stations (confirm/confirm, resolve/resolve)', {
      alerts: alerts.length,
      transitionsAttempted: 4 * alerts.length,
      confirmWinsStationA: winsA,
      confirmWinsStationB: alerts.length - winsA,
      errors: confirm.errors.length + resolve.errors.length,
      auditRows: rows.length,
      confirmRoundMs: Math.round(confirm.ms),
      resolveRoundMs: Math.round(resolve.ms),
      transitionsPerSecond: Math.round((4 * alerts.length) / ((confirm.ms + resolve.ms) / 1000)),
    });
  }, 120_000);

  it('confirm vs resolve on fresh alerts: always ends resolved, never a lost update', async () => {
    const fresh = Array.from({ length: 200 }, (_, i) =>
      makeAlert(
        `mix-${String(i).padStart(4, '0')}`,
        `P${String(1 + (i % 30)).padStart(3, '0')}`,
        BASE + i * 1000,
      ),
    );
    await a.upsertAlerts(fresh);
    const before = (await auditRows()).length;
    const { results, errors } = await race(fresh, 'confirm', 'resolve');
    expect(errors).toEqual([]);
    let confirmFirst = 0;
    for (const { alert, a: ra, b: rb } of results) {
      // Either A confirmed first and B's resolve still applies (confirmed → resolved is legal),
      // or B resolved first and A's confirm is refused.
      if (ra.kind === 'applied') {
        confirmFirst++;
        expect(rb.kind, alert.alertId).toBe('applied');
      } else {
        expect(ra.kind).toBe('conflict');
        expect(rb.kind).toBe('applied');
        if (ra.kind === 'conflict')
          expect(ra.message).toMatch(/^Already resolved by Nurse Ben at .* from station ST-B$/);
      }
    }
    const rows = (await auditRows()).slice(before);
    // every row is one of the two stations' attempts, none taken for a change made outside the app
    expect(
      rows
        .filter((r) => r.station_id !== 'ST-A' && r.station_id !== 'ST-B')
        .map((r) => `${r.alert_id} ${r.action} from ${r.from_status}: ${r.message}`),
    ).toEqual([]);
    expect(rows).toHaveLength(2 * fresh.length);
    const [final] = await admin.query<RowDataPacket[]>(
      "SELECT status, handle_station, COUNT(*) AS n FROM alerts WHERE alert_id LIKE 'mix-%' GROUP BY status, handle_station",
    );
    expect(final.map((r) => `${r.status}/${r.handle_station}/${r.n}`)).toEqual([
      `resolved/ST-B/${fresh.length}`,
    ]);
    report('fault-5 concurrent stations (confirm vs resolve)', {
      alerts: fresh.length,
      confirmWonTheRace: confirmFirst,
      resolveWonTheRace: fresh.length - confirmFirst,
      auditRows: rows.length,
    });
  }, 120_000);

  it('refuses a burst beyond the connection pool clearly, and applies exactly what it accepted', async () => {
    const burst = Array.from({ length: 300 }, (_, i) =>
      makeAlert(`burst-${String(i).padStart(4, '0')}`, 'P001', BASE + i * 1000),
    );
    await a.upsertAlerts(burst);
    const before = (await auditRows()).length;
    const settled = await Promise.allSettled(
      burst.map((alert) =>
        a.transition({
          alertId: alert.alertId,
          action: 'confirm',
          nurse: 'Ana',
          stationId: 'ST-A',
          note: null,
          at: Date.now(),
          snapshot: alert,
        }),
      ),
    );
    const accepted = settled.filter((s) => s.status === 'fulfilled').length;
    const refused = settled.flatMap((s) =>
      s.status === 'rejected' ? [s.reason as Error & { code?: string }] : [],
    );
    for (const err of refused) {
      expect(err.code).toBe('unavailable');
      expect(err.message).toMatch(/not keeping up; try again/);
    }
    const rows = (await auditRows()).slice(before);
    const [confirmed] = await admin.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM alerts WHERE alert_id LIKE 'burst-%' AND status = 'confirmed'",
    );
    expect(rows).toHaveLength(accepted);
    expect(Number(confirmed[0]!.n)).toBe(accepted);
    report('fault-5 burst beyond the pool queue', {
      requested: burst.length,
      accepted,
      refusedUnavailable: refused.length,
    });
  }, 60_000);

  it('stops alarming at one station for the alerts the other acknowledged, within its check interval', async () => {
    const alerts = Array.from({ length: 20 }, (_, i) =>
      makeAlert(
        `seen-${String(i).padStart(2, '0')}`,
        `P${String(1 + (i % 4)).padStart(3, '0')}`,
        Date.now() - 5_000,
      ),
    );
    await a.upsertAlerts(alerts); // as RisingWave's sink would
    const station = (store: AuditedAlertStore, stationId: string) => {
      const vitals = new ScriptedVitals();
      const local = openStationDatabase(':memory:');
      const core = new StationCore({
        vitals,
        alerts: store,
        cache: createSqliteAckCache(local),
        outbox: createSqliteAlertOutbox(local),
        notifier: quietNotifier,
        clock: systemClock,
        settings: fixedSettings(),
        info: { ...STATION_INFO, stationId },
        recordFeedInStore: false,
        healthIntervalMs: 100,
        handledCheckIntervalMs: 300,
      });
      return { vitals, core };
    };
    const stA = station(a, 'ST-A');
    const stB = station(b, 'ST-B');
    const changedAtB: Alert[] = [];
    stB.core.on((event, payload) => {
      if (event === 'alerts:changed') changedAtB.push(...(payload as Alert[]));
    });
    try {
      await stA.core.start();
      await stB.core.start();
      stA.vitals.emit(alerts);
      stB.vitals.emit(alerts);
      // (the database also holds the pending alerts of the tests above, which both load at start)
      const before = stB.core.unreadCount();
      expect(before).toBeGreaterThanOrEqual(alerts.length);
      const ANA = callAs('Ana', { role: 'nurse' });
      const handled = alerts.slice(0, 8);
      const t0 = Date.now();
      for (const alert of handled) {
        await dispatch(
          stA.core.handlers,
          'alerts:acknowledge',
          {
            alertId: alert.alertId,
            action: 'confirm',
          },
          undefined,
          ANA,
        );
      }
      while (stB.core.unreadCount() > before - handled.length && Date.now() - t0 < 5_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const learnedMs = Date.now() - t0;
      expect(stB.core.unreadCount()).toBe(before - handled.length);
      expect(changedAtB.map((x) => x.alertId).sort()).toEqual(handled.map((x) => x.alertId));
      expect(changedAtB.every((x) => x.status === 'confirmed' && x.handleBy === 'Ana')).toBe(true);
      report('fault-5 the other station learns of acknowledgements', {
        acknowledgedAtA: handled.length,
        learnedAtBWithinMs: learnedMs,
        checkIntervalMs: 300,
      });
    } finally {
      await stA.core.stop();
      await stB.core.stop();
    }
  }, 30_000);
});
