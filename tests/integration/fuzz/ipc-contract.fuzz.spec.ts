// Fuzzing the IPC contract end to end: random channels and payloads (fc.anything and near-valid shapes)
// go through a real station's request handler (createStationHost in simulator mode → dispatch → core →
// SQLite), exactly what the preload and the web shell call. Every answer must be a well-formed Result,
// bad input must be refused as bad input (never 'internal'), and nothing may throw. The requests come
// from the charge nurse's window (so actions reach the core), the session channels from a window of
// their own (so a random sign-out or a wrong PIN does not end her session).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  connectionSettingsSchema,
  isChannel,
  requestSchemas,
  type Result,
} from '../../../shared/ipc/contract';
import { DEMO_CHARGE, DEMO_NURSE, signInRequest } from '../../support/nurses';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { startTestStation, type TestStation } from '../helpers/station-host';

/** The channels issue #18 added: each must be fuzzed, and reached with valid requests. */
const SIGN_IN_CHANNELS = [
  'session:sign-in',
  'session:activity',
  'roster:list',
  'roster:save',
  'audit:list',
  'settings:update-sign-in',
] as const;
/** where the session channels are sent from (not the charge nurse's window, 'test') */
const SESSION_PEER = 'fuzz-sessions';

const FIELD_NAMES = [
  'nurse',
  'nurseId',
  'pin',
  'name',
  'role',
  'active',
  'kind',
  'idleMinutes',
  'ackRetentionDays',
  'range',
  'level',
  'status',
  'patientSearch',
  'after',
  'limit',
  'alertId',
  'action',
  'note',
  'patientId',
  'from',
  'to',
  'limits',
  'enabled',
  'sound',
  'criticalRepeatMinutes',
  'coalesceMs',
  'heartRateMin',
  'heartRateMax',
  'bloodOxygenMin',
  'bloodGlucoseMin',
  'bloodGlucoseMax',
  'alertTime',
  'bedId',
  '__proto__',
  'constructor',
  'toString',
];

const oddValue = fc.oneof(
  fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withTypedArray: true,
  }),
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -0,
    1e308,
    2 ** 53,
    -1,
    0,
    1,
    500,
    501,
    5000,
    '',
    ' ',
    '1h',
    '7d',
    '30d',
    'pending',
    'confirm',
    'resolve',
    'P001',
    'N1001',
    'C1001',
    '0000', // PIN-shaped, and no demo member's
    'nurse',
    'charge',
    'thresholds',
    'access',
    "' OR 1=1 --",
    '%',
    '_',
    '\u0000',
    'x'.repeat(5000),
    [],
    {},
    null,
    true,
  ),
  fc.integer({ min: -1e6, max: 1e13 }),
  fc.string({ maxLength: 100 }),
);

/** Objects with the contract's own field names, so validation is exercised beyond "wrong type". */
const shaped = fc.dictionary(fc.constantFrom(...FIELD_NAMES), oddValue, { maxKeys: 6 });

const channel = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<unknown>(...CHANNELS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'ALERTS:LIST',
      'alerts:list ',
      'alerts:*',
      'x'.repeat(10_000),
    ),
  },
);
const payload = fc.oneof(
  { weight: 3, arbitrary: shaped as fc.Arbitrary<unknown> },
  {
    weight: 3,
    arbitrary: fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(undefined, null, {}, [], '', 0, 'alerts', { limit: 10, range: '1h' }),
  },
);

// Requests that pass validation (or nearly: one field replaced by an odd value), to reach the handlers.
const id = fc.oneof(fc.constantFrom('P001', 'P012', 'P999'), fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/));
const range = fc.constantFrom('1h', '6h', '12h', '24h', '7d');
const epoch = fc.integer({ min: 0, max: 8_640_000_000_000 });
/** roster identifiers: the demo roster's, or any the contract accepts */
const nurseIdArb = fc.oneof(
  fc.constantFrom(DEMO_NURSE.nurseId, DEMO_CHARGE.nurseId, 'N1002', 'X9'),
  fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
);
/** PINs the contract accepts; never a demo PIN, so a random sign-in is refused (and soon rate-limited) */
const pinArb = fc
  .string({ minLength: 4, maxLength: 128 })
  .filter((p) => !/\p{Cc}/u.test(p) && !['1234', '2345', '9876'].includes(p));
const limitsArb = fc.record({
  heartRateMin: fc.double({ min: -10, max: 400 }),
  heartRateMax: fc.double({ min: -10, max: 400 }),
  bloodOxygenMin: fc.double({ min: -10, max: 110 }),
  bloodGlucoseMin: fc.double({ min: -1, max: 70 }),
  bloodGlucoseMax: fc.double({ min: -1, max: 70 }),
});
const validish: fc.Arbitrary<[string, Record<string, unknown>]> = fc
  .oneof(
    fc
      .record({
        range,
        level: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
        status: fc.option(fc.constantFrom('pending', 'confirmed', 'resolved'), { nil: undefined }),
        patientSearch: fc.option(fc.string({ maxLength: 64 }), { nil: undefined }),
        limit: fc.integer({ min: 1, max: 500 }),
      })
      .map((r) => ['alerts:list', r] as [string, Record<string, unknown>]),
    fc.record({ alertId: id }).map((r) => ['alerts:get', r] as [string, Record<string, unknown>]),
    fc
      .record({
        alertId: id,
        action: fc.constantFrom('confirm', 'resolve'),
        note: fc.string({ maxLength: 1000 }),
      })
      .map((r) => ['alerts:acknowledge', r] as [string, Record<string, unknown>]),
    fc
      .tuple(id, epoch, fc.integer({ min: -10, max: 7 * 24 * 3_600_000 + 10 }))
      .map(
        ([patientId, from, d]) =>
          ['patients:trend', { patientId, from, to: from + d }] as [string, Record<string, unknown>],
      ),
    fc
      .record({ patientId: id, range })
      .map((r) => ['patients:alerts', r] as [string, Record<string, unknown>]),
    fc.record({ patientId: id }).map((r) => ['thresholds:get', r] as [string, Record<string, unknown>]),
    fc
      .record({ patientId: id, limits: limitsArb })
      .map((r) => ['thresholds:update', r] as [string, Record<string, unknown>]),
    fc
      .record(
        {
          patientId: fc.string({ maxLength: 64 }),
          nurse: fc.string({ maxLength: 80 }),
          action: fc.constantFrom('confirm', 'resolve'),
          from: epoch,
          to: epoch,
          limit: fc.integer({ min: 1, max: 5000 }),
        },
        { requiredKeys: ['limit'] },
      )
      .map((r) => ['review:list', r] as [string, Record<string, unknown>]),
    fc
      .record({ from: epoch, to: epoch })
      .map((r) => ['review:export-csv', r] as [string, Record<string, unknown>]),
    fc.record({ range }).map((r) => ['stats:burden', r] as [string, Record<string, unknown>]),
    fc.record({ range }).map((r) => ['alerts:stats', r] as [string, Record<string, unknown>]),
    // a simulator station: refused as unavailable (no configurable beds), never internal
    fc
      .record({ bedId: id, patientId: fc.option(id, { nil: null }) })
      .map((r) => ['ward:assign-bed', r] as [string, Record<string, unknown>]),
    // issue #18: sign-in, roster, audit and the idle time
    fc
      .record({ nurseId: nurseIdArb, pin: pinArb })
      .map((r) => ['session:sign-in', r] as [string, Record<string, unknown>]),
    fc.constant(['session:activity', {}] as [string, Record<string, unknown>]),
    fc.constant(['roster:list', {}] as [string, Record<string, unknown>]),
    fc
      .record(
        {
          nurseId: nurseIdArb,
          name: fc.string({ minLength: 1, maxLength: 80 }),
          role: fc.constantFrom('nurse', 'charge'),
          active: fc.boolean(),
          // mostly without a PIN: each PIN given is ≈0.15 s of scrypt
          pin: fc.option(pinArb, { nil: undefined, freq: 10 }),
        },
        { requiredKeys: ['nurseId', 'name', 'role', 'active'] },
      )
      .map((r) => ['roster:save', r] as [string, Record<string, unknown>]),
    fc
      .record(
        {
          kind: fc.constantFrom('acknowledgement', 'thresholds', 'settings', 'access'),
          nurseId: fc.string({ maxLength: 64 }),
          from: epoch,
          to: epoch,
          limit: fc.integer({ min: 1, max: 5000 }),
        },
        { requiredKeys: ['limit'] },
      )
      .map((r) => ['audit:list', r] as [string, Record<string, unknown>]),
    // at least 5 minutes: the charge nurse's own session must not run out while the fuzz runs
    fc
      .record({ idleMinutes: fc.integer({ min: 5, max: 240 }) })
      .map((r) => ['settings:update-sign-in', r] as [string, Record<string, unknown>]),
  )
  .chain(([ch, req]) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([ch, req] as [string, Record<string, unknown>]) },
      {
        weight: 1,
        // one field replaced by an odd value; a request without fields (session:activity,
        // roster:list) gets one of the contract's field names added instead
        arbitrary: fc
          .tuple(
            Object.keys(req).length > 0
              ? fc.constantFrom(...Object.keys(req))
              : fc.constantFrom(...FIELD_NAMES),
            oddValue,
          )
          .map(([k, v]) => [ch, { ...req, [k]: v }] as [string, Record<string, unknown>]),
      },
    ),
  );

const request = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(channel, payload) as fc.Arbitrary<[unknown, unknown]> },
  { weight: 1, arbitrary: validish as fc.Arbitrary<[unknown, unknown]> },
);

let station: TestStation;

beforeAll(async () => {
  station = await startTestStation({ beds: 12, speed: 1 });
  // The charge nurse, signed in, so acknowledgement, threshold, roster, audit and settings requests
  // reach the core instead of stopping at "sign in first".
  await station.signIn(DEMO_CHARGE);
}, 60_000);

afterAll(async () => {
  await station?.close();
});

describe('Fuzz: IPC contract through a real station (createStationHost → dispatch → core → SQLite)', () => {
  it('answers every random request with a well-formed Result, and bad input never as internal', async () => {
    const codes = new Map<string, number>();
    /** per new channel: requests, and those that passed validation */
    const newChannels = new Map<string, { sent: number; valid: number; ok: number }>(
      SIGN_IN_CHANNELS.map((c) => [c, { sent: 0, valid: 0, ok: 0 }]),
    );
    let runs = 0;
    let validRequests = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(request, async ([ch, req]) => {
        // Never point the station at random servers: a (vanishingly unlikely) valid connection change is skipped.
        fc.pre(!(ch === 'settings:update-connection' && connectionSettingsSchema.safeParse(req).success));
        runs++;
        const valid = isChannel(ch) && requestSchemas[ch].safeParse(req ?? {}).success;
        if (valid) validRequests++;
        let r: Result<unknown>;
        try {
          r =
            typeof ch === 'string' && ch.startsWith('session:')
              ? await station.host.handle(ch, req, { shell: 'web', peer: SESSION_PEER })
              : await station.call(ch, req);
        } catch (err) {
          throw new Error(`handle() threw: ${(err as Error).message}`);
        }
        const problem = resultProblem(r);
        if (problem) throw new Error(`malformed result (${problem}): ${JSON.stringify(r).slice(0, 300)}`);
        const key = r.ok ? 'ok' : r.error.code;
        codes.set(key, (codes.get(key) ?? 0) + 1);
        const tally = typeof ch === 'string' ? newChannels.get(ch) : undefined;
        if (tally) {
          tally.sent++;
          if (valid) tally.valid++;
          if (r.ok) tally.ok++;
        }
        // a random PIN never signs anyone in
        if (ch === 'session:sign-in' && r.ok)
          throw new Error(`random sign-in accepted: ${JSON.stringify(req)}`);
        if (!r.ok && r.error.code === 'internal')
          throw new Error(`internal error for ${String(ch)}: ${r.error.message}`);
        if (!valid && r.ok) throw new Error(`invalid request accepted on ${String(ch)}`);
        if (!valid && !r.ok && r.error.code !== 'bad_request' && r.error.code !== 'unknown_channel') {
          throw new Error(`invalid request answered ${r.error.code}`);
        }
      }),
      { numRuns: 20_000, seed: Number(process.env.NS_FUZZ_SEED ?? 7) },
    );
    expect(runs).toBeGreaterThanOrEqual(19_000);
    for (const [ch, t] of newChannels) {
      expect(t.sent, `${ch} fuzzed`).toBeGreaterThan(50);
      expect(t.valid, `${ch} reached with valid requests`).toBeGreaterThan(5);
    }
    // the charge nurse's reads and the idle time worked for her (roster:save may refuse: new member, no PIN)
    for (const ch of ['roster:list', 'audit:list', 'settings:update-sign-in', 'session:activity'])
      expect(newChannels.get(ch)!.ok, `${ch} answered ok`).toBeGreaterThan(0);
    // The station still works afterwards: her session held, she adds a member (the fuzz may have
    // locked out or changed the demo nurses), who signs in from a new window.
    const info = await station.call<{ nurse: { nurseId: string } | null }>('station:info', {});
    expect(info.ok && info.value.nurse?.nurseId).toBe(DEMO_CHARGE.nurseId);
    const member = { nurseId: 'AFTER-FUZZ.1', pin: 'after-fuzz-pin' };
    const saved = await station.call('roster:save', {
      ...member,
      name: 'After Fuzz',
      role: 'nurse',
      active: true,
    });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    const fresh = await station.host.handle('session:sign-in', signInRequest(member), {
      shell: 'web',
      peer: 'after-fuzz',
    });
    expect(fresh).toMatchObject({ ok: true, value: { nurse: { nurseId: member.nurseId, role: 'nurse' } } });
    report('fuzz IPC contract', {
      requests: runs,
      passedValidation: validRequests,
      outcomes: Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])),
      signInChannels: Object.fromEntries(newChannels),
      seconds: +((performance.now() - started) / 1000).toFixed(1),
    });
  }, 120_000);
});
