// The roster in the station's own SQLite file: simulator mode's ward (connected mode's roster is
// the ward's, in MySQL: mysql-roster.ts). Seeded with the published demo roster when empty.
import type { Database } from 'better-sqlite3';
import type { NurseRole } from '../../../../shared/ipc/contract';
import type { RosterRecord, RosterStore } from '../../core/ports';

interface Row {
  nurse_id: string;
  display_name: string;
  role: NurseRole;
  active: number;
  pin_hash: string;
  updated_at: number;
}

function toRecord(r: Row): RosterRecord {
  return {
    nurseId: r.nurse_id,
    name: r.display_name,
    role: r.role,
    active: r.active === 1,
    pinHash: r.pin_hash,
    updatedAt: r.updated_at,
  };
}

export function createSqliteRoster(db: Database, opts: { seed?: readonly RosterRecord[] } = {}): RosterStore {
  db.exec(`CREATE TABLE IF NOT EXISTS nurse_roster (
    nurse_id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('nurse', 'charge')),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    pin_hash TEXT NOT NULL,
    updated_at INTEGER NOT NULL)`);
  const find = db.prepare<[string], Row>('SELECT * FROM nurse_roster WHERE nurse_id = ?');
  const list = db.prepare<[], Row>('SELECT * FROM nurse_roster ORDER BY nurse_id');
  const upsert = db.prepare(
    `INSERT INTO nurse_roster (nurse_id, display_name, role, active, pin_hash, updated_at)
     VALUES (@nurseId, @name, @role, @active, @pinHash, @updatedAt)
     ON CONFLICT (nurse_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
       active = excluded.active, pin_hash = excluded.pin_hash, updated_at = excluded.updated_at`,
  );
  const save = (r: RosterRecord) => upsert.run({ ...r, active: r.active ? 1 : 0 });
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM nurse_roster');
  if (opts.seed && (count.get()?.n ?? 0) === 0) db.transaction(() => opts.seed?.forEach(save))();
  return {
    find: async (nurseId) => {
      const row = find.get(nurseId);
      return row ? toRecord(row) : null;
    },
    list: async () => list.all().map(toRecord),
    save: async (record) => {
      save(record);
    },
    // the station database is closed by its owner (the composition root)
    close: async () => undefined,
  };
}
