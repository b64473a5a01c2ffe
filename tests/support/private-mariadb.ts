// A MariaDB server of the test's own — temp data dir, free port, root without password — that the test
// may stop (SIGTERM), kill (SIGKILL) and restart on the same port and data dir. The shared server on 3306
// is never touched.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { exited, freePort, terminate, track, waitFor, which } from './private-servers';

const run = promisify(execFile);

export interface PrivateMariaDb {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'root';
  readonly password: '';
  readonly dataDir: string;
  /** pid of the running server, or null */
  pid(): number | null;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM: a clean shutdown */
  stop(): Promise<void>;
  /** SIGKILL: a crash (InnoDB recovers on the next start) */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** a connection as root (no database selected unless given) */
  connect(database?: string): Promise<mysql.Connection>;
  /** kills the server if needed and deletes the data dir */
  destroy(): Promise<void>;
}

export function mariadbBinaries(): { mariadbd: string; installDb: string } | null {
  // Debian puts mariadbd in /usr/sbin, which a non-root PATH may lack.
  const server =
    which('mariadbd') ?? ['/usr/sbin/mariadbd', '/usr/libexec/mariadbd'].find((p) => existsSync(p)) ?? null;
  const installDb = which('mariadb-install-db') ?? which('mysql_install_db');
  return server && installDb ? { mariadbd: server, installDb } : null;
}

/** Creates the data dir and starts the server. Null when MariaDB is not installed. */
export async function startPrivateMariaDb(): Promise<PrivateMariaDb | null> {
  const bins = mariadbBinaries();
  if (!bins) return null;
  const base = mkdtempSync(join(tmpdir(), 'ns-mariadb-'));
  const dataDir = join(base, 'data');
  const socket = join(base, 'mysqld.sock');
  const asRoot = process.getuid?.() === 0;
  await run(
    bins.installDb,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      ...(asRoot ? ['--user=root'] : []),
    ],
    { timeout: 60_000 },
  );
  const port = await freePort();
  let child: ChildProcess | null = null;

  const answers = async () => {
    try {
      const c = await mysql.createConnection({
        host: '127.0.0.1',
        port,
        user: 'root',
        connectTimeout: 1_000,
      });
      await c.query('SELECT 1');
      await c.end();
      return true;
    } catch {
      return false;
    }
  };

  const db: PrivateMariaDb = {
    host: '127.0.0.1',
    port,
    user: 'root',
    password: '',
    dataDir,
    pid: () => child?.pid ?? null,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async start() {
      if (db.running()) return;
      const c = spawn(
        bins.mariadbd,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--socket=${socket}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          '--skip-networking=0',
          '--skip-name-resolve',
          `--pid-file=${join(base, 'mariadbd.pid')}`,
          `--log-error=${join(base, 'error.log')}`,
          '--innodb-buffer-pool-size=32M',
          '--max-connections=300',
          ...(asRoot ? ['--user=root'] : []),
        ],
        { stdio: 'ignore' },
      );
      track(c);
      child = c;
      let died = false;
      c.once('exit', () => (died = true));
      await waitFor(
        `MariaDB on port ${port}`,
        async () => {
          if (died) throw new Error(`mariadbd exited during start-up (see ${join(base, 'error.log')})`);
          return answers();
        },
        60_000,
        100,
      );
    },
    async stop() {
      if (child) await terminate(child, 30_000);
      child = null;
    },
    async kill() {
      if (child && db.running()) {
        child.kill('SIGKILL');
        await exited(child);
      }
      child = null;
    },
    async restart() {
      await db.stop();
      await db.start();
    },
    connect: (database) =>
      mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database, connectTimeout: 3_000 }),
    async destroy() {
      await db.kill();
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await db.start();
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}
