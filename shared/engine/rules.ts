// The alert rules as small pure functions. Each names its SQL twin in backend-setup/risingwave.sql;
// the two must stay rule for rule the same (a value exactly on a limit is normal in both).
import type { AlertType, ThresholdLimits } from '../domain/types';
import { md5Hex } from './md5';

/** Dedup bucket of level-1 and signal-loss alerts: 30 s, aligned to the epoch (so to the minute). */
export const BUCKET_MS = 30_000;
/** Level-2 tumbling window: 10 min, aligned to the epoch. */
export const TREND_WINDOW_MS = 600_000;
/** Level 2 fires when heart rate rose by at least this many bpm... */
export const TREND_HR_RISE = 20;
/** ...and SpO2 fell by at least this many points, from the window's first reading to the current one. */
export const TREND_SPO2_DROP = 5;

/** Start (epoch ms) of the 30-s bucket holding `t`. SQL: `window_start` of TUMBLE(vital_checks, ..., '30 SECONDS'). */
export function bucketStart(t: number): number {
  return Math.floor(t / BUCKET_MS) * BUCKET_MS;
}

/** Start (epoch ms) of the 10-min window holding `t`. SQL: `window_start` of TUMBLE(vital_readings, ..., '10 MINUTES'). */
export function trendWindowStart(t: number): number {
  return Math.floor(t / TREND_WINDOW_MS) * TREND_WINDOW_MS;
}

/**
 * Deterministic alert id: md5 of `patient_id|alert_type|<bucket start in epoch seconds>`.
 * SQL twin: `md5(patient_id || '|' || alert_type || '|' || extract(epoch FROM bucket)::bigint::varchar)`
 * in the `alerts` materialized view.
 */
export function alertId(patientId: string, alertType: AlertType, bucketStartMs: number): string {
  return md5Hex(patientId + '|' + alertType + '|' + String(Math.floor(bucketStartMs / 1000)));
}

/** Heart rate outside [min, max]. SQL: `heart_rate < hr_min OR heart_rate > hr_max` (MV alerts, 1st branch). */
export function heartRateAbnormal(hr: number, l: ThresholdLimits): boolean {
  return hr < l.heartRateMin || hr > l.heartRateMax;
}

/** SpO2 below its minimum. SQL: `blood_oxygen < spo2_min` (MV alerts, 2nd branch). */
export function bloodOxygenAbnormal(spo2: number, l: ThresholdLimits): boolean {
  return spo2 < l.bloodOxygenMin;
}

/** Glucose outside [min, max]. SQL: `blood_glucose < glucose_min OR blood_glucose > glucose_max` (3rd branch). */
export function bloodGlucoseAbnormal(glucose: number, l: ThresholdLimits): boolean {
  return glucose < l.bloodGlucoseMin || glucose > l.bloodGlucoseMax;
}

/**
 * A number as RisingWave's and PostgreSQL's float8::varchar print it: the shortest form that reads back
 * to the same double (90.5, never 90.50000000001), plain notation, exponent form below 1e-4 or from
 * 1e15 on with at least two exponent digits ("5e-05"). JavaScript's String() agrees except on those
 * exponent thresholds, which are the only cases handled here.
 */
export function formatNumber(x: number): string {
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < 1e15) || !Number.isFinite(x)) return x === 0 ? '0' : String(x);
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '');
  return mantissa + 'e' + sign + (digits.length < 2 ? '0' + digits : digits);
}

// Detail texts are the demo's, numbers as formatNumber prints them.

/** SQL: the `heart_rate` branch of MV `alerts`. */
export function heartRateDetail(hr: number, l: ThresholdLimits): string {
  return (hr > l.heartRateMax ? 'Heart rate too high: ' : 'Heart rate too low: ') + formatNumber(hr) + ' bpm';
}

/** SQL: the `blood_oxygen` branch of MV `alerts`. */
export function bloodOxygenDetail(spo2: number): string {
  return 'Blood oxygen too low: ' + formatNumber(spo2) + '%';
}

/** SQL: the `blood_glucose` branch of MV `alerts`. */
export function bloodGlucoseDetail(glucose: number, l: ThresholdLimits): string {
  return (
    (glucose > l.bloodGlucoseMax ? 'Blood glucose too high: ' : 'Blood glucose too low: ') +
    formatNumber(glucose) +
    ' mmol/L'
  );
}

/**
 * Level-2 condition between the window's first reading and the current one.
 * SQL: `heart_rate - first_hr >= 20 AND first_spo2 - blood_oxygen >= 5` (view `trend_checks`).
 */
export function trendDeteriorated(firstHr: number, firstSpo2: number, hr: number, spo2: number): boolean {
  return hr - firstHr >= TREND_HR_RISE && firstSpo2 - spo2 >= TREND_SPO2_DROP;
}

/** Rounds to 2 decimals for display. SQL: `round(x::numeric, 2)::double precision::varchar`. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** SQL: the detail expression of view `trend_checks`. */
export function trendDetail(firstHr: number, firstSpo2: number, hr: number, spo2: number): string {
  return (
    'Heart rate increased by ' +
    formatNumber(round2(hr - firstHr)) +
    ' bpm and blood oxygen decreased by ' +
    formatNumber(round2(firstSpo2 - spo2)) +
    '% in 10 minutes'
  );
}

/** Signal-loss detail, e.g. "No data from device D003 for 30 s". Computed by the app only (no SQL twin). */
export function signalLossDetail(deviceId: string, silentMs: number): string {
  return 'No data from device ' + deviceId + ' for ' + String(Math.floor(silentMs / 1000)) + ' s';
}
