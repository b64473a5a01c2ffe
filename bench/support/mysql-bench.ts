// A MariaDB/MySQL database for one benchmark: unique name (tests/support/mariadb), schema from
// backend-setup/mysql.sql, grown in steps to each alert-table size, dropped at the end.
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import { applyMysqlSchema, mysqlSchemaPath } from '../../electron/main/adapters/mysql/mysql-schema';
import { createTestDatabase, type TestDatabase } from '../../tests/support/mariadb';
import { HOUR_MS, loadMysqlAlerts } from './alert-data';

export interface MysqlBench {
  db: TestDatabase;
  conn: mysql.Connection;
  /** the end of the synthetic history: queries use it as "now" */
  now: number;
  /** rows loaded so far */
  size: number;
  /** loads more alerts until the table holds `size`, then refreshes the optimizer's statistics */
  growTo(size: number): Promise<{ loadSeconds: number }>;
  serverVersion: string;
  close(): Promise<void>;
}

const COUNT_TRIGGERS = [
  'alerts_count_insert',
  'alerts_patient_insert',
  'alerts_count_update_old',
  'alerts_count_update_new',
  'alerts_count_delete',
] as const;

interface IndexDef {
  name: string;
  unique: boolean;
  columns: string[];
}

/** The secondary indexes of `alerts` as the schema created them. Names come from the server, quoted. */
async function secondaryIndexes(conn: mysql.Connection): Promise<IndexDef[]> {
  const [rows] = await conn.execute(
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col, SUB_PART AS sub
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'alerts' AND INDEX_NAME <> 'PRIMARY'
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
  );
  const byName = new Map<string, IndexDef>();
  for (const r of rows as { name: string; nonUnique: number; col: string; sub: number | null }[]) {
    if (!/^\w+$/.test(r.name) || !/^\w+$/.test(r.col)) throw new Error(`unexpected index ${r.name}`);
    const def = byName.get(r.name) ?? { name: r.name, unique: Number(r.nonUnique) === 0, columns: [] };
    def.columns.push(r.sub === null ? `\`${r.col}\`` : `\`${r.col}\`(${Number(r.sub)})`);
    byName.set(r.name, def);
  }
  return [...byName.values()];
}

export async function mysqlBench(): Promise<MysqlBench> {
  const db = await createTestDatabase({ applySchema: true });
  const conn = await mysql.createConnection({ ...db.config, timezone: 'Z' });
  await conn.query("SET time_zone = '+00:00'");
  const [versionRows] = await conn.query('SELECT VERSION() AS v');
  const serverVersion = String((versionRows as { v: string }[])[0]?.v ?? 'unknown');
  // round to the hour so repeated runs see the same shape
  const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const bench: MysqlBench = {
    db,
    conn,
    now,
    size: 0,
    serverVersion,
    async growTo(size: number) {
      const t0 = performance.now();
      if (size > bench.size) {
        // Loading into a table with six secondary indexes on a default-sized buffer pool takes minutes
        // per million rows (random index pages); building each index afterwards by sorting takes seconds.
        // The indexes are re-created exactly as they were (names, columns, order).
        // Likewise the triggers that keep the summary tables: dropped for the load, then the schema file is
        // applied again, which re-creates them and rebuilds the summaries from the table.
        const indexes = await secondaryIndexes(conn);
        for (const t of COUNT_TRIGGERS) await conn.query(`DROP TRIGGER IF EXISTS ${t}`);
        for (const ix of indexes) await conn.query(`ALTER TABLE alerts DROP INDEX \`${ix.name}\``);
        await loadMysqlAlerts(conn, { from: bench.size, count: size - bench.size, now });
        if (indexes.length > 0) {
          await conn.query(
            `ALTER TABLE alerts ${indexes
              .map((ix) => `ADD ${ix.unique ? 'UNIQUE ' : ''}KEY \`${ix.name}\` (${ix.columns.join(', ')})`)
              .join(', ')}`,
          );
        }
        await applyMysqlSchema(conn, await readFile(mysqlSchemaPath(), 'utf8'));
        bench.size = size;
        await conn.query('ANALYZE TABLE alerts');
      }
      return { loadSeconds: (performance.now() - t0) / 1000 };
    },
    async close() {
      await conn.end().catch(() => undefined);
      await db.drop();
    },
  };
  return bench;
}

/** Times `fn` repeatedly: `warmup` untimed calls, then until `maxRuns` runs or `budgetMs`, at least `minRuns`. */
export async function timeRepeated(
  fn: () => Promise<unknown>,
  opts: { warmup?: number; minRuns?: number; maxRuns?: number; budgetMs?: number } = {},
): Promise<number[]> {
  for (let i = 0; i < (opts.warmup ?? 3); i++) await fn();
  const out: number[] = [];
  const minRuns = opts.minRuns ?? 10;
  const maxRuns = opts.maxRuns ?? 100;
  const budget = opts.budgetMs ?? 8000;
  const start = performance.now();
  while (out.length < maxRuns && (out.length < minRuns || performance.now() - start < budget)) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}
