// Whether a tray icon will be seen. On Linux, Electron's tray is a StatusNotifierItem, which shows only
// where a StatusNotifierWatcher runs (KDE, or GNOME with the AppIndicator extension), and otherwise an
// XEmbed icon, which only some desktops still show. Stock GNOME shows neither: a station that hid its
// window to an invisible tray would have no way back, so closing must not hide there.
import { execFile } from 'node:child_process';

export interface TraySupport {
  shows: boolean;
  why: string;
}

/** desktops (XDG_CURRENT_DESKTOP) with an XEmbed system tray */
const XEMBED_DESKTOPS = ['XFCE', 'MATE', 'X-CINNAMON', 'CINNAMON', 'LXDE', 'LXQT', 'KDE', 'BUDGIE', 'UNITY'];

export interface TraySupportDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** true when a StatusNotifierWatcher owns its name on the session bus */
  hasStatusNotifierWatcher?: () => Promise<boolean>;
}

export async function detectTraySupport(deps: TraySupportDeps): Promise<TraySupport> {
  if (deps.platform === 'win32') return { shows: true, why: 'Windows notification area' };
  if (deps.platform === 'darwin') return { shows: true, why: 'macOS menu bar' };
  const probe = deps.hasStatusNotifierWatcher ?? (() => statusNotifierWatcherOnBus(deps.env));
  let watcher = false;
  try {
    watcher = await probe();
  } catch {
    watcher = false;
  }
  if (watcher) return { shows: true, why: 'a StatusNotifierWatcher runs on the session bus' };
  const desktops = (deps.env.XDG_CURRENT_DESKTOP ?? '').toUpperCase().split(':').filter(Boolean);
  const xembed = desktops.find((d) => XEMBED_DESKTOPS.includes(d));
  if (xembed) return { shows: true, why: `${xembed} shows a system tray` };
  return {
    shows: false,
    why: `no StatusNotifierWatcher and no known system tray on this desktop (${desktops.join(':') || 'unknown'})`,
  };
}

/** Asks the session bus with dbus-send (part of every desktop's dbus package); false when it cannot. */
export function statusNotifierWatcherOnBus(env: NodeJS.ProcessEnv, timeoutMs = 1_500): Promise<boolean> {
  if (!env.DBUS_SESSION_BUS_ADDRESS && !env.XDG_RUNTIME_DIR) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.kde.StatusNotifierWatcher',
      ],
      { timeout: timeoutMs, env },
      (err, stdout) => resolve(!err && /boolean\s+true/.test(String(stdout))),
    );
  });
}
