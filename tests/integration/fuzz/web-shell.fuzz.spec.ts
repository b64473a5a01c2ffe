// The web shell's WebSocket under abuse, in front of a real station (createStationHost, simulator mode,
// temp data dir) with the shipped limits (64 KiB frames, 50 requests/s per connection): oversized frames,
// floods, random bytes, binary frames and random JSON. The server must refuse each clearly and keep
// serving everyone else.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebShell, type WebShell } from '../../../electron/main/web-shell/web-shell';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { startTestStation, type TestStation } from '../helpers/station-host';
import { connectWs } from '../helpers/ws-client';

let station: TestStation;
let shell: WebShell; // shipped limits
let open: WebShell; // same station, no practical rate limit: for fuzzing the frame handling itself
let staticDir: string;
const shellLog: string[] = [];

beforeAll(async () => {
  station = await startTestStation({ beds: 12, speed: 1 });
  staticDir = mkdtempSync(join(tmpdir(), 'ns-web-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nurse Station</title>');
  shell = await startWebShell({ host: station.host, staticDir, port: 0, log: (m) => shellLog.push(m) });
  open = await startWebShell({ host: station.host, staticDir, port: 0, rateLimitPerSecond: 1_000_000 });
}, 60_000);

afterAll(async () => {
  await shell?.close();
  await open?.close();
  await station?.close();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
});

describe('Fuzz: web shell WebSocket in front of a real station', () => {
  it('closes a connection that sends a frame over 64 KiB with 1009, and keeps serving the others', async () => {
    const bystander = await connectWs(shell.port);
    const atLimit = await connectWs(shell.port);
    // Exactly at the limit is still read (and refused by the contract: an unknown key).
    const pad = 'x'.repeat(
      64 * 1024 - JSON.stringify({ id: 1, channel: 'station:info', request: { pad: '' } }).length,
    );
    atLimit.send({ id: 1, channel: 'station:info', request: { pad } });
    await atLimit.waitReplies(1);
    expect(atLimit.replies[0]!.result).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const sizes = [64 * 1024 + 1, 1024 * 1024, 8 * 1024 * 1024];
    const closes: number[] = [];
    for (const size of sizes) {
      const big = await connectWs(shell.port);
      big.send('x'.repeat(size));
      const { code } = await big.closed;
      closes.push(code);
      expect(code).toBe(1009);
    }
    // The bystander, connected all along, and a new client are both still served.
    expect((await bystander.call('station:info', {})).ok).toBe(true);
    const fresh = await connectWs(shell.port);
    expect((await fresh.call('ward:beds', {})).ok).toBe(true);
    for (const c of [bystander, atLimit, fresh]) c.close();
    report('web shell oversized frames', { frameBytes: sizes, closeCodes: closes, othersServed: true });
  }, 30_000);

  it('answers a flood with rate_limited beyond the burst, without slowing other connections, and recovers', async () => {
    const flooder = await connectWs(shell.port);
    const other = await connectWs(shell.port);
    const N = 1_000;
    const started = performance.now();
    for (let i = 0; i < N; i++) flooder.send({ id: i, channel: 'station:info', request: {} });
    // While the flood is being answered, another nurse's request goes through at once.
    const t = performance.now();
    const otherResult = await other.call('ward:beds', {});
    const otherMs = performance.now() - t;
    expect(otherResult.ok).toBe(true);
    await flooder.waitReplies(N, 20_000);
    const floodMs = performance.now() - started;
    const ok = flooder.replies.filter((r) => r.result.ok).length;
    const limited = flooder.replies.filter((r) => !r.result.ok && r.result.error.code === 'rate_limited');
    expect(ok + limited.length).toBe(N);
    expect(ok).toBeGreaterThanOrEqual(100); // the burst (2 × 50/s)…
    expect(ok).toBeLessThanOrEqual(100 + Math.ceil((50 * floodMs) / 1000) + 1); // …plus the refill meanwhile
    expect(limited[0]!.result).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: 'Too many requests; slow down.' },
    });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await flooder.call('station:info', {})).ok).toBe(true);
    flooder.close();
    other.close();
    report('web shell flood', {
      requests: N,
      served: ok,
      rateLimited: limited.length,
      floodAnsweredInMs: Math.round(floodMs),
      otherConnectionLatencyMs: Math.round(otherMs),
    });
  }, 30_000);

  it('answers random bytes, binary frames and random JSON with bad_request (never internal), and keeps serving', async () => {
    const client = await connectWs(open.port);
    const tally = new Map<string, number>();
    let frames = 0;
    const frameArb = fc.oneof(
      fc
        .uint8Array({ minLength: 1, maxLength: 2048 })
        .map((b) => ({ binary: true as const, data: Buffer.from(b) })),
      fc.string({ maxLength: 300, unit: 'binary' }).map((s) => ({ binary: false as const, data: s })),
      fc.json({ maxDepth: 3 }).map((s) => ({ binary: false as const, data: s })),
      fc
        .record(
          {
            id: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
            channel: fc.oneof(
              fc.string(),
              fc.constantFrom('station:info', 'alerts:list', 'alerts:acknowledge', '__proto__'),
            ),
            request: fc.anything({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((f) => {
          let text: string;
          try {
            text = JSON.stringify(f) ?? 'null';
          } catch {
            text = '{}';
          }
          return { binary: false as const, data: text };
        }),
    );
    await fc.assert(
      fc.asyncProperty(frameArb, async (frame) => {
        frames++;
        const before = client.replies.length;
        if (frame.binary) client.ws.send(frame.data, { binary: true });
        else client.ws.send(frame.data);
        await client.waitReplies(before + 1, 5_000);
        const reply = client.replies[before]!;
        const problem = resultProblem(reply.result);
        if (problem) throw new Error(`malformed reply (${problem})`);
        if (!reply.result.ok && reply.result.error.code === 'internal')
          throw new Error('internal error for a bad frame');
        if (
          frame.binary &&
          !(reply.id === -1 && !reply.result.ok && reply.result.error.code === 'bad_request')
        ) {
          throw new Error(`binary frame answered ${JSON.stringify(reply)}`);
        }
        const key = reply.result.ok ? 'ok' : reply.result.error.code;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }),
      { numRuns: 3_000, seed: 11, endOnFailure: true },
    );
    // Raw noise with no framing at all on a fresh TCP connection is not a WebSocket: dropped, server fine.
    let rawAnswer = '';
    await new Promise<void>((resolve) => {
      const sock = connect(open.port, '127.0.0.1', () => sock.end(randomBytes(4096)));
      sock.on('data', (d: Buffer) => (rawAnswer += d.toString('latin1')));
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
    });
    expect(rawAnswer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await client.call('station:info', {})).ok).toBe(true);
    expect((await fetch(`${open.url}healthz`)).status).toBe(200);
    client.close();
    report('web shell random frames', { frames, replies: Object.fromEntries(tally) });
  }, 60_000);
});
