// The web shell in front of a real station: reachable only from this computer unless a token protects it,
// only from its own page (Origin), and a failing backend behind it never sends a stack trace, SQL or a
// password to the browser — neither in answers nor in pushed events.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BackendHealth } from '../../../shared/domain/types';
import type { AuditEntry } from '../../../shared/ipc/contract';
import { startWebShell } from '../../../electron/main/web-shell/web-shell';
import { freePort, waitFor } from '../../support/private-servers';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { fakeKeyring, startTestStation, type TestStation } from '../helpers/station-host';
import { connectWs, type WsClient } from '../helpers/ws-client';
import { DEMO_CHARGE, DEMO_NURSE, signInRequest } from '../../support/nurses';

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
    const log: string[] = [];
    const shell = await startWebShell({
      host: station.host,
      staticDir,
      port: 0,
      bindAddress: '0.0.0.0',
      token,
      // plain HTTP on the network only by explicit override (#21 item 11; TLS is tested below)
      allowPlaintextLan: true,
      log: (m) => log.push(m),
    });
    try {
      expect(log.join('\n')).toMatch(/WARNING.*without TLS/);
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

  // Issue #18: a second browser tab was "on station" as whoever signed in in the first.
  it('signs in per connection: a second tab is nobody, and a closed tab is signed out', async () => {
    const shell = await startWebShell({ host: station.host, staticDir, port: 0 });
    const first = await connectWs(shell.port);
    const second = await connectWs(shell.port);
    try {
      const signed = await first.call('session:sign-in', signInRequest(DEMO_NURSE));
      const liNa = { nurseId: DEMO_NURSE.nurseId, name: DEMO_NURSE.name, role: 'nurse' };
      expect(signed).toMatchObject({ ok: true, value: { nurse: liNa } });
      expect(await first.call('station:info', {})).toMatchObject({ ok: true, value: { nurse: liNa } });
      expect(await second.call('station:info', {})).toMatchObject({ ok: true, value: { nurse: null } });
      const ack = await second.call('alerts:acknowledge', { alertId: 'a'.repeat(32), action: 'confirm' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      // a nurse is not the charge nurse: the audit is not hers to read
      const audit = await first.call('audit:list', { limit: 10 });
      expect(audit).toMatchObject({ ok: false, error: { code: 'forbidden' } });

      first.close();
      await first.closed;
      expect(await second.call('session:sign-in', signInRequest(DEMO_CHARGE))).toMatchObject({ ok: true });
      let signedOut: AuditEntry | undefined;
      await waitFor(
        'the closed tab to be signed out',
        async () => {
          const r = await second.call('audit:list', {
            kind: 'access',
            nurseId: DEMO_NURSE.nurseId,
            limit: 50,
          });
          signedOut = (r.ok ? (r.value as AuditEntry[]) : []).find((e) => e.action === 'sign-out');
          return signedOut !== undefined;
        },
        5_000,
      );
      expect(signedOut).toMatchObject({ nurseId: DEMO_NURSE.nurseId, nurse: DEMO_NURSE.name });
      expect(signedOut!.detail).toMatch(/closed/);
    } finally {
      first.close();
      second.close();
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
      // settings changes are the charge nurse's (issue #18)
      expect((await client.call('session:sign-in', signInRequest(DEMO_CHARGE))).ok).toBe(true);
      const change = await client.call('settings:update-connection', {
        mode: 'connected',
        risingwave: { host: '127.0.0.1', port: rw, user: 'root', database: 'dev', password },
        mysql: { host: '127.0.0.1', port: my, user: 'nurse', database: 'ns', password },
        pollIntervalMs: 300,
      });
      expect(change.ok, JSON.stringify(change)).toBe(true);
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

/** ms until `health:get` is answered ok on `client` (Infinity after `timeoutMs`). */
function probeMs(client: WsClient, timeoutMs: number): Promise<number> {
  const id = 900_000_000 + Math.floor(Math.random() * 1_000_000);
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.ws.off('message', onMessage);
      resolve(Number.POSITIVE_INFINITY);
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean } } | unknown[];
      const msgs = (Array.isArray(frame) ? frame : [frame]) as { id?: number; result?: { ok: boolean } }[];
      const hit = msgs.find((m) => m.id === id);
      if (!hit) return;
      clearTimeout(timer);
      client.ws.off('message', onMessage);
      if (hit.result?.ok) resolve(performance.now() - t);
      else reject(new Error(`health:get failed: ${JSON.stringify(hit)}`));
    };
    client.ws.on('message', onMessage);
    client.send({ id, channel: 'health:get', request: {} });
  });
}

describe('Security: a flood over many connections (#21 item 6)', () => {
  it('holds neither the station’s own screen nor more than 16 sockets open', async () => {
    // enough history that alerts:list over 7 days (500 rows) is the heaviest request (~4 ms + 170 kB)
    const heavy = await startTestStation({ beds: 24, warmupMs: 6 * 3_600_000 });
    const log: string[] = [];
    const shell = await startWebShell({ host: heavy.host, staticDir, port: 0, log: (m) => log.push(m) });
    const clients: WsClient[] = [];
    try {
      // the station's own screen: it presents the per-start station key the shell printed on its console
      const own = await connectWs(shell.port, { protocol: `nurse-station.${shell.stationKey}` });
      clients.push(own);
      expect((await own.call('health:get', {})).ok).toBe(true);

      const attempts = await Promise.all(
        Array.from({ length: 30 }, () =>
          connectWs(shell.port).then(
            (c) => c,
            (err: Error) => err.message,
          ),
        ),
      );
      const attackers = attempts.filter((a): a is WsClient => typeof a !== 'string');
      const refusals = attempts.filter((a): a is string => typeof a === 'string');
      clients.push(...attackers);
      expect(attackers.length).toBe(16);
      expect(refusals).toEqual(Array.from({ length: 14 }, () => 'HTTP 503'));
      expect(log.join('\n')).toMatch(/refused .*connection/i);

      const PER = 100;
      const started = performance.now();
      for (const a of attackers)
        for (let i = 0; i < PER; i++)
          a.send({ id: i, channel: 'alerts:list', request: { range: '7d', limit: 500 } });
      const floodDone = Promise.all(attackers.map((a) => a.waitReplies(PER, 30_000)));
      let done = false;
      void floodDone.then(
        () => (done = true),
        () => (done = true),
      );
      // health probes on the station's own connection, one after another, while the flood is answered
      const probes: number[] = [];
      while (!done && performance.now() - started < 14_000) {
        probes.push(await probeMs(own, 14_000));
        await new Promise((res) => setTimeout(res, 20));
      }
      await floodDone;
      const floodMs = performance.now() - started;
      const replies = attackers.flatMap((a) => a.replies);
      const served = replies.filter((r) => r.result.ok).length;
      const limited = replies.filter((r) => !r.result.ok && r.result.error.code === 'rate_limited');
      expect(served + limited.length).toBe(attackers.length * PER);
      for (const r of limited)
        expect(r.result).toMatchObject({ ok: false, error: { message: expect.any(String) } });
      const worst = Math.max(...probes);
      report('web shell flood over many connections', {
        connectionsTried: attempts.length,
        opened: attackers.length,
        refused503: refusals.length,
        heavyRequests: attackers.length * PER,
        served,
        rateLimited: limited.length,
        floodAnsweredInMs: Math.round(floodMs),
        healthProbes: probes.length,
        healthProbeWorstMs: Math.round(worst),
        healthProbeMedianMs: Math.round([...probes].sort((a, b) => a - b)[Math.floor(probes.length / 2)]!),
      });
      expect(worst).toBeLessThan(2_000);

      // a closed connection frees its slot
      attackers[0]!.close();
      await attackers[0]!.closed;
      const next = await connectWs(shell.port);
      clients.push(next);
      expect((await next.call('station:info', {})).ok).toBe(true);
    } finally {
      for (const c of clients) c.close();
      await shell.close();
      await heavy.close();
    }
  }, 60_000);
});

describe('Security: TLS for a network bind (#21 item 11)', () => {
  const token = 'ward-7-station-token-2026';
  let tlsDir: string;
  let cert: string;
  let key: string;

  beforeAll(() => {
    tlsDir = mkdtempSync(join(tmpdir(), 'ns-tls-'));
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
        join(tlsDir, 'key.pem'),
        '-out',
        join(tlsDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(tlsDir, 'cert.pem'), 'utf8');
    key = readFileSync(join(tlsDir, 'key.pem'), 'utf8');
  });

  afterAll(() => {
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  it('refuses a network bind with a token but without TLS, unless plain HTTP is explicitly allowed', async () => {
    for (const bindAddress of ['0.0.0.0', '::']) {
      await expect(startWebShell({ host: station.host, staticDir, bindAddress, token })).rejects.toThrow(
        /without TLS/,
      );
    }
    const log: string[] = [];
    const plain = await startWebShell({
      host: station.host,
      staticDir,
      port: 0,
      bindAddress: '0.0.0.0',
      token,
      allowPlaintextLan: true,
      log: (m) => log.push(m),
    });
    await plain.close();
    expect(log.join('\n')).toMatch(/WARNING.*without TLS/);
    // the loopback default stays plain HTTP
    const local = await startWebShell({ host: station.host, staticDir, port: 0 });
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await local.close();
  });

  it('serves https and wss on 0.0.0.0 with the token; plain http and ws to it get nothing', async () => {
    const shell = await startWebShell({
      host: station.host,
      staticDir,
      port: 0,
      bindAddress: '0.0.0.0',
      token,
      tls: { cert, key },
    });
    try {
      expect(shell.url).toMatch(/^https:\/\//);
      const page = await new Promise<{ status: number; body: string; protocol: string }>(
        (resolve, reject) => {
          httpsGet({ host: '127.0.0.1', port: shell.port, path: '/', ca: cert }, (res) => {
            const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
          }).on('error', reject);
        },
      );
      expect(page.status).toBe(200);
      expect(page.body).toContain('Nurse Station');

      const wss = (protocol: string, origin = `https://127.0.0.1:${shell.port}`) =>
        new Promise<WebSocket | string>((resolve) => {
          const ws = new WebSocket(`wss://127.0.0.1:${shell.port}/ws`, protocol, {
            ca: cert,
            headers: { Origin: origin },
          });
          ws.once('open', () => resolve(ws));
          ws.once('unexpected-response', (_q, res) => resolve(`HTTP ${res.statusCode}`));
          ws.once('error', (err) => resolve(`error: ${err.message}`));
        });
      expect(await wss('nurse-station')).toBe('HTTP 401');
      expect(await wss(`nurse-station.${token}`, `http://127.0.0.1:${shell.port}`)).toBe('HTTP 403');
      const ws = await wss(`nurse-station.${token}`);
      if (typeof ws === 'string') throw new Error(`wss did not open: ${ws}`);
      const answer = await new Promise<{ id: number; result: { ok: boolean } }>((resolve) => {
        ws.once('message', (d) =>
          resolve(JSON.parse(d.toString()) as { id: number; result: { ok: boolean } }),
        );
        ws.send(JSON.stringify({ id: 1, channel: 'station:info', request: {} }));
      });
      expect(answer).toMatchObject({ id: 1, result: { ok: true } });
      ws.close();

      // plain HTTP to the TLS port: no page, no answer
      const plainHttp = await new Promise<string>((resolve) => {
        const req = httpGet({ host: '127.0.0.1', port: shell.port, path: '/', timeout: 3_000 }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(`HTTP ${res.statusCode}: ${body.slice(0, 40)}`));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (err) => resolve(`error: ${err.message}`));
      });
      expect(plainHttp).not.toContain('Nurse Station');
      expect(plainHttp).toMatch(/^error|^HTTP 400/);
      const plainWs = await new Promise<string>((resolve) => {
        const s = new WebSocket(`ws://127.0.0.1:${shell.port}/ws`, `nurse-station.${token}`);
        s.once('open', () => {
          s.close();
          resolve('open');
        });
        s.once('unexpected-response', (_q, res) => resolve(`HTTP ${res.statusCode}`));
        s.once('error', (err) => resolve(`error: ${err.message}`));
      });
      expect(plainWs).not.toBe('open');
      report('web shell TLS', { url: shell.url, tls: page.protocol, plainHttp, plainWs });
    } finally {
      await shell.close();
    }
  });
});
