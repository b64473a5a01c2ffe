// The web shell in front of a real station: reachable only from this computer unless a token protects it,
// only from its own page (Origin), and a failing backend behind it never sends a stack trace, SQL or a
// password to the browser — neither in answers nor in pushed events.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BackendHealth } from '../../../shared/domain/types';
import { startWebShell } from '../../../electron/main/web-shell/web-shell';
import { freePort, waitFor } from '../../support/private-servers';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { fakeKeyring, startTestStation, type TestStation } from '../helpers/station-host';
import { connectWs } from '../helpers/ws-client';

let station: TestStation;
let staticDir: string;

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return null;
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.setTimeout(1_000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  station = await startTestStation({ beds: 4, secretStore: fakeKeyring });
  staticDir = mkdtempSync(join(tmpdir(), 'ns-web-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nurse Station</title>');
}, 60_000);

afterAll(async () => {
  await station?.close();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
});

describe('Security: web shell exposure (real station behind it)', () => {
  it('binds to loopback by default: not reachable on the machine’s network address', async () => {
    const shell = await startWebShell({ host: station.host, staticDir, port: 0 });
    try {
      expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await tcpConnects('127.0.0.1', shell.port)).toBe(true);
      const external = externalAddress();
      if (external) expect(await tcpConnects(external, shell.port)).toBe(false);
      report('web shell default bind', {
        url: shell.url,
        externalAddressTried: external,
        reachableExternally: false,
      });
    } finally {
      await shell.close();
    }
  });

  it('refuses a non-loopback bind without a token, or with a short one', async () => {
    for (const bindAddress of ['0.0.0.0', '::', externalAddress() ?? '0.0.0.0']) {
      await expect(startWebShell({ host: station.host, staticDir, bindAddress })).rejects.toThrow(
        /without an access token/,
      );
      await expect(
        startWebShell({ host: station.host, staticDir, bindAddress, token: 'short' }),
      ).rejects.toThrow(/at least 16 characters/);
    }
  });

  it('with a token on all interfaces: no token or a wrong one is refused, the right one works', async () => {
    const token = 'ward-7-station-token-2026';
    const shell = await startWebShell({
      host: station.host,
      staticDir,
      port: 0,
      bindAddress: '0.0.0.0',
      token,
    });
    try {
      const attempt = (protocol: string, query = '') =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/ws${query}`, protocol, {
            headers: { Origin: `http://127.0.0.1:${shell.port}` },
          });
          ws.once('open', () => {
            ws.close();
            resolve('open');
          });
          ws.once('unexpected-response', (_q, res) => resolve(String(res.statusCode)));
          ws.once('error', () => resolve('error'));
        });
      expect(await attempt('nurse-station')).toBe('401');
      expect(await attempt('nurse-station.wrong-token-0000000')).toBe('401');
      expect(await attempt('nurse-station', '?token=wrong-token-0000000')).toBe('401');
      expect(await attempt(`nurse-station.${token}`)).toBe('open');
      expect(await attempt('nurse-station', `?token=${token}`)).toBe('open');
    } finally {
      await shell.close();
    }
  });

  it('checks the Origin of every WebSocket: only its own page may connect', async () => {
    const shell = await startWebShell({ host: station.host, staticDir, port: 0 });
    try {
      const outcome = async (origin: string | null) => {
        try {
          const c = await connectWs(shell.port, { origin });
          c.close();
          return 'open';
        } catch (err) {
          return (err as Error).message;
        }
      };
      const cases: Record<string, string> = {
        own: await outcome(`http://127.0.0.1:${shell.port}`),
        foreign: await outcome('https://evil.example'),
        nullOrigin: await outcome('null'),
        otherPort: await outcome(`http://127.0.0.1:${shell.port + 1}`),
        localhostAlias: await outcome(`http://localhost:${shell.port}`),
        file: await outcome('file://'),
        noOrigin: await outcome(null),
      };
      expect(cases).toEqual({
        own: 'open',
        foreign: 'HTTP 403',
        nullOrigin: 'HTTP 403',
        otherPort: 'HTTP 403',
        localhostAlias: 'HTTP 403',
        file: 'HTTP 403',
        noOrigin: 'open', // not a browser: no cross-site page can send a request without an Origin
      });
      report('web shell origin check', cases);
    } finally {
      await shell.close();
    }
  });

  it('never sends a stack trace, SQL or a password to the browser when the backends fail', async () => {
    const shell = await startWebShell({ host: station.host, staticDir, port: 0 });
    const client = await connectWs(shell.port);
    const frames: string[] = [];
    client.ws.on('message', (d) => frames.push(d.toString()));
    try {
      const password = 'Sup3r-Secret-Pw-For-Test';
      const [rw, my] = [await freePort(), await freePort()];
      const change = await client.call('settings:update-connection', {
        mode: 'connected',
        risingwave: { host: '127.0.0.1', port: rw, user: 'root', database: 'dev', password },
        mysql: { host: '127.0.0.1', port: my, user: 'nurse', database: 'ns', password },
        pollIntervalMs: 300,
      });
      expect(change.ok).toBe(true);
      await waitFor(
        'the failure to reach the browser',
        async () => {
          const h = await client.call('health:get', {});
          return h.ok && (h.value as BackendHealth[]).filter((x) => !x.up).length === 2;
        },
        15_000,
      );
      const answers = [];
      for (const [channel, request] of [
        ['alerts:list', { range: '24h', limit: 10 }],
        ['alerts:stats', { range: '24h' }],
        ['alerts:get', { alertId: 'x1' }],
        ['patients:trend', { patientId: 'P001', from: Date.now() - 3_600_000, to: Date.now() }],
        ['thresholds:get', { patientId: 'P001' }],
        ['stats:burden', { range: '7d' }],
        ['health:get', {}],
        ['settings:get', {}],
      ] as const) {
        const r = await client.call(channel, request);
        expect(resultProblem(r), `${channel}: ${JSON.stringify(r)}`).toBeNull();
        answers.push(r);
      }
      const failed = answers.filter((r) => !r.ok);
      expect(failed.length).toBeGreaterThanOrEqual(5);
      for (const r of failed) if (!r.ok) expect(['unavailable', 'not_found']).toContain(r.error.code);
      const wire = frames.join('\n');
      expect(wire).not.toContain(password);
      expect(wire).not.toMatch(/\n\s+at |at \S+ \(.*:\d+:\d+\)|\.ts:\d+|node_modules/);
      expect(wire).not.toMatch(/\bSELECT\b|\bINSERT INTO\b|\bUPDATE alerts\b|\bFROM alerts\b/i);
      expect(wire).not.toMatch(/ECONNREFUSED|errno|syscall/); // driver internals stay in the log
      report('web shell failing backend', {
        framesChecked: frames.length,
        failedAnswers: failed.length,
        sampleMessages: [...new Set(failed.map((r) => (!r.ok ? `${r.error.code}: ${r.error.message}` : '')))],
      });
    } finally {
      client.close();
      await shell.close();
    }
  }, 60_000);
});
