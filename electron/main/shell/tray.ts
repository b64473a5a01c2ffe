// The tray icon: pending-alert count at a glance (tooltip, title where the desktop shows one, and
// a menu line, since Linux app indicators show no tooltip), and Show / Quit.
import { Menu, Tray, nativeImage } from 'electron';
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
  let lastCount = -1;

  const update = (): void => {
    const count = Math.max(0, deps.host.unreadCount());
    if (count === lastCount) return;
    lastCount = count;
    const label = pendingLabel(count);
    tray.setToolTip(`Nurse Station — ${label}`);
    // Tray titles are shown by macOS and some Linux indicators; Windows has none.
    if (platform !== 'win32') tray.setTitle(count > 0 ? String(count) : '');
    // Linux indicators only pick up menu changes through a new setContextMenu call.
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label, enabled: false },
        { type: 'separator' },
        { label: 'Show Nurse Station', click: () => deps.onShow() },
        { label: 'Quit', click: () => deps.onQuit() },
      ]),
    );
  };

  tray.on('click', () => deps.onShow());
  const unsubscribe = deps.host.onEvent((name) => {
    if (name === 'alerts:new' || name === 'alerts:changed') update();
  });
  update();

  return {
    update,
    destroy() {
      unsubscribe();
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
