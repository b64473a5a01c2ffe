// The sandboxed preload: exposes exactly one frozen object, window.nurseStation (StationApi), over
// two IPC channels. ipcRenderer itself, its events and their `sender` never reach the page.
// Bundled to CommonJS (out/preload/index.cjs): sandboxed preloads cannot be ES modules.
import { contextBridge, ipcRenderer } from 'electron';
import type { EventMap, EventName, Result, StationApi } from '../../shared/ipc/contract';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../main/shell/ipc-channels';

type Listener = (payload: unknown) => void;

const listeners = new Map<string, Set<Listener>>();

// One ipcRenderer subscription for all listeners (no max-listener warnings, one place to filter).
ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  const set = listeners.get(name);
  if (!set) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`nurseStation: a listener for '${name}' threw`, err);
    }
  }
});

const UNAVAILABLE: Result<never> = {
  ok: false,
  error: { code: 'unavailable', message: 'The station core did not answer. Try again.' },
};

const api: StationApi = {
  invoke(channel, request) {
    if (typeof channel !== 'string') {
      return Promise.resolve({ ok: false, error: { code: 'unknown_channel', message: 'Unknown request.' } });
    }
    return (ipcRenderer.invoke(INVOKE_CHANNEL, channel, request) as Promise<Result<never>>).catch(
      () => UNAVAILABLE,
    );
  },
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    if (typeof event !== 'string' || typeof listener !== 'function') {
      throw new TypeError('nurseStation.on(event, listener) needs an event name and a function');
    }
    // a fresh wrapper per subscription, so subscribing the same function twice unsubscribes cleanly
    const wrapped: Listener = (payload) => listener(payload as EventMap[E]);
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(wrapped);
    return () => {
      const current = listeners.get(event);
      current?.delete(wrapped);
      if (current?.size === 0) listeners.delete(event);
    };
  },
};

contextBridge.exposeInMainWorld('nurseStation', Object.freeze(api));
