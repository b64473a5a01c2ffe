// The in-process alert engine of simulator mode (and of `replay`). Its SQL twin is
// backend-setup/risingwave.sql: same rules, same detail texts, same alert ids. Where a streaming database
// and a single-pass engine must differ, both files say so (see "Differences" below).
//
// Rules (defaults: heart rate 50–120 bpm, SpO2 >= 93 %, glucose 3.9–7.2 mmol/L; on a limit = normal):
// 1. Level 1: every abnormal vital of a reading raises its own alert (heart_rate, blood_oxygen,
//    blood_glucose). Per-patient limits override the defaults.  SQL: view vital_checks + MV alerts
// 2. Level 2 multi_vital_signs_deterioration: within a 10-min epoch-aligned window per patient, heart
//    rate up >= 20 bpm AND SpO2 down >= 5 points from the window's first (earliest) reading to the current
//    one; once per patient and window, at the first reading where it holds.
//                                                            SQL: views trend_firsts, trend_checks
// 3. Dedup: one alert per (patient, type, 30-s epoch bucket), the first wins; level 2 keyed by window.
//                                                                           SQL: MV alerts (ROW_NUMBER)
// 4. signal_loss: a bed silent for signalLossMs (tick(now) vs its newest measure_time); one alert per
//    episode, cleared by the next accepted reading.   No SQL twin: a streaming query cannot see absence.
// 5. alert_id = md5(`${patient_id}|${alert_type}|${bucket start, epoch s}`).  SQL: MV alerts
// 6. A reading older than the patient's newest measure_time minus lateToleranceMs is rejected 'late'
//    (the SQL source's 5-s watermark); an exact repeat (patient, device, measure_time) is 'duplicate'.
// 7. State older than the lateness horizon is dropped, so memory stays bounded per bed.
//
// Differences from the SQL twin, all limited to out-of-order data within the 5-s tolerance, exact
// repeats, or clock-skewed devices:
// - Dedup here keeps the first reading INGESTED in a bucket; RisingWave keeps the EARLIEST measure_time
//   and rewrites that alert's columns (same alert_id) when an earlier reading arrives late.
// - If a late reading becomes a window's new first reading, readings already processed are not judged
//   again against it here; RisingWave re-evaluates them (and may retract a level-2 alert).
// - The lateness horizon here is per patient; RisingWave's watermark is one per source, so a device whose
//   clock runs ahead can make other beds' readings late there.
// - Exact repeats are dropped here; RisingWave has no dedup stage for them (they cannot change an alert,
//   but count twice in the 1-minute averages).
import type { Alert, AlertType, Reading, ThresholdLimits, Thresholds } from '../domain/types';
import { DEFAULT_THRESHOLDS } from '../domain/types';
import {
  BUCKET_MS,
  TREND_WINDOW_MS,
  alertId,
  bloodGlucoseAbnormal,
  bloodGlucoseDetail,
  bloodOxygenAbnormal,
  bloodOxygenDetail,
  heartRateAbnormal,
  heartRateDetail,
  signalLossDetail,
  trendDeteriorated,
  trendDetail,
} from './rules';

export interface EngineOptions {
  /** silence after which a bed raises signal_loss; default 30 000 ms */
  signalLossMs?: number;
  /** ward defaults for patients without their own limits; default DEFAULT_THRESHOLDS */
  defaults?: ThresholdLimits;
  /** how far behind a patient's newest reading a reading may arrive; default 5 000 ms (the watermark) */
  lateToleranceMs?: number;
}

export type IngestOutcome =
  | { accepted: true; alerts: Alert[]; cleared: boolean /* signal loss of this bed cleared */ }
  | { accepted: false; reason: 'duplicate' | 'late'; detail: string };

const HR = 1;
const SPO2 = 2;
const GLUCOSE = 4;

interface TrendWindow {
  start: number;
  firstTime: number;
  firstHr: number;
  firstSpo2: number;
  fired: boolean;
}

interface PatientState {
  patientId: string;
  /** custom limits, or null for the ward defaults */
  custom: ThresholdLimits | null;
  seen: boolean;
  newest: number;
  lastDeviceId: string;
  lost: boolean;
  /** silence is counted from here when it is after `newest` (see resumeAt) */
  listenedFrom: number;
  /** recent (measure_time, device) pairs within the tolerance, for exact-duplicate detection */
  recentTimes: number[];
  recentDevices: string[];
  /** level-1 dedup: bucket starts and a bit mask of the types already alerted in each */
  dedupBuckets: number[];
  dedupMasks: number[];
  /** level-2 windows still open to (late) readings, oldest first */
  windows: TrendWindow[];
}

// Shared outcomes so that the common case (a normal reading) allocates nothing. Frozen: do not mutate.
const NO_ALERTS = Object.freeze([]) as unknown as Alert[];
const ACCEPTED_QUIET: IngestOutcome = Object.freeze({ accepted: true, alerts: NO_ALERTS, cleared: false });
const ACCEPTED_CLEARED: IngestOutcome = Object.freeze({ accepted: true, alerts: NO_ALERTS, cleared: true });

function checkLimits(l: ThresholdLimits, what: string): ThresholdLimits {
  const values = [l.heartRateMin, l.heartRateMax, l.bloodOxygenMin, l.bloodGlucoseMin, l.bloodGlucoseMax];
  if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new RangeError(what + ': every limit must be a finite number');
  }
  if (l.heartRateMin > l.heartRateMax || l.bloodGlucoseMin > l.bloodGlucoseMax) {
    throw new RangeError(what + ': a minimum is above its maximum');
  }
  return Object.freeze({
    heartRateMin: l.heartRateMin,
    heartRateMax: l.heartRateMax,
    bloodOxygenMin: l.bloodOxygenMin,
    bloodGlucoseMin: l.bloodGlucoseMin,
    bloodGlucoseMax: l.bloodGlucoseMax,
  });
}

function positive(v: number | undefined, fallback: number, name: string, allowZero: boolean): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(name + ' must be a ' + (allowZero ? 'non-negative' : 'positive') + ' number of ms');
  }
  return v;
}

export class AlertEngine {
  private readonly signalLossMs: number;
  private readonly lateToleranceMs: number;
  private readonly defaults: ThresholdLimits;
  private readonly patients = new Map<string, PatientState>();

  constructor(opts: EngineOptions = {}) {
    this.signalLossMs = positive(opts.signalLossMs, 30_000, 'signalLossMs', false);
    this.lateToleranceMs = positive(opts.lateToleranceMs, 5_000, 'lateToleranceMs', true);
    this.defaults = checkLimits(opts.defaults ?? DEFAULT_THRESHOLDS, 'defaults');
  }

  /** Per-patient limits; null = back to the ward defaults. Applies to readings ingested from now on. */
  setThresholds(patientId: string, limits: ThresholdLimits | null): void {
    this.state(patientId).custom = limits === null ? null : checkLimits(limits, 'thresholds of ' + patientId);
  }

  thresholdsFor(patientId: string): Thresholds {
    const custom = this.patients.get(patientId)?.custom ?? null;
    return { patientId, ...(custom ?? this.defaults), custom: custom !== null };
  }

  /** Patients currently in signal loss, in the order they were first seen. */
  lostBeds(): string[] {
    const out: string[] = [];
    for (const s of this.patients.values()) if (s.lost) out.push(s.patientId);
    return out;
  }

  private state(patientId: string): PatientState {
    let s = this.patients.get(patientId);
    if (!s) {
      s = {
        patientId,
        custom: null,
        seen: false,
        newest: -Infinity,
        lastDeviceId: '',
        lost: false,
        listenedFrom: -Infinity,
        recentTimes: [],
        recentDevices: [],
        dedupBuckets: [],
        dedupMasks: [],
        windows: [],
      };
      this.patients.set(patientId, s);
    }
    return s;
  }

  /** Applies the rules to one validated reading. Returns only NEW alerts (deduplicated), status 'pending'. */
  ingest(r: Reading): IngestOutcome {
    const s = this.patients.get(r.patientId) ?? this.state(r.patientId);
    const t = r.measureTime;

    // Rule 6: lateness first (the state needed to recognise an older repeat is already gone), then repeats.
    if (s.seen) {
      const horizon = s.newest - this.lateToleranceMs;
      if (t < horizon) {
        return {
          accepted: false,
          reason: 'late',
          detail:
            'reading of ' +
            r.patientId +
            ' is ' +
            (s.newest - t) +
            ' ms older than its newest one (tolerance ' +
            this.lateToleranceMs +
            ' ms)',
        };
      }
      const times = s.recentTimes;
      for (let i = 0; i < times.length; i++) {
        if (times[i] === t && s.recentDevices[i] === r.deviceId) {
          return {
            accepted: false,
            reason: 'duplicate',
            detail:
              'reading of ' +
              r.patientId +
              ' from ' +
              r.deviceId +
              ' at this measure_time was already received',
          };
        }
      }
    }

    if (!s.seen || t > s.newest) {
      s.newest = t;
      s.lastDeviceId = r.deviceId;
    }
    s.seen = true;
    const horizon = s.newest - this.lateToleranceMs;
    this.remember(s, t, r.deviceId, horizon);

    const cleared = s.lost;
    s.lost = false;

    const l = s.custom ?? this.defaults;
    let alerts: Alert[] | null = null;

    // Rule 1 + 3: each abnormal vital, once per (type, 30-s bucket).
    const hrBad = heartRateAbnormal(r.heartRate, l);
    const spo2Bad = bloodOxygenAbnormal(r.bloodOxygen, l);
    const glucoseBad = bloodGlucoseAbnormal(r.bloodGlucose, l);
    if (hrBad || spo2Bad || glucoseBad) {
      const bucket = Math.floor(t / BUCKET_MS) * BUCKET_MS;
      const fresh = this.claim(
        s,
        bucket,
        (hrBad ? HR : 0) | (spo2Bad ? SPO2 : 0) | (glucoseBad ? GLUCOSE : 0),
        horizon,
      );
      if (fresh !== 0) {
        alerts = [];
        if (fresh & HR) alerts.push(makeAlert(r, 'heart_rate', 1, bucket, heartRateDetail(r.heartRate, l)));
        if (fresh & SPO2)
          alerts.push(makeAlert(r, 'blood_oxygen', 1, bucket, bloodOxygenDetail(r.bloodOxygen)));
        if (fresh & GLUCOSE) {
          alerts.push(makeAlert(r, 'blood_glucose', 1, bucket, bloodGlucoseDetail(r.bloodGlucose, l)));
        }
      }
    }

    // Rule 2: level 2 against the window's first reading.
    const w = this.trendWindow(s, t, r, horizon);
    if (!w.fired && trendDeteriorated(w.firstHr, w.firstSpo2, r.heartRate, r.bloodOxygen)) {
      w.fired = true;
      const a = makeAlert(
        r,
        'multi_vital_signs_deterioration',
        2,
        w.start,
        trendDetail(w.firstHr, w.firstSpo2, r.heartRate, r.bloodOxygen),
      );
      (alerts ??= []).push(a);
    }

    if (alerts === null) return cleared ? ACCEPTED_CLEARED : ACCEPTED_QUIET;
    return { accepted: true, alerts, cleared };
  }

  /**
   * The feed was not followed until `at` (epoch ms): the station slept and its simulator skipped that
   * stretch. A bed's silence is counted from `at` rather than from its last reading before it, so the
   * skipped stretch raises no signal loss; a bed silent for signalLossMs after `at` raises it as ever.
   * A bed already in signal loss stays in it until it speaks.
   */
  resumeAt(at: number): void {
    for (const s of this.patients.values()) if (s.listenedFrom < at) s.listenedFrom = at;
  }

  /** Signal-loss alerts raised at `now` (epoch ms). Call about once a second. */
  tick(now: number): Alert[] {
    let out: Alert[] | null = null;
    for (const s of this.patients.values()) {
      if (!s.seen || s.lost) continue;
      const from = s.newest > s.listenedFrom ? s.newest : s.listenedFrom;
      const silent = now - from;
      if (silent < this.signalLossMs) continue;
      s.lost = true;
      // The id uses the bucket of the moment the silence reached the limit (not of the tick), so a
      // replay with another tick rhythm gives the same id.
      const bucket = Math.floor((from + this.signalLossMs) / BUCKET_MS) * BUCKET_MS;
      (out ??= []).push({
        alertId: alertId(s.patientId, 'signal_loss', bucket),
        patientId: s.patientId,
        deviceId: s.lastDeviceId,
        alertTime: now,
        alertType: 'signal_loss',
        alertDetail: signalLossDetail(s.lastDeviceId, silent),
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: null,
      });
    }
    return out ?? [];
  }

  /** Records (t, device) for duplicate detection and drops entries below the horizon. */
  private remember(s: PatientState, t: number, deviceId: string, horizon: number): void {
    const times = s.recentTimes;
    const devices = s.recentDevices;
    // Entries are in arrival order; when the oldest has left the horizon, compact all stale ones.
    if (times.length > 0 && times[0]! < horizon) {
      let k = 0;
      for (let i = 0; i < times.length; i++) {
        const ti = times[i]!;
        if (ti >= horizon) {
          times[k] = ti;
          devices[k] = devices[i]!;
          k++;
        }
      }
      times.length = k;
      devices.length = k;
    }
    times.push(t);
    devices.push(deviceId);
  }

  /** Marks `mask` types as alerted in `bucket`; returns the types that were not yet. */
  private claim(s: PatientState, bucket: number, mask: number, horizon: number): number {
    const buckets = s.dedupBuckets;
    const masks = s.dedupMasks;
    for (let i = buckets.length - 1; i >= 0; i--) {
      if (buckets[i] === bucket) {
        const had = masks[i]!;
        masks[i] = had | mask;
        return mask & ~had;
      }
    }
    // A new bucket (at most one every 30 s per patient): first drop buckets no accepted reading can reach.
    let k = 0;
    for (let i = 0; i < buckets.length; i++) {
      if (buckets[i]! + BUCKET_MS > horizon) {
        buckets[k] = buckets[i]!;
        masks[k] = masks[i]!;
        k++;
      }
    }
    buckets.length = k;
    masks.length = k;
    buckets.push(bucket);
    masks.push(mask);
    return mask;
  }

  /** The level-2 window of `t`, updating its first reading; creates it (and prunes closed ones) if new. */
  private trendWindow(s: PatientState, t: number, r: Reading, horizon: number): TrendWindow {
    const start = Math.floor(t / TREND_WINDOW_MS) * TREND_WINDOW_MS;
    const ws = s.windows;
    for (let i = ws.length - 1; i >= 0; i--) {
      const w = ws[i]!;
      if (w.start === start) {
        if (t < w.firstTime) {
          // A late reading within the tolerance is the window's new earliest one.
          w.firstTime = t;
          w.firstHr = r.heartRate;
          w.firstSpo2 = r.bloodOxygen;
        }
        return w;
      }
    }
    let k = 0;
    for (let i = 0; i < ws.length; i++) {
      if (ws[i]!.start + TREND_WINDOW_MS > horizon) ws[k++] = ws[i]!;
    }
    ws.length = k;
    const w: TrendWindow = {
      start,
      firstTime: t,
      firstHr: r.heartRate,
      firstSpo2: r.bloodOxygen,
      fired: false,
    };
    // Keep the list ordered by start (a late reading may open an older window).
    let pos = ws.length;
    while (pos > 0 && ws[pos - 1]!.start > start) pos--;
    ws.splice(pos, 0, w);
    return w;
  }
}

function makeAlert(r: Reading, type: AlertType, level: 1 | 2, bucket: number, detail: string): Alert {
  return {
    alertId: alertId(r.patientId, type, bucket),
    patientId: r.patientId,
    deviceId: r.deviceId,
    alertTime: r.measureTime,
    alertType: type,
    alertDetail: detail,
    alertLevel: level,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: r.heartRate, bloodOxygen: r.bloodOxygen, bloodGlucose: r.bloodGlucose },
  };
}
