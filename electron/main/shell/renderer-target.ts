// Where the app's own renderer lives, and the one test of "is this URL ours?" used by navigation
// guards, the IPC sender check and the permission handler. Pure module (no electron import).
import { pathToFileURL } from 'node:url';

export type RendererTarget =
  /** production: the built renderer loaded with loadFile */
  | { kind: 'file'; indexPath: string }
  /** development: the Vite dev server started by `electron-vite dev` */
  | { kind: 'dev'; url: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server URL is honoured only in an unpackaged app and only on a loopback http(s) origin:
 * a packaged station must never load its UI (and so the preload API) from whatever an environment
 * variable points at.
 */
export function resolveRendererTarget(opts: {
  isPackaged: boolean;
  rendererIndexPath: string;
  devServerUrl: string | undefined;
}): RendererTarget {
  if (!opts.isPackaged && opts.devServerUrl) {
    const url = parseUrl(opts.devServerUrl);
    if (url && (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname)) {
      return { kind: 'dev', url: url.href };
    }
  }
  return { kind: 'file', indexPath: opts.rendererIndexPath };
}

/** True when `url` is the app's own page (any hash or query), false for anything else. */
export function isAppUrl(url: string | undefined | null, target: RendererTarget): boolean {
  if (!url) return false;
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (target.kind === 'dev') {
    return parsed.origin === new URL(target.url).origin;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  // Compared decoded: Chromium and Node may percent-encode the same path differently (spaces,
  // non-ASCII folder names), and a false "not ours" would lock the ward out of its own UI.
  const actual = decodePath(parsed.pathname);
  const expected = decodePath(pathToFileURL(target.indexPath).pathname);
  if (actual === null || expected === null) return false;
  // Windows paths are case-insensitive (drive letters in particular come back in either case).
  return process.platform === 'win32' ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
}

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** Links the app may hand to the OS browser: https only, and never with credentials in the URL. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    !!parsed &&
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.hostname !== ''
  );
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
