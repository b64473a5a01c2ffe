// Entry of the web shell (`npm run web`, and `npm start` where Electron is not installed).
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStationHost } from '../core/station-host';
import { installFileLog, logDirOf } from '../core/log-file';
import { logger } from '../core/logger';
import { checkExposure, startWebShell } from './web-shell';
import type { SecretStore } from '../core/host-types';

const HELP = `Usage: nurse-station-web [options]

Serves Nurse Station (the same station core as the desktop app) on http://127.0.0.1; beyond this
computer only with an access token, and over https with a certificate (--tls-cert, --tls-key).

Options:
  --port N          port to listen on (default 5180; 0 = any free port)       [NURSE_STATION_PORT]
  --host ADDR       address to bind (default 127.0.0.1)                       [NURSE_STATION_HOST]
  --token T         access token, required for a non-loopback --host (≥16 ch) [NURSE_STATION_TOKEN]
  --tls-cert FILE   TLS certificate (PEM), needed for a non-loopback --host   [NURSE_STATION_TLS_CERT]
  --tls-key FILE    the certificate's private key (PEM)                       [NURSE_STATION_TLS_KEY]
  --allow-plaintext-lan
                    serve a non-loopback --host without TLS: patient data and the token
                    cross the network in clear (only on a network you trust)
  --data-dir DIR    where the station keeps its SQLite file, settings and     [NURSE_STATION_DATA_DIR]
                    log files (DIR/logs/nurse-station.log, rotated at 5 MB)
  --beds N          simulated beds (default 12)                               [NURSE_STATION_BEDS]
  --seed N          simulator seed                                            [NURSE_STATION_SEED]
  --speed X         simulator speed, multiple of real time (default 1)        [NURSE_STATION_SPEED]
  --warmup S        seconds of simulated history at start (default 900)       [NURSE_STATION_WARMUP]
  --help            this text

At start it prints a second address with a key made for this start only: open that one on the
station's own screen. Its requests are served first when other connections flood the station.
`;

/** The web shell has no OS keyring: connection passwords are kept in memory only, and the UI says so. */
const memoryOnlySecrets: SecretStore = {
  isEncryptionAvailable: async () => false,
  encrypt: () => Promise.reject(new Error('no OS keyring in the web shell')),
  decrypt: () => Promise.reject(new Error('no OS keyring in the web shell')),
  describe: async () => 'The web shell has no OS keyring: passwords are kept in memory until it stops.',
};

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'nurse-station');
}

/** Both TLS files or neither; read here so a wrong path says which file and why. */
function readTls(
  certFile: string | undefined,
  keyFile: string | undefined,
): { cert: Buffer; key: Buffer } | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new Error('TLS needs both a certificate and its key: give --tls-cert FILE and --tls-key FILE.');
  }
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
      throw new Error(`Cannot read the TLS ${what} ${file}: ${why}.`);
    }
  };
  return { cert: read(certFile, 'certificate'), key: read(keyFile, 'key') };
}

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number (got "${value}")`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'allow-plaintext-lan': { type: 'boolean' },
      'data-dir': { type: 'string' },
      beds: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      warmup: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const env = process.env;
  const bindAddress = values.host ?? env.NURSE_STATION_HOST ?? '127.0.0.1';
  const token = values.token ?? env.NURSE_STATION_TOKEN;
  const tls = readTls(
    values['tls-cert'] ?? env.NURSE_STATION_TLS_CERT,
    values['tls-key'] ?? env.NURSE_STATION_TLS_KEY,
  );
  const allowPlaintextLan = values['allow-plaintext-lan'] === true;
  // before the station starts: a refused configuration must not create data or open databases
  checkExposure({ bindAddress, token, tls, allowPlaintextLan });
  const dataDir = resolve(values['data-dir'] ?? env.NURSE_STATION_DATA_DIR ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // from here on every log line is kept in <dataDir>/logs as well (rotated, private), for IT
  const fileLog = installFileLog({ dir: logDirOf(dataDir) });
  const here = dirname(fileURLToPath(import.meta.url));
  // Built: out/main/web.js → out/renderer. From source (tsx): electron/main/web-shell → out/renderer.
  const staticDir = here.endsWith(join('out', 'main'))
    ? join(here, '..', 'renderer')
    : join(here, '../../../out/renderer');

  const host = await createStationHost({
    dataDir,
    logDir: fileLog.dir,
    shell: 'web',
    secretStore: memoryOnlySecrets,
    // The renderer raises browser notifications from the `notify:show` event.
    notifier: { show: () => undefined },
    simulator: {
      beds: num(values.beds ?? env.NURSE_STATION_BEDS, '--beds'),
      seed: num(values.seed ?? env.NURSE_STATION_SEED, '--seed'),
      speed: num(values.speed ?? env.NURSE_STATION_SPEED, '--speed'),
      warmupMs: (num(values.warmup ?? env.NURSE_STATION_WARMUP, '--warmup') ?? 900) * 1000,
      // the server listens (and the page loads) while the history is simulated
      warmupInBackground: true,
    },
  });
  const shell = await startWebShell({
    host,
    staticDir,
    port: num(values.port ?? env.NURSE_STATION_PORT, '--port') ?? 5180,
    bindAddress,
    token,
    tls,
    allowPlaintextLan,
    log: (m) => logger.warn(m),
  });
  process.stdout.write(`Nurse Station is running: ${shell.url}\n`);
  // Only this console sees the station key (never the log): it is what makes a screen the station's own.
  process.stdout.write(`On this station's own screen, open: ${shell.stationUrl}\n`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await shell.close();
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`nurse-station: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
