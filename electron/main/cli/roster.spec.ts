import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteRoster } from '../adapters/sqlite/sqlite-roster';
import { verifyPin } from '../core/pin-hash';
import type { CliIo } from './cli-io';
import { runCli } from './main';

const tmp = mkdtempSync(path.join(tmpdir(), 'ns-roster-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[], stdin?: string) {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = {
    stdin: Readable.from(stdin === undefined ? [] : [stdin]),
    stdout,
    stderr,
    signal: new AbortController().signal,
    now: () => Date.UTC(2026, 11, 7),
    systemTimeZone: 'UTC',
  };
  const code = await runCli(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}

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
    await cli(['roster', 'set', '--sqlite', file, '--id', 'N1', '--name', 'Bo'], '1111\n');
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
    expect(await verifyPin('1111', m?.pinHash ?? null)).toBe(true);
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
