import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWardTime, MAX_MESSAGE_CHARS, parseReading, toDemoJson } from './parse-reading';
import type { ParseResult } from './parse-reading';
import { buildIdentifierRule } from '../domain/identifiers';
import { demoSamplePath } from '../../tests/support/demo-sample';
import { HOSTILE_IDS } from '../../tests/support/hostile-ids';

const BERLIN = { timeZone: 'Europe/Berlin' };
const UTC = { timeZone: 'UTC' };

const base = {
  patient_id: 'P001',
  device_id: 'D003',
  measure_time: '2026-11-20 08:00:00.130',
  heart_rate: 97,
  blood_oxygen: 96.56,
  blood_glucose: 5.09,
};

function ok(r: ParseResult) {
  if (!r.ok) throw new Error('expected ok, got: ' + r.reason);
  return r.reading;
}
function reason(r: ParseResult): string {
  if (r.ok) throw new Error('expected a rejection');
  return r.reason;
}
const timeOf = (measure_time: string, opts = BERLIN) =>
  ok(parseReading({ ...base, measure_time }, opts)).measureTime;

describe('parseReading: the demo message', () => {
  it('parses a demo line exactly', () => {
    const line =
      '{"patient_id": "P001", "device_id": "D003", "measure_time": "2026-11-20 08:00:00.130", "heart_rate": 97, "blood_oxygen": 96.56, "blood_glucose": 5.09}';
    expect(parseReading(line, BERLIN)).toEqual({
      ok: true,
      reading: {
        patientId: 'P001',
        deviceId: 'D003',
        measureTime: Date.parse('2026-11-20T07:00:00.130Z'),
        heartRate: 97,
        bloodOxygen: 96.56,
        bloodGlucose: 5.09,
      },
    });
  });

  it('accepts an already-parsed object and ignores extra fields', () => {
    const r = ok(parseReading({ ...base, firmware: '1.2', ward: { bed: 4 } }, BERLIN));
    expect(r.patientId).toBe('P001');
  });

  it('reads the whole demo sample file with zero rejects', () => {
    const lines = readFileSync(demoSamplePath(), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBe(5400);
    const rejects = lines.map((l) => parseReading(l, BERLIN)).filter((r) => !r.ok);
    expect(rejects).toEqual([]);
  });

  it('accepts 97.0 as the integer heart rate 97 and ids with every allowed character', () => {
    expect(ok(parseReading({ ...base, heart_rate: 97.0 }, UTC)).heartRate).toBe(97);
    expect(
      ok(parseReading({ ...base, patient_id: 'a-Z_0.9:x', device_id: 'x'.repeat(64) }, UTC)).deviceId,
    ).toHaveLength(64);
  });

  it('accepts the limits of every range', () => {
    for (const [k, v] of [
      ['heart_rate', 0],
      ['heart_rate', 350],
      ['blood_oxygen', 0],
      ['blood_oxygen', 100],
      ['blood_glucose', 0],
      ['blood_glucose', 60],
    ] as const) {
      expect(parseReading({ ...base, [k]: v }, UTC).ok, `${k}=${v}`).toBe(true);
    }
  });
});

describe('parseReading: measure_time and time zones', () => {
  it('reads ward-local time in the ward zone (winter +01:00, summer +02:00)', () => {
    expect(timeOf('2026-11-20 08:00:00.130')).toBe(Date.parse('2026-11-20T07:00:00.130Z'));
    expect(timeOf('2026-07-01 08:00:00')).toBe(Date.parse('2026-07-01T06:00:00Z'));
    expect(timeOf('2026-11-20 08:00:00', UTC)).toBe(Date.parse('2026-11-20T08:00:00Z'));
    expect(timeOf('2026-11-20 08:00:00', { timeZone: 'Asia/Kolkata' })).toBe(
      Date.parse('2026-11-20T02:30:00Z'),
    );
  });

  it('truncates 1–6 fraction digits to milliseconds', () => {
    expect(timeOf('2026-11-20 08:00:00.1', UTC)).toBe(Date.parse('2026-11-20T08:00:00.100Z'));
    expect(timeOf('2026-11-20 08:00:00.12', UTC)).toBe(Date.parse('2026-11-20T08:00:00.120Z'));
    expect(timeOf('2026-11-20 08:00:00.123999', UTC)).toBe(Date.parse('2026-11-20T08:00:00.123Z'));
    expect(reason(parseReading({ ...base, measure_time: '2026-11-20 08:00:00.1234567' }, UTC))).toMatch(
      /measure_time must look like/,
    );
  });

  it('rejects a local time skipped by the spring-forward change (Europe/Berlin, 29 Mar 2026)', () => {
    expect(timeOf('2026-03-29 01:59:59.999')).toBe(Date.parse('2026-03-29T00:59:59.999Z'));
    const r = parseReading({ ...base, measure_time: '2026-03-29 02:30:00' }, BERLIN);
    expect(reason(r)).toBe(
      'measure_time "2026-03-29 02:30:00" does not exist in Europe/Berlin (skipped by the daylight-saving change)',
    );
    expect(timeOf('2026-03-29 03:00:00')).toBe(Date.parse('2026-03-29T01:00:00Z'));
  });

  it('reads a repeated local time (fall back, 25 Oct 2026) as the later instant, like RisingWave', () => {
    expect(timeOf('2026-10-25 01:59:59')).toBe(Date.parse('2026-10-24T23:59:59Z'));
    expect(timeOf('2026-10-25 02:00:00')).toBe(Date.parse('2026-10-25T01:00:00Z'));
    expect(timeOf('2026-10-25 02:30:00')).toBe(Date.parse('2026-10-25T01:30:00Z'));
    expect(timeOf('2026-10-25 03:00:00')).toBe(Date.parse('2026-10-25T02:00:00Z'));
  });

  it('handles DST of other zones (New York, Lord Howe with its 30-min shift)', () => {
    const ny = { timeZone: 'America/New_York' };
    expect(reason(parseReading({ ...base, measure_time: '2026-03-08 02:30:00' }, ny))).toMatch(
      /does not exist/,
    );
    expect(timeOf('2026-11-01 01:30:00', ny)).toBe(Date.parse('2026-11-01T06:30:00Z'));
    const lh = { timeZone: 'Australia/Lord_Howe' };
    expect(reason(parseReading({ ...base, measure_time: '2026-10-04 02:15:00' }, lh))).toMatch(
      /does not exist/,
    );
    expect(timeOf('2026-10-04 02:30:00', lh)).toBe(Date.parse('2026-10-03T15:30:00Z'));
  });

  it('accepts ISO-8601 with Z or an offset, regardless of the ward zone', () => {
    const t = Date.parse('2026-11-20T07:00:00.130Z');
    expect(timeOf('2026-11-20T07:00:00.130Z')).toBe(t);
    expect(timeOf('2026-11-20T08:00:00.130+01:00', UTC)).toBe(t);
    expect(timeOf('2026-11-20T02:00:00.130-05:00')).toBe(t);
    expect(timeOf('2026-11-20T21:00:00.130+14:00')).toBe(t);
  });

  it('rejects ISO without offset, impossible offsets and impossible dates', () => {
    const bad = (measure_time: string) => reason(parseReading({ ...base, measure_time }, BERLIN));
    expect(bad('2026-11-20T07:00:00')).toMatch(/measure_time must look like/);
    expect(bad('2026-11-20T07:00:00+14:30')).toBe(
      'measure_time has an impossible UTC offset (got "2026-11-20T07:00:00+14:30")',
    );
    expect(bad('2026-02-29 08:00:00')).toBe(
      'measure_time is not a valid date and time (got "2026-02-29 08:00:00")',
    );
    expect(bad('2026-04-31 08:00:00')).toMatch(/not a valid date/);
    expect(bad('2026-13-01 08:00:00')).toMatch(/not a valid date/);
    expect(bad('2026-11-20 24:00:00')).toMatch(/not a valid date/);
    expect(bad('2026-11-20 23:60:00')).toMatch(/not a valid date/);
    expect(bad('2026-11-20 23:59:60')).toMatch(/not a valid date/);
    expect(bad('20.11.2026 08:00')).toMatch(/must look like/);
    expect(timeOf('2028-02-29 08:00:00', UTC)).toBe(Date.parse('2028-02-29T08:00:00Z'));
  });

  it('rejects times before 2000 and more than 1 day ahead of opts.now', () => {
    expect(reason(parseReading({ ...base, measure_time: '1999-12-31 23:59:59.999' }, UTC))).toBe(
      'measure_time is before the year 2000 (got "1999-12-31 23:59:59.999")',
    );
    expect(timeOf('2000-01-01 00:00:00', UTC)).toBe(Date.UTC(2000, 0, 1));
    const now = Date.parse('2026-11-20T08:00:00Z');
    expect(parseReading({ ...base, measure_time: '2026-11-21 08:00:00' }, { timeZone: 'UTC', now }).ok).toBe(
      true,
    );
    expect(
      reason(parseReading({ ...base, measure_time: '2026-11-21 08:00:00.001' }, { timeZone: 'UTC', now })),
    ).toBe('measure_time is more than 1 day in the future (got "2026-11-21 08:00:00.001")');
    // without opts.now (replaying old files) the future is not judged
    expect(parseReading({ ...base, measure_time: '2099-01-01 00:00:00' }, UTC).ok).toBe(true);
  });
});

describe('parseReading: rejections, each with a reason', () => {
  const cases: [string, unknown, string | RegExp][] = [
    ['malformed JSON', '{"patient_id": "P001",', 'malformed JSON: the message is not a valid JSON document'],
    ['empty string', '', /malformed JSON/],
    ['a JSON array', '[1,2]', 'message must be a JSON object (got array)'],
    ['a JSON number', '42', 'message must be a JSON object (got number)'],
    ['null', null, 'message must be a JSON object (got null)'],
    ['JSON null', 'null', 'message must be a JSON object (got null)'],
    ['missing patient_id', { ...base, patient_id: undefined }, 'patient_id is missing'],
    ['numeric patient_id', { ...base, patient_id: 1001 }, 'patient_id must be a string (got 1001)'],
    [
      'empty device_id',
      { ...base, device_id: '' },
      'device_id must be 1–64 letters, digits or _ . : - (got "")',
    ],
    ['device_id with a space', { ...base, device_id: 'D 1' }, /device_id must be 1–64 letters/],
    ['device_id too long', { ...base, device_id: 'x'.repeat(65) }, /device_id must be 1–64 letters/],
    ['missing measure_time', { ...base, measure_time: undefined }, 'measure_time is missing'],
    [
      'numeric measure_time',
      { ...base, measure_time: 1795680000000 },
      'measure_time must be a string (got 1795680000000)',
    ],
    [
      'heart rate too high',
      { ...base, heart_rate: 512 },
      'heart_rate must be an integer between 0 and 350 bpm (got 512)',
    ],
    ['negative heart rate', { ...base, heart_rate: -1 }, /heart_rate must be an integer between 0 and 350/],
    [
      'fractional heart rate',
      { ...base, heart_rate: 97.5 },
      /heart_rate must be an integer between 0 and 350 bpm \(got 97.5\)/,
    ],
    [
      'heart rate as a string',
      { ...base, heart_rate: '97' },
      'heart_rate must be a number, not a string (got "97")',
    ],
    ['heart rate null', { ...base, heart_rate: null }, 'heart_rate must be a number (got null)'],
    ['heart rate NaN', { ...base, heart_rate: NaN }, 'heart_rate must be a finite number (got NaN)'],
    [
      'SpO2 infinite',
      { ...base, blood_oxygen: Infinity },
      'blood_oxygen must be a finite number (got Infinity)',
    ],
    [
      'SpO2 above 100',
      { ...base, blood_oxygen: 100.01 },
      'blood_oxygen must be a number between 0 and 100 % (got 100.01)',
    ],
    [
      'glucose above 60',
      { ...base, blood_glucose: 61 },
      'blood_glucose must be a number between 0 and 60 mmol/L (got 61)',
    ],
    ['glucose boolean', { ...base, blood_glucose: true }, 'blood_glucose must be a number (got a boolean)'],
    ['missing glucose', { ...base, blood_glucose: undefined }, 'blood_glucose is missing'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const r = parseReading(input, UTC);
      if (expected instanceof RegExp) expect(reason(r)).toMatch(expected);
      else expect(reason(r)).toBe(expected);
    });
  }

  it('names the device and patient of a rejected message when they are readable', () => {
    const r = parseReading({ ...base, heart_rate: 999 }, UTC);
    expect(r).toMatchObject({ ok: false, deviceId: 'D003', patientId: 'P001' });
    expect(parseReading('{', UTC)).toMatchObject({ ok: false, deviceId: null, patientId: null });
    expect(parseReading({ ...base, device_id: 'bad id' }, UTC)).toMatchObject({
      deviceId: null,
      patientId: 'P001',
    });
  });

  it('refuses oversized messages before parsing them', () => {
    const huge = '{"pad": "' + 'x'.repeat(MAX_MESSAGE_CHARS) + '"}';
    expect(reason(parseReading(huge, UTC))).toMatch(
      /message is too large \(\d+ characters; the limit is 64 KiB\)/,
    );
  });

  it('reports an unknown ward time zone instead of throwing', () => {
    expect(reason(parseReading(base, { timeZone: 'Mars/Olympus' }))).toBe(
      'the ward time zone "Mars/Olympus" is unknown',
    );
  });

  it('survives hostile objects (throwing getters, proxies, null prototypes)', () => {
    const throwing = Object.defineProperty({ ...base }, 'heart_rate', {
      get() {
        throw new Error('boom');
      },
    });
    expect(reason(parseReading(throwing, UTC))).toBe('message could not be read');
    const proxy = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    expect(parseReading(proxy, UTC).ok).toBe(false);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, base);
    expect(parseReading(bare, UTC).ok).toBe(true);
    // inherited fields do not count
    expect(reason(parseReading(Object.create(base), UTC))).toBe('patient_id is missing');
  });
});

describe('parseReading: identifiers that could spoof a patient (issue #18)', () => {
  for (const [name, value] of HOSTILE_IDS) {
    it(`rejects a patient_id or device_id with ${name}, with a reason that shows it escaped`, () => {
      for (const key of ['patient_id', 'device_id'] as const) {
        const line = JSON.stringify({ ...base, [key]: value });
        for (const input of [line, { ...base, [key]: value }]) {
          const r = parseReading(input, UTC);
          expect(r.ok).toBe(false);
          if (r.ok) continue;
          expect(r.reason.startsWith(key + ' ')).toBe(true);
          // printable ASCII only (and the two typographic characters of the texts): never a raw bidi
          // or zero-width character, never a NUL
          expect(r.reason).toMatch(/^[\x20-\x7e–…]*$/);
          // the refused id is never named as the message's patient or device
          expect(key === 'patient_id' ? r.patientId : r.deviceId).toBeNull();
          expect(key === 'patient_id' ? r.deviceId : r.patientId).toBe(
            key === 'patient_id' ? 'D003' : 'P001',
          );
        }
      }
    });
  }

  it('says what is wrong with the RLO id and the HTML id', () => {
    expect(reason(parseReading({ ...base, patient_id: 'P\u202E1gnp.exe' }, UTC))).toBe(
      'patient_id contains a bidirectional control character U+202E (got "P\\u{202E}1gnp.exe")',
    );
    expect(reason(parseReading({ ...base, device_id: '<img src=x onerror=alert(1)>' }, UTC))).toBe(
      'device_id must be 1–64 letters, digits or _ . : - (got "<img src=x onerror=alert(1)>")',
    );
    // a NUL in JSON text, as a device would send it
    expect(reason(parseReading('{"patient_id": "P001\\u0000", "device_id": "D1"}', UTC))).toBe(
      'patient_id contains a control character U+0000 (got "P001\\u{0000}")',
    );
  });

  it("follows a hospital's identifier pattern, and still refuses bidi characters under it", () => {
    const identifiers = buildIdentifierRule('^(?:MRN[0-9]{6}|D[0-9]{3})$');
    const mrn = { ...base, patient_id: 'MRN123456', device_id: 'D003' };
    expect(ok(parseReading(mrn, { ...UTC, identifiers })).patientId).toBe('MRN123456');
    expect(reason(parseReading(base, { ...UTC, identifiers }))).toBe(
      'patient_id does not match the hospital\'s identifier pattern "^(?:MRN[0-9]{6}|D[0-9]{3})$" (got "P001")',
    );
    const permissive = buildIdentifierRule('.+');
    expect(
      ok(parseReading({ ...base, patient_id: 'Bett 4 / Zimmer 12' }, { ...UTC, identifiers: permissive }))
        .patientId,
    ).toBe('Bett 4 / Zimmer 12');
    for (const [, value] of HOSTILE_IDS.filter(([, , problem]) => problem !== 'pattern')) {
      expect(parseReading({ ...mrn, patient_id: value }, { ...UTC, identifiers: permissive }).ok).toBe(false);
    }
  });

  it('shows other refused strings escaped too (a measure_time with a bidi override)', () => {
    expect(reason(parseReading({ ...base, measure_time: '2026-11-20\u202E 08:00' }, UTC))).toMatch(
      /\(got "2026-11-20\\u\{202E\} 08:00"\)$/,
    );
  });
});

describe('parseReading: properties', () => {
  const check = (input: unknown) => {
    const r = parseReading(input, BERLIN);
    if (!r.ok) return typeof r.reason === 'string' && r.reason.length > 0;
    return typeof r.reading.patientId === 'string';
  };

  it('never throws on arbitrary values', () => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true }), check), {
      numRuns: 1000,
    });
  });

  it('never throws on arbitrary strings and JSON texts', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), check), { numRuns: 1000 });
    fc.assert(fc.property(fc.json(), check), { numRuns: 1000 });
  });

  it('never throws on demo-shaped objects with arbitrary field values', () => {
    const field = fc.oneof(fc.anything(), fc.double(), fc.integer(), fc.string(), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.record({
          patient_id: fc.oneof(field, fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/)),
          device_id: fc.oneof(field, fc.constant('D1')),
          measure_time: fc.oneof(
            field,
            fc
              .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
              .map((d) => formatWardTime(d.getTime(), 'Europe/Berlin')),
          ),
          heart_rate: field,
          blood_oxygen: field,
          blood_glucose: field,
        }),
        check,
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on huge strings', () => {
    for (const s of [
      'x'.repeat(10_000_000),
      '{'.repeat(MAX_MESSAGE_CHARS),
      '['.repeat(60_000) + ']'.repeat(60_000),
    ]) {
      expect(check(s)).toBe(true);
    }
  });
});

describe('formatWardTime and toDemoJson', () => {
  it('formats epoch ms as the demo does, in the ward zone', () => {
    expect(formatWardTime(Date.parse('2026-11-20T07:00:00.130Z'), 'Europe/Berlin')).toBe(
      '2026-11-20 08:00:00.130',
    );
    expect(formatWardTime(Date.parse('2026-07-01T06:00:00.005Z'), 'Europe/Berlin')).toBe(
      '2026-07-01 08:00:00.005',
    );
    expect(formatWardTime(Date.parse('2026-11-20T07:00:00Z'), 'UTC')).toBe('2026-11-20 07:00:00.000');
  });

  it('round-trips through parseReading, except the earlier pass of a repeated hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (t) => {
        const back = timeOf(formatWardTime(t, 'Europe/Berlin'));
        return back === t || back === t + 3_600_000;
      }),
      { numRuns: 2000 },
    );
    const earlier = Date.parse('2026-10-25T00:30:00Z'); // 02:30 CEST, the first pass
    expect(timeOf(formatWardTime(earlier, 'Europe/Berlin'))).toBe(earlier + 3_600_000);
  });

  it('emits exactly the demo message shape', () => {
    const reading = ok(parseReading(base, BERLIN));
    const json = toDemoJson(reading, 'Europe/Berlin');
    expect(json).toBe(
      '{"patient_id": "P001", "device_id": "D003", "measure_time": "2026-11-20 08:00:00.130", "heart_rate": 97, "blood_oxygen": 96.56, "blood_glucose": 5.09}',
    );
    expect(ok(parseReading(json, BERLIN))).toEqual(reading);
  });
});
