import type { ErrorCode, IpcError } from '../../../shared/ipc/contract';

/** An error whose message is written for the nurse: safe to cross to the renderer as is. */
export class StationError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StationError';
  }
}

/** Adapters throw errors with a `code` of their own; these map to what the UI can act on. */
const ADAPTER_CODES: Record<string, ErrorCode> = {
  unavailable: 'unavailable',
  auth: 'unavailable',
  schema: 'unavailable',
  // refusals an adapter words for the nurse (WardBedsError: no ward set, another ward's bed)
  not_found: 'not_found',
  conflict: 'conflict',
};

/**
 * Turns anything thrown into a result error. Only StationErrors and adapter errors that declare
 * themselves user-facing keep their message; everything else becomes a generic one, so no SQL,
 * stack trace or credential ever reaches the renderer.
 */
export function toIpcError(err: unknown): IpcError {
  if (err instanceof StationError) return { code: err.code, message: err.message };
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    // Adapter errors with these codes carry messages written for people (no SQL, no secrets).
    const mapped = ADAPTER_CODES[err.code];
    if (mapped) return { code: mapped, message: err.message };
  }
  return { code: 'internal', message: 'The station could not complete this request. It has been logged.' };
}
