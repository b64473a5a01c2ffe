import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const mocks = vi.hoisted(() => ({
  runElectronShell: vi.fn(async () => null),
  createStationHost: vi.fn(),
}));
vi.mock('./shell/app', () => ({ runElectronShell: mocks.runElectronShell }));
vi.mock('./core/station-host', () => ({ createStationHost: mocks.createStationHost }));

describe('electron/main/index', () => {
  it('starts the shell with the station host factory and its own directory', async () => {
    await import('./index');
    expect(mocks.runElectronShell).toHaveBeenCalledTimes(1);
    expect(mocks.runElectronShell).toHaveBeenCalledWith({
      createHost: mocks.createStationHost,
      mainDir: dirname(fileURLToPath(new URL('./index.ts', import.meta.url))),
    });
  });
});
