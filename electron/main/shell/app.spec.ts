import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostOptions, StationHost } from '../core/host-types';
import { logger } from '../core/logger';
import { APP_ID, DISPLAY_DOWN_TITLE, HOST_CLOSE_TIMEOUT_MS, runElectronShell } from './app';
import {
  FakeBrowserWindow,
  FakeNotification,
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
    wake: vi.fn(async () => {}),
    endSessions: vi.fn((_reason: 'screen-locked') => {}),
    peerClosed: vi.fn((_peer: string) => {}),
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

let proc: EventEmitter;

async function start(opts: { host?: StationHost; env?: NodeJS.ProcessEnv; trayShows?: boolean } = {}) {
  const host = opts.host ?? fakeHost();
  const createHost = vi.fn(async (_o: HostOptions) => host);
  proc = new EventEmitter();
  const shell = await runElectronShell({
    createHost,
    mainDir: '/app/out/main',
    env: opts.env ?? {},
    traySupport: async () => ({ shows: opts.trayShows ?? true, why: 'test' }),
    proc: proc as never,
  });
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

  it('logs to rotating files in the data folder, and tells the host where', async () => {
    const { createHost } = await start();
    const opts = createHost.mock.calls[0]![0];
    expect(opts.logDir).toBe(join(dataDir, 'logs'));
    expect(opts.sqliteNativeBinding).toBeUndefined(); // plain Node: the installed binary
    expect(readFileSync(join(dataDir, 'logs', 'nurse-station.log'), 'utf8')).toMatch(/station data in /);
  });

  it('where no tray is seen, closing asks: keep monitoring minimises, Quit quits', async () => {
    const { win } = await start({ trayShows: false });
    const dialog = fake().dialog.showMessageBox;
    dialog.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    const close = fakeEvent();
    win!.emit('close', close);
    expect(close.defaultPrevented).toBe(true);
    expect(win!.hide).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(win!.minimize).toHaveBeenCalled());
    expect(dialog.mock.calls[0]![1]).toMatchObject({ buttons: ['Keep monitoring', 'Quit'], defaultId: 0 });

    dialog.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    win!.emit('close', fakeEvent());
    await vi.waitFor(() => expect(raw(fake().app).exited).toBe(true));
  });

  it('keeps the PC awake and re-reads on resume, unlock and network return', async () => {
    const { host } = await start();
    expect(fake().powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    fake().powerMonitor.emit('resume');
    fake().powerMonitor.emit('unlock-screen');
    expect(host.wake).toHaveBeenCalledWith('resume');
    expect(host.wake).toHaveBeenCalledWith('unlock-screen');
    fake().app.quit();
    await vi.waitFor(() => expect(raw(fake().app).exited).toBe(true));
    expect(raw(fake().powerSaveBlocker).blockers.size).toBe(0);
  });

  it("signs every nurse out when the screen locks, and the window's nurse when the window closes", async () => {
    const { host, win } = await start();
    expect(host.endSessions).not.toHaveBeenCalled();
    fake().powerMonitor.emit('lock-screen');
    expect(host.endSessions).toHaveBeenCalledWith('screen-locked');
    expect(host.endSessions).toHaveBeenCalledTimes(1);
    expect(host.peerClosed).not.toHaveBeenCalled();
    // the peer the IPC handler names this window's requests with (ipc.ts checkSender)
    win!.emit('closed');
    expect(host.peerClosed).toHaveBeenCalledWith(`window:${win!.id}`);
    fake().app.quit();
    await vi.waitFor(() => expect(raw(fake().app).exited).toBe(true));
  });

  it('a renderer crash loop is announced: critical notification, tray line, dialog; "Try again" reloads', async () => {
    const { win, tray } = await start();
    fake().dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    const loads = win!.loadFile.mock.calls.length;
    for (let i = 0; i < 4; i++)
      win!.webContents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    const shown = FakeNotification.instances.map((n) => raw(n).options);
    expect(shown).toContainEqual(
      expect.objectContaining({ title: DISPLAY_DOWN_TITLE, urgency: 'critical', timeoutType: 'never' }),
    );
    expect(raw(tray!).toolTip).toContain(DISPLAY_DOWN_TITLE);
    expect(fake().dialog.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'error',
        buttons: ['Try again now', 'Restart Nurse Station', 'Keep retrying'],
      }),
    );
    await vi.waitFor(() => expect(win!.loadFile.mock.calls.length).toBe(loads + 3 + 1));
    win!.webContents.emit('did-finish-load');
    expect(raw(tray!).toolTip).not.toContain(DISPLAY_DOWN_TITLE);
    expect(
      FakeNotification.instances.at(-1) && raw(FakeNotification.instances.at(-1)!).options,
    ).toMatchObject({
      silent: true,
    });
  });

  it('an uncaught exception in main closes the station, restarts it and says so', async () => {
    const { host } = await start();
    proc.emit('uncaughtException', new Error('bug'), 'uncaughtException');
    await vi.waitFor(() => expect(fake().app.exit).toHaveBeenCalled());
    expect(host.close).toHaveBeenCalled(); // queued acknowledgements flushed, database closed
    expect(fake().app.relaunch).toHaveBeenCalledTimes(1);
    expect(fake().app.relaunch).toHaveBeenCalledWith({
      args: expect.arrayContaining([expect.stringMatching(/^--nurse-station-restarts=\d+$/)]),
    });
    expect(fake().app.exit).toHaveBeenCalledWith(1);
    expect(FakeNotification.instances.map((n) => raw(n).options.title)).toContain(
      'Nurse Station is restarting',
    );
  });

  it('a notification is taken away once its alert is handled anywhere', async () => {
    const listeners: ((name: string, payload: unknown) => void)[] = [];
    const emit = (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload));
    const host = fakeHost();
    host.onEvent.mockImplementation(((l: (name: string, payload: unknown) => void) => {
      listeners.push(l);
      return () => {};
    }) as never);
    const { createHost } = await start({ host });
    const notifier = createHost.mock.calls[0]![0].notifier;
    notifier.show({
      key: 'alert:a1',
      title: 'SpO2 82 %',
      body: 'Bed 4',
      urgency: 'critical',
      alertIds: ['a1'],
      patientId: 'P004',
      level: 2,
      reminder: false,
    });
    const toast = FakeNotification.instances.at(-1)!;
    emit('alerts:changed', [{ alertId: 'a1', status: 'pending' }]);
    expect(toast.close).not.toHaveBeenCalled();
    emit('alerts:changed', [{ alertId: 'a1', status: 'confirmed' }]);
    expect(toast.close).toHaveBeenCalled();
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
