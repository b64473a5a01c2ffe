// The hash chains of the station's SQLite tables (core/audit-chain.ts says what is hashed): writing a
// chained row, pruning chained rows without breaking the chain, and checking a table. Used by the ack
// cache, the audit log and `nurse-station audit verify --sqlite`.
//
// Beside the tables:
//   audit_chain_heads (chain_name, seq, head_hash)  the last chained row ever written per table, so the
//                                                  removal of the newest rows shows as well
//   audit_anchors (chain_name, seq, hash)          pruned rows the next surviving row (or the head)
//                                                  links to: retention deletes rows, verification
//                                                  resumes from the anchor instead of reporting a gap
import type { Database } from 'better-sqlite3';
import {
  CHAINED_COLUMNS,
  ChainVerifier,
  GENESIS_HASH,
  chainFields,
  chainHash,
  type ChainHead,
  type ChainRecord,
  type ChainReport,
  type SqliteChainName,
} from '../../core/audit-chain';

export function migrateAuditChainTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS audit_chain_heads (
      chain_name TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      head_hash TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS audit_anchors (
      chain_name TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL,
      PRIMARY KEY (chain_name, seq)
    ) WITHOUT ROWID;
  `);
}

function columnsOf(db: Database, table: string): Set<string> {
  return new Set(db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(table));
}

function tableExists(db: Database, table: string): boolean {
  return (
    db
      .prepare<[string], number>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .pluck()
      .get(table) !== undefined
  );
}

/**
 * Adds the columns a file written by an older version lacks. SQLite has no ADD COLUMN IF NOT EXISTS,
 * hence the look at table_info first. Rows already there keep NULL: they predate the chain.
 */
export function addMissingColumns(
  db: Database,
  table: string,
  columns: Readonly<Record<string, string>>,
): void {
  const have = columnsOf(db, table);
  for (const [name, declaration] of Object.entries(columns)) {
    // table and column names are this module's callers' constants, never input
    if (!have.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${declaration}`);
  }
}

/** The chain columns every chained table carries (nurse_id too: it is hashed). */
export const CHAIN_COLUMN_DECLARATIONS = { nurse_id: 'TEXT', prev_hash: 'TEXT', hash: 'TEXT' } as const;

export interface ChainWriter<C extends SqliteChainName> {
  /** Inserts one chained row (its other columns take their defaults); atomic with the head's move. */
  append(row: ChainRecord<C>): { seq: number; hash: string };
}

export function createChainWriter<C extends SqliteChainName>(db: Database, chain: C): ChainWriter<C> {
  migrateAuditChainTables(db);
  const columns = [...CHAINED_COLUMNS[chain], 'prev_hash', 'hash'];
  const insert = db.prepare(
    `INSERT INTO ${chain} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  const head = db
    .prepare<[string], string>('SELECT head_hash FROM audit_chain_heads WHERE chain_name = ?')
    .pluck();
  const moveHead = db.prepare(
    `INSERT INTO audit_chain_heads (chain_name, seq, head_hash) VALUES (?, ?, ?)
     ON CONFLICT (chain_name) DO UPDATE SET seq = excluded.seq, head_hash = excluded.head_hash`,
  );
  // Read the head, insert, move the head: one transaction, so two writers (two windows' requests, a
  // second process on the same file) cannot both chain onto the same row.
  const append = db.transaction((row: ChainRecord<C>) => {
    const prev = head.get(chain) ?? GENESIS_HASH;
    const fields = chainFields(chain, row);
    const hash = chainHash(prev, chain, fields);
    const seq = Number(insert.run(...fields, prev, hash).lastInsertRowid);
    moveHead.run(chain, seq, hash);
    return { seq, hash };
  });
  return {
    // IMMEDIATE: the write lock is taken before the head is read, not when the insert needs it
    append: (row) => (db.inTransaction ? append(row) : append.immediate(row)),
  };
}

/**
 * Deletes the rows of `chain` matching `where` (an SQL condition over its columns, with named
 * parameters) and keeps the chain verifiable: each deleted chained row that the next row left (or the
 * head) links to becomes an anchor; anchors left without a row after them are dropped. Returns how many
 * rows were deleted.
 */
export function pruneChain(
  db: Database,
  chain: SqliteChainName,
  where: string,
  params: Readonly<Record<string, unknown>>,
): number {
  migrateAuditChainTables(db);
  const doomed = db.prepare<Record<string, unknown>, { seq: number; hash: string | null }>(
    `SELECT seq, hash FROM ${chain} WHERE ${where} ORDER BY seq`,
  );
  const nextSeq = db
    .prepare<[number], number>(`SELECT seq FROM ${chain} WHERE seq > ? ORDER BY seq LIMIT 1`)
    .pluck();
  const anyBetween = db
    .prepare<[number, number], number>(`SELECT 1 FROM ${chain} WHERE seq > ? AND seq < ? LIMIT 1`)
    .pluck();
  const addAnchor = db.prepare(
    'INSERT OR REPLACE INTO audit_anchors (chain_name, seq, hash) VALUES (?, ?, ?)',
  );
  const anchors = db.prepare<[string], { seq: number }>(
    'SELECT seq FROM audit_anchors WHERE chain_name = ? ORDER BY seq',
  );
  const dropAnchor = db.prepare('DELETE FROM audit_anchors WHERE chain_name = ? AND seq = ?');
  const remove = db.prepare(`DELETE FROM ${chain} WHERE ${where}`);
  const run = db.transaction(() => {
    // A doomed chained row needs an anchor when the row after it stays (or there is none): that is the
    // row whose prev_hash names it. Consecutive doomed rows need only the last one.
    const rows = doomed.all(params);
    for (const [i, row] of rows.entries()) {
      const nextDoomed = rows[i + 1]?.seq;
      const linkedTo = nextDoomed === undefined || nextSeq.get(row.seq) !== nextDoomed;
      if (row.hash !== null && linkedTo) addAnchor.run(chain, row.seq, row.hash);
    }
    const removed = remove.run(params).changes;
    // An anchor directly followed by another (no row left between them) is no longer linked to.
    const list = anchors.all(chain);
    for (let i = 0; i + 1 < list.length; i++) {
      if (anyBetween.get(list[i]!.seq, list[i + 1]!.seq) === undefined) dropAnchor.run(chain, list[i]!.seq);
    }
    return removed;
  });
  return run.immediate();
}

/**
 * Checks one table of a station database; null when the file has no such table. Read-only: an
 * unmigrated table (a file from before the chain) reads as legacy rows, and runs in one read
 * transaction, so a station writing meanwhile is seen as of one instant.
 */
export function verifySqliteChain(db: Database, chain: SqliteChainName): ChainReport | null {
  if (!tableExists(db, chain)) return null;
  const have = columnsOf(db, chain);
  const chained = have.has('prev_hash') && have.has('hash');
  const pick = (c: string) => (have.has(c) ? c : `NULL AS ${c}`);
  const columns = [...CHAINED_COLUMNS[chain], 'prev_hash', 'hash'].map(pick).join(', ');
  const verifier = new ChainVerifier(chain, { unchainedAfterStart: 'broken' });
  const check = db.transaction((): ChainReport => {
    const side = tableExists(db, 'audit_chain_heads') && tableExists(db, 'audit_anchors');
    const head = side
      ? (db
          .prepare<[string], ChainHead>(
            'SELECT seq, head_hash AS hash FROM audit_chain_heads WHERE chain_name = ?',
          )
          .get(chain) ?? null)
      : null;
    const anchors = side
      ? db
          .prepare<[string], ChainHead>(
            'SELECT seq, hash FROM audit_anchors WHERE chain_name = ? ORDER BY seq',
          )
          .all(chain)
      : [];
    let a = 0;
    const rows = db
      .prepare<[], Record<string, unknown> & { seq: number }>(
        `SELECT seq, ${columns} FROM ${chain} ORDER BY seq`,
      )
      .iterate();
    for (const row of rows) {
      while (a < anchors.length && anchors[a]!.seq < row.seq)
        verifier.anchor(anchors[a]!.seq, anchors[a++]!.hash);
      const prev = chained ? (row.prev_hash as string | null) : null;
      const hash = chained ? (row.hash as string | null) : null;
      verifier.row(row.seq, prev, hash, () => chainFields(chain, row));
      if (verifier.done) break;
    }
    while (a < anchors.length) verifier.anchor(anchors[a]!.seq, anchors[a++]!.hash);
    return verifier.finish(head);
  });
  return check();
}
