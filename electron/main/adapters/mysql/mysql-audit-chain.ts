// The hash chain of MySQL's alert_events (core/audit-chain.ts says what is hashed): how the alert store
// writes a chained row, and how `nurse-station audit verify --mysql` checks the table.
//
// Several stations write at once, so the chain is put in one order by its head row in
// audit_chain_heads: a writer locks it (SELECT … FOR UPDATE) in the transaction of its INSERT, chains
// onto it, and moves it; the next writer waits for the commit. Rows the database writes itself (the
// trigger's row for a status changed outside Nurse Station, and every row of a station of an older
// version) carry no hash: they are counted by the verifier, not chained.
import type { Connection, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  CHAINED_COLUMNS,
  ChainVerifier,
  GENESIS_HASH,
  chainFields,
  chainHash,
  type ChainHead,
  type ChainRecord,
  type ChainReport,
} from '../../core/audit-chain';

const CHAIN = 'alert_events';

/**
 * Run on each of the app's connections: the audit trigger (backend-setup/mysql.sql) then leaves this
 * app's transitions to it, which writes them chained. A constant: no value of any request is in it.
 */
export const CHAINED_AUDIT_SESSION_SQL = 'SET @nurse_station_audit_chained = 1';

/** The locked head, and the server's time in the same statement (the rows' recorded_at). */
export interface LockedHead extends ChainHead {
  /** UTC_TIMESTAMP(3) of the server, epoch ms */
  now: number;
}

type Runner = Pick<PoolConnection, 'execute'>;

/** 'YYYY-MM-DD HH:MM:SS.ffffff' (DATE_FORMAT %f) as UTC → epoch ms; whatever the driver's time zone. */
function utcMs(text: unknown): number {
  const t = Date.parse(`${String(text).slice(0, 23).replace(' ', 'T')}Z`);
  if (Number.isNaN(t)) throw new TypeError(`not a DATETIME: ${String(text)}`);
  return t;
}
/** the same formatting the server is asked for, so times never pass through a JS Date of the driver */
const FORMAT = "'%Y-%m-%d %H:%i:%s.%f'";

/**
 * Locks the head of alert_events' chain for the rest of `conn`'s transaction. Lock it before any row
 * the transaction will write (every writer does), so two writers never wait for each other in a cycle.
 * A database whose setup did not seed the head gets it here (INSERT IGNORE: two stations at once are
 * harmless).
 */
export async function lockAlertEventsHead(conn: Runner, timeout: number): Promise<LockedHead> {
  const select = `SELECT seq, head_hash, DATE_FORMAT(UTC_TIMESTAMP(3), ${FORMAT}) AS now
      FROM audit_chain_heads WHERE chain_name = ? FOR UPDATE`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const [rows] = await conn.execute<RowDataPacket[]>({ sql: select, timeout }, [CHAIN]);
    const row = rows[0];
    if (row) return { seq: Number(row.seq), hash: String(row.head_hash), now: utcMs(row.now) };
    await conn.execute(
      { sql: 'INSERT IGNORE INTO audit_chain_heads (chain_name, seq, head_hash) VALUES (?, 0, ?)', timeout },
      [CHAIN, GENESIS_HASH],
    );
  }
  throw new Error('audit_chain_heads has no head for alert_events and none could be written');
}

/** An audit row as the alert store gives it: times as epoch ms, exactly as they will be stored. */
export type AlertEventValues = Omit<ChainRecord<'alert_events'>, 'recorded_at'>;

const COLUMNS = [...CHAINED_COLUMNS[CHAIN], 'prev_hash', 'row_hash'];
const INSERT_SQL = `INSERT INTO alert_events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const MOVE_HEAD_SQL = 'UPDATE audit_chain_heads SET seq = ?, head_hash = ? WHERE chain_name = ?';

/**
 * Inserts one chained alert_events row in the transaction that holds `head` (lockAlertEventsHead),
 * and moves the head (and `head`, for a second row in the same transaction). recorded_at is the time
 * the head was locked, on the server's clock. `conn` must use the driver option timezone 'Z'.
 */
export async function appendAlertEvent(
  conn: Runner,
  head: LockedHead,
  values: AlertEventValues,
  timeout: number,
): Promise<{ eventId: number; hash: string }> {
  const record: ChainRecord<'alert_events'> = { ...values, recorded_at: head.now };
  const fields = chainFields(CHAIN, record);
  const hash = chainHash(head.hash, CHAIN, fields);
  // Times as Dates: the app's connections run with timezone 'Z', so the driver writes them as UTC
  const params = CHAINED_COLUMNS[CHAIN].map((column, i) =>
    column === 'event_time' || column === 'recorded_at' ? new Date(fields[i] as number) : fields[i]!,
  );
  const [res] = await conn.execute<ResultSetHeader>({ sql: INSERT_SQL, timeout }, [
    ...params,
    head.hash,
    hash,
  ]);
  const eventId = Number(res.insertId);
  await conn.execute({ sql: MOVE_HEAD_SQL, timeout }, [eventId, hash, CHAIN]);
  head.seq = eventId;
  head.hash = hash;
  return { eventId, hash };
}

/** Rows read per query while verifying: keyset pages by event_id, so memory stays flat. */
const PAGE = 5_000;

/**
 * Checks alert_events' chain and its head on `conn`'s current database, as of one instant (a
 * read-only, repeatable-read, consistent-snapshot transaction, rolled back after: under a server's
 * READ COMMITTED default, rows committed after the head was read would otherwise show as rows added
 * after the head). A table from before the chain reads as legacy rows. Throws when there is no
 * alert_events table at all.
 */
export async function verifyMysqlAuditChain(
  conn: Pick<Connection, 'query' | 'execute'>,
): Promise<ChainReport> {
  const [cols] = await conn.execute<RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('alert_events', 'audit_chain_heads')`,
  );
  const have = new Set(cols.map((r) => `${String(r.t)}.${String(r.c).toLowerCase()}`));
  if (!have.has('alert_events.event_id')) {
    throw new Error(
      'the database has no alert_events table (is it the alert store? run npm run backend:setup)',
    );
  }
  const pick = (c: string) => {
    if (!have.has(`alert_events.${c}`)) return `NULL AS ${c}`;
    return c === 'event_time' || c === 'recorded_at' ? `DATE_FORMAT(${c}, ${FORMAT}) AS ${c}` : c;
  };
  // column names are this module's constants
  const select = `SELECT event_id, ${[...CHAINED_COLUMNS[CHAIN], 'prev_hash', 'row_hash'].map(pick).join(', ')}
      FROM alert_events WHERE event_id > ? ORDER BY event_id LIMIT ${PAGE}`;
  const verifier = new ChainVerifier(CHAIN, { unchainedAfterStart: 'counted' });
  // for the next transaction only: the caller's session keeps its own level
  await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  try {
    let head: ChainHead | null = null;
    if (have.has('audit_chain_heads.head_hash')) {
      const [heads] = await conn.execute<RowDataPacket[]>(
        'SELECT seq, head_hash FROM audit_chain_heads WHERE chain_name = ?',
        [CHAIN],
      );
      const h = heads[0];
      head = h ? { seq: Number(h.seq), hash: String(h.head_hash) } : null;
    }
    // rows chained after the head (written around the lock, or the head moved back) are named themselves
    verifier.expectHead(head);
    let after = 0;
    for (;;) {
      const [rows] = await conn.execute<RowDataPacket[]>(select, [after]);
      for (const r of rows) {
        const seq = Number(r.event_id);
        const fields = () =>
          chainFields(CHAIN, {
            ...r,
            event_time: r.event_time === null ? null : utcMs(r.event_time),
            recorded_at: r.recorded_at === null ? null : utcMs(r.recorded_at),
          });
        verifier.row(
          seq,
          (r.prev_hash as string | null) ?? null,
          (r.row_hash as string | null) ?? null,
          fields,
        );
        if (verifier.done) return verifier.finish(head);
        after = seq;
      }
      if (rows.length < PAGE) break;
    }
    return verifier.finish(head);
  } finally {
    await conn.query('ROLLBACK').catch(() => undefined);
  }
}
