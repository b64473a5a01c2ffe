// The only door to the station core. Under Electron it is the preload's frozen `window.nurseStation`;
// in a browser it is a WebSocket to the web shell on the same origin.
import { readonly, ref } from 'vue';
import type {
  Channel,
  ErrorCode,
  EventMap,
  EventName,
  IpcError,
  RequestOf,
  ResponseOf,
  Result,
  StationApi,
} from '../../../shared/ipc/contract';
import { createWsClient, type SocketLike, type StationClient } from './ws-client';

export type { StationClient } from './ws-client';

declare global {
  interface Window {
    nurseStation?: StationApi;
  }
}

const TOKEN_KEY = 'nurse-station.token';
/** Sec-WebSocket-Protocol values are RFC 7230 tokens; anything else would make the browser throw. */
const TOKEN_RE = /^[A-Za-z0-9._~+-]{1,512}$/;

/** Finds an access token in `?token=`, `#token=` or `#/path?token=`. */
export function tokenFromLocation(search: string, hash: string): string | null {
  const candidates: string[] = [];
  candidates.push(new URLSearchParams(search).get('token') ?? '');
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  candidates.push(new URLSearchParams(q >= 0 ? h.slice(q + 1) : h).get('token') ?? '');
  for (const c of candidates) if (c && TOKEN_RE.test(c)) return c;
  return null;
}

/** The URL without the token, so it does not stay visible on a ward screen. */
export function stripToken(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('token');
  const raw = url.hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  let path = raw;
  let query = '';
  if (q >= 0) {
    path = raw.slice(0, q);
    query = raw.slice(q + 1);
  } else if (!raw.startsWith('/') && raw.includes('=')) {
    path = '';
    query = raw;
  }
  const params = new URLSearchParams(query);
  params.delete('token');
  const rest = params.toString();
  const hash = path + (rest ? `?${rest}` : '');
  url.hash = hash ? `#${hash}` : '';
  return url.toString();
}

export function webSocketUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

export function subprotocols(token: string | null): string[] {
  return [token ? `nurse-station.${token}` : 'nurse-station'];
}

function readToken(): string | null {
  const fromUrl = tokenFromLocation(window.location.search, window.location.hash);
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      window.history.replaceState(window.history.state, '', stripToken(window.location.href));
    } catch {
      // storage disabled: keep the token in the URL rather than lose access on reload
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Wraps the preload's object so a thrown error becomes a Result, like every other failure. */
function electronClient(api: StationApi): StationClient {
  return {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      try {
        return await api.invoke(channel, request);
      } catch {
        return { ok: false, error: { code: 'internal', message: 'The station did not answer.' } };
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      return api.on(event, listener);
    },
    connected: readonly(ref(true)),
    reconnects: readonly(ref(0)),
    everConnected: readonly(ref(true)),
    shell: 'electron',
    close() {},
  };
}

export type InvokeErrorListener = (channel: Channel, error: IpcError) => void;
const errorListeners = new Set<InvokeErrorListener>();

/**
 * Hears every refused request, whichever store made it: the station store re-asks who is signed in
 * when any request comes back `unauthorized` (the session ended) or `forbidden` (the role changed).
 */
export function onInvokeError(listener: InvokeErrorListener): () => void {
  errorListeners.add(listener);
  return () => errorListeners.delete(listener);
}

/** The same client, its refusals told to the listeners before the caller sees them. */
function observed(client: StationClient): StationClient {
  return {
    ...client,
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      const r = await client.invoke(channel, request);
      if (!r.ok) {
        for (const listener of [...errorListeners]) {
          try {
            listener(channel, r.error);
          } catch {
            // a listener's bug must not turn the caller's answer into an exception
          }
        }
      }
      return r;
    },
  };
}

let instance: StationClient | null = null;

export function getStationApi(): StationClient {
  if (instance) return instance;
  if (typeof window !== 'undefined' && window.nurseStation) {
    instance = observed(electronClient(window.nurseStation));
  } else if (typeof window !== 'undefined') {
    instance = observed(
      createWsClient({
        url: webSocketUrl(window.location),
        protocols: subprotocols(readToken()),
        // The browser WebSocket has exactly this shape; its handler types just name DOM event classes.
        createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
      }),
    );
  } else {
    throw new Error('getStationApi() needs a browser window; tests call setStationApi() first');
  }
  return instance;
}

/** Tests (and only tests) inject a mocked StationApi here. */
export function setStationApi(api: StationClient | null): void {
  instance = api ? observed(api) : null;
  if (!api) errorListeners.clear();
}

const FALLBACK: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'Nobody is signed in on this screen: please sign in.',
  forbidden: 'Charge nurse only: ask the charge nurse to sign in and do this.',
  rate_limited: 'Too many attempts: wait a few minutes and try again.',
  unavailable: 'The station is not answering: try again in a moment.',
};

/** Turns an IPC error into the sentence shown to the nurse. */
export function errorText(error: { code: string; message: string }): string {
  return error.message || FALLBACK[error.code as ErrorCode] || 'Something went wrong.';
}
