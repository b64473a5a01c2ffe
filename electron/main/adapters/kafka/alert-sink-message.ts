// One message of RisingWave's Kafka sink of the `alerts` view (FORMAT UPSERT ENCODE JSON), decoded.
//
// The format, from RisingWave's JSON encoder (src/connector/src/sink/encoder/json.rs, v2.8.0) and its
// upsert formatter (src/connector/src/sink/formatter/upsert.rs): the key is a JSON object of the
// primary key, {"alert_id":"…"}; the value a JSON object of every column of the view, or no value at
// all (a tombstone) when the row left the view. varchar → string, int → number, double precision →
// number, NULL → null. timestamptz follows the sink's `timestamptz.handling.mode`: risingwave.sql sets
// 'utc_string' (RFC 3339, microseconds, "Z"); 'milli' (epoch ms) and RisingWave's older default
// 'utc_without_suffix' ("2026-12-07 10:00:00.123000", UTC) are read too, so a sink created by hand
// with another mode still works. docs/risingwave-compat.md names the sources.
import { DEFAULT_IDENTIFIER_RULE, type IdentifierRule } from '../../../../shared/domain/identifiers';
import { ALERT_TYPES, type Alert, type AlertType } from '../../../../shared/domain/types';
import { alertId as ruleAlertId, bucketStart, trendWindowStart } from '../../../../shared/engine/rules';
import { cleanDeviceText } from '../../../../shared/domain/free-text';

export type DecodedAlertMessage =
  | { kind: 'alert'; alert: Alert }
  /** the row left the view: nothing for the station to do (a nurse's record is never deleted) */
  | { kind: 'tombstone'; alertId: string | null }
  | { kind: 'invalid'; reason: string }
  /**
   * A well-formed alert whose patient_id or device_id fails the identifier rule: never shown, counted
   * in the station's rejects (identifier-gate.ts). The ids are as received, for the count only.
   */
  | { kind: 'refused'; alertId: string; reason: string; patientId: unknown; deviceId: unknown };
const ALERT_ID = /^[0-9a-f]{32}$/;
/** RFC 3339 with Z or an offset, or RisingWave's suffix-less UTC form */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;
const MAX_MESSAGE_BYTES = 64 * 1024;
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 86_400_000;

/** epoch ms of a sink timestamptz value, or null */
export function sinkTimestampMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  // Date.UTC rolls 2026-02-30 over into March: a value that does not round-trip is not a date.
  const check = new Date(naive);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23)
    return null;
  let t = naive;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}

function finiteOrNull(v: unknown): number | null | undefined {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function parseJson(
  bytes: Buffer,
  what: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (bytes.length > MAX_MESSAGE_BYTES) return { ok: false, reason: `${what} larger than 64 KiB` };
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: `${what} is not JSON` };
  }
}

function keyAlertId(key: Buffer | null): string | null {
  if (!key) return null;
  const parsed = parseJson(key, 'key');
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return null;
  const id = (parsed.value as Record<string, unknown>).alert_id;
  return typeof id === 'string' && ALERT_ID.test(id) ? id : null;
}

/**
 * Anyone who can write to the topic could otherwise forge an alert: the id is md5 of patient, type and
 * bucket, so a message with a real alert's id but level 1 and an old time would be taken first, listed
 * as backlog, and the genuine level-2 alert then dropped as a duplicate. So the level follows from the
 * type (the view's rule: only the deterioration rule is level 2) and the id must be the one the view
 * computes for this patient, type and time; anything else is refused. (Topic ACLs are still IT's job.)
 */
function expectedAlertId(patientId: string, type: AlertType, alertTime: number): string {
  const bucket =
    type === 'multi_vital_signs_deterioration' ? trendWindowStart(alertTime) : bucketStart(alertTime);
  return ruleAlertId(patientId, type, bucket);
}

export function decodeAlertSinkMessage(
  key: Buffer | null,
  value: Buffer | null,
  now: number = Date.now(),
  identifiers: IdentifierRule = DEFAULT_IDENTIFIER_RULE,
): DecodedAlertMessage {
  if (value === null || value.length === 0) return { kind: 'tombstone', alertId: keyAlertId(key) };
  const parsed = parseJson(value, 'value');
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const row = parsed.value;
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return { kind: 'invalid', reason: 'value is not a JSON object' };
  }
  const r = row as Record<string, unknown>;
  const alertId = r.alert_id;
  if (typeof alertId !== 'string' || !ALERT_ID.test(alertId)) {
    return { kind: 'invalid', reason: 'alert_id is not a 32-digit md5' };
  }
  const fromKey = keyAlertId(key);
  if (key !== null && fromKey !== alertId) {
    return { kind: 'invalid', reason: `key does not match alert_id ${alertId}` };
  }
  const patientId = r.patient_id;
  const deviceId = r.device_id;
  // NULL (or '') device: an alert may have none; anything else must pass the rule like the patient
  const refused =
    identifiers.check('patient_id', patientId) ??
    (deviceId === null || deviceId === undefined || deviceId === ''
      ? null
      : identifiers.check('device_id', deviceId));
  if (refused !== null || typeof patientId !== 'string') {
    return { kind: 'refused', alertId, reason: refused ?? 'patient_id is missing', patientId, deviceId };
  }
  const alertTime = sinkTimestampMs(r.alert_time);
  if (alertTime === null) return { kind: 'invalid', reason: `alert ${alertId}: alert_time unreadable` };
  const alertType = r.alert_type;
  if (typeof alertType !== 'string' || !(ALERT_TYPES as readonly string[]).includes(alertType)) {
    return { kind: 'invalid', reason: `alert ${alertId}: unknown alert_type; is risingwave.sql newer?` };
  }
  if (alertTime < EARLIEST || alertTime > now + MAX_AHEAD_MS) {
    return { kind: 'invalid', reason: `alert ${alertId}: alert_time out of range` };
  }
  if (
    alertType !== 'signal_loss' &&
    expectedAlertId(patientId, alertType as AlertType, alertTime) !== alertId
  ) {
    return { kind: 'invalid', reason: `alert ${alertId}: id does not match its patient, type and time` };
  }
  const level = alertType === 'multi_vital_signs_deterioration' ? 2 : 1;
  if (r.alert_level !== level) {
    return { kind: 'invalid', reason: `alert ${alertId}: level ${String(r.alert_level)} is not its type's` };
  }
  const detail = r.alert_detail;
  if (detail !== null && detail !== undefined && typeof detail !== 'string') {
    return { kind: 'invalid', reason: `alert ${alertId}: alert_detail is not text` };
  }
  const hr = finiteOrNull(r.heart_rate);
  const spo2 = finiteOrNull(r.blood_oxygen);
  const glucose = finiteOrNull(r.blood_glucose);
  if (hr === undefined || spo2 === undefined || glucose === undefined) {
    return { kind: 'invalid', reason: `alert ${alertId}: a vital is not a number` };
  }
  return {
    kind: 'alert',
    alert: {
      alertId,
      patientId,
      deviceId: typeof deviceId === 'string' ? deviceId : '',
      alertTime,
      alertType: alertType as AlertType,
      // text next to checked ids: a hostile producer must not make it read as another bed's
      alertDetail: typeof detail === 'string' ? cleanDeviceText(detail) : '',
      alertLevel: level,
      status: 'pending',
      handleBy: null,
      handleTime: null,
      handleNote: null,
      reading:
        hr !== null && spo2 !== null && glucose !== null
          ? { heartRate: hr, bloodOxygen: spo2, bloodGlucose: glucose }
          : null,
    },
  };
}
