import BetterSqlite3, { type Database } from 'better-sqlite3';

/** Opens the station's SQLite file with the durability settings the acknowledgement log relies on. */
export function openStationDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // FULL: a committed acknowledgement survives power loss, not just a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 2000');
  return db;
}
