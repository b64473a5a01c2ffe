// What a shell (Electron or web) gets from the composition root: one request handler that
// validates and dispatches the IPC contract, and one event stream.
import type { EventMap, EventName, Result } from '../../../shared/ipc/contract';
import type { Notifier, Unsubscribe } from './ports';

export interface RequestContext {
  shell: 'electron' | 'web';
  /** a label for logs and rate limits: window id or WebSocket peer */
  peer: string;
}

export interface StationHost {
  /** Validates `request` against the contract for `channel` and runs it; never throws. */
  handle(channel: unknown, request: unknown, ctx: RequestContext): Promise<Result<unknown>>;
  onEvent(listener: <E extends EventName>(event: E, payload: EventMap[E]) => void): Unsubscribe;
  /** pending alerts, for the tray badge */
  unreadCount(): number;
  close(): Promise<void>;
}

/** Electron's safeStorage behind a port, so the settings code runs (and is tested) under plain Node. */
export interface SecretStore {
  isEncryptionAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
  /** e.g. 'safeStorage (libsecret)', or why it cannot encrypt */
  describe(): string;
}

export interface HostOptions {
  dataDir: string;
  shell: 'electron' | 'web';
  notifier: Notifier;
  secretStore: SecretStore;
  /** overrides for tests and the CLI: simulator size, speed, seed, time zone, history at start */
  simulator?: {
    beds?: number;
    seed?: number;
    speed?: number;
    timeZone?: string;
    warmupMs?: number;
    /** simulate the history after start-up, in slices, rather than before (the shells; tests want it done) */
    warmupInBackground?: boolean;
  };
  stationId?: string;
  /** environment overrides of the settings (NURSE_STATION_MODE, …); default process.env */
  env?: Record<string, string | undefined>;
}
