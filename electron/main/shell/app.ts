// Composition of the Electron shell: single instance, data paths, the station host with the
// Electron notifier and safeStorage, IPC, the window, the tray, and a clean quit. Everything the
// ward sees comes from the host; this file only wires Electron to it.
import { join } from 'node:path';
import { app, dialog, session } from 'electron';
import type { BrowserWindow } from 'electron';
import type { HostOptions, StationHost } from '../core/host-types';
import { logger, redact } from '../core/logger';
import { registerStationIpc } from './ipc';
import { applyStartAtLogin } from './login-item';
import { createElectronNotifier } from './notifier';
import { resolveRendererTarget } from './renderer-target';
import { createSafeStorageSecretStore } from './secret-store';
import { readShellSettings } from './shell-settings';
import { createStationTray } from './tray';
import type { StationTray } from './tray';
import { createMainWindow, hardenWebContents, installSessionPolicy, revealWindow } from './window';

export const APP_ID = 'org.nursestation.app';
/** how long a quit waits for the host to flush and close before giving up on it */
export const HOST_CLOSE_TIMEOUT_MS = 5_000;

export interface ElectronShellOptions {
  createHost: (opts: HostOptions) => Promise<StationHost>;
  /** directory of the built main bundle (out/main); preload and renderer sit next to it */
  mainDir: string;
  env?: NodeJS.ProcessEnv;
}

export interface ElectronShell {
  getWindow(): BrowserWindow | null;
  getHost(): StationHost | null;
}

/** Starts the shell; resolves to null when another instance already runs (this one quits). */
export async function runElectronShell(opts: ElectronShellOptions): Promise<ElectronShell | null> {
  const env = opts.env ?? process.env;
  // Every renderer sandboxed, whatever a BrowserWindow says; must precede 'ready'.
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // Windows only shows toasts for an app with an AppUserModelID matching its shortcut.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const target = resolveRendererTarget({
    isPackaged: app.isPackaged,
    rendererIndexPath: join(opts.mainDir, '..', 'renderer', 'index.html'),
    devServerUrl: env.ELECTRON_RENDERER_URL,
  });

  let win: BrowserWindow | null = null;
  let host: StationHost | null = null;
  let tray: StationTray | null = null;
  let disposeIpc: (() => void) | null = null;
  let phase: 'running' | 'closing' | 'closed' = 'running';

  app.on('second-instance', () => revealWindow(win));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, target));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (phase === 'closed') return;
    event.preventDefault();
    if (phase === 'closing') return;
    phase = 'closing';
    void closeAll().finally(() => {
      phase = 'closed';
      app.quit();
    });
  });
  const onSignal = (): void => app.quit();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  async function closeAll(): Promise<void> {
    tray?.destroy();
    tray = null;
    disposeIpc?.();
    disposeIpc = null;
    if (!host) return;
    const closing = host.close().catch((err: unknown) => {
      logger.error(`shell: station host did not close cleanly: ${messageOf(err)}`);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.error('shell: station host took too long to close; quitting anyway');
        resolve();
      }, HOST_CLOSE_TIMEOUT_MS);
    });
    await Promise.race([closing, timeout]);
    clearTimeout(timer);
  }

  await app.whenReady();

  const dataDir = app.getPath('userData');
  const settings = readShellSettings(dataDir);
  applyStartAtLogin(settings.startAtLogin, {
    platform: process.platform,
    isPackaged: app.isPackaged,
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
    execPath: process.execPath,
    env,
  });
  installSessionPolicy(session.defaultSession, target);

  try {
    host = await opts.createHost({
      dataDir,
      shell: 'electron',
      notifier: createElectronNotifier({ getWindow: () => win }),
      secretStore: createSafeStorageSecretStore(),
      // simulator mode: 15 minutes of history, as the web shell, simulated while the window opens
      simulator: { warmupMs: 15 * 60_000, warmupInBackground: true },
    });
  } catch (err) {
    logger.error(`shell: station host failed to start: ${messageOf(err)}`);
    dialog.showErrorBox(
      'Nurse Station could not start',
      `${redact(messageOf(err))}\n\nData folder: ${dataDir}\nPlease contact the ward's IT support.`,
    );
    app.quit();
    return { getWindow: () => win, getHost: () => host };
  }
  if (phase !== 'running') {
    // a quit arrived while the host was starting: close it here, closeAll() ran without it
    await host
      .close()
      .catch((err: unknown) => logger.error(`shell: station host did not close: ${messageOf(err)}`));
    return { getWindow: () => win, getHost: () => host };
  }

  disposeIpc = registerStationIpc({ host, getWindow: () => win, target });

  const iconPath = app.isPackaged
    ? join(process.resourcesPath, 'icon.png')
    : join(app.getAppPath(), 'electron', 'resources', 'icon.png');
  win = createMainWindow({ target, preloadPath: join(opts.mainDir, '..', 'preload', 'index.cjs'), iconPath });

  try {
    tray = createStationTray({
      host,
      iconPath,
      onShow: () => revealWindow(win),
      onQuit: () => app.quit(),
    });
  } catch (err) {
    // Some Linux desktops have no tray; the app works without it, only closing then quits.
    logger.warn(`shell: no tray icon: ${messageOf(err)}`);
  }

  let sessionEnding = false;
  win.on('session-end', () => {
    sessionEnding = true;
  });
  win.on('close', (event) => {
    // An alerting app should not vanish because its window was closed: hide it to the tray.
    if (phase === 'running' && !sessionEnding && tray && settings.closeToTray) {
      event.preventDefault();
      win?.hide();
    }
  });
  win.on('closed', () => {
    win = null;
  });

  return { getWindow: () => win, getHost: () => host };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
