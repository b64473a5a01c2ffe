// `nurse-station audit verify`: checks the audit's hash chains (core/audit-chain.ts) — every chained
// table of a station's SQLite file, or MySQL's alert_events — and names the first broken row of each.
// Read-only: the SQLite file is opened read-only, and MySQL is read in one snapshot transaction that is
// rolled back; nothing is ever written.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { verifyMysqlAuditChain } from '../adapters/mysql/mysql-audit-chain';
import { verifySqliteChain } from '../adapters/sqlite/sqlite-audit-chain';
import { parseDatabaseUrl } from '../config/settings-store';
import { SQLITE_CHAINS, type ChainProblem, type ChainReport } from '../core/audit-chain';
import { CliError, parseOrExplain, writeOut, type CliIo } from './cli-io';

export const AUDIT_HELP = `Usage: nurse-station audit verify [--sqlite FILE | --data-dir DIR]
       nurse-station audit verify --mysql URL

Checks the audit's hash chains: each audit row carries the hash of the one before it, so an edited,
removed, inserted or reordered row shows. Says per chain how many rows were checked, how many carry
no hash (written before the chain existed, or by the database outside Nurse Station), and either OK
or the first broken row and what is wrong with it. Never writes.

  --sqlite FILE   a station's database: <data folder>/station.sqlite (also --db FILE);
                  its chains: ack_log, threshold_audit, settings_audit, access_audit
  --data-dir DIR  the station's data folder (default: NURSE_STATION_DATA_DIR): DIR/station.sqlite
  --mysql URL     the ward's MySQL, mysql://user@host:port/database (password from
                  NURSE_STATION_MYSQL_PASSWORD): its alert_events

Exit status: 0 every chain intact, 1 a chain is broken, 2 usage error or the store could not be read.
`;

const PROBLEM: Record<ChainProblem, string> = {
  'hash-mismatch': 'hash mismatch',
  'prev-link-broken': 'prev link broken',
  'unchained-row': 'row without a hash',
  'missing-at-head': 'missing rows at head',
  'head-mismatch': 'head mismatch',
};

/** One chain's report as lines: `table: OK — …` or `table: BROKEN at seq N (problem) — …`. */
export function formatReport(report: ChainReport, rowName: 'seq' | 'event_id'): string {
  const counts = [`${report.rowsChecked} rows checked`];
  const unchained = report.legacyRows + report.unchainedRows;
  const why: string[] = [];
  if (report.legacyRows > 0) why.push(`${report.legacyRows} from before the chain`);
  if (report.unchainedRows > 0) {
    why.push(
      `${report.unchainedRows} written outside Nurse Station, first ${rowName} ${report.firstUnchainedSeq}`,
    );
  }
  counts.push(`${unchained} unchained${why.length ? ` (${why.join('; ')})` : ''}`);
  if (report.anchors > 0) counts.push(`${report.anchors} pruned run${report.anchors === 1 ? '' : 's'}`);
  const b = report.broken;
  if (!b) return `${report.table}: OK — ${counts.join(', ')}\n`;
  const detail = [`  ${b.message}`];
  if (b.expected !== null) detail.push(`  expected ${b.expected}`);
  if (b.found !== null || (b.problem !== 'head-mismatch' && b.problem !== 'missing-at-head'))
    detail.push(`  found    ${b.found ?? '(none)'}`);
  return `${report.table}: BROKEN at ${rowName} ${b.seq} (${PROBLEM[b.problem]}) — ${counts.join(', ')} before it\n${detail.join('\n')}\n`;
}

interface Target {
  sqlite?: string;
  mysql?: string;
}

function pickTarget(
  values: { sqlite?: string; db?: string; 'data-dir'?: string; mysql?: string },
  env: NodeJS.ProcessEnv,
): Target {
  const given = (['sqlite', 'db', 'data-dir', 'mysql'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1) {
    throw new CliError(
      `audit: give only one of --sqlite FILE, --data-dir DIR or --mysql URL (got ${given.map((g) => `--${g}`).join(', ')})`,
    );
  }
  if (values.mysql !== undefined) return { mysql: values.mysql };
  const file = values.sqlite ?? values.db;
  if (file !== undefined) {
    if (file === '') throw new CliError('audit: --sqlite needs a file');
    return { sqlite: file };
  }
  const dir = values['data-dir'] ?? env.NURSE_STATION_DATA_DIR?.trim();
  if (dir === undefined || dir === '') {
    throw new CliError('audit: say what to check: --sqlite FILE, --data-dir DIR or --mysql URL (see --help)');
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`audit: no data folder ${dir}`);
  }
  return { sqlite: join(dir, 'station.sqlite') };
}

async function verifySqlite(file: string, io: CliIo): Promise<number> {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CliError(`audit: cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    const reports: ChainReport[] = [];
    try {
      for (const chain of SQLITE_CHAINS) {
        const r = verifySqliteChain(db, chain);
        if (r) reports.push(r);
      }
    } catch (err) {
      throw new CliError(`audit: cannot read ${file}: ${(err as Error).message}`);
    }
    if (reports.length === 0) {
      throw new CliError(`audit: ${file} has no audit tables (is it a station's station.sqlite?)`);
    }
    for (const r of reports) await writeOut(io.stdout, formatReport(r, 'seq'));
    const broken = reports.filter((r) => !r.ok).length;
    await writeOut(
      io.stdout,
      broken === 0
        ? `audit: ${file}: all ${reports.length} chains intact\n`
        : `audit: ${file}: ${broken} of ${reports.length} chains BROKEN\n`,
    );
    return broken === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}

async function verifyMysql(urlText: string, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  let url: ReturnType<typeof parseDatabaseUrl>;
  try {
    url = parseDatabaseUrl(urlText, ['mysql']);
  } catch (err) {
    throw new CliError(`audit: --mysql: ${(err as Error).message}`);
  }
  if (url.password !== undefined) {
    throw new CliError('audit: put the MySQL password in NURSE_STATION_MYSQL_PASSWORD, not in the URL');
  }
  const host = url.host ?? '127.0.0.1';
  const port = url.port ?? 3306;
  const database = url.database ?? 'nurse_station';
  const where = `${url.user ?? 'root'}@${host}:${port}/${database}`;
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host,
      port,
      user: url.user ?? 'root',
      password: env.NURSE_STATION_MYSQL_PASSWORD ?? '',
      database,
      connectTimeout: 10_000,
    });
  } catch (err) {
    throw new CliError(`audit: cannot connect to MySQL ${where}: ${(err as Error).message}`);
  }
  try {
    let report: ChainReport;
    try {
      report = await verifyMysqlAuditChain(conn);
    } catch (err) {
      throw new CliError(`audit: ${where}: ${(err as Error).message}`);
    }
    await writeOut(io.stdout, formatReport(report, 'event_id'));
    await writeOut(
      io.stdout,
      report.ok ? `audit: ${where}: chain intact\n` : `audit: ${where}: chain BROKEN\n`,
    );
    return report.ok ? 0 : 1;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

export async function auditCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseOrExplain('audit', () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        sqlite: { type: 'string' },
        db: { type: 'string' },
        'data-dir': { type: 'string' },
        mysql: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout.write(AUDIT_HELP);
    return 0;
  }
  const [verb, ...extra] = positionals;
  if (verb !== 'verify' || extra.length > 0) throw new CliError('audit: expected "verify" (see --help)');
  const target = pickTarget(values, env);
  return target.mysql !== undefined ? verifyMysql(target.mysql, io, env) : verifySqlite(target.sqlite!, io);
}
