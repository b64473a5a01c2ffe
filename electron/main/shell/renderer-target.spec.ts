import { describe, expect, it } from 'vitest';
import { isAppUrl, isSafeExternalUrl, resolveRendererTarget } from './renderer-target';

describe('resolveRendererTarget', () => {
  const base = { rendererIndexPath: '/app/out/renderer/index.html' };
  it('uses the built file when packaged, whatever the environment says', () => {
    expect(
      resolveRendererTarget({ ...base, isPackaged: true, devServerUrl: 'http://localhost:5173' }),
    ).toEqual({
      kind: 'file',
      indexPath: '/app/out/renderer/index.html',
    });
  });
  it('uses a loopback dev server in development only', () => {
    expect(
      resolveRendererTarget({ ...base, isPackaged: false, devServerUrl: 'http://localhost:5173' }),
    ).toEqual({
      kind: 'dev',
      url: 'http://localhost:5173/',
    });
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'not a url', undefined]) {
      expect(resolveRendererTarget({ ...base, isPackaged: false, devServerUrl: url }).kind).toBe('file');
    }
  });
});

describe('isAppUrl', () => {
  const target = { kind: 'file', indexPath: '/app/out/renderer/index.html' } as const;
  it('accepts the renderer page with any hash or query', () => {
    expect(isAppUrl('file:///app/out/renderer/index.html', target)).toBe(true);
    expect(isAppUrl('file:///app/out/renderer/index.html#/alerts?x=1', target)).toBe(true);
  });
  it('rejects anything else', () => {
    for (const url of [
      'file:///app/out/renderer/other.html',
      'file:///etc/passwd',
      'file://server/app/out/renderer/index.html',
      'https://app/out/renderer/index.html',
      '',
      null,
      undefined,
      '::::',
    ]) {
      expect(isAppUrl(url, target), String(url)).toBe(false);
    }
  });
  it('handles paths that need escaping', () => {
    const spaced = { kind: 'file', indexPath: '/Program Files/Nurse Station/index.html' } as const;
    expect(isAppUrl('file:///Program%20Files/Nurse%20Station/index.html', spaced)).toBe(true);
    const unicode = { kind: 'file', indexPath: '/home/Müller/Nurse Station (ward 3)/index.html' } as const;
    expect(isAppUrl('file:///home/M%C3%BCller/Nurse%20Station%20(ward%203)/index.html', unicode)).toBe(true);
    expect(isAppUrl('file:///home/M%C3%BCller/Nurse%20Station%20%28ward%203%29/index.html', unicode)).toBe(
      true,
    );
    expect(isAppUrl('file:///home/M%C3%BCller/Nurse%20Station%20(ward%204)/index.html', unicode)).toBe(false);
    expect(isAppUrl('file:///home/%E0%A4%A/index.html', unicode)).toBe(false);
  });
  it('compares origins for the dev server', () => {
    const dev = { kind: 'dev', url: 'http://localhost:5173/' } as const;
    expect(isAppUrl('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows https without credentials only', () => {
    expect(isSafeExternalUrl('https://www.who.int/')).toBe(true);
    expect(isSafeExternalUrl('http://www.who.int/')).toBe(false);
    expect(isSafeExternalUrl('https://a:b@www.who.int/')).toBe(false);
    expect(isSafeExternalUrl('mailto:it@hospital.example')).toBe(false);
    expect(isSafeExternalUrl('file:///c:/windows/system32/calc.exe')).toBe(false);
  });
});
