// A real station (createStationHost, the composition root both shells use) on a temp data dir, for the
// bad-input and security tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretStore, StationHost } from '../../../electron/main/core/host-types';
import { logger } from '../../../electron/main/core/logger';
import { createStationHost } from '../../../electron/main/core/station-host';
import type { Result, StationInfo } from '../../../shared/ipc/contract';
import { DEMO_NURSE, signInRequest } from '../../support/nurses';

/** No OS keyring (the web shell's case): passwords stay in memory. */
export const noKeyring: SecretStore = {
  isEncryptionAvailable: async () => false,
  encrypt: () => Promise.reject(new Error('no keyring')),
  decrypt: () => Promise.reject(new Error('no keyring')),
  describe: async () => 'no keyring (test)',
};

/** A stand-in OS keyring: reversible, but the ciphertext never contains the clear text. */
export const fakeKeyring: SecretStore = {
  isEncryptionAvailable: async () => true,
  encrypt: async (plain) => Buffer.from(Buffer.from(`v1:${plain}`, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: async (cipher) => ({
    plain: Buffer.from(cipher.map((b) => b ^ 0x5a))
      .toString('utf8')
      .replace(/^v1:/, ''),
    shouldReEncrypt: false,
  }),
  describe: async () => 'test keyring',
};

export interface TestStation {
  host: StationHost;
  dataDir: string;
  /** a request from the test's window (peer 'test'), as whoever is signed in there */
  call<T = unknown>(channel: unknown, request?: unknown): Promise<Result<T>>;
  /**
   * Signs `who` in, in the test's window (the demo roster's nurse unless told; DEMO_CHARGE for the
   * charge nurse's work). Throws when the station refuses.
   */
  signIn(who?: { nurseId: string; pin: string }): Promise<StationInfo>;
  close(): Promise<void>;
}

export interface TestStationOptions {
  beds?: number;
  speed?: number;
  warmupMs?: number;
  secretStore?: SecretStore;
  /** written to settings.json before the station starts (e.g. connected mode) */
  settingsFile?: unknown;
  stationId?: string;
  /** where the main-process log goes (default: nowhere); security tests capture it */
  log?: (line: string) => void;
}

export async function startTestStation(opts: TestStationOptions = {}): Promise<TestStation> {
  logger.setSink(opts.log ?? (() => undefined));
  const dataDir = mkdtempSync(join(tmpdir(), 'ns-station-'));
  if (opts.settingsFile !== undefined) {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(opts.settingsFile), { mode: 0o600 });
  }
  const host = await createStationHost({
    dataDir,
    shell: 'web',
    notifier: { show: () => undefined },
    secretStore: opts.secretStore ?? noKeyring,
    stationId: opts.stationId ?? 'ST-TEST',
    simulator: {
      beds: opts.beds ?? 12,
      seed: 3,
      speed: opts.speed ?? 1,
      timeZone: 'UTC',
      warmupMs: opts.warmupMs ?? 15 * 60_000,
    },
  });
  const call = <T>(channel: unknown, request: unknown = {}) =>
    host.handle(channel, request, { shell: 'web', peer: 'test' }) as Promise<Result<T>>;
  return {
    host,
    dataDir,
    call,
    async signIn(who = DEMO_NURSE) {
      const r = await call<StationInfo>('session:sign-in', signInRequest(who));
      if (!r.ok) throw new Error(`sign-in of ${who.nurseId} refused: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
    async close() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** settings.json for connected mode (passwords are never in this file: see settings-store.ts). */
export function connectedSettings(
  rw: { host: string; port: number; user: string; database: string },
  mysql: { host: string; port: number; user: string; database: string },
  pollIntervalMs = 500,
) {
  return {
    version: 1,
    connection: { mode: 'connected', risingwave: rw, mysql, pollIntervalMs },
    notifications: { enabled: true, sound: false, criticalRepeatMinutes: 5, coalesceMs: 3000 },
    ackRetentionDays: 30,
  };
}
