// The tray icon: pending-alert count at a glance (tooltip, title where the desktop shows one, and
// a menu line, since Linux app indicators show no tooltip), and Show / Quit. The count includes
// active technical alarms (a lost backend), which are named on their own lines.
import { Menu, Tray, nativeImage } from 'electron';
import type { BackendHealth } from '../../../shared/domain/types';
import type { NotificationRequest } from '../../../shared/ipc/contract';
import type { StationHost } from '../core/host-types';
import { logger } from '../core/logger';

export interface StationTrayDeps {
  host: Pick<StationHost, 'onEvent' | 'unreadCount'>;
  iconPath: string;
  onShow: () => void;
  onQuit: () => void;
  platform?: NodeJS.Platform;
}

export interface StationTray {
  /** re-reads the pending count and refreshes tooltip, title and menu */
  update(): void;
  /**
   * A technical alarm of the shell itself (the display is down), shown first and counted; null
   * clears it. The core's own technical alarms arrive as events.
   */
  setShellAlarm(key: string, title: string | null): void;
  destroy(): void;
}

export function pendingLabel(count: number): string {
  if (count <= 0) return 'No pending alerts';
  return count === 1 ? '1 pending alert' : `${count} pending alerts`;
}

export function createStationTray(deps: StationTrayDeps): StationTray {
  const platform = deps.platform ?? process.platform;
  let image = nativeImage.createFromPath(deps.iconPath);
  if (image.isEmpty()) logger.warn('shell: tray icon not found; the tray shows an empty icon');
  else if (platform !== 'darwin') image = image.resize({ width: 32, height: 32, quality: 'best' });
  const tray = new Tray(image);
  let lastShown = '';
  /** active technical alarms by notification key → their title, as the core announced them */
  const technical = new Map<string, string>();
  /** the shell's own technical alarms; not counted by the core */
  const shellAlarms = new Map<string, string>();

  const update = (): void => {
    const pending = Math.max(0, deps.host.unreadCount());
    // the core counts each technical alarm once; the rest are pending alerts
    const coreAlarms = [...technical.values()].slice(0, pending);
    const label = pendingLabel(pending - coreAlarms.length);
    const alarms = [...shellAlarms.values(), ...coreAlarms];
    const count = pending + shellAlarms.size;
    const shown = JSON.stringify([count, alarms]);
    if (shown === lastShown) return;
    lastShown = shown;
    tray.setToolTip(['Nurse Station', ...alarms, label].join(' — '));
    // Tray titles are shown by macOS and some Linux indicators; Windows has none.
    if (platform !== 'win32') tray.setTitle(count > 0 ? String(count) : '');
    // Linux indicators only pick up menu changes through a new setContextMenu call.
    tray.setContextMenu(
      Menu.buildFromTemplate([
        ...alarms.map((title) => ({ label: title, enabled: false })),
        { label, enabled: false },
        { type: 'separator' },
        { label: 'Show Nurse Station', click: () => deps.onShow() },
        { label: 'Quit', click: () => deps.onQuit() },
      ]),
    );
  };

  tray.on('click', () => deps.onShow());
  const unsubscribe = deps.host.onEvent((name, payload) => {
    if (name === 'notify:show') {
      const req = payload as NotificationRequest;
      // the first title, not a reminder's "still …"
      if (req.technical === 'raised' && !technical.has(req.key)) technical.set(req.key, req.title);
      else if (req.technical === 'cleared') technical.delete(req.key);
    } else if (name === 'health:changed') {
      // a backend back up clears its alarm even if the core that raised it was rebuilt meanwhile
      for (const h of payload as BackendHealth[]) if (h.up) technical.delete(`backend:${h.backend}`);
    } else if (name !== 'alerts:new' && name !== 'alerts:changed') return;
    update();
  });
  update();

  return {
    update,
    setShellAlarm(key, title) {
      if (title === null) shellAlarms.delete(key);
      else shellAlarms.set(key, title);
      update();
    },
    destroy() {
      unsubscribe();
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
