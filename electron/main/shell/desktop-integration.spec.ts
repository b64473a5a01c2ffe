// The names a desktop uses to tie the window, its launcher entry, its notifications and its data
// folder together must agree, or the station shows a second, icon-less taskbar entry (Linux) or no
// toasts (Windows).
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { APP_ID } from './app';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

const root = new URL('../../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Record<string, unknown>;
const builder = readFileSync(new URL('electron-builder.yml', root), 'utf8');
const value = (key: string): string | undefined =>
  new RegExp(`^\\s*${key}:\\s*(.+)$`, 'm').exec(builder)?.[1]?.trim();

describe('desktop integration names', () => {
  it('productName names the app (window title, user data folder, Start menu)', () => {
    expect(pkg.productName).toBe('Nurse Station');
    expect(value('productName')).toBe(pkg.productName);
  });

  it('desktopName is the launcher file, and StartupWMClass is the class Electron derives from it', () => {
    const executable = value('executableName');
    expect(pkg.desktopName).toBe(`${executable}.desktop`);
    expect(value('StartupWMClass')).toBe(String(pkg.desktopName).replace(/\.desktop$/, ''));
  });

  it('the Windows AppUserModelID is the appId the installer gives the shortcut', () => {
    expect(value('appId')).toBe(APP_ID);
  });
});
