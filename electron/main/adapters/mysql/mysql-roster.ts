// The ward's roster in MySQL (`nurse_roster`, backend-setup/mysql.sql): shared by every station of
// the hospital in connected mode, written by the charge nurse (Settings → Roster) or by IT with
// `nurse-station roster set`. A small pool of its own: sign-in must work while the alert store's
// pool is busy with a long report.
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import type { NurseRole } from '../../../../shared/ipc/contract';
import type { RosterRecord, RosterStore } from '../../core/ports';
import { mapMysqlError, type MysqlErrorContext } from './mysql-errors';

export interface MysqlRosterOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** a statement that gets no answer for this long fails as unavailable; default 10 000 ms */
  statementTimeoutMs?: number;
}

interface Row extends RowDataPacket {
  nurse_id: string;
  display_name: string;
  role: NurseRole;
  active: number;
  pin_hash: string;
  updated_at: Date;
}

function toRecord(r: Row): RosterRecord {
  return {
    nurseId: r.nurse_id,
    name: r.display_name,
    role: r.role,
    active: Number(r.active) === 1,
    pinHash: r.pin_hash,
    updatedAt: r.updated_at.getTime(),
  };
}

const COLUMNS = 'nurse_id, display_name, role, active, pin_hash, updated_at';

export function createMysqlRoster(opts: MysqlRosterOptions): RosterStore {
  const timeout = opts.statementTimeoutMs ?? 10_000;
  const ctx: MysqlErrorContext = { ...opts, timeoutMs: timeout };
  const pool: Pool = mysql.createPool({
    host: opts.host,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    database: opts.database,
    connectionLimit: 2,
    waitForConnections: true,
    queueLimit: 20,
    connectTimeout: 3_000,
    // DATETIME(3) columns hold UTC
    timezone: 'Z',
    multipleStatements: false,
    charset: 'UTF8MB4_UNICODE_CI',
  });
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'", () => undefined);
  });
  async function run<T extends RowDataPacket[]>(sql: string, values: unknown[]): Promise<T> {
    try {
      const [rows] = await pool.query<T>({ sql, values, timeout });
      return rows;
    } catch (err) {
      throw mapMysqlError(err, ctx);
    }
  }
  return {
    async find(nurseId) {
      // nurse_id is utf8mb4_bin: compared byte for byte (no case folding, no PAD SPACE on VARCHAR in
      // MySQL 8; MariaDB pads, hence the explicit length check)
      const rows = await run<Row[]>(
        `SELECT ${COLUMNS} FROM nurse_roster WHERE nurse_id = ? AND CHAR_LENGTH(nurse_id) = CHAR_LENGTH(?)`,
        [nurseId, nurseId],
      );
      const row = rows[0];
      return row ? toRecord(row) : null;
    },
    async list() {
      const rows = await run<Row[]>(`SELECT ${COLUMNS} FROM nurse_roster ORDER BY nurse_id`, []);
      return rows.map(toRecord);
    },
    async save(r) {
      await run(
        `INSERT INTO nurse_roster (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE display_name = VALUES(display_name), role = VALUES(role),
           active = VALUES(active), pin_hash = VALUES(pin_hash), updated_at = VALUES(updated_at)`,
        [r.nurseId, r.name, r.role, r.active ? 1 : 0, r.pinHash, new Date(r.updatedAt)],
      );
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}
