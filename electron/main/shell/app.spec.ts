import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostOptions, StationHost } from '../core/host-types';
import { logger } from '../core/logger';
import { APP_ID, HOST_CLOSE_TIMEOUT_MS, runElectronShell } from './app';
import {
  FakeBrowserWindow,
  FakeTray,
  FakeWebContents,
  fake,
  fakeEvent,
  resetElectronFake,
  raw,
} from '../../../tests/support/electron-fake';
import { INVOKE_CHANNEL } from './ipc-channels';
import { linuxAutostartPath } from './login-item';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

function fakeHost() {
  return {
    handle: vi.fn(async () => ({ ok: true as const, value: null })),
    onEvent: vi.fn(() => () => {}),
    unreadCount: vi.fn(() => 0),
    close: vi.fn(async () => {}),
  } satisfies StationHost;
}

let dataDir: string;
let signalListeners: { SIGINT: unknown[]; SIGTERM: unknown[] };

beforeEach(() => {
  resetElectronFake();
  logger.setSink(() => {});
  dataDir = mkdtempSync(join(tmpdir(), 'ns-app-'));
  raw(fake().app).dataDir = dataDir;
  signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
});
afterEach(() => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(signal)) {
      if (!signalListeners[signal].includes(l)) process.removeListener(signal, l);
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  vi.useRealTimers();
});

async function start(opts: { host?: StationHost; env?: NodeJS.ProcessEnv } = {}) {
  const host = opts.host ?? fakeHost();
  const createHost = vi.fn(async (_o: HostOptions) => host);
  const shell = await runElectronShell({ createHost, mainDir: '/app/out/main', env: opts.env ?? {} });
  return { host, createHost, shell, win: FakeBrowserWindow.instances[0], tray: FakeTray.instances[0] };
}

describe('runElectronShell', () => {
  it('quits at once when another instance holds the lock', async () => {
    raw(fake().app).lock = false;
    const { shell, createHost } = await start();
    expect(shell).toBeNull();
    expect(fake().app.quit).toHaveBeenCalled();
    expect(fake().app.whenReady).not.toHaveBeenCalled();
    expect(createHost).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('wires host, IPC, session policy, window and tray', async () => {
    const { createHost, win, tray, shell } = await start();
    expect(fake().app.enableSandbox).toHaveBeenCalled();
    const opts = createHost.mock.calls[0]![0];
    expect(opts.dataDir).toBe(dataDir);
    expect(opts.shell).toBe('electron');
    expect(opts.simulator).toEqual({ warmupMs: 15 * 60_000, warmupInBackground: true });
    expect(typeof opts.notifier.show).toBe('function');
    expect(typeof opts.secretStore.describe).toBe('function');
    expect(raw(fake().ipcMain).handlers.has(INVOKE_CHANNEL)).toBe(true);
    expect(fake().session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(fake().session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(raw(win!).options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
    });
    expect(win!.loadFile).toHaveBeenCalledWith('/app/out/renderer/index.html');
    expect(tray).toBeDefined();
    expect(fake().nativeImage.createFromPath).toHaveBeenCalledWith('/repo/electron/resources/icon.png');
    expect(shell!.getWindow()).toBe(win);
    // not packaged: never registers a development run at login
    expect(fake().app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('loads the dev server only when given one in development', async () => {
    const { win } = await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(win!.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });

  it('a second instance brings the first window forward', async () => {
    const { win } = await start();
    raw(win!).minimized = true;
    fake().app.emit('second-instance');
    expect(win!.restore).toHaveBeenCalled();
    expect(win!.focus).toHaveBeenCalled();
  });

  it('hardens every web contents the app creates', async () => {
    await start();
    const wc = new FakeWebContents();
    fake().app.emit('web-contents-created', fakeEvent(), wc);
    expect(raw(wc).windowOpenHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' });
    expect(wc.listenerCount('will-navigate')).toBe(1);
  });

  it('closing the window hides it to the tray while running', async () => {
    const { win } = await start();
    const close = fakeEvent();
    win!.emit('close', close);
    expect(close.defaultPrevented).toBe(true);
    expect(win!.hide).toHaveBeenCalled();
  });

  it('quits cleanly: closes the host, removes IPC and tray, then lets the quit through', async () => {
    const { host, win, tray } = await start();
    fake().app.quit();
    expect(raw(fake().app).exited).toBe(false);
    await vi.waitFor(() => expect(raw(fake().app).exited).toBe(true));
    expect(host.close).toHaveBeenCalledTimes(1);
    expect(tray!.destroy).toHaveBeenCalled();
    expect(raw(fake().ipcMain).handlers.size).toBe(0);
    const close = fakeEvent();
    win!.emit('close', close);
    expect(close.defaultPrevented).toBe(false);
  });

  it('repeated quits close the host once', async () => {
    const { host } = await start();
    fake().app.quit();
    fake().app.quit();
    await vi.waitFor(() => expect(raw(fake().app).exited).toBe(true));
    expect(host.close).toHaveBeenCalledTimes(1);
  });

  it('does not hang forever on a host that will not close', async () => {
    const host = fakeHost();
    host.close.mockReturnValue(new Promise(() => {}));
    await start({ host });
    vi.useFakeTimers();
    fake().app.quit();
    await vi.advanceTimersByTimeAsync(HOST_CLOSE_TIMEOUT_MS + 10);
    expect(raw(fake().app).exited).toBe(true);
  });

  it('a SIGTERM quits through the same clean path', async () => {
    const { host } = await start();
    process.emit('SIGTERM');
    await vi.waitFor(() => expect(raw(fake().app).exited).toBe(true));
    expect(host.close).toHaveBeenCalled();
  });

  it('closes a host that finished starting after a quit began', async () => {
    const host = fakeHost();
    let finish: (h: StationHost) => void = () => {};
    const createHost = vi.fn(() => new Promise<StationHost>((resolve) => (finish = resolve)));
    const running = runElectronShell({ createHost, mainDir: '/app/out/main', env: {} });
    await vi.waitFor(() => expect(createHost).toHaveBeenCalled());
    fake().app.quit();
    finish(host);
    await running;
    expect(host.close).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('reports a host that fails to start and quits', async () => {
    const createHost = vi.fn(async () => {
      throw new Error('cannot open the local database');
    });
    await runElectronShell({ createHost, mainDir: '/app/out/main', env: {} });
    expect(fake().dialog.showErrorBox).toHaveBeenCalledWith(
      'Nurse Station could not start',
      expect.stringContaining('cannot open the local database'),
    );
    expect(fake().app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('packaged: start-at-login follows shell.json; icon comes from resources', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'shell.json'), JSON.stringify({ startAtLogin: true }));
    fake().app.isPackaged = true;
    const proc = process as { resourcesPath?: string };
    proc.resourcesPath = '/opt/ns/resources';
    try {
      const env = { XDG_CONFIG_HOME: join(dataDir, 'xdg') };
      await start({ env: { ...env, ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
      if (process.platform === 'linux') {
        expect(readFileSync(linuxAutostartPath(env, '/unused'), 'utf8')).toContain('[Desktop Entry]');
      }
      expect(fake().nativeImage.createFromPath).toHaveBeenCalledWith('/opt/ns/resources/icon.png');
      // a packaged app ignores the dev server variable
      expect(FakeBrowserWindow.instances[0]!.loadURL).not.toHaveBeenCalled();
    } finally {
      delete proc.resourcesPath;
    }
  });

  it('exports the app id used for Windows notifications', () => {
    expect(APP_ID).toBe('org.nursestation.app');
  });
});
