// The web shell: the same station core over HTTP (the built renderer) and a WebSocket (the same
// IPC contract, validated the same way). Loopback only unless an access token is configured.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, EventName, ServerMessage } from '../../../shared/ipc/contract';
import type { StationHost } from '../core/host-types';

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
  log?: (message: string) => void;
}

export interface WebShell {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const WEB_SHELL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Vue transitions and ECharts set inline style attributes; no inline script is allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

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

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const bindAddress = opts.bindAddress ?? '127.0.0.1';
  if (!isLoopback(bindAddress) && !opts.token) {
    throw new Error(
      `Refusing to serve on ${bindAddress} without an access token: set NURSE_STATION_TOKEN (or --token) to expose the station beyond this computer.`,
    );
  }
  if (opts.token !== undefined && opts.token.length < 16) {
    throw new Error('The access token must be at least 16 characters.');
  }
  const maxFrameBytes = opts.maxFrameBytes ?? 64 * 1024;
  const rate = opts.rateLimitPerSecond ?? 50;
  const log = opts.log ?? (() => undefined);
  const root = resolve(opts.staticDir);
  let port = opts.port ?? 0;

  const allowedHost = (hostHeader: string | undefined): boolean => {
    if (!hostHeader) return false;
    const name = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    // Loopback names always; other names only when a token protects the station (DNS rebinding).
    return isLoopback(name) || (opts.token !== undefined && (isIP(name) > 0 || name === bindAddress));
  };

  const server: Server = createServer((req, res) => {
    void serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

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

  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://station');
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    if (!allowedHost(req.headers.host)) return reject(421, 'Misdirected Request');
    // A page from any other origin must not drive the station (cross-site WebSocket hijacking).
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return reject(403, 'Forbidden');
    if (opts.token) {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .find((p) => p.startsWith('nurse-station.'))
        ?.slice('nurse-station.'.length);
      const presented = offered ?? url.searchParams.get('token') ?? '';
      if (!safeEqual(presented, opts.token)) return reject(401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  // Each client's messages not yet sent (JSON texts, in order). Events wait for the end of the event
  // loop's turn, so those emitted together (an acknowledgement's "changed" and the bed's update) reach
  // the page as one frame: one task and one re-render there instead of one each, with a frame painted
  // between them (docs/performance.md, fix 12). An answer is sent at once, with the events before it.
  let peerSeq = 0;
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
  wss.on('connection', (ws: WebSocket) => {
    const peer = `ws-${++peerSeq}`;
    const outbox: string[] = [];
    clients.set(ws, outbox);
    let tokens = rate * 2;
    let malformedOverBudget = 0;
    let refilledAt = Date.now();
    const send = (message: ServerMessage) => {
      outbox.push(JSON.stringify(message));
      flush(ws, outbox);
    };
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      tokens = Math.min(rate * 2, tokens + ((now - refilledAt) / 1000) * rate);
      refilledAt = now;
      const overBudget = tokens < 1;
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
        tokens -= 1;
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
      tokens -= 1;
      void opts.host
        .handle(frame.channel, frame.request, { shell: 'web', peer })
        .then((result) => send({ id, result }));
    });
    ws.on('close', () => clients.delete(ws));
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

  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    async close() {
      offEvents();
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
