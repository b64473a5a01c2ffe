// OS notifications through Electron's Notification, behind the core's Notifier port. Clicking one
// brings the station window forward and tells the UI which alert to show.
import { Notification } from 'electron';
import type { BrowserWindow } from 'electron';
import type { NotificationRequest } from '../../../shared/ipc/contract';
import type { Notifier } from '../core/ports';
import { logger } from '../core/logger';
import { sendStationEvent } from './ipc';
import { revealWindow } from './window';

export interface ElectronNotifierDeps {
  getWindow: () => BrowserWindow | null;
  platform?: NodeJS.Platform;
}

export interface ElectronNotifier extends Notifier {
  /**
   * These alerts are handled (acknowledged here or at another station): their notifications are
   * released and taken off the screen / out of the Action Center, so none invites a click for an
   * alert that no longer waits.
   */
  alertsHandled(alertIds: readonly string[]): void;
  /** notifications held for their click handlers, for tests */
  heldCount(): number;
}

/** Unanswered critical notifications stay open; cap what we hold so a long shift cannot leak. */
const MAX_HELD = 200;

interface Held {
  notification: Notification;
  request: NotificationRequest;
  critical: boolean;
}

export function createElectronNotifier(deps: ElectronNotifierDeps): ElectronNotifier {
  const platform = deps.platform ?? process.platform;
  // Electron drops a notification's click handler when the JS object is garbage-collected, so
  // every shown notification is held here until it is clicked, closed, replaced or its alerts are
  // handled. On Windows a toast that leaves the screen ('close') lives on in the Action Center, where
  // a click must still open the alert: a critical one is held until its alert is handled.
  const held = new Map<string, Held>();
  let warnedUnsupported = false;

  const release = (key: string, n: Notification): void => {
    if (held.get(key)?.notification === n) held.delete(key);
  };

  /** keeps the count bounded: the oldest non-critical ones go first, then the oldest at all */
  const trim = (): void => {
    for (const [key, h] of held) {
      if (held.size <= MAX_HELD) return;
      if (!h.critical) held.delete(key);
    }
    while (held.size > MAX_HELD) {
      const oldest = held.keys().next().value;
      if (oldest === undefined) break;
      held.delete(oldest);
    }
  };

  return {
    heldCount: () => held.size,
    alertsHandled(alertIds: readonly string[]): void {
      if (alertIds.length === 0 || held.size === 0) return;
      const handled = new Set(alertIds);
      for (const [key, h] of [...held]) {
        if (h.request.alertIds.length === 0 || !h.request.alertIds.every((id) => handled.has(id))) continue;
        held.delete(key);
        h.notification.close();
      }
    },
    show(request: NotificationRequest): void {
      if (!Notification.isSupported()) {
        if (!warnedUnsupported) {
          warnedUnsupported = true;
          logger.warn(
            'shell: this desktop does not support notifications; alerts are shown in the window only',
          );
        }
        return;
      }
      const critical = request.level === 2 || request.urgency === 'critical';
      const notification = new Notification({
        title: request.title,
        body: request.body,
        // Linux: critical notifications bypass do-not-disturb and do not expire on their own
        urgency: critical ? 'critical' : 'normal',
        timeoutType: critical ? 'never' : 'default',
        // an all-clear ("connection restored") must not sound like an alarm
        ...(request.technical === 'cleared' ? { silent: true } : {}),
      });
      notification.on('click', () => {
        const win = deps.getWindow();
        revealWindow(win);
        const alertId = request.alertIds[0];
        if (alertId !== undefined) sendStationEvent(win, 'ui:focus-alert', { alertId });
        release(request.key, notification);
      });
      const keepInActionCenter = critical && platform === 'win32' && request.alertIds.length > 0;
      notification.on('close', () => {
        if (!keepInActionCenter) release(request.key, notification);
      });
      notification.on('failed', (_event, error) => {
        logger.warn(`shell: a notification could not be shown: ${error}`);
        release(request.key, notification);
      });

      const previous = held.get(request.key);
      if (previous) {
        held.delete(request.key);
        previous.notification.close();
      }
      held.set(request.key, { notification, request, critical });
      trim();
      notification.show();
    },
  };
}
