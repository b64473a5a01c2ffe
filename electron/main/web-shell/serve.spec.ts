// The web shell's command line (`npm run web`), run as a real process: its TLS flags and environment,
// and the refusals an IT admin sees before anything listens or any data is written (#21 item 11).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const ROOT = resolve(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const SERVE = join(ROOT, 'electron/main/web-shell/serve.ts');
const TOKEN = 'ward-7-station-token-2026';

let dir: string;
let certFile: string;
let keyFile: string;
let cert: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ns-serve-'));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(certFile, 'utf8');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(TSX, [SERVE, ...args], {
    cwd: ROOT,
    env: { ...process.env, NURSE_STATION_LOG: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs to the end: exit code and output. */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolvePromise) => {
    const child = start(args, env);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolvePromise({ code, out }));
  });
}

describe('nurse-station-web command line', () => {
  it('documents the TLS options in --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const word of [
      '--tls-cert FILE',
      '--tls-key FILE',
      'NURSE_STATION_TLS_CERT',
      'NURSE_STATION_TLS_KEY',
      '--allow-plaintext-lan',
    ])
      expect(out).toContain(word);
  }, 30_000);

  it('refuses a network bind without TLS before the station starts (no data written)', async () => {
    const dataDir = join(dir, 'never-created');
    const { code, out } = await run(['--host', '0.0.0.0', '--token', TOKEN, '--data-dir', dataDir]);
    expect(code).toBe(1);
    expect(out).toMatch(/Refusing to serve on 0\.0\.0\.0 without TLS/);
    expect(out).toMatch(/--tls-cert FILE --tls-key FILE/);
    expect(out).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    expect(existsSync(dataDir)).toBe(false);
  }, 30_000);

  it('says which TLS file cannot be read, and that both are needed', async () => {
    const missing = join(dir, 'missing.pem');
    const a = await run(['--host', '0.0.0.0', '--token', TOKEN, '--tls-cert', missing, '--tls-key', keyFile]);
    expect(a.code).toBe(1);
    expect(a.out).toContain(`Cannot read the TLS certificate ${missing}: no such file.`);
    const b = await run(['--tls-cert', certFile]);
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/both a certificate and its key/);
  }, 30_000);

  it('serves https and wss on 0.0.0.0 with the certificate from the environment', async () => {
    const child = start(
      ['--host', '0.0.0.0', '--port', '0', '--beds', '2', '--warmup', '0', '--data-dir', join(dir, 'data')],
      { NURSE_STATION_TOKEN: TOKEN, NURSE_STATION_TLS_CERT: certFile, NURSE_STATION_TLS_KEY: keyFile },
    );
    try {
      const out = await new Promise<string>((resolvePromise, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`no address printed: ${text}`)), 25_000);
        const onData = (d: Buffer) => {
          text += d.toString();
          if (/own screen, open: \S+/.test(text)) {
            clearTimeout(timer);
            resolvePromise(text);
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      const url = /running: (https:\/\/0\.0\.0\.0:(\d+)\/)/.exec(out);
      expect(url, out).not.toBeNull();
      const port = Number(url![2]);
      const key = /own screen, open: https:\/\/\S+#token=([A-Za-z0-9_-]+)/.exec(out)?.[1];
      expect(key, out).toBeTruthy();
      expect(key).not.toBe(TOKEN);
      // only ever to 127.0.0.1, although the shell listens on every interface
      const status = await new Promise<number>((resolvePromise, reject) => {
        httpsGet({ host: '127.0.0.1', port, path: '/healthz', ca: cert }, (res) => {
          res.resume();
          resolvePromise(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).toBe(200);
      // the station key stands for the token (the station's own screen has only the printed address)
      for (const secret of [TOKEN, key!]) {
        const answer = await new Promise<unknown>((resolvePromise, reject) => {
          const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, `nurse-station.${secret}`, {
            ca: cert,
            headers: { Origin: `https://127.0.0.1:${port}` },
          });
          ws.once('open', () => ws.send(JSON.stringify({ id: 1, channel: 'station:info', request: {} })));
          ws.once('message', (d) => {
            ws.close();
            resolvePromise(JSON.parse(d.toString()));
          });
          ws.once('error', reject);
        });
        expect(answer).toMatchObject({ id: 1, result: { ok: true } });
      }
      // Settings → About names the log folder, where the shell keeps a private, rotated log
      const about = await new Promise<unknown>((resolvePromise, reject) => {
        const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, `nurse-station.${TOKEN}`, {
          ca: cert,
          headers: { Origin: `https://127.0.0.1:${port}` },
        });
        ws.once('open', () => ws.send(JSON.stringify({ id: 2, channel: 'app:about', request: {} })));
        ws.once('message', (d) => {
          ws.close();
          resolvePromise(JSON.parse(d.toString()));
        });
        ws.once('error', reject);
      });
      const logDir = join(dir, 'data', 'logs');
      expect(about).toMatchObject({
        id: 2,
        result: { ok: true, value: { shell: 'web', dataDir: join(dir, 'data'), logDir } },
      });
      const logFile = join(logDir, 'nurse-station.log');
      const logged = readFileSync(logFile, 'utf8');
      expect(logged).toMatch(/Z INFO station \S+ running in simulator mode \(web shell\)\n/);
      for (const secret of [TOKEN, key!]) expect(logged).not.toContain(secret);
      if (process.platform !== 'win32') {
        expect(statSync(logFile).mode & 0o777).toBe(0o600);
        expect(statSync(logDir).mode & 0o777).toBe(0o700);
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
