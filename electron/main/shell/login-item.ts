// Start at login, as an option (shell.json `startAtLogin`). Windows and macOS have an Electron
// API for it; on Linux it is an XDG autostart entry, which we write or remove ourselves.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { logger } from '../core/logger';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  setLoginItemSettings: (settings: { openAtLogin: boolean }) => void;
  /** the program to start: on Linux the AppImage when run from one, else the executable */
  execPath: string;
  env: NodeJS.ProcessEnv;
  home?: string;
}

export const AUTOSTART_FILE = 'org.nursestation.app.desktop';

export function linuxAutostartPath(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', AUTOSTART_FILE);
}

/** Applies the setting; a development run never registers itself (it would start a bare Electron). */
export function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): void {
  if (!deps.isPackaged) return;
  try {
    if (deps.platform === 'win32' || deps.platform === 'darwin') {
      deps.setLoginItemSettings({ openAtLogin: enabled });
      return;
    }
    if (deps.platform !== 'linux') return;
    const file = linuxAutostartPath(deps.env, deps.home ?? homedir());
    if (!enabled) {
      rmSync(file, { force: true });
      return;
    }
    const exec = deps.env.APPIMAGE || deps.execPath;
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Nurse Station',
        `Exec="${exec.replace(/(["`$\\])/g, '\\$1')}"`,
        'X-GNOME-Autostart-enabled=true',
        'Terminal=false',
        '',
      ].join('\n'),
    );
  } catch (err) {
    logger.warn(
      `shell: could not change start-at-login: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
