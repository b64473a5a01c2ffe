// PINs (or badge numbers) are kept only as slow salted hashes: scrypt from Node's own crypto, with
// one of OWASP's listed scrypt settings (N=2^14, r=8, p=5: 16 MiB, ≈0.15 s here). A 4-digit PIN
// cannot resist an offline search of a stolen roster whatever the hash; what protects it is the
// online rate limit (core/session-gate.ts) and access to the roster table. The hash stops a PIN
// from being read, reused elsewhere or logged.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const PREFIX = 'scrypt';
const DEFAULT = { logN: 14, r: 8, p: 5 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// A tampered or corrupt roster row must not make one sign-in cost seconds or gigabytes.
const MAX = { logN: 17, r: 16, p: 16 } as const;

export interface PinHashParams {
  logN: number;
  r: number;
  p: number;
}

function derive(pin: string, salt: Buffer, params: PinHashParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  return new Promise((resolve, reject) =>
    scrypt(
      pin.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** `scrypt:14:8:5:<salt>:<key>` (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPin(pin: string, params: PinHashParams = DEFAULT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, params);
  return [
    PREFIX,
    params.logN,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join(':');
}

function parse(encoded: string): { params: PinHashParams; salt: Buffer; key: Buffer } | null {
  const parts = encoded.split(':');
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [logN, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,2}$/.test(x ?? '') ? Number(x) : NaN));
  if (logN === undefined || r === undefined || p === undefined) return null;
  if (!(logN >= 10 && logN <= MAX.logN && r >= 1 && r <= MAX.r && p >= 1 && p <= MAX.p)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length !== KEY_BYTES) return null;
  return { params: { logN, r, p }, salt, key };
}

/** Whether `encoded` is a hash this module can check (a roster row with anything else is unusable). */
export function isPinHash(encoded: string): boolean {
  return parse(encoded) !== null;
}

/**
 * Whether `pin` matches. An unusable hash is a mismatch, after the same work as a real check: the
 * time a refusal takes does not tell an unknown identifier from a wrong PIN.
 */
export async function verifyPin(pin: string, encoded: string | null): Promise<boolean> {
  const parsed = encoded === null ? null : parse(encoded);
  const { params, salt, key } = parsed ?? { params: DEFAULT, salt: DUMMY_SALT, key: DUMMY_KEY };
  const got = await derive(pin, salt, params);
  return parsed !== null && timingSafeEqual(got, key);
}

const DUMMY_SALT = Buffer.alloc(SALT_BYTES, 7);
const DUMMY_KEY = Buffer.alloc(KEY_BYTES, 0);
