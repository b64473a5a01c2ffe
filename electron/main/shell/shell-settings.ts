// The Electron shell's own settings, kept apart from the station's: <dataDir>/shell.json. Written
// by an administrator (or a later settings screen); a missing or broken file means the defaults.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../core/logger';

export interface ShellSettings {
  /** start the app when the user logs in (packaged app only) */
  startAtLogin: boolean;
  /** closing the window hides it to the tray so alerts keep coming; Quit is in the tray menu */
  closeToTray: boolean;
}

export const DEFAULT_SHELL_SETTINGS: Readonly<ShellSettings> = Object.freeze({
  startAtLogin: false,
  closeToTray: true,
});

export const SHELL_SETTINGS_FILE = 'shell.json';

export function readShellSettings(dataDir: string): ShellSettings {
  const file = join(dataDir, SHELL_SETTINGS_FILE);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULT_SHELL_SETTINGS };
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    const record = parsed as Record<string, unknown>;
    const pick = (key: keyof ShellSettings): boolean =>
      typeof record[key] === 'boolean' ? (record[key] as boolean) : DEFAULT_SHELL_SETTINGS[key];
    return { startAtLogin: pick('startAtLogin'), closeToTray: pick('closeToTray') };
  } catch (err) {
    logger.warn(
      `shell: ignoring ${SHELL_SETTINGS_FILE} (${err instanceof Error ? err.message : String(err)}); using defaults`,
    );
    return { ...DEFAULT_SHELL_SETTINGS };
  }
}
