// Turns mysql2 / MySQL server errors into AlertStoreErrors whose messages say what is wrong and what to
// do, without SQL, parameters or credentials. The driver's code goes to `detail`, for logs only.
import { AlertStoreError } from '../alert-store-shared';

export interface MysqlErrorContext {
  host: string;
  port: number;
  user: string;
  database: string;
  /** statement timeout in ms, for the "no answer" message */
  timeoutMs?: number;
}

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  errors?: unknown;
  fatal?: unknown;
}

function driverCode(err: unknown): { code: string; errno: number | null } {
  const e = (err ?? {}) as DriverError;
  let code = typeof e.code === 'string' ? e.code : '';
  // Node reports a refused dual-stack connect (localhost → ::1 and 127.0.0.1) as an AggregateError.
  if (!code && Array.isArray(e.errors)) {
    const inner = e.errors.find((x) => typeof (x as DriverError)?.code === 'string') as
      DriverError | undefined;
    if (inner) code = inner.code as string;
  }
  if (!code && typeof e.message === 'string') {
    if (e.message.startsWith('Pool is closed')) code = 'POOL_CLOSED';
    else if (e.message.startsWith('Queue limit reached')) code = 'POOL_QUEUE_FULL';
  }
  return { code, errno: typeof e.errno === 'number' ? e.errno : null };
}

/** true when the connection that raised `err` must not go back to the pool */
export function isFatalMysqlError(err: unknown): boolean {
  const e = (err ?? {}) as DriverError;
  return e.fatal === true || driverCode(err).code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/** deadlock or lock-wait timeout: the transaction was rolled back and may simply be run again */
export function isRetryableMysqlError(err: unknown): boolean {
  const { code, errno } = driverCode(err);
  return errno === 1213 || errno === 1205 || code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

export function mapMysqlError(err: unknown, ctx: MysqlErrorContext): AlertStoreError {
  if (err instanceof AlertStoreError) return err;
  const { code, errno } = driverCode(err);
  const detail = code
    ? errno !== null
      ? `${code} (${errno})`
      : code
    : err instanceof Error
      ? err.name
      : null;
  const at = `${ctx.host}:${ctx.port}`;
  const unreachable = (why: string): AlertStoreError =>
    new AlertStoreError('unavailable', `Alert store unreachable at ${at} (${why})`, detail);
  const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

  switch (code) {
    case 'ECONNREFUSED':
      return unreachable('connection refused');
    case 'ETIMEDOUT':
      return unreachable('no answer within 3 s');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return unreachable('host not found');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return unreachable('network unreachable');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ER_SERVER_SHUTDOWN':
    case 'ER_CONNECTION_KILLED':
      return unreachable('connection lost');
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return unreachable(`no answer within ${seconds(ctx.timeoutMs ?? 10_000)}`);
    case 'ER_CON_COUNT_ERROR':
    case 'ER_TOO_MANY_USER_CONNECTIONS':
      return new AlertStoreError('unavailable', `The alert store at ${at} has no free connections`, detail);
    case 'POOL_QUEUE_FULL':
      return new AlertStoreError(
        'unavailable',
        `The alert store at ${at} is not keeping up; try again`,
        detail,
      );
    case 'POOL_CLOSED':
      return new AlertStoreError('unavailable', 'The alert store connection is closed', detail);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new AlertStoreError(
        'auth',
        `Alert store refused the user "${ctx.user}" — check the password`,
        detail,
      );
    case 'ER_DBACCESS_DENIED_ERROR':
      return new AlertStoreError(
        'auth',
        `The user "${ctx.user}" may not use database "${ctx.database}" — check its grants`,
        detail,
      );
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
      return new AlertStoreError(
        'auth',
        `The user "${ctx.user}" lacks a privilege on the alert tables — check its grants`,
        detail,
      );
    case 'ER_HOST_NOT_PRIVILEGED':
    case 'ER_HOST_IS_BLOCKED':
      return new AlertStoreError(
        'auth',
        `The alert store at ${at} does not accept the user "${ctx.user}" from this computer`,
        detail,
      );
    case 'ER_BAD_DB_ERROR':
      return new AlertStoreError(
        'schema',
        `Database "${ctx.database}" does not exist — run npm run backend:setup`,
        detail,
      );
    case 'ER_NO_SUCH_TABLE':
    case 'ER_BAD_FIELD_ERROR':
    case 'ER_WRONG_VALUE_COUNT_ON_ROW':
      return new AlertStoreError(
        'schema',
        `The alert tables in database "${ctx.database}" are missing or out of date — run npm run backend:setup`,
        detail,
      );
    case 'ER_LOCK_DEADLOCK':
    case 'ER_LOCK_WAIT_TIMEOUT':
      return new AlertStoreError('unavailable', 'The alert store is busy; try again', detail);
    case 'ER_OPTION_PREVENTS_STATEMENT':
    case 'ER_READ_ONLY_MODE':
      return new AlertStoreError('unavailable', `The alert store at ${at} is read-only`, detail);
    case 'ER_SIGNAL_EXCEPTION':
      return new AlertStoreError(
        'internal',
        'The alert store refused the change (the audit is append-only)',
        detail,
      );
    default:
      return new AlertStoreError('internal', `The alert store failed${code ? ` (${code})` : ''}`, detail);
  }
}
