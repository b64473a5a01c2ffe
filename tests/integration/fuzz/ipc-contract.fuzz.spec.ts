// Fuzzing the IPC contract end to end: random channels and payloads (fc.anything and near-valid shapes)
// go through a real station's request handler (createStationHost in simulator mode → dispatch → core →
// SQLite), exactly what the preload and the web shell call. Every answer must be a well-formed Result,
// bad input must be refused as bad input (never 'internal'), and nothing may throw.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  connectionSettingsSchema,
  isChannel,
  requestSchemas,
  type Result,
} from '../../../shared/ipc/contract';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { startTestStation, type TestStation } from '../helpers/station-host';

const FIELD_NAMES = [
  'nurse',
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
  )
  .chain(([ch, req]) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([ch, req] as [string, Record<string, unknown>]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...Object.keys(req)), oddValue)
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
  // A signed-in nurse, so acknowledgement and threshold requests reach the core instead of stopping
  // at "sign in first".
  expect((await station.call('session:sign-in', { nurse: 'Fuzz Nurse' })).ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await station?.close();
});

describe('Fuzz: IPC contract through a real station (createStationHost → dispatch → core → SQLite)', () => {
  it('answers every random request with a well-formed Result, and bad input never as internal', async () => {
    const codes = new Map<string, number>();
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
          r = await station.call(ch, req);
        } catch (err) {
          throw new Error(`handle() threw: ${(err as Error).message}`);
        }
        const problem = resultProblem(r);
        if (problem) throw new Error(`malformed result (${problem}): ${JSON.stringify(r).slice(0, 300)}`);
        const key = r.ok ? 'ok' : r.error.code;
        codes.set(key, (codes.get(key) ?? 0) + 1);
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
    // The station still works afterwards.
    const info = await station.call('station:info', {});
    expect(info.ok).toBe(true);
    report('fuzz IPC contract', {
      requests: runs,
      passedValidation: validRequests,
      outcomes: Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])),
      seconds: +((performance.now() - started) / 1000).toFixed(1),
    });
  }, 120_000);
});
