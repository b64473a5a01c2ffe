// Validates every request against the shared contract before any handler sees it, and turns
// every outcome into a Result. Used by both shells, so they cannot drift apart.
import { isChannel, requestSchemas, type Channel, type Result } from '../../../shared/ipc/contract';
import { displaySafe } from '../../../shared/domain/identifiers';
import type { Call } from './station-core';
import { toIpcError } from './station-error';

/** Every channel a host serves; a table without one (a core alone, in tests) answers it as unknown. */
export type HandlerTable = { [C in Channel]?: (req: never, call: Call) => Promise<unknown> };

/** A request nobody is signed in for: reads work, actions answer `unauthorized`. */
export const ANONYMOUS: Call = { peer: 'local', actor: null };

/**
 * Request keys and channel names are the caller's: shown escaped (no bidi override, NUL or newline
 * reaches a screen or a log through an error message) and bounded (a 20,000-character key is not
 * echoed back).
 */
function escapeControls(text: string): string {
  return text.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`,
  );
}

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: unknown };

function describeIssue(i: Issue): string {
  const path = i.path.map((p) => bounded(escapeControls(String(p)), 40)).join('.');
  let message = i.message;
  if (i.code === 'unrecognized_keys' && Array.isArray(i.keys)) {
    const keys = i.keys as unknown[];
    const shown = keys.slice(0, 3).map((k) => displaySafe(String(k), 40));
    const more = keys.length > 3 ? ` and ${keys.length - 3} more` : '';
    message = `unexpected field${keys.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`;
  }
  return bounded(escapeControls(path ? `${path}: ${message}` : message), 200);
}

function describeIssues(issues: readonly Issue[]): string {
  return bounded(issues.slice(0, 3).map(describeIssue).join('; '), 500);
}

export async function dispatch(
  handlers: HandlerTable,
  channel: unknown,
  request: unknown,
  log?: (message: string) => void,
  call: Call = ANONYMOUS,
): Promise<Result<unknown>> {
  const handler = isChannel(channel) ? handlers[channel] : undefined;
  if (!isChannel(channel) || !handler) {
    return {
      ok: false,
      error: { code: 'unknown_channel', message: `Unknown request ${displaySafe(String(channel), 40)}.` },
    };
  }
  const parsed = requestSchemas[channel].safeParse(request ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad_request', message: describeIssues(parsed.error.issues) } };
  }
  try {
    return {
      ok: true,
      value: await (handler as (req: unknown, call: Call) => Promise<unknown>)(parsed.data, call),
    };
  } catch (err) {
    const error = toIpcError(err);
    if (error.code === 'internal')
      log?.(`${channel} failed: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, error };
  }
}
