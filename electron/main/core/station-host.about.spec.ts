// Settings → About through the composition root: `app:about` names the version, mode, shell, station
// id, data folder and log folder, validated like every other channel, and carries nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, type AboutInfo, type Result } from '../../../shared/ipc/contract';
import { noKeyring } from '../../../tests/integration/helpers/station-host';
import type { StationHost } from './host-types';
import { logDirOf } from './log-file';
import { logger } from './logger';
import { APP_VERSION, createStationHost } from './station-host';

let dir: string | null = null;
let host: StationHost | null = null;

async function start(logDir?: string): Promise<StationHost> {
  logger.setSink(() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'ns-about-'));
  dir = dataDir;
  host = await createStationHost({
    dataDir,
    logDir: logDir === undefined ? undefined : logDir.replace('<data>', dataDir),
    shell: 'electron',
    notifier: { show: () => undefined },
    secretStore: noKeyring,
    stationId: 'WARD7-ST2',
    simulator: { beds: 2, seed: 1, timeZone: 'UTC', warmupMs: 0 },
    env: {},
  });
  return host;
}

const ctx = { shell: 'electron' as const, peer: 'test' };

afterEach(async () => {
  await host?.close();
  host = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('app:about', () => {
  it('is a channel of the contract', () => {
    expect(CHANNELS).toContain('app:about');
  });

  it('names version, mode, shell, station id, data folder, log folder and runtime — nothing else', async () => {
    const h = await start('<data>/logs');
    const r = (await h.handle('app:about', {}, ctx)) as Result<AboutInfo>;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const dataDir = dir!;
    expect(r.value).toEqual({
      version: APP_VERSION,
      mode: 'simulator',
      shell: 'electron',
      stationId: 'WARD7-ST2',
      dataDir,
      logDir: logDirOf(dataDir),
      runtime: expect.stringMatching(/^(Electron \S+, )?Node \d+\.\d+\.\d+, \w+ \w+$/),
    });
  });

  it('says null for the log folder when the shell keeps no log file', async () => {
    const h = await start();
    const r = (await h.handle('app:about', {}, ctx)) as Result<AboutInfo>;
    expect(r.ok && r.value.logDir).toBeNull();
  });

  it('refuses a request with fields, like every empty request', async () => {
    const h = await start('<data>/logs');
    const r = await h.handle('app:about', { dataDir: '/etc' }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
