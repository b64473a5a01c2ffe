// Validates every request against the shared contract before any handler sees it, and turns
// every outcome into a Result. Used by both shells, so they cannot drift apart.
import { isChannel, requestSchemas, type Channel, type Result } from '../../../shared/ipc/contract';
import { toIpcError } from './station-error';

export type HandlerTable = { [C in Channel]: (req: never) => Promise<unknown> };

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export async function dispatch(
  handlers: HandlerTable,
  channel: unknown,
  request: unknown,
  log?: (message: string) => void,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: { code: 'unknown_channel', message: `Unknown request "${String(channel).slice(0, 40)}".` },
    };
  }
  const parsed = requestSchemas[channel].safeParse(request ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad_request', message: describeIssues(parsed.error.issues) } };
  }
  try {
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    const error = toIpcError(err);
    if (error.code === 'internal')
      log?.(`${channel} failed: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, error };
  }
}
