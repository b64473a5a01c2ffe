// Composition of the Electron shell: single instance, data paths, the station host with the
// Electron notifier and safeStorage, IPC, the window, the tray, and a clean quit. Everything the
// ward sees comes from the host; this file only wires Electron to it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, session } from 'electron';
import type { BrowserWindow } from 'electron';
import type { EventMap, NotificationRequest } from '../../../shared/ipc/contract';
import type { HostOptions, StationHost } from '../core/host-types';
import { logger, redact } from '../core/logger';
import { installFileLog, logDirOf } from '../core/log-file';
import { adoptLegacyData, resolveStationDataDir } from './data-dir';
import { registerStationIpc } from './ipc';
import { resolveSqliteNativeBinding } from './native-binding';
import { applyStartAtLogin } from './login-item';
import { watchDisplay } from './display-watchdog';
import type { DisplayWatchdog } from './display-watchdog';
import { createElectronNotifier } from './notifier';
import { startPowerGuard } from './power';
import type { PowerGuard } from './power';
import { installProcessGuards } from './process-guards';
import { resolveRendererTarget } from './renderer-target';
import { createSafeStorageSecretStore } from './secret-store';
import { readShellSettings } from './shell-settings';
import { createStationTray } from './tray';
import type { StationTray } from './tray';
import { detectTraySupport } from './tray-support';
import type { TraySupport } from './tray-support';
import {
  createMainWindow,
  hardenWebContents,
  installSessionPolicy,
  loadRenderer,
  revealWindow,
} from './window';

export const APP_ID = 'org.nursestation.app';
/** how long a quit waits for the host to flush and close before giving up on it */
export const HOST_CLOSE_TIMEOUT_MS = 5_000;
/** after a fatal error: how long the station may take to flush and close before it relaunches */
export const FATAL_CLOSE_TIMEOUT_MS = 2_000;

/** the shell's own technical alarm: the window's renderer is down */
const DISPLAY_ALARM_KEY = 'shell:display';

export interface ElectronShellOptions {
  createHost: (opts: HostOptions) => Promise<StationHost>;
  /** directory of the built main bundle (out/main); preload and renderer sit next to it */
  mainDir: string;
  env?: NodeJS.ProcessEnv;
  /** tests: whether a tray icon is seen on this desktop (default: detected) */
  traySupport?: () => Promise<TraySupport>;
  /** tests: the process whose uncaught errors the shell handles (default: process) */
  proc?: Pick<NodeJS.Process, 'on' | 'removeListener'>;
}

export interface ElectronShell {
  getWindow(): BrowserWindow | null;
  getHost(): StationHost | null;
}

/** What the shell shows when its window's renderer is gone for good (until a retry brings it back). */
export const DISPLAY_DOWN_TITLE = 'Nurse Station display has stopped';
const DISPLAY_DOWN_BODY =
  'The station screen keeps failing to load. Alerts still arrive as desktop notifications, and the ' +
  'station retries every minute. Watch the patients at the bedside and call IT.';

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
  let power: PowerGuard | null = null;
  let display: DisplayWatchdog | null = null;
  let unsubscribeHandled: (() => void) | null = null;
  let phase: 'running' | 'closing' | 'closed' = 'running';
  const notifier = createElectronNotifier({ getWindow: () => win });

  // Before anything else can throw: an uncaught error restarts the station (loudly), a crash loop
  // stops it with a dialog; notifications only work once the app is ready, until then the log has it.
  let ready = false;
  const guards = installProcessGuards({
    ...(opts.proc ? { proc: opts.proc } : {}),
    announce: (title, body) => {
      if (ready) notifier.show(technicalNotice(`shell:fatal`, title, body, 'raised'));
      tray?.setShellAlarm('shell:fatal', title);
    },
    relaunch: (args) => {
      // flush and close the station first (bounded): app.exit() skips before-quit and closeAll()
      let exited = false;
      const exitNow = (): void => {
        if (exited) return;
        exited = true;
        app.relaunch({ args });
        app.exit(1);
      };
      const closing = host ? host.close().catch(() => undefined) : Promise.resolve();
      const timer = setTimeout(exitNow, FATAL_CLOSE_TIMEOUT_MS);
      void closing.then(() => {
        clearTimeout(timer);
        exitNow();
      });
    },
    stop: (title, body) => {
      dialog.showErrorBox(title, body);
      app.exit(1);
    },
  });

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
    power?.dispose();
    power = null;
    display?.dispose();
    display = null;
    unsubscribeHandled?.();
    unsubscribeHandled = null;
    guards.dispose();
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
  // asked of the session bus while the host starts, not after it (never rejects)
  const traySupportProbe = (
    opts.traySupport ?? (() => detectTraySupport({ platform: process.platform, env }))
  )();
  ready = true;

  // The station's data: per machine on an installed Windows station, else per user (data-dir.ts);
  // data an earlier version kept elsewhere is copied in once.
  const data = resolveStationDataDir({
    platform: process.platform,
    env,
    userDataDir: app.getPath('userData'),
    programDataDir: env.ProgramData,
    isPackaged: app.isPackaged,
  });
  let dataDir = data.dir;
  // logs for IT from here on (stderr goes nowhere for a station started from a shortcut); never throws
  const fileLog = installFileLog({ dir: logDirOf(dataDir) });
  try {
    const adopted = adoptLegacyData({ from: data.legacyDirs, to: dataDir });
    if (adopted.warning) logger.warn(`shell: ${adopted.warning}`);
    else if (adopted.adoptedFrom)
      logger.info(`shell: station data copied in from ${adopted.adoptedFrom}: ${adopted.copied.join(', ')}`);
    // the copy failed: run on the earlier folder, where the acknowledgements are, until it succeeds
    if (adopted.failedFrom) dataDir = adopted.failedFrom;
  } catch (err) {
    logger.error(`shell: could not copy the earlier station data: ${messageOf(err)}`);
  }
  logger.info(`shell: station data in ${dataDir} (${data.scope})`);
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
    // Under Electron, better-sqlite3 loads the copy built for Electron's ABI (native-binding.ts);
    // a missing one is reported by the dialog below with the command that builds it.
    const sqliteNativeBinding = process.versions.electron
      ? resolveSqliteNativeBinding({
          isPackaged: app.isPackaged,
          resourcesPath: process.resourcesPath,
          appPath: app.getAppPath(),
          electronVersion: process.versions.electron,
          modulesAbi: process.versions.modules,
          exists: existsSync,
        })
      : undefined;
    host = await opts.createHost({
      dataDir,
      logDir: fileLog.dir,
      ...(sqliteNativeBinding ? { sqliteNativeBinding } : {}),
      shell: 'electron',
      notifier,
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
  const station = host;
  // a notification's alert handled here or at another station: take the notification away
  unsubscribeHandled = station.onEvent((name, payload) => {
    if (name !== 'alerts:changed') return;
    const handled = (payload as EventMap['alerts:changed']).filter((a) => a.status !== 'pending');
    if (handled.length > 0) notifier.alertsHandled(handled.map((a) => a.alertId));
  });
  power = startPowerGuard({
    keepAwake: settings.keepAwake,
    wake: (reason) => station.wake(reason),
    endSessions: (reason) => station.endSessions(reason),
  });
  const restarts = guards.recentRestarts();
  if (restarts.length > 0) {
    const at = new Date(restarts[restarts.length - 1] ?? Date.now()).toLocaleTimeString();
    notifier.show(
      technicalNotice(
        'shell:restarted',
        'Nurse Station restarted after an error',
        `An internal error stopped the station at ${at}; it restarted by itself and monitors again.`,
      ),
    );
  }

  const iconPath = app.isPackaged
    ? join(process.resourcesPath, 'icon.png')
    : join(app.getAppPath(), 'electron', 'resources', 'icon.png');
  win = createMainWindow({ target, preloadPath: join(opts.mainDir, '..', 'preload', 'index.cjs'), iconPath });
  const mainWindow = win;
  display = watchDisplay({
    win: mainWindow,
    reload: () => loadRenderer(mainWindow, target),
    onGiveUp: () => {
      notifier.show(technicalNotice(DISPLAY_ALARM_KEY, DISPLAY_DOWN_TITLE, DISPLAY_DOWN_BODY, 'raised'));
      tray?.setShellAlarm(DISPLAY_ALARM_KEY, DISPLAY_DOWN_TITLE);
      void dialog
        .showMessageBox({
          type: 'error',
          title: DISPLAY_DOWN_TITLE,
          message: DISPLAY_DOWN_TITLE,
          detail: DISPLAY_DOWN_BODY,
          buttons: ['Try again now', 'Restart Nurse Station', 'Keep retrying'],
          defaultId: 0,
          cancelId: 2,
          noLink: true,
        })
        .then(({ response }) => {
          if (response === 0) display?.retryNow();
          else if (response === 1) {
            app.relaunch();
            app.quit();
          }
        })
        .catch((err: unknown) => logger.error(`shell: the display dialog failed: ${messageOf(err)}`));
    },
    onRecovered: () => {
      tray?.setShellAlarm(DISPLAY_ALARM_KEY, null);
      notifier.show(
        technicalNotice(
          DISPLAY_ALARM_KEY,
          'Nurse Station display is back',
          'The station screen works again.',
          'cleared',
        ),
      );
    },
  });

  const traySupport = await traySupportProbe;
  if (!traySupport.shows)
    logger.warn(`shell: no visible tray (${traySupport.why}); closing the window will not hide it`);
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
    if (phase !== 'running' || sessionEnding || !settings.closeToTray) return;
    // An alerting app should not vanish because its window was closed: hide it to the tray — only
    // where a tray is seen, or the station would have no way back.
    event.preventDefault();
    if (tray && traySupport.shows) {
      win?.hide();
      return;
    }
    void dialog
      .showMessageBox(mainWindow, {
        type: 'warning',
        title: 'Close Nurse Station?',
        message: 'Closing Nurse Station stops alarms and notifications on this station.',
        detail: 'Keep it monitoring: the window is minimised to the taskbar.',
        buttons: ['Keep monitoring', 'Quit'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      })
      .then(({ response }) => {
        if (response === 1) app.quit();
        else if (!mainWindow.isDestroyed()) mainWindow.minimize();
      })
      .catch((err: unknown) => logger.error(`shell: the close dialog failed: ${messageOf(err)}`));
  });
  const windowPeer = `window:${win.id}`;
  win.on('closed', () => {
    win = null;
    // the nurse signed in in that window is signed out with it
    host?.peerClosed(windowPeer);
  });

  return { getWindow: () => win, getHost: () => host };
}

function technicalNotice(
  key: string,
  title: string,
  body: string,
  technical?: 'raised' | 'cleared',
): NotificationRequest {
  return {
    key,
    title,
    body,
    urgency: technical === 'cleared' ? 'normal' : 'critical',
    alertIds: [],
    patientId: '',
    level: 2,
    reminder: false,
    ...(technical ? { technical } : {}),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
