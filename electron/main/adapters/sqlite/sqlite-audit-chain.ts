// The hash chains of the station's SQLite tables (core/audit-chain.ts says what is hashed): writing a
// chained row, pruning chained rows without breaking the chain, and checking a table. Used by the ack
// cache, the audit log and `nurse-station audit verify --sqlite`.
//
// Beside the tables:
//   audit_chain_heads (chain_name, seq, head_hash)  the last chained row ever written per table, so the
//                                                  removal of the newest rows shows as well
//   audit_anchors (chain_name, seq, hash, prev_hash) one per run of pruned rows: the last pruned row's
//                                                  seq and hash (what the next surviving row, or the
//                                                  head, links to) and the hash the run's first row
//                                                  followed (so the run itself is a link: a row
//                                                  forged into the gap, or removed before it, shows)
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
      prev_hash TEXT,
      PRIMARY KEY (chain_name, seq)
    ) WITHOUT ROWID;
  `);
  addMissingColumns(db, 'audit_anchors', { prev_hash: 'TEXT' });
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
 * parameters) and keeps the chain verifiable: every run of consecutive removed rows (with the anchors
 * of earlier prunes it touches) becomes one anchor, holding the hash the run's first row followed and
 * the hash of its last row. Returns how many rows were deleted.
 */
export function pruneChain(
  db: Database,
  chain: SqliteChainName,
  where: string,
  params: Readonly<Record<string, unknown>>,
): number {
  migrateAuditChainTables(db);
  type Link = { seq: number; prev_hash: string | null; hash: string };
  // rows without a hash (from before the chain) are no link of it: they are just deleted
  const doomed = db.prepare<Record<string, unknown>, Link>(
    `SELECT seq, prev_hash, hash FROM ${chain} WHERE (${where}) AND hash IS NOT NULL ORDER BY seq`,
  );
  const anchors = db.prepare<[string], Link>(
    'SELECT seq, prev_hash, hash FROM audit_anchors WHERE chain_name = ? ORDER BY seq',
  );
  const anyBetween = db
    .prepare<[number, number], number>(`SELECT 1 FROM ${chain} WHERE seq > ? AND seq < ? LIMIT 1`)
    .pluck();
  const addAnchor = db.prepare(
    'INSERT OR REPLACE INTO audit_anchors (chain_name, seq, hash, prev_hash) VALUES (?, ?, ?, ?)',
  );
  const dropAnchor = db.prepare('DELETE FROM audit_anchors WHERE chain_name = ? AND seq = ?');
  const remove = db.prepare(`DELETE FROM ${chain} WHERE ${where}`);
  const run = db.transaction(() => {
    const removedLinks = doomed.all(params).map((l) => ({ ...l, anchor: false }));
    const removed = remove.run(params).changes;
    if (removedLinks.length === 0) return removed;
    // The links now gone from the table (removed rows, earlier anchors) in chain order; consecutive
    // ones with no row left between them are one run, which one anchor stands for.
    const gone = [...removedLinks, ...anchors.all(chain).map((l) => ({ ...l, anchor: true }))].sort(
      (x, y) => x.seq - y.seq,
    );
    let first = 0;
    for (let i = 0; i < gone.length; i++) {
      const next = gone[i + 1];
      if (next !== undefined && anyBetween.get(gone[i]!.seq, next.seq) === undefined) continue;
      const runLinks = gone.slice(first, i + 1);
      first = i + 1;
      if (runLinks.length === 1 && runLinks[0]!.anchor) continue; // an earlier anchor, untouched
      for (const l of runLinks) if (l.anchor) dropAnchor.run(chain, l.seq);
      const last = runLinks.at(-1)!;
      addAnchor.run(chain, last.seq, last.hash, runLinks[0]!.prev_hash);
    }
    return removed;
  });
  return db.inTransaction ? run() : run.immediate();
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
    const heads = tableExists(db, 'audit_chain_heads');
    const side = tableExists(db, 'audit_anchors');
    const head = heads
      ? (db
          .prepare<[string], ChainHead>(
            'SELECT seq, head_hash AS hash FROM audit_chain_heads WHERE chain_name = ?',
          )
          .get(chain) ?? null)
      : null;
    const anchorPrev = side && columnsOf(db, 'audit_anchors').has('prev_hash') ? 'prev_hash' : 'NULL';
    const anchors = side
      ? db
          .prepare<[string], ChainHead & { prev_hash: string | null }>(
            `SELECT seq, hash, ${anchorPrev} AS prev_hash FROM audit_anchors WHERE chain_name = ? ORDER BY seq`,
          )
          .all(chain)
      : [];
    verifier.expectHead(head);
    // A row at an anchor's seq was put back where rows were pruned: the anchor comes first, so the row
    // must follow the pruned row's hash, which a row forged there cannot have been chained from.
    const feedAnchor = (x: ChainHead & { prev_hash: string | null }) =>
      verifier.anchor(x.seq, x.hash, x.prev_hash);
    let a = 0;
    const rows = db
      .prepare<[], Record<string, unknown> & { seq: number }>(
        `SELECT seq, ${columns} FROM ${chain} ORDER BY seq`,
      )
      .iterate();
    for (const row of rows) {
      while (a < anchors.length && anchors[a]!.seq <= row.seq) feedAnchor(anchors[a++]!);
      const prev = chained ? (row.prev_hash as string | null) : null;
      const hash = chained ? (row.hash as string | null) : null;
      verifier.row(row.seq, prev, hash, () => chainFields(chain, row));
      if (verifier.done) break;
    }
    while (a < anchors.length) feedAnchor(anchors[a++]!);
    return verifier.finish(head);
  });
  return check();
}
