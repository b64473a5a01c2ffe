// StationHost.wake() through the composition root, as the Electron shell calls it on powerMonitor
// 'resume' / 'unlock-screen' and when the network comes back: simulator mode after an 8-hour suspend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BedSnapshot } from '../../../shared/domain/types';
import type { Result } from '../../../shared/ipc/contract';
import { noKeyring } from '../../../tests/integration/helpers/station-host';
import { FakeClock } from './fake-clock';
import type { StationHost } from './host-types';
import { logger } from './logger';
import { createStationHost } from './station-host';

let dir: string | null = null;
let host: StationHost | null = null;

afterEach(async () => {
  await host?.close();
  host = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
  logger.setSink(() => undefined);
});

describe('StationHost.wake()', () => {
  it('catches the simulated ward up at once after a suspend, logging one line per wake', async () => {
    const lines: string[] = [];
    logger.setSink((line) => lines.push(line));
    const clock = new FakeClock(Date.UTC(2026, 10, 24, 6, 0, 0));
    dir = mkdtempSync(join(tmpdir(), 'ns-wake-'));
    host = await createStationHost({
      dataDir: dir,
      shell: 'electron',
      notifier: { show: () => undefined },
      secretStore: noKeyring,
      stationId: 'ST-WAKE',
      simulator: { beds: 12, seed: 2, timeZone: 'UTC', warmupMs: 0 },
      env: {},
      clock,
    });
    clock.advance(60_000);
    clock.stepWall(8 * 3_600_000); // the PC slept
    const h = host;
    // the shell may see 'resume' and 'unlock-screen' in the same second: neither throws, both resolve
    await Promise.all([h.wake('resume'), h.wake('unlock-screen')]);
    const r = (await h.handle('ward:beds', {}, { shell: 'electron', peer: 'test' })) as Result<BedSnapshot[]>;
    expect(r.ok).toBe(true);
    const beds = r.ok ? r.value : [];
    const live = beds.filter((b) => (b.latest?.measureTime ?? 0) >= clock.now() - 2_000);
    expect(live.length).toBeGreaterThanOrEqual(10);

    const wakes = lines.filter((l) => /wake \(/.test(l));
    expect(wakes).toHaveLength(2);
    expect(wakes[0]).toMatch(/wake \(resume\): reconnecting and re-reading now/);
    expect(wakes[1]).toMatch(/wake \(unlock-screen\): re-reading again once the re-read under way is done/);
    const catchUp = lines.filter((l) => /simulator: .* behind the clock/.test(l));
    expect(catchUp).toHaveLength(1);
    expect(catchUp[0]).toMatch(/8 h 0 min behind the clock.*last 15 min in slices, 7 h 45 min left as a gap/);
    // no patient data in what a wake logs
    for (const l of [...wakes, ...catchUp]) expect(l).not.toMatch(/P0\d\d|D0\d\d/);

    await h.close();
    host = null;
    await expect(h.wake('network')).resolves.toBeUndefined(); // closed: nothing, no throw
  });
});
