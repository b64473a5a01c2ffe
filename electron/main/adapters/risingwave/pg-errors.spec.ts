import { describe, expect, it } from 'vitest';
import { classifyPgError, describePgError } from './pg-errors';

const target = { system: 'RisingWave', host: 'rw.local', port: 4566, user: 'root', database: 'dev' };
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('describePgError', () => {
  it.each([
    [
      withCode('connect ECONNREFUSED 10.0.0.1:4566', 'ECONNREFUSED'),
      'unreachable',
      'RisingWave unreachable at rw.local:4566',
    ],
    [
      withCode('getaddrinfo ENOTFOUND rw.local', 'ENOTFOUND'),
      'host_not_found',
      'RisingWave host "rw.local" not found (DNS)',
    ],
    [
      new Error('Connection terminated due to connection timeout'),
      'timeout',
      'RisingWave at rw.local:4566 is not answering (timed out)',
    ],
    [
      new Error('Connection terminated unexpectedly'),
      'unreachable',
      'RisingWave unreachable at rw.local:4566',
    ],
    [
      withCode('password authentication failed for user "root"', '28P01'),
      'auth',
      'RisingWave at rw.local:4566 rejected user "root" (wrong user name or password?)',
    ],
    [
      withCode('database "dev" does not exist', '3D000'),
      'no_database',
      'Database "dev" does not exist on RisingWave at rw.local:4566',
    ],
    [
      withCode('relation "alerts" does not exist', '42P01'),
      'missing_relation',
      'RisingWave at rw.local:4566 lacks the Nurse Station tables/views (run npm run backend:setup)',
    ],
    [withCode('Catalog error: table or source not found: alerts', 'XX000'), 'missing_relation', undefined],
    [
      withCode('permission denied for table alerts', '42501'),
      'privilege',
      'user "root" lacks the privileges Nurse Station needs on RisingWave at rw.local:4566',
    ],
    [
      withCode('something odd with password=hunter2 in it', 'XX000'),
      'other',
      'RisingWave at rw.local:4566 failed a request',
    ],
  ])('%s → %s', (err, kind, message) => {
    expect(classifyPgError(err)).toBe(kind);
    if (message) expect(describePgError(err, target).message).toBe(message);
  });

  it('finds the code inside an AggregateError (IPv4 and IPv6 both refused)', () => {
    const agg = new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')], '');
    expect(classifyPgError(agg)).toBe('unreachable');
  });
});
