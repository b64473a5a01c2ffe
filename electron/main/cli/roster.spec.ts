import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteAuditLog } from '../adapters/sqlite/sqlite-audit-log';
import { createSqliteRoster } from '../adapters/sqlite/sqlite-roster';
import { verifyPin } from '../core/pin-hash';
import { runCliCaptured } from '../../../tests/support/cli-run';

const tmp = mkdtempSync(path.join(tmpdir(), 'ns-roster-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (argv: string[], stdin?: string) => runCliCaptured(argv, stdin === undefined ? {} : { stdin });

function stationDb(): string {
  const file = path.join(tmp, `station-${Math.random().toString(16).slice(2)}.sqlite`);
  new Database(file).close();
  return file;
}

describe('nurse-station roster', () => {
  it('adds the first charge nurse with the PIN from stdin, stored only as a hash', async () => {
    const file = stationDb();
    const r = await cli(
      ['roster', 'set', '--sqlite', file, '--id', 'C2001', '--name', 'Ada Obi', '--role', 'charge'],
      '4711\n',
    );
    expect(r).toMatchObject({ code: 0, stdout: 'added C2001 (charge)\n' });
    const db = new Database(file);
    const m = await createSqliteRoster(db).find('C2001');
    expect(m).toMatchObject({ name: 'Ada Obi', role: 'charge', active: true });
    expect(m?.pinHash).not.toContain('4711');
    expect(await verifyPin('4711', m?.pinHash ?? null)).toBe(true);
    db.close();
    const list = await cli(['roster', 'list', '--sqlite', file]);
    expect(list.stdout).toBe('C2001\tcharge\tactive\tAda Obi\n');
  });

  it('changes a member and keeps the PIN with --keep-pin; --inactive stops sign-in', async () => {
    const file = stationDb();
    // a PIN anyone would try first is refused, and nothing is written
    const weak = await cli(['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'Bo'], '1111\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toBe('nurse-station roster: the PIN on stdin: must not be one character repeated\n');
    await cli(['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'Bo'], '1357\n');
    const r = await cli([
      'roster',
      'set',
      '--sqlite',
      file,
      '--id',
      'N1',
      '--name',
      'Bo Li',
      '--inactive',
      '--keep-pin',
    ]);
    expect(r).toMatchObject({ code: 0, stdout: 'changed N1 (nurse, inactive)\n' });
    const db = new Database(file);
    const m = await createSqliteRoster(db).find('N1');
    expect(m).toMatchObject({ name: 'Bo Li', active: false });
    expect(await verifyPin('1357', m?.pinHash ?? null)).toBe(true);
    // both changes are in the station's audit (issue #18: who may sign in changed), chained
    const audit = createSqliteAuditLog(db).list({ kind: 'access', limit: 10 });
    expect(audit.map((e) => [e.action, e.subject, e.nurse, e.detail])).toEqual([
      [
        'roster-saved',
        'N1',
        'IT (nurse-station roster set)',
        'Bo Li (nurse, inactive): name Bo → Bo Li, made inactive',
      ],
      ['roster-saved', 'N1', 'IT (nurse-station roster set)', 'Bo (nurse): added'],
    ]);
    db.close();
  });

  it('refuses bad input with one clear line and changes nothing', async () => {
    const file = stationDb();
    const cases: [string[], string | undefined, RegExp][] = [
      [['roster', 'set', '--sqlite', file, '--id', 'N 1', '--name', 'X'], '1234\n', /--id: only letters/],
      [['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'X'], '12\n', /PIN on stdin: at least 4/],
      [
        ['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'X', '--role', 'admin'],
        '1234\n',
        /--role must be nurse or charge/,
      ],
      [
        ['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'X', '--keep-pin'],
        undefined,
        /not in the roster yet/,
      ],
      [['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'X'], '    \n', /PIN on stdin: must not/],
      [['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'Li\u202eNa'], '1357\n', /--name must be/],
      [['roster', 'list'], undefined, /exactly one of --sqlite FILE or --mysql URL/],
      [
        ['roster', 'list', '--mysql', 'mysql://root:secret@127.0.0.1/x'],
        undefined,
        /NURSE_STATION_MYSQL_PASSWORD, not in the URL/,
      ],
      [['roster', 'list', '--sqlite', path.join(tmp, 'missing.sqlite')], undefined, /cannot open/],
    ];
    for (const [argv, stdin, message] of cases) {
      const r = await cli(argv, stdin);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect((await cli(['roster', 'list', '--sqlite', file])).stdout).toBe('');
  });
});
