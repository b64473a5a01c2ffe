// Big-volume fuzzing of the device-message parser (the gate every Kafka message, JSONL line and simulated
// reading passes): well over 100,000 generated messages — near-valid readings with one or more fields
// broken, malformed and truncated JSON, huge strings, wrong types, NaN/Infinity, far-future and far-past
// times, hostile objects (throwing getters, proxies), unknown time zones. Nothing may throw, every
// rejection must say why, and everything accepted must be a valid reading.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  MAX_FUTURE_MS,
  MAX_MESSAGE_CHARS,
  MIN_MEASURE_TIME,
  parseReading,
  type ParseOptions,
  type ParseResult,
} from '../../../shared/engine/parse-reading';
import { report } from '../helpers/station-fixtures';

const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const NOW = Date.UTC(2026, 10, 20, 8);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** Any 'YYYY-MM-DD HH:MM:SS[.f]' (or ISO with offset) built from loose parts: valid, invalid, far away. */
const timeText = fc
  .record({
    y: fc.oneof(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 61 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
    iso: fc.constantFrom('', 'Z', '+01:00', '-05:30', '+14:00', '+15:00', '-00:61', 'T'),
  })
  .map(({ y, mo, d, h, mi, s, frac, iso }) => {
    const date = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
    const time = `${pad(h)}:${pad(mi)}:${pad(s)}${frac !== undefined ? `.${frac}` : ''}`;
    return iso === '' ? `${date} ${time}` : `${date}T${time}${iso === 'T' ? '' : iso}`;
  });

/** measure_time values near the edges that matter: now, +1 day, year 2000, DST gaps and folds. */
const edgeTime = fc.oneof(
  fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }).map((dt) => new Date(NOW + dt).toISOString()),
  fc.constantFrom(
    '1999-12-31T23:59:59.999Z',
    '2000-01-01T00:00:00.000Z',
    '2026-03-29 02:30:00', // Europe/Berlin spring-forward gap
    '2026-10-25 02:30:00', // Europe/Berlin fall-back fold
    '2024-02-29 12:00:00',
    '2025-02-29 12:00:00',
    '9999-12-31 23:59:59.999',
    '0000-01-01 00:00:00',
    '2026-11-20 08:00:00.1234567',
    '2026-11-20 08:00',
    '',
    ' 2026-11-20 08:00:00',
  ),
);

/** A plausible reading time in the demo's format: the last two days, ward-local text. */
const recentTime = fc
  .integer({ min: -2 * 86_400_000, max: 0 })
  .map((dt) => new Date(NOW + dt).toISOString().replace('T', ' ').replace('Z', ''));

const weirdNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1, max: 400, noNaN: true }),
);

/** Hostile objects are built inside the property (fast-check itself would trip over a throwing proxy). */
class Hostile {
  constructor(readonly kind: number) {}
}
const HOSTILE_KINDS = 7;
function materialize(v: unknown): unknown {
  if (!(v instanceof Hostile)) return v;
  switch (v.kind) {
    case 0:
      return Object.defineProperty({}, 'patient_id', {
        enumerable: true,
        get() {
          throw new Error('getter bomb');
        },
      });
    case 1: {
      const boom = () => {
        throw new Error('proxy trap');
      };
      return new Proxy(
        {},
        { get: boom, getOwnPropertyDescriptor: boom, has: boom, ownKeys: boom, getPrototypeOf: boom },
      );
    }
    case 2:
      return Object.create(null) as object;
    case 3:
      return Object.create({ patient_id: 'P001', device_id: 'D001' }) as object; // inherited, not own
    case 4:
      return new Proxy([], {}); // an array behind a proxy
    case 5:
      return Object.assign(Object.create(null) as object, {
        patient_id: 'P001',
        device_id: 'D001',
        measure_time: '2026-11-20 08:00:00',
        heart_rate: 80,
        blood_oxygen: 97,
        blood_glucose: 5,
      });
    default:
      return {
        toJSON: () => 'x',
        valueOf: () => 42,
        toString: () => 'P001',
        patient_id: { toString: () => 'P001' },
      };
  }
}
const hostile = fc.nat(HOSTILE_KINDS - 1).map((k) => new Hostile(k));

/** Any value for a field: the right kind, the wrong kind, or something odd. */
const fieldValue = (good: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 30, arbitrary: good },
    { weight: 1, arbitrary: weirdNumber },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(null, undefined, true, [], {}, '97', ' 97', '1e2', 'NaN'),
    },
  );

const goodId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
const nearValid = fc.record(
  {
    patient_id: fieldValue(fc.oneof(fc.constantFrom('P001', 'P042'), goodId)),
    device_id: fieldValue(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('D001', 'D009') },
        { weight: 6, arbitrary: goodId },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{65,70}$/) }, // one character too many, or more
      ),
    ),
    measure_time: fieldValue(
      fc.oneof(
        { weight: 3, arbitrary: recentTime },
        { weight: 1, arbitrary: timeText },
        { weight: 1, arbitrary: edgeTime },
      ),
    ),
    heart_rate: fieldValue(fc.integer({ min: -5, max: 360 })),
    blood_oxygen: fieldValue(fc.double({ min: -1, max: 101, noNaN: true })),
    blood_glucose: fieldValue(fc.double({ min: -1, max: 61, noNaN: true })),
    extra: fc.anything({ maxDepth: 1 }),
  },
  {
    requiredKeys: ['patient_id', 'device_id', 'measure_time', 'heart_rate', 'blood_oxygen', 'blood_glucose'],
  },
);

/** JSON text, sometimes damaged: truncated, a byte flipped, a trailing comma, NaN literal. */
const jsonText = nearValid.chain((o) => {
  let text: string;
  try {
    text = JSON.stringify(o) ?? 'null';
  } catch {
    text = '{}';
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(text) },
    { weight: 1, arbitrary: fc.nat(text.length).map((n) => text.slice(0, n)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(Math.max(0, text.length - 1)), fc.string({ minLength: 1, maxLength: 3 }))
        .map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    },
    { weight: 1, arbitrary: fc.constant(text.replace(/}$/, ',}')) },
    { weight: 1, arbitrary: fc.constant(text.replace(/"heart_rate":[^,}]*/, '"heart_rate":NaN')) },
  );
});

/** Very large messages around the 64 KiB limit (the limit counts UTF-16 units). */
const huge = fc
  .record({
    size: fc.constantFrom(MAX_MESSAGE_CHARS - 200, MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS + 1, 1_000_000),
    where: fc.constantFrom('patient_id', 'pad', 'raw'),
    char: fc.constantFrom('x', 'é', '💉', '\u0000', '"'),
  })
  .map(({ size, where, char }) => {
    const fill = char.repeat(Math.ceil(size / char.length)).slice(0, size);
    if (where === 'raw') return fill;
    const body = {
      patient_id: 'P001',
      device_id: 'D001',
      measure_time: '2026-11-20 08:00:00',
      heart_rate: 80,
      blood_oxygen: 97,
      blood_glucose: 5,
    };
    return JSON.stringify(where === 'pad' ? { ...body, pad: fill } : { ...body, patient_id: fill });
  });

const message = fc.oneof(
  { weight: 6, arbitrary: nearValid as fc.Arbitrary<unknown> },
  { weight: 6, arbitrary: jsonText as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: fc.string({ maxLength: 200, unit: 'grapheme' }) as fc.Arbitrary<unknown> },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) as fc.Arbitrary<unknown> },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
  },
  { weight: 1, arbitrary: hostile },
);
/** About 1 message in 100 is huge (building millions of them would only measure the generator). */
const anyMessage = fc.oneof(
  { weight: 99, arbitrary: message },
  { weight: 1, arbitrary: huge as fc.Arbitrary<unknown> },
);

const options: fc.Arbitrary<ParseOptions> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom<ParseOptions>(
      { timeZone: 'Europe/Berlin', now: NOW },
      { timeZone: 'UTC', now: NOW },
      { timeZone: 'UTC' },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<ParseOptions>(
      { timeZone: 'Mars/Olympus_Mons', now: NOW },
      { timeZone: '', now: NOW },
      { timeZone: 'America/St_Johns' },
    ),
  },
);

/** The invariants of one parse. Returns the rejection category (first words of the reason) for the tally. */
function check(input: unknown, opts: ParseOptions, result: ParseResult): string {
  if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean')
    throw new Error('not a ParseResult');
  if (result.ok) {
    const r = result.reading;
    if (!ID_RE.test(r.patientId) || !ID_RE.test(r.deviceId)) throw new Error(`bad ids ${JSON.stringify(r)}`);
    for (const [k, v] of [
      ['heartRate', r.heartRate],
      ['bloodOxygen', r.bloodOxygen],
      ['bloodGlucose', r.bloodGlucose],
    ] as const) {
      const lim = LIMITS[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < lim.min || v > lim.max)
        throw new Error(`bad ${k} ${v}`);
    }
    if (!Number.isInteger(r.heartRate)) throw new Error('heart rate not an integer');
    if (!Number.isFinite(r.measureTime) || r.measureTime < MIN_MEASURE_TIME)
      throw new Error('time before 2000');
    if (opts.now !== undefined && r.measureTime > opts.now + MAX_FUTURE_MS)
      throw new Error('time too far ahead');
    if (typeof input === 'string' && input.length > MAX_MESSAGE_CHARS)
      throw new Error('oversized message accepted');
    return 'accepted';
  }
  if (typeof result.reason !== 'string' || result.reason.trim() === '')
    throw new Error('rejection without a reason');
  if (result.reason.length > 300)
    throw new Error(`reason too long (${result.reason.length}): it echoes the input`);
  for (const id of [result.deviceId, result.patientId]) {
    if (id !== null && !ID_RE.test(id))
      throw new Error(`rejection carries an invalid id ${JSON.stringify(id)}`);
  }
  return result.reason
    .replace(/\(got .*$/, '')
    .replace(/\d+/g, 'N')
    .split(' ')
    .slice(0, 5)
    .join(' ');
}

describe('Fuzz: device-message parser (≥ 100,000 generated messages)', () => {
  it('never throws, always explains a rejection, and accepts only valid readings', () => {
    const tally = new Map<string, number>();
    let runs = 0;
    const started = performance.now();
    fc.assert(
      fc.property(anyMessage, options, (generated, opts) => {
        runs++;
        const input = materialize(generated);
        let result: ParseResult;
        try {
          result = parseReading(input, opts);
        } catch (err) {
          throw new Error(`parseReading threw: ${(err as Error)?.message}`);
        }
        const key = check(input, opts, result);
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }),
      { numRuns: 105_000, seed: Number(process.env.NS_FUZZ_SEED ?? 20261120) },
    );
    const ms = performance.now() - started;
    expect(runs).toBeGreaterThanOrEqual(100_000);
    const accepted = tally.get('accepted') ?? 0;
    expect(accepted).toBeGreaterThan(3_000); // the generator reaches the accepting path too
    const top = [...tally].filter(([k]) => k !== 'accepted').sort((a, b) => b[1] - a[1]);
    report('fuzz parse-reading', {
      messages: runs,
      accepted,
      rejected: runs - accepted,
      distinctReasonKinds: top.length,
      tooLarge: top.filter(([k]) => k.startsWith('message is too large')).reduce((n, [, c]) => n + c, 0),
      hostileObjects: tally.get('message could not be read') ?? 0,
      topReasons: top.slice(0, 12).map(([k, n]) => `${n}× ${k}`),
      seconds: +(ms / 1000).toFixed(1),
    });
  }, 60_000);
});
