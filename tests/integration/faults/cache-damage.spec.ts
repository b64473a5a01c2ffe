// Fault: the local acknowledgement cache (station.sqlite) is damaged before start-up, or deleted while
// the station runs (red-team review, issue #21, findings 4 and 10). A real station (createStationHost,
// the composition root both shells use) on a temp data dir, restarted on the same dir.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AckRecord, Alert, AlertPage, BackendHealth } from '../../../shared/domain/types';
import type { NotificationRequest, Result } from '../../../shared/ipc/contract';
import type { StationHost } from '../../../electron/main/core/host-types';
import { logger } from '../../../electron/main/core/logger';
import { createStationHost } from '../../../electron/main/core/station-host';
import { noKeyring } from '../helpers/station-host';
import { report } from '../helpers/station-fixtures';
import { DEMO_CHARGE, signInRequest } from '../../support/nurses';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

interface Running {
  host: StationHost;
  shown: NotificationRequest[];
  logs: string[];
  call<T>(channel: string, request?: unknown): Promise<T>;
}

async function start(dataDir: string): Promise<Running> {
  const logs: string[] = [];
  logger.setSink((line) => logs.push(line));
  const shown: NotificationRequest[] = [];
  const host = await createStationHost({
    dataDir,
    shell: 'web',
    notifier: { show: (r) => shown.push(r) },
    secretStore: noKeyring,
    stationId: 'ST-CACHE',
    simulator: { beds: 6, seed: 3, speed: 1, timeZone: 'UTC', warmupMs: 30 * 60_000 },
  });
  return {
    host,
    shown,
    logs,
    async call<T>(channel: string, request: unknown = {}): Promise<T> {
      const r = (await host.handle(channel, request, { shell: 'web', peer: 'test' })) as Result<T>;
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
  };
}

const cacheOf = (health: BackendHealth[]) => health.find((h) => h.backend === 'cache')!;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function pendingAlerts(s: Running, n: number): Promise<Alert[]> {
  const page = await s.call<AlertPage>('alerts:list', { range: '1h', status: 'pending', limit: 50 });
  expect(page.items.length).toBeGreaterThanOrEqual(n);
  return page.items.slice(0, n);
}

describe('Fault: the acknowledgement cache file is damaged or deleted', () => {
  it('starts on a fresh cache when station.sqlite is random bytes, keeps the damaged file and raises a technical alarm', async () => {
    const dataDir = tempDir('ns-cache-damaged-');
    const first = await start(dataDir);
    await first.host.close();
    const garbage = randomBytes(64 * 1024);
    writeFileSync(join(dataDir, 'station.sqlite'), garbage);

    const t0 = performance.now();
    const s = await start(dataDir);
    const startMs = Math.round(performance.now() - t0);
    try {
      const kept = readdirSync(dataDir).filter((f) => /^station\.sqlite\.damaged-[\dT-]+Z$/.test(f));
      expect(kept).toHaveLength(1);
      expect(readFileSync(join(dataDir, kept[0]!)).equals(garbage)).toBe(true);
      expect((statSync(join(dataDir, kept[0]!)).mode & 0o777).toString(8)).toBe('600');

      const cache = cacheOf(await s.call<BackendHealth[]>('health:get'));
      expect(cache.up).toBe(false);
      expect(cache.message).toContain(kept[0]!);
      expect(cache.message).toMatch(/damaged/i);

      const alarm = s.shown.find((n) => n.key === 'cache:replaced');
      expect(alarm).toMatchObject({ level: 1, urgency: 'normal', alertIds: [] });
      expect(alarm!.title).toMatch(/^Technical: /);
      expect(alarm!.body).toContain(kept[0]!);
      expect(s.logs.some((l) => / ERROR .*damaged/i.test(l) && l.includes(kept[0]!))).toBe(true);

      // the fresh cache works: an acknowledgement is recorded
      await s.call('session:sign-in', signInRequest());
      const [a] = await pendingAlerts(s, 1);
      await s.call('alerts:acknowledge', { alertId: a!.alertId, action: 'confirm' });
      const rows = await s.call<AckRecord[]>('review:list', { limit: 10 });
      expect(rows.map((r) => r.alertId)).toEqual([a!.alertId]);
      // still visible a few health ticks later (it only goes with a restart)
      await new Promise((r) => setTimeout(r, 2_200));
      expect(cacheOf(await s.call<BackendHealth[]>('health:get')).up).toBe(false);
      report('cache damaged at start', { startMs, keptFile: kept[0], message: cache.message });
    } finally {
      await s.host.close();
    }
    // a restart on the (now healthy) cache is clean: no alarm, health up
    const again = await start(dataDir);
    try {
      expect(cacheOf(await again.call<BackendHealth[]>('health:get')).up).toBe(true);
      expect(again.shown.some((n) => n.key === 'cache:replaced')).toBe(false);
    } finally {
      await again.host.close();
    }
  });

  it('reports a cache file deleted while running, writes it back, and loses no acknowledgement across a restart', async () => {
    const dataDir = tempDir('ns-cache-deleted-');
    const file = join(dataDir, 'station.sqlite');
    const s = await start(dataDir);
    const changes: BackendHealth[] = [];
    s.host.onEvent((event, payload) => {
      if (event === 'health:changed') changes.push(cacheOf(payload as BackendHealth[]));
    });
    let acked: string[] = [];
    let detectMs = 0;
    let message: string | null = null;
    try {
      await s.call('session:sign-in', signInRequest());
      const [before] = await pendingAlerts(s, 1);
      await s.call('alerts:acknowledge', { alertId: before!.alertId, action: 'confirm' });

      unlinkSync(file);
      const t0 = performance.now();
      const down = await waitFor('cache health down', async () => {
        const cache = cacheOf(await s.call<BackendHealth[]>('health:get'));
        return cache.up ? undefined : cache;
      });
      detectMs = Math.round(performance.now() - t0);
      message = down.message;
      expect(down.message).toMatch(/deleted or replaced/i);
      expect(down.message).toMatch(/written back/i);
      expect(changes.some((c) => !c.up)).toBe(true);
      expect(existsSync(file)).toBe(true); // written back from the open database

      const two = await pendingAlerts(s, 2);
      for (const a of two) await s.call('alerts:acknowledge', { alertId: a.alertId, action: 'confirm' });
      acked = [before!.alertId, ...two.map((a) => a.alertId)];
    } finally {
      await s.host.close();
    }

    const db = new BetterSqlite3(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const again = await start(dataDir);
    try {
      const rows = await again.call<AckRecord[]>('review:list', { limit: 50 });
      expect(rows.map((r) => r.alertId).sort()).toEqual([...acked].sort());
      const page = await again.call<AlertPage>('alerts:list', {
        range: '1h',
        status: 'confirmed',
        limit: 50,
      });
      expect(page.items.map((a) => a.alertId).sort()).toEqual([...acked].sort());
      expect(cacheOf(await again.call<BackendHealth[]>('health:get')).up).toBe(true);
      report('cache deleted while running', { detectMs, acksAfterRestart: rows.length, message });
    } finally {
      await again.host.close();
    }
  });
});

describe('Cache files are private to the station user', () => {
  let umask = 0;
  beforeEach(() => {
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('makes the data folder 0700 (even when it exists) and station.sqlite, -wal, -shm and settings.json 0600', async () => {
    const dataDir = join(tempDir('ns-cache-modes-'), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const s = await start(dataDir);
    const mode = (f: string) => (statSync(join(dataDir, f)).mode & 0o777).toString(8);
    try {
      // the charge nurse: she acknowledges, and changes the retention (a station setting)
      await s.call('session:sign-in', signInRequest(DEMO_CHARGE));
      const [a] = await pendingAlerts(s, 1);
      await s.call('alerts:acknowledge', { alertId: a!.alertId, action: 'confirm' });
      await s.call('settings:update-retention', { ackRetentionDays: 20 });
      const modes = {
        folder: mode('.'),
        db: mode('station.sqlite'),
        wal: mode('station.sqlite-wal'),
        shm: mode('station.sqlite-shm'),
        settings: mode('settings.json'),
      };
      expect(modes).toEqual({ folder: '700', db: '600', wal: '600', shm: '600', settings: '600' });
      report('cache file modes (umask 022)', modes);
    } finally {
      await s.host.close();
    }
  });
});
