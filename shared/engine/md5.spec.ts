import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Hex } from './md5';

const nodeMd5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe('md5Hex', () => {
  it('matches the RFC 1321 test suite', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('a')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(md5Hex('abcdefghijklmnopqrstuvwxyz')).toBe('c3fcd3d76192e4007dfb496cca67e13b');
    expect(md5Hex('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')).toBe(
      'd174ab98d277d9f5a5611c2c9f419d9f',
    );
    expect(md5Hex('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('matches PostgreSQL md5() of an alert key (computed with psql)', () => {
    expect(md5Hex('P001|heart_rate|1795680000')).toBe('ab929617a698d17a12465aa95fde43d7');
  });

  it('handles every padding length around the 56/64-byte block edges', () => {
    for (let n = 0; n <= 200; n++) {
      const s = 'x'.repeat(n);
      expect(md5Hex(s), `length ${n}`).toBe(nodeMd5(s));
    }
  });

  it('hashes UTF-8 like node:crypto (multi-byte, astral, lone surrogates)', () => {
    for (const s of ['é', 'Grüße', '患者', '😀', 'a😀b', '\u{10ffff}', '\ud800', 'x\udc00y', '\ud83d']) {
      expect(md5Hex(s), JSON.stringify(s)).toBe(nodeMd5(s));
    }
  });

  it('agrees with node:crypto on arbitrary strings, short and long', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => md5Hex(s) === nodeMd5(s)),
      { numRuns: 500 },
    );
    const long = 'P001|blood_glucose|'.repeat(10_000);
    expect(md5Hex(long)).toBe(nodeMd5(long));
  });
});
