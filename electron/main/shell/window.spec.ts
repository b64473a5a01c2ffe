import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeWebContents,
  fake,
  fakeEvent,
  resetElectronFake,
  raw,
} from '../../../tests/support/electron-fake';
import type { FakeBrowserWindow } from '../../../tests/support/electron-fake';
import {
  CONTENT_SECURITY_POLICY,
  WEB_PREFERENCES,
  createMainWindow,
  hardenWebContents,
  installSessionPolicy,
  openExternalIfSafe,
  revealWindow,
} from './window';
import type { RendererTarget } from './renderer-target';
import { logger } from '../core/logger';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

const target: RendererTarget = { kind: 'file', indexPath: '/opt/nurse-station/out/renderer/index.html' };
const appUrl = 'file:///opt/nurse-station/out/renderer/index.html';

type Handler = (...args: unknown[]) => void;
function handlerOf(emitter: FakeWebContents, event: string): Handler {
  const listeners = emitter.listeners(event) as Handler[];
  expect(listeners).toHaveLength(1);
  return listeners[0]!;
}

beforeEach(() => {
  resetElectronFake();
  logger.setSink(() => {});
});

describe('WEB_PREFERENCES and CSP', () => {
  it('are exactly the locked-down values', () => {
    expect(WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      backgroundThrottling: false,
    });
    expect(Object.isFrozen(WEB_PREFERENCES)).toBe(true);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
  });
});

describe('createMainWindow', () => {
  it('uses the secure preferences plus the preload, and loads the built renderer', () => {
    const win = createMainWindow({ target, preloadPath: '/opt/nurse-station/out/preload/index.cjs' });
    const fw = win as unknown as FakeBrowserWindow;
    expect(raw(fw).options.webPreferences).toEqual({
      ...WEB_PREFERENCES,
      preload: '/opt/nurse-station/out/preload/index.cjs',
    });
    expect(raw(fw).options.show).toBe(false);
    expect(fw.loadFile).toHaveBeenCalledWith(target.indexPath);
    expect(fw.loadURL).not.toHaveBeenCalled();
    fw.emit('ready-to-show');
    expect(fw.show).toHaveBeenCalled();
  });

  it('loads the dev server URL in development', () => {
    const win = createMainWindow({
      target: { kind: 'dev', url: 'http://localhost:5173/' },
      preloadPath: '/p.cjs',
    });
    expect((win as unknown as FakeBrowserWindow).loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });
});

describe('hardenWebContents', () => {
  it('denies every new window and opens only safe https links externally', () => {
    const wc = new FakeWebContents();
    hardenWebContents(wc as never, target);
    const open = (url: string) => raw(wc).windowOpenHandler!({ url });

    expect(open('https://example.org/guide')).toEqual({ action: 'deny' });
    expect(fake().shell.openExternal).toHaveBeenCalledWith('https://example.org/guide');

    for (const url of [
      'http://example.org/',
      'https://user:secret@example.org/',
      'https://user@example.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://share/x',
      'not a url',
      appUrl,
    ]) {
      fake().shell.openExternal.mockClear();
      expect(open(url)).toEqual({ action: 'deny' });
      expect(fake().shell.openExternal).not.toHaveBeenCalled();
    }
  });

  it('prevents navigation and redirects away from the app page', () => {
    const wc = new FakeWebContents();
    hardenWebContents(wc as never, target);
    for (const event of ['will-navigate', 'will-redirect']) {
      const handler = handlerOf(wc, event);
      for (const url of [
        'https://example.org/',
        'file:///etc/passwd',
        'file:///opt/nurse-station/out/renderer/other.html',
      ]) {
        const e = fakeEvent();
        handler(e, url);
        expect(e.defaultPrevented, `${event} ${url}`).toBe(true);
      }
      const own = fakeEvent();
      handler(own, `${appUrl}#/alerts`);
      expect(own.defaultPrevented).toBe(false);
    }
    const attach = fakeEvent();
    handlerOf(wc, 'will-attach-webview')(attach);
    expect(attach.defaultPrevented).toBe(true);
  });

  it('allows only the dev server origin in development', () => {
    const wc = new FakeWebContents();
    hardenWebContents(wc as never, { kind: 'dev', url: 'http://localhost:5173/' });
    const nav = handlerOf(wc, 'will-navigate');
    const own = fakeEvent();
    nav(own, 'http://localhost:5173/index.html');
    expect(own.defaultPrevented).toBe(false);
    const other = fakeEvent();
    nav(other, 'http://localhost:5174/');
    expect(other.defaultPrevented).toBe(true);
  });

  it('is idempotent', () => {
    const wc = new FakeWebContents();
    hardenWebContents(wc as never, target);
    hardenWebContents(wc as never, target);
    expect(wc.listenerCount('will-navigate')).toBe(1);
  });
});

describe('openExternalIfSafe', () => {
  it('reports whether it handed the link on', () => {
    expect(openExternalIfSafe('https://example.org')).toBe(true);
    expect(openExternalIfSafe('ftp://example.org')).toBe(false);
  });
});

describe('installSessionPolicy', () => {
  function install(t: RendererTarget = target) {
    const ses = fake().session.defaultSession;
    installSessionPolicy(ses as never, t);
    return {
      headers: ses.webRequest.onHeadersReceived.mock.calls[0]![0] as Handler,
      request: ses.setPermissionRequestHandler.mock.calls[0]![0] as Handler,
      check: ses.setPermissionCheckHandler.mock.calls[0]![0] as (...a: unknown[]) => boolean,
    };
  }

  it('sets our CSP header, replacing any other', () => {
    const { headers } = install();
    const callback = vi.fn();
    headers(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('lets the dev server hot-reload socket through in development only', () => {
    const { headers } = install({ kind: 'dev', url: 'http://localhost:5173/' });
    const callback = vi.fn();
    headers({ responseHeaders: {} }, callback);
    const csp = callback.mock.calls[0]![0].responseHeaders['Content-Security-Policy'][0] as string;
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(csp).toContain("script-src 'self';");
  });

  it('denies every permission except notifications for the app page', () => {
    const { request, check } = install();
    const wc = new FakeWebContents();
    raw(wc).url = appUrl;
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
    ]) {
      const cb = vi.fn();
      request(wc, permission, cb, { requestingUrl: appUrl });
      expect(cb, permission).toHaveBeenCalledWith(false);
      expect(check(wc, permission, 'file:///', { requestingUrl: appUrl })).toBe(false);
    }
    const ok = vi.fn();
    request(wc, 'notifications', ok, { requestingUrl: appUrl });
    expect(ok).toHaveBeenCalledWith(true);
    expect(check(wc, 'notifications', 'file:///', { requestingUrl: appUrl })).toBe(true);

    const foreign = vi.fn();
    request(wc, 'notifications', foreign, { requestingUrl: 'https://evil.example/' });
    expect(foreign).toHaveBeenCalledWith(false);
    expect(check(null, 'notifications', 'https://evil.example', {})).toBe(false);
  });
});

describe('revealWindow', () => {
  it('restores, shows and focuses', () => {
    const fw = createMainWindow({ target, preloadPath: '/p.cjs' }) as unknown as FakeBrowserWindow;
    raw(fw).minimized = true;
    revealWindow(fw as never);
    expect(fw.restore).toHaveBeenCalled();
    expect(fw.show).toHaveBeenCalled();
    expect(fw.focus).toHaveBeenCalled();
    raw(fw).destroyed = true;
    fw.focus.mockClear();
    revealWindow(fw as never);
    revealWindow(null);
    expect(fw.focus).not.toHaveBeenCalled();
  });
});
