import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { createSqliteAuditLog } from '../adapters/sqlite/sqlite-audit-log';
import type { ChainReport } from '../core/audit-chain';
import { formatReport } from './audit';
import { runCliCaptured } from '../../../tests/support/cli-run';

const tmp = mkdtempSync(path.join(tmpdir(), 'ns-audit-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (argv: string[]) => runCliCaptured(argv);

let n = 0;
/** a station data folder whose station.sqlite has a few audit rows in each chain but ack_log */
function stationDir(): { dir: string; file: string; edit: (fn: (db: Database) => void) => void } {
  const dir = path.join(tmp, `data-${++n}`);
  mkdirSync(dir);
  const file = path.join(dir, 'station.sqlite');
  const db = openStationDatabase(file);
  const log = createSqliteAuditLog(db);
  for (let i = 1; i <= 3; i++) {
    log.record({
      kind: 'access',
      action: 'sign-in',
      nurseId: `N${i}`,
      nurse: `Nurse ${i}`,
      stationId: 'ward-3',
      subject: null,
      detail: 'signed in',
      at: 1_700_000_000_000 + i,
    } as never);
  }
  log.record({
    kind: 'thresholds',
    patientId: 'P1',
    nurseId: 'C1',
    nurse: 'Ada',
    stationId: 'ward-3',
    at: 1_700_000_000_100,
    before: { heartRateMin: 50 },
    after: { heartRateMin: 45 },
  } as never);
  db.close();
  return {
    dir,
    file,
    edit(fn) {
      const w = openStationDatabase(file);
      fn(w);
      w.close();
    },
  };
}

describe('nurse-station audit verify (SQLite)', () => {
  it('reports every chain of an intact file and exits 0', async () => {
    const { file } = stationDir();
    const r = await cli(['audit', 'verify', '--sqlite', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'ack_log: OK — 0 rows checked, 0 unchained',
        'threshold_audit: OK — 1 rows checked, 0 unchained',
        'settings_audit: OK — 0 rows checked, 0 unchained',
        'access_audit: OK — 3 rows checked, 0 unchained',
        `audit: ${file}: all 4 chains intact`,
        '',
      ].join('\n'),
    );
  });

  it('finds the file from --data-dir, --db, or NURSE_STATION_DATA_DIR', async () => {
    const { dir, file } = stationDir();
    expect((await cli(['audit', 'verify', '--data-dir', dir])).stdout).toContain(
      `audit: ${file}: all 4 chains intact`,
    );
    expect((await cli(['audit', 'verify', '--db', file])).code).toBe(0);
    const before = process.env.NURSE_STATION_DATA_DIR;
    process.env.NURSE_STATION_DATA_DIR = dir;
    try {
      expect((await cli(['audit', 'verify'])).code).toBe(0);
    } finally {
      if (before === undefined) delete process.env.NURSE_STATION_DATA_DIR;
      else process.env.NURSE_STATION_DATA_DIR = before;
    }
  });

  it('names the first broken row, exits 1, and still reports the other chains', async () => {
    const s = stationDir();
    s.edit((db) => db.prepare("UPDATE access_audit SET nurse = 'Mallory' WHERE seq = 2").run());
    const r = await cli(['audit', 'verify', '--sqlite', s.file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('threshold_audit: OK');
    expect(r.stdout).toMatch(
      /access_audit: BROKEN at seq 2 \(hash mismatch\) — 1 rows checked, 0 unchained before it\n {2}the row’s content does not give its hash: it was edited\n {2}expected [0-9a-f]{64}\n {2}found {4}[0-9a-f]{64}\n/,
    );
    expect(r.stdout).toContain('1 of 4 chains BROKEN');
  });

  it('names a removed row by the row after it, and removed newest rows by the head', async () => {
    const s = stationDir();
    s.edit((db) => db.prepare('DELETE FROM access_audit WHERE seq = 1').run());
    expect((await cli(['audit', 'verify', '--sqlite', s.file])).stdout).toContain(
      'access_audit: BROKEN at seq 2 (prev link broken)',
    );
    const t = stationDir();
    t.edit((db) => db.prepare('DELETE FROM access_audit WHERE seq = 3').run());
    const r = await cli(['audit', 'verify', '--sqlite', t.file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('access_audit: BROKEN at seq 3 (missing rows at head)');
    expect(r.stdout).toContain('rows at the end (after seq 2) were removed');
  });

  it('never writes to the file', async () => {
    const { file } = stationDir();
    const bytes = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    await cli(['audit', 'verify', '--sqlite', file]);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('says in one line why it could not check, with exit 2', async () => {
    const missing = await cli(['audit', 'verify', '--sqlite', path.join(tmp, 'nope.sqlite')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nurse-station audit: cannot open .*nope\.sqlite: .*\n$/);
    const junk = path.join(tmp, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, just some text long enough to look like a file\n');
    const notDb = await cli(['audit', 'verify', '--sqlite', junk]);
    expect(notDb.code).toBe(2);
    expect(notDb.stderr.split('\n')).toHaveLength(2);
    const empty = path.join(tmp, 'empty.sqlite');
    openStationDatabase(empty).close();
    expect((await cli(['audit', 'verify', '--sqlite', empty])).stderr).toMatch(/has no audit tables/);
    expect((await cli(['audit', 'verify', '--data-dir', path.join(tmp, 'none')])).stderr).toMatch(
      /no data folder/,
    );
  });
});

describe('nurse-station audit: usage', () => {
  it('prints its help, and is listed in the main help', async () => {
    const r = await cli(['audit', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: nurse-station audit verify/);
    expect((await cli(['help', 'audit'])).stdout).toBe(r.stdout);
    expect((await cli(['--help'])).stdout).toContain('audit verify');
  });

  it('refuses a missing or unknown verb, two stores at once, and a password in the URL', async () => {
    const before = process.env.NURSE_STATION_DATA_DIR;
    delete process.env.NURSE_STATION_DATA_DIR;
    try {
      expect(await cli(['audit', 'verify'])).toMatchObject({
        code: 2,
        stderr:
          'nurse-station audit: say what to check: --sqlite FILE, --data-dir DIR or --mysql URL (see --help)\n',
      });
    } finally {
      if (before !== undefined) process.env.NURSE_STATION_DATA_DIR = before;
    }
    expect((await cli(['audit'])).stderr).toBe('nurse-station audit: expected "verify" (see --help)\n');
    expect((await cli(['audit', 'repair', '--sqlite', 'x'])).code).toBe(2);
    expect((await cli(['audit', 'verify', '--bogus'])).code).toBe(2);
    expect((await cli(['audit', 'verify', '--sqlite', 'a', '--mysql', 'mysql://x/y'])).stderr).toMatch(
      /give only one of/,
    );
    const secret = await cli(['audit', 'verify', '--mysql', 'mysql://ns:hunter2@db:3306/ns']);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toMatch(/NURSE_STATION_MYSQL_PASSWORD/);
    expect(secret.stderr).not.toContain('hunter2');
    expect((await cli(['audit', 'verify', '--mysql', 'postgres://db/ns'])).stderr).toMatch(/expected mysql/);
  });

  it('says when MySQL cannot be reached, without the password, exit 2', async () => {
    const before = process.env.NURSE_STATION_MYSQL_PASSWORD;
    process.env.NURSE_STATION_MYSQL_PASSWORD = 's3cret-pw';
    try {
      // port 1 on localhost: nothing listens there
      const r = await cli(['audit', 'verify', '--mysql', 'mysql://ns@127.0.0.1:1/ns']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^nurse-station audit: cannot connect to MySQL ns@127\.0\.0\.1:1\/ns: /);
      expect(r.stderr).not.toContain('s3cret-pw');
      expect(r.stderr.split('\n')).toHaveLength(2);
    } finally {
      if (before === undefined) delete process.env.NURSE_STATION_MYSQL_PASSWORD;
      else process.env.NURSE_STATION_MYSQL_PASSWORD = before;
    }
  });
});

describe('formatReport', () => {
  const base: ChainReport = {
    table: 'alert_events',
    rowsChecked: 7,
    legacyRows: 2,
    unchainedRows: 1,
    firstUnchainedSeq: 5,
    anchors: 0,
    head: { seq: 9, hash: 'a'.repeat(64) },
    ok: true,
    broken: null,
  };
  it('counts unchained rows with where they came from', () => {
    expect(formatReport(base, 'event_id')).toBe(
      'alert_events: OK — 7 rows checked, 3 unchained (2 from before the chain; 1 written outside Nurse Station, first event_id 5)\n',
    );
    expect(
      formatReport({ ...base, table: 'ack_log', legacyRows: 0, unchainedRows: 0, anchors: 2 }, 'seq'),
    ).toBe('ack_log: OK — 7 rows checked, 0 unchained, 2 pruned runs\n');
  });
  it('names missing rows at the head', () => {
    const out = formatReport(
      {
        ...base,
        ok: false,
        broken: {
          seq: 9,
          problem: 'missing-at-head',
          expected: 'a'.repeat(64),
          found: null,
          message: 'the head names seq 9, but the last chained row is seq 7: rows at the end were removed',
        },
      },
      'event_id',
    );
    expect(out).toMatch(/^alert_events: BROKEN at event_id 9 \(missing rows at head\)/);
    expect(out).not.toContain('found');
  });
});
