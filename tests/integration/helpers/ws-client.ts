// A WebSocket client for the web shell's frames: collects replies by id, counts pushed events.
import WebSocket from 'ws';
import type { Result } from '../../../shared/ipc/contract';

export interface WsClient {
  ws: WebSocket;
  /** every reply frame, in arrival order */
  replies: { id: number; result: Result<unknown> }[];
  events: number;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  /** resolves once `n` replies arrived in total (or rejects after `timeoutMs`) */
  waitReplies(n: number, timeoutMs?: number): Promise<void>;
  call(channel: string, request: unknown): Promise<Result<unknown>>;
  close(): void;
}

let nextId = 1_000_000;

export function connectWs(
  port: number,
  opts: { origin?: string | null; protocol?: string } = {},
): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const origin = opts.origin === undefined ? `http://127.0.0.1:${port}` : opts.origin;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, opts.protocol ?? 'nurse-station', {
      headers: origin === null ? {} : { Origin: origin },
    });
    const replies: WsClient['replies'] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    let closeResolve: (v: { code: number; reason: string }) => void = () => undefined;
    const closed = new Promise<{ code: number; reason: string }>((r) => (closeResolve = r));
    const client: WsClient = {
      ws,
      replies,
      events: 0,
      closed,
      send: (frame) =>
        ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame)),
      waitReplies(n, timeoutMs = 10_000) {
        if (replies.length >= n) return Promise.resolve();
        return new Promise((res, rej) => {
          const t = setTimeout(
            () => rej(new Error(`only ${replies.length} of ${n} replies after ${timeoutMs} ms`)),
            timeoutMs,
          );
          waiters.push({
            n,
            resolve: () => {
              clearTimeout(t);
              res();
            },
          });
        });
      },
      async call(channel, request) {
        const id = nextId++;
        const before = replies.length;
        ws.send(JSON.stringify({ id, channel, request }));
        for (;;) {
          await client.waitReplies(replies.length + 1);
          const hit = replies.slice(before).find((r) => r.id === id);
          if (hit) return hit.result;
        }
      },
      close: () => ws.close(),
    };
    ws.on('message', (data) => {
      type Message = { id?: number; result?: Result<unknown>; event?: string };
      const frame = JSON.parse(data.toString()) as Message | Message[];
      // a frame is one message or several in order (ServerFrame)
      for (const msg of Array.isArray(frame) ? frame : [frame]) {
        if (msg.result !== undefined && typeof msg.id === 'number') {
          replies.push({ id: msg.id, result: msg.result });
          for (const w of waiters.splice(0)) {
            if (replies.length >= w.n) w.resolve();
            else waiters.push(w);
          }
        } else if (msg.event) client.events++;
      }
    });
    ws.on('close', (code, reason) => closeResolve({ code, reason: reason.toString() }));
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}
