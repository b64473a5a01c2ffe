// A scripted StationApi for unit tests of stores (not a fake backend: each test says what the
// station answers). Lives beside the real client so tests import it like any other module.
import { ref } from 'vue';
import type {
  Channel,
  EventMap,
  EventName,
  RequestOf,
  ResponseOf,
  Result,
} from '../../../shared/ipc/contract';
import type { StationClient } from './ws-client';

export type Handler<C extends Channel> = (
  request: RequestOf<C>,
) => Result<ResponseOf<C>> | Promise<Result<ResponseOf<C>>>;
export type Handlers = { [C in Channel]?: Handler<C> };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: Extract<Result<never>, { ok: false }>['error']['code'], message: string = code) {
  return { ok: false as const, error: { code, message } };
}

export function mockStation(handlers: Handlers = {}, shell: 'web' | 'electron' = 'web') {
  const calls: { channel: Channel; request: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connected = ref(true);
  const reconnects = ref(0);

  const api: StationClient = {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      calls.push({ channel, request });
      const h = handlers[channel] as Handler<C> | undefined;
      if (!h) return fail('unknown_channel', `no handler for ${channel}`);
      return h(request);
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    connected,
    reconnects,
    everConnected: connected,
    shell,
    close() {},
  };

  return {
    api,
    handlers,
    calls,
    connected,
    reconnects,
    callsOf: (channel: Channel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
    emit<E extends EventName>(event: E, payload: EventMap[E]): void {
      for (const l of listeners.get(event) ?? []) (l as (p: EventMap[E]) => void)(payload);
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
