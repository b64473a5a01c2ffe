// The one window factory, and the guards every web contents of the app gets: locked-down
// webPreferences, a strict CSP, no new windows, no navigation away from the app, no permissions
// except notifications. Electron's security checklist, applied in one place so a test can pin it.
import { BrowserWindow, shell } from 'electron';
import type { Session, WebContents, WebPreferences } from 'electron';
import { logger } from '../core/logger';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from '../core/csp';
import { isAppUrl, isSafeExternalUrl } from './renderer-target';
import type { RendererTarget } from './renderer-target';

export { CONTENT_SECURITY_POLICY } from '../core/csp';

/** Every renderer of the app runs with exactly these (plus the preload path). */
export const WEB_PREFERENCES = Object.freeze({
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
  // middle-click would open links in new windows; those are denied anyway, this removes the path
  disableBlinkFeatures: 'Auxclick',
  // Hidden in the tray or minimised, Chromium would throttle the renderer's timers to once a minute
  // or less: the repeating alarm sound and the reminders run on them.
  backgroundThrottling: false,
} satisfies WebPreferences);

/** The only permission a renderer may get: HTML notifications (the UI shares code with the web shell). */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

export interface MainWindowOptions {
  target: RendererTarget;
  /** absolute path of the built preload (out/preload/index.cjs) */
  preloadPath: string;
  iconPath?: string;
}

const hardened = new WeakSet<WebContents>();

/**
 * Locks down one web contents: window.open and target=_blank are denied (safe https links go to
 * the OS browser instead), navigation and redirects away from the app are cancelled, and
 * <webview> can never attach. Idempotent, so it can run from `web-contents-created` as well.
 */
export function hardenWebContents(contents: WebContents, target: RendererTarget): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);

  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfSafe(url);
    return { action: 'deny' };
  });
  const guardNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url, target)) return;
    event.preventDefault();
    logger.warn(`shell: blocked navigation to ${describeUrl(url)}`);
  };
  contents.on('will-navigate', (event, url) => guardNavigation(event, url));
  contents.on('will-redirect', (event, url) => guardNavigation(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Hands a link to the OS browser only when it is plain https without credentials. */
export function openExternalIfSafe(url: string): boolean {
  if (!isSafeExternalUrl(url)) {
    logger.warn(`shell: refused to open ${describeUrl(url)} externally`);
    return false;
  }
  shell.openExternal(url).catch((err: unknown) => {
    logger.warn(
      `shell: could not open an external link: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  return true;
}

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  target: RendererTarget,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, target);
}

/** CSP header on every response, and the permission policy, for the app's session. */
export function installSessionPolicy(ses: Session, target: RendererTarget): void {
  const csp = target.kind === 'dev' ? devContentSecurityPolicy(target.url) : CONTENT_SECURITY_POLICY;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // ours replaces any policy a response brings (e.g. the dev server's)
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [csp];
    callback({ responseHeaders });
  });
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details.requestingUrl || contents.getURL(), target);
    if (!allowed) logger.warn(`shell: denied permission request '${permission}'`);
    callback(allowed);
  });
  ses.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl || contents?.getURL(), target),
  );
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Nurse Station',
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#f5f7fa',
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    // Spelled out (equal to WEB_PREFERENCES, which a test enforces) so that reviewers and static
    // checkers such as electronegativity see every value right at the window.
    webPreferences: {
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
      preload: opts.preloadPath,
    },
  });
  hardenWebContents(win.webContents, opts.target);
  win.once('ready-to-show', () => win.show());

  // Crashes, hangs and crash loops: see display-watchdog.ts (wired by app.ts).
  loadRenderer(win, opts.target);
  return win;
}

export function loadRenderer(win: BrowserWindow, target: RendererTarget): void {
  const loading = target.kind === 'dev' ? win.loadURL(target.url) : win.loadFile(target.indexPath);
  loading.catch((err: unknown) => {
    logger.error(`shell: could not load the UI: ${err instanceof Error ? err.message : String(err)}`);
  });
}

/** Brings the window back from the tray, the taskbar or behind other windows. */
export function revealWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}

/** For logs: scheme and host only, never paths or query strings that may carry data. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? 'a local file' : `${u.protocol}//${u.host}`;
  } catch {
    return 'an invalid URL';
  }
}
