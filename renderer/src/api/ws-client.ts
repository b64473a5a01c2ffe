// The web shell's transport: the StationApi contract over one WebSocket to the same origin.
// Calls made while the socket is down resolve at once with an 'unavailable' error (never hang),
// listeners survive reconnects, and `connected` drives the "connection lost" banner.
import { readonly, ref, type Ref } from 'vue';
import type {
  Channel,
  EventMap,
  EventName,
  IpcError,
  RequestOf,
  ResponseOf,
  Result,
  StationApi,
} from '../../../shared/ipc/contract';
import { EVENT_NAMES } from '../../../shared/ipc/contract';

/** The subset of the browser WebSocket we use, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WsClientOptions {
  url: string;
  protocols: string[];
  createSocket: SocketFactory;
  timers?: Timers;
  /** a call without an answer after this long resolves with 'unavailable' */
  callTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** 0..1 jitter source; Math.random by default */
  random?: () => number;
}

export interface StationClient extends StationApi {
  /** false while the station cannot be reached (always true under Electron) */
  readonly connected: Readonly<Ref<boolean>>;
  /** counts successful reconnections after the first connection: stores reload what they may have missed */
  readonly reconnects: Readonly<Ref<number>>;
  /** false until the first connection succeeded (a wrong or missing access token keeps it false) */
  readonly everConnected: Readonly<Ref<boolean>>;
  readonly shell: 'electron' | 'web';
  close(): void;
}

const OPEN = 1;
const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function unavailable(message: string): { ok: false; error: IpcError } {
  return { ok: false, error: { code: 'unavailable', message } };
}

interface Pending {
  resolve: (r: Result<unknown>) => void;
  timer: unknown;
}

export function createWsClient(opts: WsClientOptions): StationClient {
  const timers = opts.timers ?? defaultTimers;
  const callTimeoutMs = opts.callTimeoutMs ?? 30_000;
  const backoff = opts.backoff ?? { initialMs: 500, maxMs: 15_000 };
  const random = opts.random ?? Math.random;

  const connected = ref(false);
  const reconnects = ref(0);
  const everConnected = ref(false);
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const pending = new Map<number, Pending>();
  /** calls made before the first connection attempt settled: sent on open */
  const queued: { frame: string; id: number }[] = [];
  let socket: SocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let everOpened = false;
  let connecting = false;
  let closed = false;
  let retryTimer: unknown = null;

  function settle(id: number, result: Result<unknown>): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    timers.clearTimeout(p.timer);
    p.resolve(result);
  }

  function failAll(message: string): void {
    for (const id of [...pending.keys()]) settle(id, unavailable(message));
    queued.length = 0;
  }

  function dispatch<E extends EventName>(event: E, payload: EventMap[E]): void {
    const set = listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (p: EventMap[E]) => void)(payload);
      } catch (err) {
        // One broken listener must not silence the others (e.g. the alarm sound).
        console.error(`listener for ${event} failed`, err);
      }
    }
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    // Several messages in one frame are handled in order, in this one task (one re-render).
    if (Array.isArray(frame)) for (const message of frame as unknown[]) handle(message);
    else handle(frame);
  }

  function handle(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const f = message as Record<string, unknown>;
    if (typeof f.id === 'number' && typeof f.result === 'object' && f.result !== null) {
      settle(f.id, f.result as Result<unknown>);
    } else if (typeof f.event === 'string' && (EVENT_NAMES as readonly string[]).includes(f.event)) {
      dispatch(f.event as EventName, f.payload as never);
    }
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer !== null) return;
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 10));
    const delay = Math.round(base * (0.75 + 0.5 * random()));
    attempt += 1;
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect(): void {
    if (closed) return;
    connecting = true;
    let s: SocketLike;
    try {
      s = opts.createSocket(opts.url, opts.protocols);
    } catch {
      connecting = false;
      failAll('Cannot reach the station.');
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      connecting = false;
      attempt = 0;
      connected.value = true;
      if (everOpened) reconnects.value += 1;
      everOpened = true;
      everConnected.value = true;
      for (const q of queued.splice(0)) {
        if (pending.has(q.id)) s.send(q.frame);
      }
    };
    s.onmessage = (ev) => {
      if (socket === s) onMessage(ev.data);
    };
    s.onerror = () => {
      // onclose follows; nothing to do here.
    };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      connecting = false;
      connected.value = false;
      failAll('Connection to the station was lost. Please try again.');
      scheduleReconnect();
    };
  }

  function invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
    if (closed) return Promise.resolve(unavailable('The station connection is closed.'));
    const open = socket !== null && socket.readyState === OPEN;
    if (!open && !connecting) {
      return Promise.resolve(unavailable('No connection to the station — reconnecting.'));
    }
    const id = nextId++;
    const frame = JSON.stringify({ id, channel, request });
    return new Promise<Result<ResponseOf<C>>>((resolve) => {
      const timer = timers.setTimeout(
        () => settle(id, unavailable('The station did not answer in time.')),
        callTimeoutMs,
      );
      pending.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer });
      if (open && socket) {
        try {
          socket.send(frame);
        } catch {
          settle(id, unavailable('Could not send to the station.'));
        }
      } else {
        queued.push({ frame, id });
      }
    });
  }

  function on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  function close(): void {
    closed = true;
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
    const s = socket;
    socket = null;
    connected.value = false;
    failAll('The station connection is closed.');
    s?.close(1000, 'client closed');
  }

  connect();
  return {
    invoke,
    on,
    connected: readonly(connected),
    reconnects: readonly(reconnects),
    everConnected: readonly(everConnected),
    shell: 'web',
    close,
  };
}
