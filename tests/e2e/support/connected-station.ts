// A station in connected mode for E2E tests: PostgreSQL stands in for RisingWave (fed by the
// bridge with a simulated ward, connected-ward-feed.ts), MariaDB is the alert store — reached through a TCP proxy the tests
// can cut (POST /mysql/down, /mysql/up on the control port) to take the alert store "off the network".
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStationHost } from '../../../electron/main/core/station-host';
import { startWebShell } from '../../../electron/main/web-shell/web-shell';
import { createTestDatabase } from '../../support/mariadb';
import { seedMysqlRoster } from '../../integration/helpers/roster';
import { createTestPgDatabase } from '../../support/postgres';
import { startWardFeed, type WardFeed, type WardFeedConfig } from './connected-ward-feed';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    control: { type: 'string' },
    // benchmarks: the station talks to MariaDB directly (the proxy shares this process's event loop,
    // so every MySQL round trip would wait for whatever else the station is doing)
    'direct-mysql': { type: 'boolean' },
    // benchmarks: the ward feed (devices → RisingWave stand-in → PostgreSQL + MySQL sink) in a process
    // of its own, as those are other machines on a ward
    'feed-process': { type: 'boolean' },
    // beds of the simulated ward (default 8)
    beds: { type: 'string' },
  },
});
const port = Number(values.port ?? 5198);
const controlPort = Number(values.control ?? 5196);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const [pgdb, mydb] = await Promise.all([
  createTestPgDatabase('ns_e2e'),
  createTestDatabase({ applySchema: true }),
]);
// the ward's roster (MySQL `nurse_roster`): the demo roster's identifiers, names and PINs, so the
// page objects sign in the same way in both modes
await seedMysqlRoster(mydb.config);

// The proxy between the station and MariaDB: "down" drops every connection and refuses new ones.
let mysqlUp = true;
const sockets = new Set<Socket>();
const proxy = createServer((client) => {
  if (!mysqlUp) {
    client.destroy();
    return;
  }
  const upstream = connect(mydb.config.port, mydb.config.host);
  for (const s of [client, upstream]) {
    // Without this, Nagle's algorithm meets the server's delayed ACKs and adds ~40 ms to a round trip:
    // the proxy must not be slower than the network it stands for.
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  }
  client.pipe(upstream).pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
const proxyPort = (proxy.address() as { port: number }).port;

const feedConfig: WardFeedConfig = {
  pg: { host: pgdb.host, port: pgdb.port, user: pgdb.user, password: pgdb.password, database: pgdb.database },
  mysql: mydb.config,
  beds: values.beds === undefined ? undefined : Number(values.beds),
};
const feed: WardFeed = values['feed-process']
  ? await startFeedProcess(feedConfig)
  : await startWardFeed(feedConfig);

async function startFeedProcess(cfg: WardFeedConfig): Promise<WardFeed> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'tests/e2e/support/connected-ward-feed.ts'), JSON.stringify(cfg)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ward feed ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`ward feed exited (${code})`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'ns-e2e-connected-'));
const enc = encodeURIComponent;
const host = await createStationHost({
  dataDir,
  shell: 'web',
  stationId: 'E2E-CONNECTED',
  notifier: { show: () => undefined },
  secretStore: {
    isEncryptionAvailable: async () => false,
    encrypt: async () => Buffer.alloc(0),
    decrypt: async () => ({ plain: '', shouldReEncrypt: false }),
    describe: async () => 'E2E: passwords in memory only',
  },
  env: {
    NURSE_STATION_MODE: 'connected',
    NURSE_STATION_RW_URL: `postgres://${enc(pgdb.user)}@${pgdb.host}:${pgdb.port}/${pgdb.database}`,
    NURSE_STATION_MYSQL_URL: `mysql://${enc(mydb.config.user)}:${enc(mydb.config.password)}@127.0.0.1:${values['direct-mysql'] ? mydb.config.port : proxyPort}/${mydb.config.database}`,
  },
});
const shell = await startWebShell({ host, staticDir: join(root, 'out/renderer'), port });

const control = createHttpServer((req, res) => {
  const reply = (body: unknown) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  if (req.url === '/mysql/down' && req.method === 'POST') {
    mysqlUp = false;
    for (const s of sockets) s.destroy();
    return reply({ mysqlUp });
  }
  if (req.url === '/mysql/up' && req.method === 'POST') {
    mysqlUp = true;
    return reply({ mysqlUp });
  }
  if (req.url === '/info') return reply({ mysql: mydb.config, mysqlUp });
  res.writeHead(404).end();
});
await new Promise<void>((r) => control.listen(controlPort, '127.0.0.1', () => r()));
process.stdout.write(`connected E2E station on ${shell.url} (control :${controlPort})\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await feed.stop();
  control.close();
  await shell.close();
  await host.close();
  for (const s of sockets) s.destroy();
  proxy.close();
  await Promise.all([pgdb.drop(), mydb.drop()]);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
