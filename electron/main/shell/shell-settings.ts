// The Electron shell's own settings, kept apart from the station's: <dataDir>/shell.json. Written
// by an administrator (or a later settings screen); a missing or broken file means the defaults.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../core/logger';
import type { KeepAwake } from './power';

export interface ShellSettings {
  /** start the app when the user logs in (packaged app only) */
  startAtLogin: boolean;
  /** closing the window hides it to the tray so alerts keep coming; Quit is in the tray menu */
  closeToTray: boolean;
  /**
   * what the station keeps awake while it runs: 'display' (screen and system: the ward stays on
   * screen), 'system' (the screen may sleep; sound and notifications go on) or 'off' (the OS power
   * plan decides — alerting stops while the PC sleeps)
   */
  keepAwake: KeepAwake;
}

export const DEFAULT_SHELL_SETTINGS: Readonly<ShellSettings> = Object.freeze({
  startAtLogin: false,
  closeToTray: true,
  keepAwake: 'display',
});

const KEEP_AWAKE: readonly KeepAwake[] = ['display', 'system', 'off'];

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
    const pick = (key: 'startAtLogin' | 'closeToTray'): boolean =>
      typeof record[key] === 'boolean' ? (record[key] as boolean) : DEFAULT_SHELL_SETTINGS[key];
    const keepAwake = KEEP_AWAKE.find((k) => k === record.keepAwake) ?? DEFAULT_SHELL_SETTINGS.keepAwake;
    if (record.keepAwake !== undefined && record.keepAwake !== keepAwake)
      logger.warn(
        `shell: ${SHELL_SETTINGS_FILE}: keepAwake must be one of ${KEEP_AWAKE.join(', ')}; using '${keepAwake}'`,
      );
    return { startAtLogin: pick('startAtLogin'), closeToTray: pick('closeToTray'), keepAwake };
  } catch (err) {
    logger.warn(
      `shell: ignoring ${SHELL_SETTINGS_FILE} (${err instanceof Error ? err.message : String(err)}); using defaults`,
    );
    return { ...DEFAULT_SHELL_SETTINGS };
  }
}
