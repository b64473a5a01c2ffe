// The station window's renderer must never be silently dead or frozen: a crash is reloaded, a hang
// (Chromium's 'unresponsive') is killed and reloaded, and a crash loop is announced loudly — then the
// watchdog keeps trying, slowly, so a transient cause (GPU driver, memory pressure) heals by itself.
import type { BrowserWindow } from 'electron';
import { logger } from '../core/logger';

export const MAX_RELOADS = 3;
export const RELOAD_WINDOW_MS = 60_000;
/** Chromium reports 'unresponsive' after a few seconds; give the page this much more before killing it */
export const HUNG_GRACE_MS = 10_000;
/** after giving up on fast reloads, try again this often */
export const RETRY_AFTER_MS = 60_000;

export interface DisplayFailure {
  /** Chromium's reason for the last loss: crashed, oom, killed, … */
  reason: string;
  /** renderer losses within the last RELOAD_WINDOW_MS */
  losses: number;
}

export interface DisplayWatchdogDeps {
  win: BrowserWindow;
  /** loads the app's UI into the window again */
  reload: () => void;
  /** the fast reloads are used up: the shell tells the ward loudly (notification, tray, dialog) */
  onGiveUp: (failure: DisplayFailure) => void;
  /** the UI loaded again after a give-up */
  onRecovered: () => void;
  /** monotonic milliseconds: a wall-clock step must not reset or extend the window */
  now?: () => number;
}

export interface DisplayWatchdog {
  /** the UI is down and the slow retries run */
  failed(): boolean;
  /** reload now (the dialog's "Try again") */
  retryNow(): void;
  dispose(): void;
}

export function watchDisplay(deps: DisplayWatchdogDeps): DisplayWatchdog {
  const { win } = deps;
  const now = deps.now ?? (() => performance.now());
  const losses: number[] = [];
  let failed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let hungTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const clearHung = (): void => {
    if (hungTimer) clearTimeout(hungTimer);
    hungTimer = null;
  };
  const clearRetry = (): void => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  };
  const reload = (): void => {
    if (disposed || win.isDestroyed()) return;
    deps.reload();
  };
  const scheduleRetry = (): void => {
    clearRetry();
    retryTimer = setTimeout(() => {
      retryTimer = null;
      logger.warn('shell: trying to load the station display again');
      reload();
    }, RETRY_AFTER_MS);
  };

  const onGone = (_event: unknown, details: { reason: string; exitCode: number }): void => {
    clearHung();
    if (details.reason === 'clean-exit' || disposed || win.isDestroyed()) return;
    logger.error(`shell: renderer gone: ${details.reason} (exit code ${details.exitCode})`);
    const t = now();
    while (losses.length > 0 && t - (losses[0] ?? 0) > RELOAD_WINDOW_MS) losses.shift();
    losses.push(t);
    if (failed) {
      // a slow retry failed again: keep trying, the ward was told already
      scheduleRetry();
      return;
    }
    if (losses.length <= MAX_RELOADS) {
      reload();
      return;
    }
    failed = true;
    logger.error(`shell: the renderer was lost ${losses.length} times within a minute; telling the ward`);
    scheduleRetry();
    try {
      deps.onGiveUp({ reason: details.reason, losses: losses.length });
    } catch (err) {
      logger.error(`shell: could not announce the display failure: ${messageOf(err)}`);
    }
  };

  const onLoaded = (): void => {
    if (!failed) return;
    failed = false;
    clearRetry();
    losses.length = 0;
    logger.info('shell: the station display is back');
    deps.onRecovered();
  };

  const onUnresponsive = (): void => {
    if (hungTimer || disposed) return;
    logger.warn('shell: the station display is not responding');
    hungTimer = setTimeout(() => {
      hungTimer = null;
      if (disposed || win.isDestroyed()) return;
      logger.error(`shell: the station display hung for ${HUNG_GRACE_MS / 1000} s more; restarting it`);
      // emits render-process-gone ('killed'), which reloads through the same crash-loop budget
      win.webContents.forcefullyCrashRenderer();
    }, HUNG_GRACE_MS);
  };
  const onResponsive = (): void => {
    if (hungTimer) logger.info('shell: the station display responds again');
    clearHung();
  };

  win.webContents.on('render-process-gone', onGone);
  win.webContents.on('did-finish-load', onLoaded);
  win.on('unresponsive', onUnresponsive);
  win.on('responsive', onResponsive);

  return {
    failed: () => failed,
    retryNow() {
      clearRetry();
      reload();
    },
    dispose() {
      disposed = true;
      clearHung();
      clearRetry();
      if (win.isDestroyed()) return;
      win.webContents.removeListener('render-process-gone', onGone);
      win.webContents.removeListener('did-finish-load', onLoaded);
      win.removeListener('unresponsive', onUnresponsive);
      win.removeListener('responsive', onResponsive);
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
