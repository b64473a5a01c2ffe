import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { EventMap, EventName, Result } from '../../../shared/ipc/contract';
import { dispatch, type HandlerTable } from '../core/dispatch';
import type { StationHost } from '../core/host-types';
import { StationError } from '../core/station-error';
import { isLoopback, startWebShell, type WebShell } from './web-shell';

type Listener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

function fakeHost(): StationHost & {
  emit: Listener;
  /** the peer of every request handled, in order */
  peers: string[];
  /** the peers the shell said were closed */
  closedPeers: string[];
} {
  const peers: string[] = [];
  const closedPeers: string[] = [];
  const listeners = new Set<Listener>();
  const emit: Listener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };
  const handlers = {
    'station:info': async () => ({ mode: 'simulator', stationId: 'ST-1' }),
    // like an acknowledgement: events while the request is handled, then the answer
    'ward:beds': async () => {
      emit('rejects:changed', { total: 2, byDevice: [] });
      await new Promise((r) => setTimeout(r, 5));
      emit('rejects:changed', { total: 3, byDevice: [] });
      return [];
    },
    'alerts:get': async () => {
      throw new StationError('not_found', 'No such alert.');
    },
    'health:get': async () => {
      throw new Error('SELECT * FROM secret_table WHERE password = hunter2');
    },
  } as unknown as HandlerTable;
  return {
    handle: (channel, request, ctx) => {
      peers.push(ctx.peer);
      return dispatch(handlers, channel, request);
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    unreadCount: () => 0,
    wake: async () => undefined,
    endSessions: () => undefined,
    peerClosed: (peer) => void closedPeers.push(peer),
    close: async () => undefined,
    emit,
    peers,
    closedPeers,
  };
}

let dir: string;
let shell: WebShell;
let host: ReturnType<typeof fakeHost>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ns-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Nurse Station</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'ns-outside.txt'), 'secret');
  host = fakeHost();
  shell = await startWebShell({ host, staticDir: dir, port: 0, maxFrameBytes: 4096, rateLimitPerSecond: 5 });
});

afterAll(async () => {
  await shell.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(headers: Record<string, string> = {}, protocol = 'nurse-station'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/ws`, protocol, {
      headers: { Origin: `http://127.0.0.1:${shell.port}`, ...headers },
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

type Message = { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };

function frames(ws: WebSocket): unknown[] {
  const got: unknown[] = [];
  ws.on('message', (d) => got.push(JSON.parse(d.toString())));
  return got;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

function call(ws: WebSocket, frame: unknown): Promise<{ id: number; result: Result<unknown> }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as Message | Message[];
      const msg = (Array.isArray(frame) ? frame : [frame]).find((m) => m.result);
      if (msg) {
        ws.off('message', onMessage);
        resolve(msg as { id: number; result: Result<unknown> });
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('web shell HTTP', () => {
  it('binds to loopback and serves the app with a strict CSP', async () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(shell.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('Nurse Station');
  });

  it('serves assets with their type, and app routes with index.html', async () => {
    const js = await fetch(`${shell.url}assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${shell.url}alerts`)).status).toBe(200);
    expect((await fetch(`${shell.url}missing.js`)).status).toBe(404);
  });

  it('never serves files outside the renderer folder', async () => {
    const res = await fetch(`${shell.url}..%2F..%2F${'ns-outside.txt'}`);
    expect([403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('secret');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    // fetch() may not set Host; node:http can, as a rebinding attacker's browser effectively does.
    const status = await new Promise<number>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port: shell.port, path: '/', headers: { Host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });

  it('refuses a non-loopback bind without a token', async () => {
    await expect(startWebShell({ host, staticDir: dir, bindAddress: '0.0.0.0' })).rejects.toThrow(/token/);
  });
});

describe('web shell WebSocket', () => {
  it('answers contract requests and pushes events', async () => {
    const ws = await connect();
    const reply = await call(ws, { id: 1, channel: 'station:info', request: {} });
    expect(reply).toEqual({ id: 1, result: { ok: true, value: { mode: 'simulator', stationId: 'ST-1' } } });
    const event = new Promise((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    host.emit('rejects:changed', { total: 1, byDevice: [] });
    expect(await event).toEqual({ event: 'rejects:changed', payload: { total: 1, byDevice: [] } });
    ws.close();
  });

  // Issue #18: sign-in belongs to the connection; a tab closed or dropped must be signed out.
  it('names each connection a peer of its own, and tells the host when it closes', async () => {
    const a = await connect();
    const b = await connect();
    await call(a, { id: 1, channel: 'station:info', request: {} });
    const peerA = host.peers.at(-1)!;
    await call(b, { id: 1, channel: 'station:info', request: {} });
    const peerB = host.peers.at(-1)!;
    // a random tag per server, so a peer id of an earlier run (or another shell) never matches
    expect(peerA).toMatch(/^ws-[0-9a-f]{8}-\d+$/);
    expect(peerB).not.toBe(peerA);
    expect(host.closedPeers).not.toContain(peerA);
    a.close();
    await vi.waitFor(() => expect(host.closedPeers).toContain(peerA));
    expect(host.closedPeers).not.toContain(peerB);
    // a dropped connection (no closing handshake) is closed as well
    b.terminate();
    await vi.waitFor(() => expect(host.closedPeers).toContain(peerB));
    expect(host.closedPeers.filter((p) => p === peerA)).toHaveLength(1);
  });

  it('sends the events of one turn as one frame, in order; a single event as itself', async () => {
    const ws = await connect();
    const got = frames(ws);
    host.emit('rejects:changed', { total: 1, byDevice: [] });
    host.emit('ward:update', []);
    await until(() => got.length === 1);
    expect(got[0]).toEqual([
      { event: 'rejects:changed', payload: { total: 1, byDevice: [] } },
      { event: 'ward:update', payload: [] },
    ]);
    host.emit('ward:update', []);
    await until(() => got.length === 2);
    expect(got[1]).toEqual({ event: 'ward:update', payload: [] });
    ws.close();
  });

  it('sends an answer at once, after the events emitted before it', async () => {
    const ws = await connect();
    const got = frames(ws);
    ws.send(JSON.stringify({ id: 7, channel: 'ward:beds', request: {} }));
    await until(() => got.length === 2);
    // the first event waited for the end of its turn; the second went out with the answer
    expect(got[0]).toEqual({ event: 'rejects:changed', payload: { total: 2, byDevice: [] } });
    expect(got[1]).toEqual([
      { event: 'rejects:changed', payload: { total: 3, byDevice: [] } },
      { id: 7, result: { ok: true, value: [] } },
    ]);
    ws.close();
  });

  it('gives clear errors for unknown channels, wrong shapes and malformed frames', async () => {
    const ws = await connect();
    expect((await call(ws, { id: 2, channel: 'db:drop', request: {} })).result).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
    expect(
      (await call(ws, { id: 3, channel: 'alerts:get', request: { alertId: "' OR 1=1" } })).result,
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await call(ws, '{not json')).result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await call(ws, { id: 4, channel: 'alerts:get', request: { alertId: 'x1' } })).result).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No such alert.' },
    });
    ws.close();
  });

  it('never lets internal errors (SQL, secrets) cross to the client', async () => {
    const ws = await connect();
    const { result } = await call(ws, { id: 5, channel: 'health:get', request: {} });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toMatch(/SELECT|hunter2|secret_table|at /);
    ws.close();
  });

  it('refuses connections from another origin', async () => {
    await expect(connect({ Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('closes a connection that sends an oversized frame, and keeps serving others', async () => {
    const big = await connect();
    const closed = new Promise<number>((r) => big.once('close', (code) => r(code)));
    big.send(JSON.stringify({ id: 1, channel: 'station:info', request: { pad: 'x'.repeat(10_000) } }));
    expect(await closed).toBe(1009);
    const ws = await connect();
    expect((await call(ws, { id: 1, channel: 'station:info', request: {} })).result.ok).toBe(true);
    ws.close();
  });

  it('rate-limits a flood with a clear error and recovers', async () => {
    const ws = await connect();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(ws, { id: 100 + i, channel: 'station:info', request: {} })),
    );
    const limited = results.filter((r) => !r.result.ok && r.result.error.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(ws, { id: 999, channel: 'station:info', request: {} })).result.ok).toBe(true);
    ws.close();
  });
});

describe('web shell flood of malformed frames', () => {
  it('spends the same budget and disconnects a client that keeps flooding', async () => {
    const ws = await connect();
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    let answered = 0;
    ws.on('message', () => answered++);
    for (let i = 0; i < 200; i++) ws.send('{garbage');
    expect(await closed).toBe(1008);
    expect(answered).toBeLessThanOrEqual(20);
    const other = await connect();
    expect((await call(other, { id: 1, channel: 'station:info', request: {} })).result.ok).toBe(true);
    other.close();
  });
});

describe('web shell with a token', () => {
  it('requires the token', async () => {
    const secured = await startWebShell({ host, staticDir: dir, token: 'a-very-long-station-token' });
    const url = `ws://127.0.0.1:${secured.port}/ws`;
    const open = (protocol: string) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(url, protocol);
        ws.once('open', () => {
          ws.close();
          resolve(true);
        });
        ws.once('error', () => resolve(false));
      });
    expect(await open('nurse-station')).toBe(false);
    expect(await open('nurse-station.wrong-token-xxxxxxxx')).toBe(false);
    expect(await open('nurse-station.a-very-long-station-token')).toBe(true);
    await secured.close();
  });
});

/** A GET with a chosen Host header (what a DNS-rebinding attacker's browser sends), on 127.0.0.1. */
function statusWithHost(port: number, hostHeader: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', headers: { Host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** A WebSocket upgrade with a chosen Host header and the matching Origin; 'answered' once a call is. */
function wsWithHost(port: number, hostHeader: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'nurse-station', {
      headers: { Host: hostHeader, Origin: `http://${hostHeader}` },
    });
    ws.once('open', () => {
      void call(ws, { id: 1, channel: 'station:info', request: {} }).then((r) => {
        ws.close();
        resolve(r.result.ok ? 'answered' : 'refused in band');
      });
    });
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    ws.once('error', () => resolve('error'));
  });
}

describe('web shell Host check against DNS rebinding (#21 item 2)', () => {
  const foreign = (port: number) => [
    '127.0.0.1.evil.example',
    `127.0.0.1.evil.example:${port}`,
    'localhost.evil.example',
    `localhost.evil.example:${port}`,
    `127.0.0.1:${port}@evil.example`,
    '127.0.0.1@evil.example',
    `127.0.0.1:${port}:${port}`,
    '127.evil.example',
    '127.1',
    '0x7f.0.0.1',
    'sub.localhost',
    'localhost.',
    '[::1].evil.example',
    `[::1]:${port}@evil.example`,
    '::1',
    '[::1',
    '[::ffff:10.0.0.1]',
    '0.0.0.0',
  ];
  const genuine = (port: number) => [
    `127.0.0.1:${port}`,
    '127.0.0.1',
    '127.10.20.30',
    `localhost:${port}`,
    `LocalHost:${port}`,
    `[::1]:${port}`,
    '[::1]',
    '[0:0:0:0:0:0:0:1]',
    `[::ffff:127.0.0.1]:${port}`,
  ];

  it('isLoopback accepts only loopback literals and the exact name localhost', () => {
    for (const a of ['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopback(a), a).toBe(true);
    for (const a of ['localhost', 'LOCALHOST', 'LocalHost']) expect(isLoopback(a), a).toBe(true);
    for (const a of [
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '127.evil',
      '127.1',
      '127.000.000.001',
      'foo.localhost',
      'localhost.',
      '0.0.0.0',
      '::',
      '::ffff:10.0.0.1',
      '10.0.0.1',
      ' 127.0.0.1',
      '',
    ])
      expect(isLoopback(a), a).toBe(false);
  });

  it('refuses HTTP requests whose Host only looks like loopback, serves genuine loopback hosts', async () => {
    const refused: Record<string, number> = {};
    for (const h of foreign(shell.port)) refused[h] = await statusWithHost(shell.port, h);
    const accepted: Record<string, number> = {};
    for (const h of genuine(shell.port)) accepted[h] = await statusWithHost(shell.port, h);
    // 421 Misdirected Request for a malformed or foreign name; 400 if node:http itself rejects the header
    for (const [h, status] of Object.entries(refused)) expect([400, 421], `Host: ${h}`).toContain(status);
    for (const [h, status] of Object.entries(accepted)) expect(status, `Host: ${h}`).toBe(200);
  });

  it('refuses WebSocket upgrades whose Host only looks like loopback, accepts genuine ones', async () => {
    for (const h of foreign(shell.port)) {
      expect(['HTTP 421', 'HTTP 400', 'error'], `Host: ${h}`).toContain(await wsWithHost(shell.port, h));
    }
    for (const h of genuine(shell.port))
      expect(await wsWithHost(shell.port, h), `Host: ${h}`).toBe('answered');
  });

  it('treats a bind to a name that only looks like loopback as exposed: a token is required', async () => {
    for (const bindAddress of ['127.0.0.1.evil.example', 'localhost.evil.example', '127.1']) {
      await expect(startWebShell({ host, staticDir: dir, bindAddress }), bindAddress).rejects.toThrow(
        /without an access token/,
      );
    }
  });
});

describe('web shell clocks (#21 item 7)', () => {
  it('keeps answering when the wall clock steps back an hour', async () => {
    const own = await startWebShell({ host, staticDir: dir, port: 0, rateLimitPerSecond: 5 });
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`ws://127.0.0.1:${own.port}/ws`, 'nurse-station');
      s.once('open', () => resolve(s));
      s.once('error', reject);
    });
    try {
      expect((await call(ws, { id: 1, channel: 'station:info', request: {} })).result.ok).toBe(true);
      const wall = Date.now();
      const stepped = vi.spyOn(Date, 'now').mockImplementation(() => wall - 3_600_000);
      try {
        const after = await call(ws, { id: 2, channel: 'station:info', request: {} });
        expect(after.result).toMatchObject({ ok: true });
      } finally {
        stepped.mockRestore();
      }
    } finally {
      ws.close();
      await own.close();
    }
  });

  it('refills the request budget from the monotonic clock only', async () => {
    let mono = 1_000;
    const own = await startWebShell({
      host,
      staticDir: dir,
      port: 0,
      rateLimitPerSecond: 5,
      clock: { monotonic: () => mono },
    });
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`ws://127.0.0.1:${own.port}/ws`, 'nurse-station');
      s.once('open', () => resolve(s));
      s.once('error', reject);
    });
    try {
      const burst = async (n: number, from: number) => {
        const results = [];
        for (let i = 0; i < n; i++)
          results.push((await call(ws, { id: from + i, channel: 'station:info', request: {} })).result.ok);
        return results.filter(Boolean).length;
      };
      expect(await burst(12, 0)).toBe(10); // the burst (2 × 5/s), the monotonic clock standing still
      await new Promise((r) => setTimeout(r, 300)); // real time passes: no refill from it
      expect(await burst(1, 100)).toBe(0);
      mono += 1_000; // one monotonic second: 5 more
      expect(await burst(7, 200)).toBe(5);
    } finally {
      ws.close();
      await own.close();
    }
  });
});
