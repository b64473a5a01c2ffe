import { describe, expect, it } from 'vitest';
import { detectTraySupport, statusNotifierWatcherOnBus } from './tray-support';

describe('detectTraySupport', () => {
  it('Windows and macOS always show one', async () => {
    expect((await detectTraySupport({ platform: 'win32', env: {} })).shows).toBe(true);
    expect((await detectTraySupport({ platform: 'darwin', env: {} })).shows).toBe(true);
  });

  it('Linux: shown where a StatusNotifierWatcher runs (KDE, GNOME with AppIndicator)', async () => {
    const s = await detectTraySupport({
      platform: 'linux',
      env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' },
      hasStatusNotifierWatcher: async () => true,
    });
    expect(s).toEqual({ shows: true, why: expect.stringMatching(/StatusNotifierWatcher/) });
  });

  it('Linux: stock GNOME without AppIndicator shows no tray', async () => {
    const s = await detectTraySupport({
      platform: 'linux',
      env: { XDG_CURRENT_DESKTOP: 'GNOME' },
      hasStatusNotifierWatcher: async () => false,
    });
    expect(s.shows).toBe(false);
    expect(s.why).toMatch(/GNOME/);
  });

  it('Linux: desktops with an XEmbed tray show one; an unknown one or a failing probe does not', async () => {
    const none = async () => false;
    expect(
      (
        await detectTraySupport({
          platform: 'linux',
          env: { XDG_CURRENT_DESKTOP: 'XFCE' },
          hasStatusNotifierWatcher: none,
        })
      ).shows,
    ).toBe(true);
    expect(
      (await detectTraySupport({ platform: 'linux', env: {}, hasStatusNotifierWatcher: none })).shows,
    ).toBe(false);
    const failing = async () => {
      throw new Error('no dbus');
    };
    expect(
      (
        await detectTraySupport({
          platform: 'linux',
          env: { XDG_CURRENT_DESKTOP: 'GNOME' },
          hasStatusNotifierWatcher: failing,
        })
      ).shows,
    ).toBe(false);
  });

  it('the bus probe answers false without a session bus (CI, a service account)', async () => {
    expect(await statusNotifierWatcherOnBus({})).toBe(false);
  });
});
