// Database passwords: never stored in clear text (settings file, station database), never logged, never
// shown in what crosses to the UI — including when a connection fails because the password is wrong (a
// private MariaDB with a real account, a private PostgreSQL with scram authentication) or because nothing
// listens on the port.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackendHealth } from '../../../shared/domain/types';
import type { EventMap, EventName, SettingsView, StationInfo } from '../../../shared/ipc/contract';
import { createSettingsStore } from '../../../electron/main/config/settings-store';
import { mariadbBinaries, startPrivateMariaDb, type PrivateMariaDb } from '../../support/private-mariadb';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { freePort, missingBinaryNote, waitFor } from '../../support/private-servers';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { fakeKeyring, noKeyring, startTestStation, type TestStation } from '../helpers/station-host';
import { DEMO_CHARGE } from '../../support/nurses';

const MY_RIGHT = 'Corr3ct-Horse-Battery-Staple';
const MY_WRONG = 'Wr0ng-Pa55-Zebra!x';
const PG_RIGHT = 'Pg-R1ght-Secret-42';
const PG_WRONG = 'Pg-Wr0ng-Secret-99';
const SECRETS = [MY_RIGHT, MY_WRONG, PG_RIGHT, PG_WRONG];

/** Every byte the station wrote under its data dir (settings, SQLite, WAL), as latin1 text. */
function dataDirText(dir: string): string {
  return readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('Security: passwords at rest', () => {
  it('keeps only ciphertext in settings.json with an OS keyring, and nothing at all without one', async () => {
    for (const [keyring, label] of [
      [fakeKeyring, 'keyring'],
      [noKeyring, 'no keyring'],
    ] as const) {
      const station = await startTestStation({ secretStore: keyring, beds: 2 });
      try {
        await station.signIn(DEMO_CHARGE); // settings are the charge nurse's
        const r = await station.call<SettingsView>('settings:update-connection', {
          mode: 'simulator',
          risingwave: { host: '10.0.0.5', port: 4566, user: 'root', database: 'dev', password: PG_RIGHT },
          mysql: { host: '10.0.0.6', port: 3306, user: 'nurse', database: 'ns', password: MY_RIGHT },
          pollIntervalMs: 1000,
        });
        expect(r.ok, JSON.stringify(r)).toBe(true);
        if (r.ok) {
          expect(r.value.connection.mysql.passwordSet).toBe(true);
          expect(r.value.secretStorage.encrypted).toBe(label === 'keyring');
          expect(leaks(JSON.stringify(r.value))).toEqual([]);
        }
        const file = readFileSync(join(station.dataDir, 'settings.json'), 'utf8');
        expect(leaks(file), label).toEqual([]);
        expect(leaks(dataDirText(station.dataDir)), label).toEqual([]);
        expect(statSync(join(station.dataDir, 'settings.json')).mode & 0o077).toBe(0); // owner only
        const saved = JSON.parse(file) as { connection: { mysql: { passwordCipher?: string } } };
        if (label === 'keyring') expect(saved.connection.mysql.passwordCipher).toMatch(/^[A-Za-z0-9+/=]+$/);
        else expect(saved.connection.mysql.passwordCipher).toBeUndefined();
        const view = await station.call('settings:get', {});
        expect(leaks(JSON.stringify(view))).toEqual([]);
      } finally {
        await station.close();
      }
    }
  }, 60_000);

  it('never echoes a password from a malformed NURSE_STATION_*_URL into the log', () => {
    const lines: string[] = [];
    createSettingsStore({
      file: '/nonexistent/settings.json',
      secretStore: noKeyring,
      env: {
        NURSE_STATION_MYSQL_URL: `mysql://nurse:${MY_RIGHT}@[bad host/ns`,
        NURSE_STATION_RW_URL: `http://root:${PG_RIGHT}@rw:4566/dev`,
      },
      log: (m) => lines.push(m),
    });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(leaks(lines.join('\n'))).toEqual([]);
  });
});

const available = mariadbBinaries() !== null && postgresBinDir() !== null;
const title = 'Security: a wrong password or a closed port never puts a password in logs or UI answers';
const suite = available ? describe : describe.skip;

suite(available ? title : `${title} — ${missingBinaryNote('MariaDB or PostgreSQL')}`, () => {
  let maria: PrivateMariaDb;
  let pgsql: PrivatePostgres;
  let station: TestStation;
  const log: string[] = [];
  const events: string[] = [];
  const spies: { mock: { calls: unknown[][] } }[] = [];
  const consoleText = () =>
    spies.flatMap((s) => s.mock.calls.map((args) => args.map(String).join(' '))).join('\n');

  beforeAll(async () => {
    [maria, pgsql] = (await Promise.all([
      startPrivateMariaDb(),
      startPrivatePostgres({ auth: 'scram', password: PG_RIGHT }),
    ])) as [PrivateMariaDb, PrivatePostgres];
    const c = await maria.connect();
    await c.query('CREATE DATABASE ns_sec');
    for (const host of ['127.0.0.1', 'localhost', '%']) {
      await c.query(`CREATE USER 'ns_app'@'${host}' IDENTIFIED BY ?`, [MY_RIGHT]);
      await c.query(`GRANT SELECT, INSERT, UPDATE ON ns_sec.* TO 'ns_app'@'${host}'`);
    }
    await c.end();
    // Whatever a library prints to the console is checked too (the spies still print it).
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) spies.push(vi.spyOn(console, m));
    await freshStation();
  }, 120_000);

  /**
   * A new station in simulator mode with the charge nurse signed in (settings are hers). Each test that
   * changes the connection starts from one: since #18 a connection pointing at another roster (simulator
   * to connected, or another MySQL server) signs everyone out, and this suite's MySQL servers hold no
   * roster (wrong password, closed port, no tables), so nobody could sign in again to change it once more.
   */
  async function freshStation(): Promise<void> {
    await station?.close();
    station = await startTestStation({ secretStore: fakeKeyring, beds: 2, log: (line) => log.push(line) });
    await station.signIn(DEMO_CHARGE);
    station.host.onEvent(<E extends EventName>(event: E, payload: EventMap[E]) => {
      events.push(JSON.stringify({ event, payload }));
    });
  }

  afterAll(async () => {
    vi.restoreAllMocks();
    await station?.close();
    await maria?.destroy();
    await pgsql?.destroy();
  }, 60_000);

  /** Switches the station to connected mode and waits until both backends report why they are down. */
  async function connectWith(rw: { port: number; password: string }, my: { port: number; password: string }) {
    const r = await station.call('settings:update-connection', {
      mode: 'connected',
      risingwave: {
        host: '127.0.0.1',
        port: rw.port,
        user: 'postgres',
        database: 'postgres',
        password: rw.password,
      },
      mysql: { host: '127.0.0.1', port: my.port, user: 'ns_app', database: 'ns_sec', password: my.password },
      pollIntervalMs: 300,
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    // #18: another roster, so the charge nurse who changed the connection is signed out
    const info = await station.call<StationInfo>('station:info', {});
    expect(info.ok && info.value.nurse, JSON.stringify(info)).toBe(null);
    let health: BackendHealth[] = [];
    await waitFor(
      'both backends to report the failure',
      async () => {
        const h = await station.call<BackendHealth[]>('health:get', {});
        health = h.ok ? h.value : [];
        const vitals = health.find((x) => x.backend === 'vitals');
        const alerts = health.find((x) => x.backend === 'alerts');
        return vitals?.up === false && !/Connecting/.test(vitals.message ?? '') && alerts?.up === false;
      },
      20_000,
      100,
    );
    return health;
  }

  /** Every request a nurse's screen makes, with their answers. */
  async function screens(): Promise<string[]> {
    const answers: string[] = [];
    for (const [channel, request] of [
      ['health:get', {}],
      ['alerts:list', { range: '24h', limit: 50 }],
      ['alerts:stats', { range: '24h' }],
      ['alerts:get', { alertId: 'a1' }],
      ['patients:alerts', { patientId: 'P001', range: '24h' }],
      ['patients:trend', { patientId: 'P001', from: Date.now() - 3_600_000, to: Date.now() }],
      ['thresholds:get', { patientId: 'P001' }],
      ['stats:burden', { range: '24h' }],
      ['settings:get', {}],
      ['station:info', {}],
      ['app:about', {}],
    ] as const) {
      const r = await station.call(channel, request);
      expect(resultProblem(r), `${channel}: ${JSON.stringify(r)}`).toBeNull();
      answers.push(JSON.stringify(r));
    }
    return answers;
  }

  it('wrong passwords: clear messages that name the user, never the password', async () => {
    const health = await connectWith(
      { port: pgsql.port, password: PG_WRONG },
      { port: maria.port, password: MY_WRONG },
    );
    const vitals = health.find((h) => h.backend === 'vitals')!;
    const alerts = health.find((h) => h.backend === 'alerts')!;
    expect(vitals.message).toMatch(/password|authentication|refused the user/i);
    expect(alerts.message).toMatch(/refused the user "ns_app" — check the password/);
    const answers = await screens();
    const everything = [...answers, ...events, ...log, consoleText()].join('\n');
    expect(leaks(everything)).toEqual([]);
    expect(everything).not.toMatch(/\n\s+at \S+ \(|node_modules\//); // no stack traces
    expect(leaks(dataDirText(station.dataDir))).toEqual([]);
    report('secrets: wrong password', {
      vitalsMessage: vitals.message,
      alertsMessage: alerts.message,
      logLines: log.length,
      uiAnswersChecked: answers.length,
      eventsChecked: events.length,
      passwordOccurrences: 0,
    });
  }, 60_000);

  it('closed ports: clear "unreachable" messages, never the password', async () => {
    const [closedRw, closedMy] = [await freePort(), await freePort()];
    await freshStation();
    log.length = 0;
    events.length = 0;
    const health = await connectWith(
      { port: closedRw, password: PG_RIGHT },
      { port: closedMy, password: MY_RIGHT },
    );
    const vitals = health.find((h) => h.backend === 'vitals')!;
    const alerts = health.find((h) => h.backend === 'alerts')!;
    expect(vitals.message).toMatch(/unreachable|refused|not answer/i);
    expect(alerts.message).toMatch(/unreachable at 127\.0\.0\.1:\d+ \(connection refused\)/);
    const answers = await screens();
    const everything = [...answers, ...events, ...log, consoleText()].join('\n');
    expect(leaks(everything)).toEqual([]);
    expect(leaks(dataDirText(station.dataDir))).toEqual([]);
    report('secrets: closed port', {
      vitalsMessage: vitals.message,
      alertsMessage: alerts.message,
      logLines: log.length,
      passwordOccurrences: 0,
    });
  }, 60_000);

  it('right passwords connect (the test accounts are real)', async () => {
    await freshStation();
    const r = await station.call('settings:update-connection', {
      mode: 'connected',
      risingwave: {
        host: '127.0.0.1',
        port: pgsql.port,
        user: 'postgres',
        database: 'postgres',
        password: PG_RIGHT,
      },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'ns_app', database: 'ns_sec', password: MY_RIGHT },
      pollIntervalMs: 300,
    });
    expect(r.ok).toBe(true);
    // The alert store now answers (its tables are missing: a schema message, not an auth one).
    await waitFor(
      'the alert store to accept the login',
      async () => {
        const h = await station.call<BackendHealth[]>('health:get', {});
        const alerts = h.ok ? h.value.find((x) => x.backend === 'alerts') : undefined;
        const vitals = h.ok ? h.value.find((x) => x.backend === 'vitals') : undefined;
        return (
          alerts !== undefined &&
          !/refused the user/.test(alerts.message ?? '') &&
          vitals !== undefined &&
          !/password|authentication/i.test(vitals.message ?? '')
        );
      },
      20_000,
      100,
    );
    expect(leaks([...log, ...events, consoleText()].join('\n'))).toEqual([]);
  }, 60_000);
});
