// Opening, checking and watching the station's SQLite file (station.sqlite: acknowledgements, the
// simulator's alert store, thresholds, audits). It holds patient ids, nurse names and notes, so the
// file, its -wal/-shm and the data folder are private to the station user whatever the umask. A
// damaged file never stops the station: it is kept next to the new one for IT, and a fresh database is
// opened. While the station runs, the file on disk is checked against the one that is open (see
// watchDatabaseFile).
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;
const SIDE_FILES = ['-wal', '-shm'] as const;

/** A damaged station database found at start-up and moved aside. */
export interface ReplacedDatabase {
  /** where the damaged file now is (its -wal/-shm, if any, next to it with the same suffixes) */
  keptAs: string;
  /** what SQLite said about it */
  reason: string;
}

export interface OpenedStationDatabase {
  db: Database;
  /** null when the file was healthy (or new) */
  replaced: ReplacedDatabase | null;
}

/** Creates the data folder 0700, or tightens an existing one (Electron creates userData 0755). */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(dir, PRIVATE_DIR);
}

/** How better-sqlite3 is loaded. */
export interface SqliteLoadOptions {
  /**
   * Path of a better_sqlite3.node to load instead of node_modules/better-sqlite3/build's (which is
   * built for plain Node's ABI): under Electron, the one built for it (electron/main/shell/native-binding.ts).
   */
  nativeBinding?: string;
}

/** better-sqlite3's options for `load`: nothing unless a binding is given. */
function sqliteOptions(load: SqliteLoadOptions): BetterSqlite3.Options {
  return load.nativeBinding === undefined ? {} : { nativeBinding: load.nativeBinding };
}

/** Opens the station's SQLite file with the durability settings the acknowledgement log relies on. */
export function openStationDatabase(file: string, opts: SqliteLoadOptions = {}): Database {
  return openCheckedStationDatabase(file, opts).db;
}

/**
 * Opens and checks the station's SQLite file (PRAGMA quick_check). A file SQLite calls damaged (not a
 * database, malformed, failing the check) is moved aside with a timestamped name and a fresh database
 * is opened; `replaced` says so, for the technical alarm. Any other failure (no permission, disk) is
 * thrown as before: moving a healthy file aside would hide acknowledgements.
 */
export function openCheckedStationDatabase(
  file: string,
  opts: SqliteLoadOptions & { now?: () => Date } = {},
): OpenedStationDatabase {
  const load = sqliteOptions(opts);
  if (file === ':memory:') return { db: configure(new BetterSqlite3(file, load), file), replaced: null };
  const first = openChecked(file, load);
  if (first.damage === null) return { db: first.db, replaced: null };
  let keptAs: string;
  try {
    // moved while the damaged handle is still open: closing it makes SQLite delete the -wal at the
    // path, which must be the kept one's no more
    keptAs = moveAside(file, 'damaged', (opts.now ?? (() => new Date()))());
  } finally {
    first.db?.close();
  }
  const fresh = openChecked(file, load);
  if (fresh.damage !== null) {
    fresh.db?.close();
    throw fresh.damage;
  }
  return { db: fresh.db, replaced: { keptAs, reason: first.damage.message } };
}

type Checked = { db: Database; damage: null } | { db: Database | null; damage: Error };

function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** Opens and checks the file; damage is returned with the handle still open, anything else thrown. */
function openChecked(file: string, load: BetterSqlite3.Options): Checked {
  createPrivate(file);
  let db: Database | null = null;
  try {
    db = new BetterSqlite3(file, load);
    configure(db, file);
    const problems = db.pragma('quick_check(5)') as { quick_check: string }[];
    if ((problems[0]?.quick_check ?? 'ok') !== 'ok') {
      return { db, damage: new Error(problems.map((p) => p.quick_check).join('; ')) };
    }
    for (const suffix of SIDE_FILES) tighten(`${file}${suffix}`);
  } catch (err) {
    if (isDamage(err)) return { db, damage: err as Error };
    db?.close();
    throw err;
  }
  identities.set(db, identityOf(file));
  return { db, damage: null };
}

function configure(db: Database, file: string): Database {
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // FULL: a committed acknowledgement survives power loss, not just a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 2000');
  return db;
}

/**
 * Creates the file 0600 before SQLite opens it: SQLite gives -wal and -shm the main file's mode, so
 * they are private from their first byte, whatever the umask. A file an older version left 0644 is
 * tightened.
 */
function createPrivate(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE));
  chmodSync(file, PRIVATE_FILE);
}

function tighten(file: string): void {
  if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
}

function stamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

/**
 * Renames `file` (and, with `sideFiles`, its -wal/-shm) to `<file>.<label>-<timestamp>[-wal|-shm]`;
 * never deletes them.
 */
function moveAside(file: string, label: string, at: Date, sideFiles = true): string {
  let kept = `${file}.${label}-${stamp(at)}`;
  for (let n = 2; existsSync(kept); n++) kept = `${file}.${label}-${stamp(at)}-${n}`;
  renameSync(file, kept);
  for (const suffix of sideFiles ? SIDE_FILES : []) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${kept}${suffix}`);
  }
  syncDir(dirname(file));
  return kept;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not possible on every platform */
  }
}

// ---- while running ---------------------------------------------------------------------------

interface Identity {
  dev: number;
  ino: number;
}
/** the file each database was opened on, as it was then */
const identities = new WeakMap<Database, Identity>();

function identityOf(file: string): Identity {
  const st = statSync(file);
  return { dev: st.dev, ino: st.ino };
}

const same = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;

export interface DatabaseFileCheck {
  up: boolean;
  message: string | null;
}

export interface DatabaseFileWatch {
  /** Is the path still the open database, and writable? A deleted or swapped file is written back. */
  check(): DatabaseFileCheck;
  /** After a write through the handle: once the file was written back, the copy is updated at once. */
  afterWrite(): void;
}

const UP: DatabaseFileCheck = { up: true, message: null };

/**
 * Watches the open database's file. better-sqlite3 keeps a deleted file's inode open: the station
 * would go on writing into a file that is gone at the next restart. When the path no longer is the
 * open file (deleted, or another file put there), the open database is written back to the path and
 * kept up to date from then on, so a restart (or a crash) loses nothing.
 *
 * Once that happened the station keeps using its open handle rather than reopening: the handle is
 * shared by the alert store, thresholds and audit writers (their prepared statements), and it holds
 * the only complete copy; a reopen mid-shift would rebuild the whole wiring and, if it failed, leave
 * no cache at all. The handle leaves WAL for an in-memory rollback journal, so no -wal of the
 * vanished file can sit next to the copy and be replayed into it at the next start; each copy is a
 * whole, consistent image (serialize), written to a temp file, fsync'd and renamed over the path.
 */
export function watchDatabaseFile(db: Database): DatabaseFileWatch {
  if (db.memory) return { check: () => UP, afterWrite: () => undefined };
  const file = db.name;
  const name = basename(file);
  const opened = identities.get(db) ?? identityOf(file);
  /** set once the path was found not to be the open file: the copy the station writes */
  let copy: Identity | null = null;
  let copiedChanges = -1;
  let copyError: string | null = null;
  let movedAside: string | null = null;
  const totalChanges = db.prepare('SELECT total_changes()').pluck();

  function current(): Identity | null {
    try {
      return identityOf(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  function writeBack(): void {
    const changes = totalChanges.get() as number;
    const image = db.serialize();
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
    const tmp = `${file}.restore-${process.pid}.tmp`;
    try {
      const fd = openSync(tmp, 'w', PRIVATE_FILE);
      try {
        writeSync(fd, image);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    syncDir(dirname(file));
    copy = identityOf(file);
    copiedChanges = changes;
  }

  /** A file someone put at the path is kept for IT (its -wal at the path is the running station's own). */
  function keepForeign(): void {
    movedAside = moveAside(file, 'replaced', new Date(), false);
  }

  function detach(found: Identity | null): void {
    if (found) keepForeign();
    // No WAL next to the copy: the vanished file's -wal (still at the path) must never be replayed
    // into the copy at the next start. Leaving WAL checkpoints into the open handle and removes it.
    db.pragma('journal_mode = MEMORY');
    writeBack();
  }

  function keepUp(force: boolean): void {
    try {
      const found = current();
      if (copy === null) {
        if (found && same(found, opened)) return;
        detach(found);
      } else if (!found || !same(found, copy)) {
        if (found) keepForeign();
        writeBack();
      } else if (force || (totalChanges.get() as number) !== copiedChanges) {
        writeBack();
      }
      copyError = null;
    } catch (err) {
      copyError = (err as Error).message;
    }
  }

  function message(): string {
    const kept = movedAside ? ` The file found in its place was kept as ${basename(movedAside)}.` : '';
    const state = copyError
      ? `It could not be written back (${copyError}): acknowledgements are kept only while the station runs — do not restart it; call IT now.`
      : `It has been written back from the station's open copy, which is kept up to date, so nothing is lost; tell IT, and restart the station when convenient.`;
    return `The local acknowledgement cache file was deleted or replaced while the station was running (${name}).${kept} ${state}`;
  }

  return {
    check() {
      keepUp(false);
      if (copy !== null || copyError !== null) return { up: false, message: message() };
      try {
        accessSync(file, constants.W_OK);
      } catch (err) {
        return {
          up: false,
          message: `The local acknowledgement cache file (${name}) is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'}): a restart would not be able to record acknowledgements; call IT.`,
        };
      }
      return UP;
    },
    afterWrite() {
      // a stat per write: a deletion is caught at the next write, not only at the next health tick
      keepUp(copy !== null);
    },
  };
}
