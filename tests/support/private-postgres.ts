// A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temp dir, free port, user postgres) that the
// test may stop and restart. It stands in for RisingWave's wire protocol. As root, the server runs as the
// `postgres` OS user (PostgreSQL refuses root) via runuser. The shared server on 5432 is never touched.
import { execFile, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, waitFor, which } from './private-servers';

const run = promisify(execFile);

export interface PrivatePostgresOptions {
  /** 'trust' (default) or 'scram': then every login needs `password` */
  auth?: 'trust' | 'scram';
  password?: string;
}

export interface PrivatePostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'postgres';
  readonly database: 'postgres';
  /** '' with trust auth */
  readonly password: string;
  readonly dir: string;
  start(): Promise<void>;
  /** 'fast': clean shutdown, clients disconnected; 'immediate': like a crash (recovery on the next start) */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  running(): boolean;
  /** a pool on the `postgres` database (max 3) */
  pool(): pg.Pool;
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin dir (Debian: /usr/lib/postgresql/<v>/bin), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const pgCtl = which('pg_ctl');
  return pgCtl && existsSync(join(pgCtl, '..', 'initdb')) ? join(pgCtl, '..') : null;
}

function postgresIds(): { uid: number; gid: number } | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    if (!line) return null;
    const parts = line.split(':');
    return { uid: Number(parts[2]), gid: Number(parts[3]) };
  } catch {
    return null;
  }
}

/** Creates the cluster and starts it. Null when PostgreSQL is not installed (or cannot run as root). */
export async function startPrivatePostgres(
  opts: PrivatePostgresOptions = {},
): Promise<PrivatePostgres | null> {
  const bin = postgresBinDir();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? postgresIds() : null;
  if (asRoot && (!ids || !which('runuser'))) return null;
  const auth = opts.auth ?? 'trust';
  const password = auth === 'scram' ? (opts.password ?? 'private-pg-password') : '';

  const dir = mkdtempSync(join(tmpdir(), 'ns-pg-'));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  // As root every server command runs as the postgres user.
  const exec = (file: string, args: string[], timeout = 60_000) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout })
      : run(file, args, { timeout });

  const initArgs = ['-D', join(dir, 'data'), '-U', 'postgres', '-E', 'UTF8', '--no-sync'];
  if (auth === 'scram') {
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (ids) chownSync(pwfile, ids.uid, ids.gid);
    initArgs.push('-A', 'scram-sha-256', `--pwfile=${pwfile}`);
  } else {
    initArgs.push('-A', 'trust');
  }
  await exec(join(bin, 'initdb'), initArgs);
  const port = await freePort();
  let up = false;
  const pools: pg.Pool[] = [];
  // pg_ctl daemonizes the server: if the test process dies without destroy(), stop it on the way out.
  const onExit = () => {
    if (!up) return;
    const args = [join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
      else execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
    } catch {
      /* already stopped */
    }
  };
  process.once('exit', onExit);

  const server: PrivatePostgres = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    password,
    dir,
    running: () => up,
    async start() {
      await exec(join(bin, 'pg_ctl'), [
        '-D',
        join(dir, 'data'),
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`,
        'start',
      ]);
      up = true;
      await waitFor(
        `PostgreSQL on port ${port}`,
        async () => {
          const c = new pg.Client({
            host: '127.0.0.1',
            port,
            user: 'postgres',
            password,
            database: 'postgres',
          });
          try {
            await c.connect();
            await c.query('SELECT 1');
            return true;
          } catch {
            return false;
          } finally {
            await c.end().catch(() => undefined);
          }
        },
        30_000,
      );
    },
    async stop(mode = 'fast') {
      if (!up) return;
      // pg_ctl signals the postmaster whose pid is in this cluster's postmaster.pid: only our server.
      await exec(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
      up = false;
    },
    pool() {
      const p = new pg.Pool({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        password,
        database: 'postgres',
        max: 3,
      });
      p.on('error', () => undefined); // idle clients die when the test stops the server
      pools.push(p);
      return p;
    },
    async destroy() {
      for (const p of pools.splice(0)) await p.end().catch(() => undefined);
      await server.stop('immediate').catch(() => undefined);
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (err) {
    await server.destroy();
    throw err;
  }
  return server;
}
