import { describe, expect, it } from 'vitest';
import { hashPin, isPinHash, verifyPin } from './pin-hash';

describe('PIN hashes', () => {
  it('verifies the PIN it hashed and refuses any other', async () => {
    const h = await hashPin('1234');
    expect(h).toMatch(/^scrypt:14:8:5:[\w-]+:[\w-]+$/);
    expect(h).not.toContain('1234');
    expect(await verifyPin('1234', h)).toBe(true);
    expect(await verifyPin('1235', h)).toBe(false);
    expect(await verifyPin('12345', h)).toBe(false);
  });

  it('salts every hash: the same PIN hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashPin('2468'), hashPin('2468')]);
    expect(a).not.toBe(b);
    expect(await verifyPin('2468', a)).toBe(true);
    expect(await verifyPin('2468', b)).toBe(true);
  });

  it('treats composed and decomposed forms of one PIN alike (a badge reader and a keyboard may differ)', async () => {
    const h = await hashPin('Ä1b2');
    expect(await verifyPin('A\u03081b2', h)).toBe(true);
  });

  it('refuses, after the same work, a missing or unusable hash', async () => {
    expect(await verifyPin('1234', null)).toBe(false);
    expect(await verifyPin('1234', 'plain:1234')).toBe(false);
    expect(isPinHash('plain:1234')).toBe(false);
    // parameters that would cost seconds or gigabytes are refused, not run
    const h = await hashPin('1234');
    const costly = h.replace('scrypt:14:', 'scrypt:30:');
    expect(isPinHash(costly)).toBe(false);
    expect(await verifyPin('1234', costly)).toBe(false);
  });
});
