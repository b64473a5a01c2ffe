// Turns one device message (a Kafka message value, a JSONL line, or an already-parsed object) into a
// validated Reading, or a rejection with a reason a nurse or technician can act on. Never throws.
//
// Accepted: the demo's JSON exactly —
//   {"patient_id": "P001", "device_id": "D003", "measure_time": "2026-11-20 08:00:00.130",
//    "heart_rate": 97, "blood_oxygen": 96.56, "blood_glucose": 5.09}
// - ids: strings of 1–64 letters, digits, _ . : - (or the hospital's pattern: shared/domain/identifiers.ts,
//   which refuses control, bidi and invisible characters and more than 64 characters whatever the pattern)
// - measure_time: `YYYY-MM-DD HH:MM:SS[.f…]` in the ward's time zone, or ISO-8601 with an offset
//   (`2026-11-20T07:00:00.130Z`, `…+01:00`); 1–6 fraction digits, truncated to milliseconds.
// - vitals: JSON numbers. Numeric strings ("97") are REFUSED: a device that sends them is misconfigured,
//   and guessing would hide it. heart_rate must be an integer (97.0 is the integer 97).
// - extra fields are ignored.
// SQL twin: the source `vital_signs` and view `vital_readings` in backend-setup/risingwave.sql apply the
// same checks; a message either engine rejects produces no reading, no alert and no trend point.
import { DEFAULT_IDENTIFIER_RULE, displaySafe, type IdentifierRule } from '../domain/identifiers';
import type { Reading } from '../domain/types';
import { formatWardTime, isValidTimeZone, utcFromFields, wardLocalToEpoch } from './time-zone';

export { formatWardTime } from './time-zone';

export type ParseResult =
  | { ok: true; reading: Reading }
  | { ok: false; reason: string; deviceId: string | null; patientId: string | null };

export interface ParseOptions {
  /** The ward's IANA time zone ('Europe/Berlin', 'UTC'): how to read measure_time without an offset. */
  timeZone: string;
  /** When given, readings more than 1 day after this instant (epoch ms) are rejected. */
  now?: number;
  /** which patient_id and device_id are accepted; default the station's conservative alphabet */
  identifiers?: IdentifierRule;
}

/** Messages longer than this (in UTF-16 units) are rejected before JSON.parse. */
export const MAX_MESSAGE_CHARS = 64 * 1024;
export const MIN_MEASURE_TIME = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_MS = 86_400_000;

export const LIMITS = {
  heartRate: { min: 0, max: 350 },
  bloodOxygen: { min: 0, max: 100 },
  bloodGlucose: { min: 0, max: 60 },
} as const;

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|([+-])(\d{2}):(\d{2}))$/;

class Reject {
  constructor(readonly reason: string) {}
}

/** A short, safe rendering of a bad value for a reason text. */
function show(v: unknown): string {
  try {
    // escaped: a reason is shown to the nurse, and a raw U+202E in it would reorder the text around it
    if (typeof v === 'string') return displaySafe(v);
    if (typeof v === 'number') return String(v);
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    return 'a ' + typeof v;
  } catch {
    return 'an unreadable value';
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function readId(o: Record<string, unknown>, key: 'patient_id' | 'device_id', rule: IdentifierRule): string {
  const v = own(o, key);
  const reason = rule.check(key, v);
  if (reason !== null) throw new Reject(reason);
  return v as string;
}

function readNumber(
  o: Record<string, unknown>,
  key: string,
  unit: string,
  min: number,
  max: number,
  int: boolean,
): number {
  const v = own(o, key);
  if (v === undefined) throw new Reject(key + ' is missing');
  if (typeof v === 'string') throw new Reject(key + ' must be a number, not a string (got ' + show(v) + ')');
  if (typeof v !== 'number') throw new Reject(key + ' must be a number (got ' + show(v) + ')');
  if (!Number.isFinite(v)) throw new Reject(key + ' must be a finite number (got ' + String(v) + ')');
  if ((int && !Number.isInteger(v)) || v < min || v > max) {
    throw new Reject(
      key +
        ' must be ' +
        (int ? 'an integer' : 'a number') +
        ' between ' +
        min +
        ' and ' +
        max +
        unit +
        ' (got ' +
        String(v) +
        ')',
    );
  }
  // -0 would print as "0" but compare oddly in maps; normalize it.
  return v === 0 ? 0 : v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(y: number, mo: number): number {
  if (mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[mo - 1] ?? 0;
}

function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + '00').slice(0, 3));
}

function readMeasureTime(o: Record<string, unknown>, opts: ParseOptions): number {
  const v = own(o, 'measure_time');
  if (v === undefined) throw new Reject('measure_time is missing');
  if (typeof v !== 'string') throw new Reject('measure_time must be a string (got ' + show(v) + ')');
  const local = LOCAL_RE.exec(v);
  const iso = local ? null : ISO_RE.exec(v);
  const m = local ?? iso;
  if (!m) {
    throw new Reject(
      'measure_time must look like "YYYY-MM-DD HH:MM:SS.fff" (ward time) or ISO-8601 with an offset (got ' +
        show(v) +
        ')',
    );
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new Reject('measure_time is not a valid date and time (got ' + show(v) + ')');
  }
  const fieldsAsUtc = utcFromFields(y, mo, d, h, mi, s, fractionMs(m[7]));
  let t: number;
  if (local) {
    const r = wardLocalToEpoch(fieldsAsUtc, opts.timeZone);
    if (r.kind === 'gap') {
      throw new Reject(
        'measure_time ' +
          show(v) +
          ' does not exist in ' +
          opts.timeZone +
          ' (skipped by the daylight-saving change)',
      );
    }
    t = r.epochMs;
  } else {
    let offsetMs = 0;
    if (m[8] !== 'Z') {
      const oh = Number(m[10]);
      const om = Number(m[11]);
      if (oh > 14 || om > 59 || (oh === 14 && om > 0)) {
        throw new Reject('measure_time has an impossible UTC offset (got ' + show(v) + ')');
      }
      offsetMs = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    }
    t = fieldsAsUtc - offsetMs;
  }
  if (t < MIN_MEASURE_TIME) throw new Reject('measure_time is before the year 2000 (got ' + show(v) + ')');
  if (opts.now !== undefined && t > opts.now + MAX_FUTURE_MS) {
    throw new Reject('measure_time is more than 1 day in the future (got ' + show(v) + ')');
  }
  return t;
}

function idOrNull(o: Record<string, unknown>, key: string, rule: IdentifierRule): string | null {
  try {
    const v = own(o, key);
    return rule.accepts(v) ? v : null;
  } catch {
    return null;
  }
}

/** Parses and validates one message. Never throws. */
export function parseReading(input: string | unknown, opts: ParseOptions): ParseResult {
  let obj: unknown = input;
  const rule = opts.identifiers ?? DEFAULT_IDENTIFIER_RULE;
  try {
    if (typeof input === 'string') {
      if (input.length > MAX_MESSAGE_CHARS) {
        return fail(
          'message is too large (' + input.length + ' characters; the limit is 64 KiB)',
          null,
          rule,
        );
      }
      try {
        obj = JSON.parse(input);
      } catch {
        return fail('malformed JSON: the message is not a valid JSON document', null, rule);
      }
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return fail('message must be a JSON object (got ' + typeName(obj) + ')', null, rule);
    }
    const o = obj as Record<string, unknown>;
    try {
      if (!isValidTimeZone(opts.timeZone))
        throw new Reject('the ward time zone ' + show(opts.timeZone) + ' is unknown');
      const patientId = readId(o, 'patient_id', rule);
      const deviceId = readId(o, 'device_id', rule);
      const measureTime = readMeasureTime(o, opts);
      const heartRate = readNumber(o, 'heart_rate', ' bpm', LIMITS.heartRate.min, LIMITS.heartRate.max, true);
      const bloodOxygen = readNumber(
        o,
        'blood_oxygen',
        ' %',
        LIMITS.bloodOxygen.min,
        LIMITS.bloodOxygen.max,
        false,
      );
      const bloodGlucose = readNumber(
        o,
        'blood_glucose',
        ' mmol/L',
        LIMITS.bloodGlucose.min,
        LIMITS.bloodGlucose.max,
        false,
      );
      return {
        ok: true,
        reading: { patientId, deviceId, measureTime, heartRate, bloodOxygen, bloodGlucose },
      };
    } catch (e) {
      if (e instanceof Reject) return fail(e.reason, o, rule);
      return fail('message could not be read', o, rule);
    }
  } catch {
    return fail('message could not be read', null, rule);
  }
}

/** The ids of a rejected message are named only when they pass the rule: a reject list shows them. */
function fail(reason: string, o: Record<string, unknown> | null, rule: IdentifierRule): ParseResult {
  return {
    ok: false,
    reason,
    deviceId: o ? idOrNull(o, 'device_id', rule) : null,
    patientId: o ? idOrNull(o, 'patient_id', rule) : null,
  };
}

function num(n: number): string {
  // JSON has no -0; keep the demo's plain number form.
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * The demo's exact message shape, with the demo generator's spacing (Python's json.dumps):
 * {"patient_id": "P001", "device_id": "D003", "measure_time": "2026-11-20 08:00:00.130", "heart_rate": 97, ...}
 * measure_time is ward-local time without an offset, so an instant inside the repeated hour of a
 * fall-back transition reads back as the later of the two instants (a limit of the demo's format).
 */
export function toDemoJson(reading: Reading, timeZone: string): string {
  return (
    '{"patient_id": ' +
    JSON.stringify(reading.patientId) +
    ', "device_id": ' +
    JSON.stringify(reading.deviceId) +
    ', "measure_time": "' +
    formatWardTime(reading.measureTime, timeZone) +
    '", "heart_rate": ' +
    num(reading.heartRate) +
    ', "blood_oxygen": ' +
    num(reading.bloodOxygen) +
    ', "blood_glucose": ' +
    num(reading.bloodGlucose) +
    '}'
  );
}
