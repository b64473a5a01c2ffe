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
  /**
   * The PC resumed from a suspend, the screen was unlocked, or the network came back: reconnect and
   * re-read at once instead of at the next poll or back-off (the simulator catches up on the time
   * slept). Never rejects; safe to call repeatedly (overlapping calls are coalesced).
   */
  wake(reason: 'resume' | 'unlock-screen' | 'network'): Promise<void>;
  /**
   * The screen was locked, or the PC is going to sleep: every nurse is signed out (audited as
   * 'screen-locked' or 'suspended'; each window is told to ask again).
   */
  endSessions(reason: 'screen-locked' | 'suspended'): void;
  /** A window closed or a WebSocket connection dropped: whoever was signed in there is signed out. */
  peerClosed(peer: string): void;
  close(): Promise<void>;
}

/** Electron's safeStorage behind a port, so the settings code runs (and is tested) under plain Node. */
export interface SecretStore {
  /** Whether secrets can be saved encrypted now: an OS keyring that really encrypts. */
  isEncryptionAvailable(): Promise<boolean>;
  encrypt(plain: string): Promise<Buffer>;
  /**
   * Rejects when the cipher cannot be decrypted. `shouldReEncrypt`: the OS rotated its key (or has a
   * stronger one): encrypt `plain` again and save that instead.
   */
  decrypt(cipher: Buffer): Promise<{ plain: string; shouldReEncrypt: boolean }>;
  /** e.g. 'safeStorage (libsecret)', or why it cannot encrypt */
  describe(): Promise<string>;
}

export interface HostOptions {
  dataDir: string;
  /** where the shell's log files go (installFileLog), shown in Settings → About; absent: stderr only */
  logDir?: string;
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
  /**
   * Path of a better_sqlite3.node built for the running Electron (electron/main/shell/native-binding.ts);
   * undefined under plain Node, which loads node_modules/better-sqlite3's own build.
   */
  sqliteNativeBinding?: string;
  /** environment overrides of the settings (NURSE_STATION_MODE, …); default process.env */
  env?: Record<string, string | undefined>;
}
