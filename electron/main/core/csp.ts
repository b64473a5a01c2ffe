// The renderer's Content Security Policy: one policy, one source. The renderer build writes it into
// index.html as a <meta> tag (renderer/index.html must carry none of its own: the build fails if it
// does), the Electron shell sends it as a response header (not applied to file:// pages, hence the
// meta), and the web shell sends the same header. Pure module: electron.vite.config.ts uses it too.

export const CSP_DIRECTIVES: readonly string[] = Object.freeze([
  "default-src 'self'",
  "script-src 'self'",
  // 'unsafe-inline' for styles only: ECharts positions its tooltip and canvas with inline style
  // attributes and Vue binds :style at runtime; neither works under a hash/nonce policy. Scripts
  // stay strictly 'self', which is what blocks injected code.
  "style-src 'self' 'unsafe-inline'",
  // data: for ECharts' "save as image" and small inline icons.
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
]);

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');

/**
 * The policy for a <meta http-equiv> tag: frame-ancestors is ignored (with a console warning) when
 * delivered that way, so it is left out there; the header still carries it.
 */
export const CONTENT_SECURITY_POLICY_META = CSP_DIRECTIVES.filter(
  (d) => !d.startsWith('frame-ancestors'),
).join('; ');

/**
 * In development the renderer comes from the Vite dev server, whose hot reload talks over a
 * WebSocket to the same host: allow exactly that origin, nothing wider.
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const dev = new URL(devServerUrl);
  const ws = `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`;
  return CSP_DIRECTIVES.map((d) => (d.startsWith('connect-src') ? `${d} ${ws}` : d)).join('; ');
}
