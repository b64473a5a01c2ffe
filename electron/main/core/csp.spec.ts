import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META, devContentSecurityPolicy } from './csp';

describe('CSP', () => {
  it('has no script relaxation anywhere', () => {
    for (const policy of [
      CONTENT_SECURITY_POLICY,
      CONTENT_SECURITY_POLICY_META,
      devContentSecurityPolicy('http://localhost:5173'),
    ]) {
      const script = policy.split('; ').find((d) => d.startsWith('script-src'));
      expect(script).toBe("script-src 'self'");
      expect(policy).not.toContain('unsafe-eval');
    }
  });
  it('meta variant omits frame-ancestors only', () => {
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors');
    expect(CONTENT_SECURITY_POLICY_META.split('; ')).toHaveLength(
      CONTENT_SECURITY_POLICY.split('; ').length - 1,
    );
  });
  it('dev variant adds the dev server socket to connect-src', () => {
    expect(devContentSecurityPolicy('http://localhost:5173/')).toContain(
      "connect-src 'self' ws://localhost:5173;",
    );
    expect(devContentSecurityPolicy('https://localhost:5173/')).toContain('wss://localhost:5173');
  });
});

describe('one policy, one source', () => {
  it('the web shell sends exactly the renderer policy; the page carries none of its own', async () => {
    const { WEB_SHELL_CSP } = await import('../web-shell/web-shell');
    expect(WEB_SHELL_CSP).toBe(CONTENT_SECURITY_POLICY);
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/Content-Security-Policy/i);
  });
});
