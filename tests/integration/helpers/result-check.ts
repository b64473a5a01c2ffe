// What every answer crossing to the renderer must look like: a Result with a known code and a short,
// human message — no stack trace, no SQL — that survives JSON (the web shell sends it as text).
import type { ErrorCode } from '../../../shared/ipc/contract';

const CODES: ReadonlySet<ErrorCode> = new Set([
  'bad_request',
  'unknown_channel',
  'not_found',
  'conflict',
  'unavailable',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'too_large',
  'internal',
]);

/** Why `r` is not a well-formed Result, or null. */
export function resultProblem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object';
  const res = r as Record<string, unknown>;
  if (res.ok === true) {
    if (!('value' in res)) return 'ok without value';
  } else if (res.ok === false) {
    const e = res.error as Record<string, unknown> | undefined;
    if (!e || typeof e !== 'object') return 'error missing';
    if (!CODES.has(e.code as ErrorCode)) return `unknown code ${String(e.code)}`;
    if (typeof e.message !== 'string' || e.message.trim() === '') return 'empty message';
    if (e.message.length > 500) return 'message too long';
    if (/\n\s+at |\.ts:\d+|node_modules/.test(e.message)) return 'stack trace in message';
    if (/\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b/i.test(e.message)) return 'SQL in message';
  } else return 'ok is not a boolean';
  try {
    JSON.stringify(r);
  } catch {
    return 'not serializable';
  }
  return null;
}
