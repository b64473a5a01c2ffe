// Turns a `pg` driver error into a sentence a nurse or an administrator can act on. Shared by the
// RisingWave adapter (health messages) and the backend setup command. The result never contains
// SQL text, passwords or stack traces: only host, port, user and database names.

export interface PgTarget {
  /** 'RisingWave' or 'PostgreSQL': who the message talks about */
  system: string;
  host: string;
  port: number;
  user?: string | undefined;
  database?: string | undefined;
}

export type PgErrorKind =
  | 'unreachable'
  | 'host_not_found'
  | 'timeout'
  | 'auth'
  | 'no_database'
  | 'missing_relation'
  | 'privilege'
  | 'other';

export interface PgErrorDescription {
  kind: PgErrorKind;
  message: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The first `code` found on the error or, for Node's AggregateError (happy eyeballs), on its parts. */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.length > 0) return code;
  const parts = (err as { errors?: unknown }).errors;
  if (Array.isArray(parts)) {
    for (const part of parts) {
      const c = errorCode(part);
      if (c) return c;
    }
  }
  return undefined;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : '';
}

export function classifyPgError(err: unknown): PgErrorKind {
  const code = errorCode(err);
  const text = errorText(err);
  if (code && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host_not_found';
  if (code === 'ETIMEDOUT') return 'timeout';
  // SQLSTATEs: 28P01 invalid_password, 28000 invalid_authorization_specification
  if (code === '28P01' || code === '28000') return 'auth';
  if (code === '3D000') return 'no_database';
  if (code === '42P01') return 'missing_relation';
  if (code === '42501') return 'privilege';
  // 57P01..57P03: the server is shutting down or starting up: as good as unreachable for now
  if (code === '57P01' || code === '57P02' || code === '57P03') return 'unreachable';
  // RisingWave often answers with XX000 and a plain message, so fall back to the text.
  if (/timeout|timed out/i.test(text)) return 'timeout';
  if (/connection terminated|terminating connection|server closed the connection|not queryable/i.test(text))
    return 'unreachable';
  if (
    /password authentication failed|invalid password|password is required|authentication failed/i.test(text)
  )
    return 'auth';
  if (/database .*(does not exist|not found)/i.test(text)) return 'no_database';
  if (/(relation|table|materialized view|view|source) .*(does not exist|not found)/i.test(text))
    return 'missing_relation';
  if (/permission denied|not allowed|insufficient privilege/i.test(text)) return 'privilege';
  return 'other';
}

export function describePgError(err: unknown, target: PgTarget): PgErrorDescription {
  const kind = classifyPgError(err);
  const at = `${target.host}:${target.port}`;
  const who = target.user ? `user "${target.user}"` : 'the configured user';
  const db = target.database ? `"${target.database}"` : 'the configured database';
  switch (kind) {
    case 'unreachable':
      return { kind, message: `${target.system} unreachable at ${at}` };
    case 'host_not_found':
      return { kind, message: `${target.system} host "${target.host}" not found (DNS)` };
    case 'timeout':
      return { kind, message: `${target.system} at ${at} is not answering (timed out)` };
    case 'auth':
      return { kind, message: `${target.system} at ${at} rejected ${who} (wrong user name or password?)` };
    case 'no_database':
      return { kind, message: `Database ${db} does not exist on ${target.system} at ${at}` };
    case 'missing_relation':
      return {
        kind,
        message: `${target.system} at ${at} lacks the Nurse Station tables/views (run npm run backend:setup)`,
      };
    case 'privilege':
      return {
        kind,
        message: `${who} lacks the privileges Nurse Station needs on ${target.system} at ${at}`,
      };
    default:
      return { kind, message: `${target.system} at ${at} failed a request` };
  }
}
