import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../core/logger';
import { applyStartAtLogin, linuxAutostartPath } from './login-item';
import type { LoginItemDeps } from './login-item';
import { DEFAULT_SHELL_SETTINGS, readShellSettings } from './shell-settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ns-shell-'));
  logger.setSink(() => {});
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readShellSettings', () => {
  it('defaults when the file is missing or broken', () => {
    expect(readShellSettings(dir)).toEqual({ startAtLogin: false, closeToTray: true, keepAwake: 'display' });
    writeFileSync(join(dir, 'shell.json'), '{not json');
    expect(readShellSettings(dir)).toEqual(DEFAULT_SHELL_SETTINGS);
    writeFileSync(join(dir, 'shell.json'), '[true]');
    expect(readShellSettings(dir)).toEqual(DEFAULT_SHELL_SETTINGS);
  });
  it('reads booleans and ignores wrong types', () => {
    writeFileSync(join(dir, 'shell.json'), JSON.stringify({ startAtLogin: true, closeToTray: 'no' }));
    expect(readShellSettings(dir)).toEqual({ startAtLogin: true, closeToTray: true, keepAwake: 'display' });
  });
  it('reads keepAwake and falls back to the display for an unknown value', () => {
    writeFileSync(join(dir, 'shell.json'), JSON.stringify({ keepAwake: 'system' }));
    expect(readShellSettings(dir).keepAwake).toBe('system');
    writeFileSync(join(dir, 'shell.json'), JSON.stringify({ keepAwake: 'never' }));
    expect(readShellSettings(dir).keepAwake).toBe('display');
  });
});

describe('applyStartAtLogin', () => {
  const deps = (over: Partial<Omit<LoginItemDeps, 'setLoginItemSettings'>> = {}) => ({
    platform: 'linux' as NodeJS.Platform,
    isPackaged: true,
    setLoginItemSettings: vi.fn<(settings: { openAtLogin: boolean }) => void>(),
    execPath: '/opt/Nurse Station/nurse-station',
    env: { XDG_CONFIG_HOME: join(dir, 'config') },
    ...over,
  });

  it('never registers an unpackaged (development) run', () => {
    const d = deps({ isPackaged: false, platform: 'win32' });
    applyStartAtLogin(true, d);
    expect(d.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('uses the Electron API on Windows and macOS, both ways', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const d = deps({ platform });
      applyStartAtLogin(true, d);
      applyStartAtLogin(false, d);
      expect(d.setLoginItemSettings.mock.calls).toEqual([[{ openAtLogin: true }], [{ openAtLogin: false }]]);
    }
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const d = deps({
      env: { XDG_CONFIG_HOME: join(dir, 'config'), APPIMAGE: '/home/n/Nurse-Station.AppImage' },
    });
    const file = linuxAutostartPath(d.env, '/home/n');
    applyStartAtLogin(true, d);
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/home/n/Nurse-Station.AppImage"');
    applyStartAtLogin(false, d);
    expect(existsSync(file)).toBe(false);
    expect(d.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('quotes the executable path', () => {
    const d = deps({ execPath: '/opt/Nurse "Station"/run$x' });
    applyStartAtLogin(true, d);
    expect(readFileSync(linuxAutostartPath(d.env, '/home/n'), 'utf8')).toContain(
      'Exec="/opt/Nurse \\"Station\\"/run\\$x"',
    );
  });
});
