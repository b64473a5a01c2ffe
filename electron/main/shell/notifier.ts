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
}

/** Unanswered critical notifications stay open; cap what we hold so a long shift cannot leak. */
const MAX_HELD = 200;

export function createElectronNotifier(deps: ElectronNotifierDeps): Notifier {
  // Electron drops a notification's click handler when the JS object is garbage-collected, so
  // every shown notification is held here until it is clicked, closed or replaced.
  const held = new Map<string, Notification>();
  let warnedUnsupported = false;

  const release = (key: string, n: Notification): void => {
    if (held.get(key) === n) held.delete(key);
  };

  return {
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
      notification.on('close', () => release(request.key, notification));
      notification.on('failed', (_event, error) => {
        logger.warn(`shell: a notification could not be shown: ${error}`);
        release(request.key, notification);
      });

      const previous = held.get(request.key);
      if (previous) {
        held.delete(request.key);
        previous.close();
      }
      held.set(request.key, notification);
      while (held.size > MAX_HELD) {
        const oldest = held.keys().next().value;
        if (oldest === undefined) break;
        held.delete(oldest);
      }
      notification.show();
    },
  };
}
