// The web shell: the same station core over HTTP (the built renderer) and a WebSocket (the same
// IPC contract, validated the same way). Loopback only unless an access token is configured; beyond
// loopback only over TLS unless plain HTTP is explicitly allowed.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, EventName, ServerMessage } from '../../../shared/ipc/contract';
import { CONTENT_SECURITY_POLICY } from '../core/csp';
import type { StationHost } from '../core/host-types';
import { systemClock, type Clock } from '../core/ports';

export interface WebShellOptions {
  host: StationHost;
  /** the built renderer (out/renderer) */
  staticDir: string;
  port?: number;
  bindAddress?: string;
  /** required for any non-loopback bind */
  token?: string;
  /** largest WebSocket frame accepted, bytes */
  maxFrameBytes?: number;
  /** requests per second per connection (burst = 2×) */
  rateLimitPerSecond?: number;
  /**
   * requests per second across all connections but the station's own screen (burst = 2×); default
   * twice the per-connection rate, at least 100
   */
  globalRateLimitPerSecond?: number;
  /** requests of other connections handled by the station core at once; more wait their turn (default 8) */
  maxRequestsInFlight?: number;
  /** WebSocket connections open at once, the station's own screen not counted (default 16) */
  maxConnections?: number;
  /** a certificate and its key (PEM): serves https and wss instead of http and ws */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** serve a non-loopback bind without TLS: patient data and the token cross the network in clear */
  allowPlaintextLan?: boolean;
  /** intervals and budgets use `monotonic()` only: a wall-clock step neither holds nor floods them */
  clock?: Pick<Clock, 'monotonic'>;
  log?: (message: string) => void;
}

export interface WebShell {
  url: string;
  port: number;
  /**
   * A random key made at every start and never served over HTTP: a connection presenting it (as its
   * token) is the station's own screen and is served first. Only the console that started the shell
   * sees it, in `stationUrl`.
   */
  stationKey: string;
  /** `url` with the station key in its fragment (the renderer moves it to session storage) */
  stationUrl: string;
  close(): Promise<void>;
}

/** the renderer's one policy (core/csp.ts), sent as a header; the page carries the same as <meta> */
export const WEB_SHELL_CSP = CONTENT_SECURITY_POLICY;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

/** Events a slow client may miss without harm: the next update supersedes them. */
const DROPPABLE: ReadonlySet<EventName> = new Set(['ward:update', 'rejects:changed']);
const BACKPRESSURE_BYTES = 4 * 1024 * 1024;
const WHOLE_FILE_BYTES = 16 * 1024 * 1024;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4'); // also matches IPv4-mapped ::ffff:127.x.x.x
LOOPBACK.addAddress('::1', 'ipv6');
/** Connections of the station's own screen (station key) allowed besides `maxConnections`. */
const MAX_OWN_CONNECTIONS = 4;
/** Requests of other connections waiting for the station core; beyond it they are refused at once. */
const MAX_QUEUED = 256;
const NOTICE_INTERVAL_MS = 10_000;

/**
 * True only for a loopback IP literal (127.0.0.0/8, ::1, ::ffff:127.x.x.x; IPv6 with or without
 * brackets) or the exact name `localhost`. Names are never matched by prefix or suffix: a DNS name
 * such as 127.0.0.1.example can point anywhere (DNS rebinding). `*.localhost` is not accepted either:
 * only the resolver decides where such a name goes.
 */
export function isLoopback(address: string): boolean {
  if (address.toLowerCase() === 'localhost') return true;
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  return LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The name in a Host header without its port: a bracketed IPv6 literal, or letters, digits, dots and
 * hyphens, then an optional `:port` of digits. Anything else (userinfo, two ports, spaces, an
 * unbracketed IPv6 address) is malformed: null.
 */
export function hostHeaderName(header: string): string | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::\d{1,5})?$/.exec(header);
  if (!m) return null;
  if (m[1] !== undefined) return isIP(m[1]) === 6 ? m[1] : null;
  return m[2] ?? null;
}

/**
 * Refuses an exposed configuration before anything listens: a non-loopback bind needs an access token,
 * and TLS unless plain HTTP is explicitly allowed. Returns true when that override is in force.
 */
export function checkExposure(o: {
  bindAddress?: string;
  token?: string;
  tls?: unknown;
  allowPlaintextLan?: boolean;
}): { plaintextLan: boolean } {
  const bindAddress = o.bindAddress ?? '127.0.0.1';
  const exposed = !isLoopback(bindAddress);
  if (exposed && !o.token) {
    throw new Error(
      `Refusing to serve on ${bindAddress} without an access token: set NURSE_STATION_TOKEN (or --token) to expose the station beyond this computer.`,
    );
  }
  if (o.token !== undefined && o.token.length < 16) {
    throw new Error('The access token must be at least 16 characters.');
  }
  if (exposed && !o.tls && !o.allowPlaintextLan) {
    throw new Error(
      `Refusing to serve on ${bindAddress} without TLS: patient data and the access token would cross the network in clear. ` +
        'Give the station a certificate and its key (--tls-cert FILE --tls-key FILE, or NURSE_STATION_TLS_CERT and NURSE_STATION_TLS_KEY), ' +
        'or, only on a network you trust, start it with --allow-plaintext-lan.',
    );
  }
  return { plaintextLan: exposed && !o.tls };
}

/** A token bucket on the monotonic clock: `rate` per second, at most `burst`. */
function tokenBucket(rate: number, burst: number, now: () => number) {
  let tokens = burst;
  let at = now();
  return {
    /** refills, then tells whether one token is there */
    has(): boolean {
      const t = now();
      // max(0, …): an injected clock must not drain the bucket by going back
      tokens = Math.min(burst, tokens + (Math.max(0, t - at) / 1000) * rate);
      at = t;
      return tokens >= 1;
    },
    take(): void {
      tokens -= 1;
    },
  };
}

/** Logs the first of a kind at once, then at most one line per interval with how many were left out. */
function throttledLog(log: (m: string) => void, now: () => number) {
  const seen = new Map<string, { at: number; more: number }>();
  return (kind: string, message: string) => {
    const t = now();
    const s = seen.get(kind);
    if (s && t - s.at < NOTICE_INTERVAL_MS) {
      s.more++;
      return;
    }
    const more = s && s.more > 0 ? ` (and ${s.more} more since the last such notice)` : '';
    seen.set(kind, { at: t, more: 0 });
    log(message + more);
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const bindAddress = opts.bindAddress ?? '127.0.0.1';
  const { plaintextLan } = checkExposure(opts);
  const maxFrameBytes = opts.maxFrameBytes ?? 64 * 1024;
  const rate = opts.rateLimitPerSecond ?? 50;
  const globalRate = opts.globalRateLimitPerSecond ?? Math.max(100, rate * 2);
  const maxInFlight = Math.max(1, opts.maxRequestsInFlight ?? 8);
  const maxConnections = opts.maxConnections ?? 16;
  const log = opts.log ?? (() => undefined);
  const monotonic = () => (opts.clock ?? systemClock).monotonic();
  const notice = throttledLog(log, monotonic);
  const root = resolve(opts.staticDir);
  const scheme = opts.tls ? 'https' : 'http';
  // Why a key printed on the console rather than a cookie or a nonce in index.html: any local process
  // can fetch the served page (and a LAN client with the token can too), so anything in it would give
  // a flooding process the same priority. The key never crosses HTTP; only who reads this shell's
  // console (the person who started it) can open the station's own screen with it.
  const stationKey = randomBytes(32).toString('base64url');
  let port = opts.port ?? 0;
  if (plaintextLan) {
    log(
      `WARNING: serving on ${bindAddress} without TLS (--allow-plaintext-lan): patient data and the access token cross the network in clear; anyone on it can read them.`,
    );
  }

  const allowedHost = (hostHeader: string | undefined): boolean => {
    const name = hostHeader === undefined ? null : hostHeaderName(hostHeader);
    if (name === null) return false;
    // Loopback names always; other names only when a token protects the station (DNS rebinding).
    return isLoopback(name) || (opts.token !== undefined && (isIP(name) > 0 || name === bindAddress));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  let server: Server;
  if (opts.tls) {
    try {
      server = createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler);
    } catch (err) {
      throw new Error(
        `The TLS certificate or key cannot be used (${err instanceof Error ? err.message : String(err)}): both must be PEM files, and the key must be the certificate's.`,
      );
    }
  } else {
    server = createServer(handler);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Content-Security-Policy', WEB_SHELL_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (!allowedHost(req.headers.host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://station');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) {
      // Unknown paths without an extension are app routes: serve the app.
      if (extname(pathname) !== '') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
        return;
      }
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info) {
        res
          .writeHead(503, { 'Content-Type': 'text/plain' })
          .end('The renderer is not built. Run: npm run build');
        return;
      }
    }
    // The renderer's files are small: read whole and sent in one write, a file takes two turns of the
    // event loop instead of one per 64-kB chunk (at start-up the station is busy with its warm-up).
    const body =
      req.method === 'GET' && info.size <= WHOLE_FILE_BYTES ? await readFile(file).catch(() => null) : null;
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body?.length ?? info.size,
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (body) {
      res.end(body);
      return;
    }
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxFrameBytes,
    handleProtocols: (protocols) => {
      for (const p of protocols) if (p === 'nurse-station' || p.startsWith('nurse-station.')) return p;
      return false;
    },
  });

  // Open WebSocket connections (counted from the accepted upgrade until the socket closes).
  let openOthers = 0;
  let openOwn = 0;
  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string, extra = '') => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://station');
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    if (!allowedHost(req.headers.host)) return reject(421, 'Misdirected Request');
    // A page from any other origin must not drive the station (cross-site WebSocket hijacking).
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${scheme}://${req.headers.host}`) return reject(403, 'Forbidden');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .find((p) => p.startsWith('nurse-station.'))
      ?.slice('nurse-station.'.length);
    const presented = offered ?? url.searchParams.get('token') ?? '';
    // The station key also stands for the token: whoever has it started this shell.
    const own = safeEqual(presented, stationKey);
    if (opts.token && !own && !safeEqual(presented, opts.token)) return reject(401, 'Unauthorized');
    const open = own ? openOwn : openOthers;
    const limit = own ? MAX_OWN_CONNECTIONS : maxConnections;
    if (open >= limit) {
      notice(
        own ? 'own-connections' : 'connections',
        `web shell: refused a WebSocket connection from ${req.socket.remoteAddress ?? 'an unknown address'}: ${limit} ${own ? "of the station's own screen" : 'other'} connections are open, the most allowed.`,
      );
      return reject(503, 'Service Unavailable', 'Retry-After: 5\r\n');
    }
    if (own) openOwn++;
    else openOthers++;
    let released = false;
    socket.once('close', () => {
      if (released) return;
      released = true;
      if (own) openOwn--;
      else openOthers--;
    });
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, own));
  });

  // Requests of connections other than the station's own screen share one budget, and at most
  // `maxInFlight` of them are in the station core at once; the rest wait in turn, one connection after
  // another, so a flood over many connections neither fills the core's queue nor delays the station's
  // own screen, whose requests go to the core at once.
  const globalBucket = tokenBucket(globalRate, globalRate * 2, monotonic);
  type Job = () => Promise<void>;
  interface Waiting {
    jobs: Job[];
  }
  const turns: Waiting[] = [];
  let queued = 0;
  let inFlight = 0;
  let pumpScheduled = false;
  const schedulePump = () => {
    if (pumpScheduled) return;
    pumpScheduled = true;
    // a turn of the event loop between batches: sockets are read (the own screen's requests among
    // them) before the next waiting requests run
    setImmediate(pump);
  };
  const pump = () => {
    pumpScheduled = false;
    while (inFlight < maxInFlight && turns.length > 0) {
      const next = turns.shift()!;
      const job = next.jobs.shift()!;
      queued--;
      if (next.jobs.length > 0) turns.push(next);
      inFlight++;
      void job().finally(() => {
        inFlight--;
        schedulePump();
      });
    }
  };

  // Each client's messages not yet sent (JSON texts, in order). Events wait for the end of the event
  // loop's turn, so those emitted together (an acknowledgement's "changed" and the bed's update) reach
  // the page as one frame: one task and one re-render there instead of one each, with a frame painted
  // between them (docs/performance.md, fix 12). An answer is sent at once, with the events before it.
  let peerSeq = 0;
  const shellTag = randomBytes(4).toString('hex');
  const clients = new Map<WebSocket, string[]>();
  let flushScheduled = false;
  const flush = (ws: WebSocket, outbox: string[]) => {
    if (outbox.length === 0) return;
    const text = outbox.length === 1 ? outbox[0]! : `[${outbox.join(',')}]`;
    outbox.length = 0;
    if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const flushAll = () => {
    flushScheduled = false;
    for (const [ws, outbox] of clients) flush(ws, outbox);
  };
  wss.on('connection', (ws: WebSocket, _req: IncomingMessage, own: boolean) => {
    // A sign-in belongs to this label (core/session-gate.ts): unique across every web shell of the
    // process, not only within this one.
    const peer = `ws-${shellTag}-${++peerSeq}${own ? '-own' : ''}`;
    const outbox: string[] = [];
    clients.set(ws, outbox);
    const bucket = tokenBucket(rate, rate * 2, monotonic);
    const waiting: Waiting = { jobs: [] };
    let malformedOverBudget = 0;
    const send = (message: ServerMessage) => {
      outbox.push(JSON.stringify(message));
      flush(ws, outbox);
    };
    const busy = (id: number) =>
      send({
        id,
        result: {
          ok: false,
          error: {
            code: 'rate_limited',
            message: 'The station is busy with other connections; try again shortly.',
          },
        },
      });
    ws.on('message', (data, isBinary) => {
      const overBudget = !bucket.has();
      let frame: Partial<ClientFrame>;
      try {
        if (isBinary) throw new Error('binary');
        frame = JSON.parse(data.toString()) as Partial<ClientFrame>;
        if (typeof frame !== 'object' || frame === null || typeof frame.id !== 'number')
          throw new Error('shape');
      } catch {
        // Malformed frames spend from the same budget; a client that keeps sending them past it is
        // disconnected rather than answered (no station client does that).
        if (overBudget) {
          if (++malformedOverBudget > rate * 4) ws.close(1008, 'rate limit exceeded');
          return;
        }
        bucket.take();
        send({ id: -1, result: { ok: false, error: { code: 'bad_request', message: 'Malformed frame.' } } });
        return;
      }
      const id = frame.id;
      if (overBudget) {
        send({
          id,
          result: { ok: false, error: { code: 'rate_limited', message: 'Too many requests; slow down.' } },
        });
        return;
      }
      bucket.take();
      const run = () =>
        opts.host
          .handle(frame.channel, frame.request, { shell: 'web', peer })
          // handle() never rejects; should it ever, the client still gets an answer and the slot is freed
          .then(
            (result) => send({ id, result }),
            () =>
              send({
                id,
                result: { ok: false, error: { code: 'internal', message: 'The station did not answer.' } },
              }),
          );
      if (own) {
        void run();
        return;
      }
      if (!globalBucket.has() || queued >= MAX_QUEUED) {
        notice(
          'busy',
          'web shell: the station is busy; requests of other connections are refused for a while.',
        );
        busy(id);
        return;
      }
      globalBucket.take();
      if (waiting.jobs.length === 0) turns.push(waiting);
      waiting.jobs.push(run);
      queued++;
      schedulePump();
    });
    ws.on('close', () => {
      clients.delete(ws);
      // sign-in belongs to the connection: a tab closed or dropped is signed out
      opts.host.peerClosed(peer);
      // its waiting requests are dropped: nobody would read their answers
      queued -= waiting.jobs.length;
      waiting.jobs.length = 0;
      const at = turns.indexOf(waiting);
      if (at >= 0) turns.splice(at, 1);
    });
    ws.on('error', (err) => {
      // Oversized frames end up here (ws closes with 1009); the station keeps serving others.
      log(`websocket ${peer}: ${err.message}`);
    });
  });

  const offEvents = opts.host.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload } satisfies ServerMessage);
    for (const [ws, outbox] of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (DROPPABLE.has(event) && ws.bufferedAmount > BACKPRESSURE_BYTES) continue;
      outbox.push(text);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  });

  await new Promise<void>((resolvePromise, rejectPromise) => {
    server.once('error', rejectPromise);
    server.listen(port, bindAddress, () => {
      server.off('error', rejectPromise);
      resolvePromise();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  const hostForUrl = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;

  const url = `${scheme}://${hostForUrl}:${port}/`;
  return {
    url,
    port,
    stationKey,
    stationUrl: `${url}#token=${stationKey}`,
    async close() {
      offEvents();
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
