import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, fakeEvent, resetElectronFake } from '../../../tests/support/electron-fake';
import type { FakeBrowserWindow } from '../../../tests/support/electron-fake';
import { logger } from '../core/logger';
import {
  HUNG_GRACE_MS,
  MAX_RELOADS,
  RELOAD_WINDOW_MS,
  RETRY_AFTER_MS,
  watchDisplay,
} from './display-watchdog';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

let clock = 0;
function setup() {
  const win = new (fake().BrowserWindow)({}) as unknown as FakeBrowserWindow;
  const reload = vi.fn();
  const onGiveUp = vi.fn();
  const onRecovered = vi.fn();
  const watchdog = watchDisplay({ win: win as never, reload, onGiveUp, onRecovered, now: () => clock });
  const crash = (reason = 'crashed') =>
    win.webContents.emit('render-process-gone', fakeEvent(), { reason, exitCode: 139 });
  return { win, reload, onGiveUp, onRecovered, watchdog, crash };
}

beforeEach(() => {
  resetElectronFake();
  logger.setSink(() => {});
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

describe('watchDisplay', () => {
  it('reloads a crashed renderer, ignores a clean exit', () => {
    const t = setup();
    t.win.webContents.emit('render-process-gone', fakeEvent(), { reason: 'clean-exit', exitCode: 0 });
    expect(t.reload).not.toHaveBeenCalled();
    t.crash();
    expect(t.reload).toHaveBeenCalledTimes(1);
    expect(t.onGiveUp).not.toHaveBeenCalled();
  });

  it('after the 4th loss in a minute tells the ward, then keeps retrying every minute until the UI is back', () => {
    const t = setup();
    for (let i = 0; i < MAX_RELOADS; i++) t.crash();
    expect(t.reload).toHaveBeenCalledTimes(MAX_RELOADS);
    t.crash('oom');
    expect(t.onGiveUp).toHaveBeenCalledWith({ reason: 'oom', losses: MAX_RELOADS + 1 });
    expect(t.watchdog.failed()).toBe(true);
    expect(t.reload).toHaveBeenCalledTimes(MAX_RELOADS); // not at once
    vi.advanceTimersByTime(RETRY_AFTER_MS);
    expect(t.reload).toHaveBeenCalledTimes(MAX_RELOADS + 1);
    t.crash(); // the slow retry failed too: another slow retry, no second announcement
    expect(t.onGiveUp).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(RETRY_AFTER_MS);
    expect(t.reload).toHaveBeenCalledTimes(MAX_RELOADS + 2);
    t.win.webContents.emit('did-finish-load');
    expect(t.onRecovered).toHaveBeenCalledTimes(1);
    expect(t.watchdog.failed()).toBe(false);
    vi.advanceTimersByTime(RETRY_AFTER_MS * 3);
    expect(t.reload).toHaveBeenCalledTimes(MAX_RELOADS + 2); // no retries once back
  });

  it('counts losses in a sliding minute on the monotonic clock', () => {
    const t = setup();
    for (let i = 0; i < 10; i++) {
      t.crash();
      clock += RELOAD_WINDOW_MS / 2; // two losses per minute at most
    }
    expect(t.onGiveUp).not.toHaveBeenCalled();
    expect(t.reload).toHaveBeenCalledTimes(10);
  });

  it('"try again now" reloads at once', () => {
    const t = setup();
    for (let i = 0; i <= MAX_RELOADS; i++) t.crash();
    t.watchdog.retryNow();
    expect(t.reload).toHaveBeenCalledTimes(MAX_RELOADS + 1);
  });

  it('kills and reloads a renderer that stays unresponsive; one that recovers is left alone', async () => {
    const t = setup();
    t.win.emit('unresponsive');
    vi.advanceTimersByTime(HUNG_GRACE_MS - 1);
    t.win.emit('responsive');
    vi.advanceTimersByTime(HUNG_GRACE_MS * 2);
    expect(t.win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();

    t.win.emit('unresponsive');
    t.win.emit('unresponsive'); // Chromium repeats it: one timer
    vi.advanceTimersByTime(HUNG_GRACE_MS);
    expect(t.win.webContents.forcefullyCrashRenderer).toHaveBeenCalledTimes(1);
    await Promise.resolve(); // the fake, as Electron, reports the kill as render-process-gone 'killed'
    expect(t.reload).toHaveBeenCalledTimes(1);
  });

  it('does nothing once disposed', () => {
    const t = setup();
    t.watchdog.dispose();
    t.crash();
    t.win.emit('unresponsive');
    vi.advanceTimersByTime(HUNG_GRACE_MS * 2);
    expect(t.reload).not.toHaveBeenCalled();
    expect(t.win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
  });
});
