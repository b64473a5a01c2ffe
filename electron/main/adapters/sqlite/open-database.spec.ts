// Opening station.sqlite: a damaged file is kept for IT and replaced by a fresh one (never a station
// that cannot start), and the cache files are private to the station user whatever the umask.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckedStationDatabase, openStationDatabase, prepareDataDir } from './open-database';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ns-open-db-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const kept = (dir: string) =>
  readdirSync(dir).filter((f) => f.startsWith('station.sqlite.damaged-') && !/-(wal|shm)$/.test(f));

function populated(file: string): void {
  const db = openStationDatabase(file);
  db.exec('CREATE TABLE t (x TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(200)}`);
  db.close();
}

describe('openStationDatabase: a damaged file', () => {
  it('moves a file of random bytes aside (kept, timestamped) and opens a fresh database', () => {
    const dir = tempDir();
    const file = join(dir, 'station.sqlite');
    const garbage = randomBytes(32 * 1024);
    writeFileSync(file, garbage);
    writeFileSync(`${file}-wal`, randomBytes(1024));
    const db = openStationDatabase(file);
    db.exec('CREATE TABLE t (x)');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const [name] = kept(dir);
    expect(name).toMatch(/^station\.sqlite\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(readFileSync(join(dir, name!)).equals(garbage)).toBe(true);
    expect(existsSync(join(dir, `${name!}-wal`))).toBe(true); // its WAL kept with it
  });

  it('says what it replaced and why', () => {
    const dir = tempDir();
    const file = join(dir, 'station.sqlite');
    writeFileSync(file, randomBytes(8192));
    const { db, replaced } = openCheckedStationDatabase(file, {
      now: () => new Date(Date.UTC(2025, 2, 4, 5, 6, 7, 8)),
    });
    db.close();
    expect(replaced).toEqual({
      keptAs: join(dir, 'station.sqlite.damaged-2025-03-04T05-06-07-008Z'),
      reason: 'file is not a database',
    });
  });

  it('replaces a file whose pages fail the integrity check', () => {
    const dir = tempDir();
    const file = join(dir, 'station.sqlite');
    populated(file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 7), 0, 4096, 4096 * 5);
    closeSync(fd);
    const { db, replaced } = openCheckedStationDatabase(file);
    expect(replaced?.reason).toMatch(/malformed|corrupt|tree|page/i);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get()).toEqual({ n: 0 });
    db.close();
    expect(kept(dir)).toHaveLength(1);
  });

  it('leaves a healthy file alone', () => {
    const dir = tempDir();
    const file = join(dir, 'station.sqlite');
    populated(file);
    const { db, replaced } = openCheckedStationDatabase(file);
    expect(replaced).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
    db.close();
    expect(kept(dir)).toHaveLength(0);
  });
});

describe('openStationDatabase: file modes', () => {
  let umask = 0;
  beforeEach(() => {
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('creates station.sqlite, -wal and -shm 0600 under a permissive umask', () => {
    const dir = tempDir();
    const file = join(dir, 'station.sqlite');
    const db = openStationDatabase(file);
    db.exec('CREATE TABLE t (x)');
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['600', '600', '600']);
    db.close();
  });

  it('tightens files an older version left 0644', () => {
    const dir = tempDir();
    const file = join(dir, 'station.sqlite');
    populated(file);
    chmodSync(file, 0o644);
    writeFileSync(`${file}-shm`, '');
    chmodSync(`${file}-shm`, 0o644);
    const db = openStationDatabase(file);
    db.exec('CREATE TABLE u (x)');
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['600', '600', '600']);
    db.close();
  });

  it('prepareDataDir makes the data folder 0700, creating it or tightening an existing one', () => {
    const root = tempDir();
    const existing = join(root, 'existing');
    mkdirSync(existing, { mode: 0o755 });
    chmodSync(existing, 0o755);
    prepareDataDir(existing);
    expect(mode(existing)).toBe('700');
    const fresh = join(root, 'a', 'b');
    prepareDataDir(fresh);
    expect(mode(fresh)).toBe('700');
  });
});

describe('openStationDatabase: which better_sqlite3.node', () => {
  // the installed build (plain Node's ABI): loading it again by path is the module already loaded
  const installed = join(
    __dirname,
    '../../../../node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  );

  it('loads the binding it is given (under Electron: the one built for Electron)', () => {
    const file = join(tempDir(), 'station.sqlite');
    const db = openStationDatabase(file, { nativeBinding: installed });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const mem = openCheckedStationDatabase(':memory:', { nativeBinding: installed }).db;
    expect(mem.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    mem.close();
  });

  it('a binding that is not there fails the open, naming the path (no silent fallback to the Node build)', () => {
    const missing = join(tempDir(), 'native', 'better_sqlite3.node');
    expect(() => openStationDatabase(join(tempDir(), 'station.sqlite'), { nativeBinding: missing })).toThrow(
      missing,
    );
    expect(() => openCheckedStationDatabase(':memory:', { nativeBinding: missing })).toThrow(missing);
  });
});
