// The ward's vocabulary, shared by the engine, the station core, the adapters and the renderer.
// Plain data only: everything here crosses the IPC boundary as JSON.

/** One validated reading from a bedside device. Times are epoch milliseconds (UTC). */
export interface Reading {
  patientId: string;
  deviceId: string;
  measureTime: number;
  heartRate: number;
  bloodOxygen: number;
  bloodGlucose: number;
}

export type VitalAlertType = 'heart_rate' | 'blood_oxygen' | 'blood_glucose';
export type AlertType = VitalAlertType | 'multi_vital_signs_deterioration' | 'signal_loss';
export const ALERT_TYPES: readonly AlertType[] = [
  'heart_rate',
  'blood_oxygen',
  'blood_glucose',
  'multi_vital_signs_deterioration',
  'signal_loss',
];

/** 1 = warning, 2 = critical (the demo's alert_level). Signal loss is a technical alert at level 1. */
export type AlertLevel = 1 | 2;
export type AlertStatus = 'pending' | 'confirmed' | 'resolved';
export const ALERT_STATUSES: readonly AlertStatus[] = ['pending', 'confirmed', 'resolved'];

export interface Alert {
  /** Deterministic: md5(`${patient_id}|${alert_type}|${bucket start, epoch s}`), so replays give the same ids. */
  alertId: string;
  patientId: string;
  deviceId: string;
  /** Epoch ms of the reading that raised it (for signal loss: when the loss was detected). */
  alertTime: number;
  alertType: AlertType;
  alertDetail: string;
  alertLevel: AlertLevel;
  status: AlertStatus;
  handleBy: string | null;
  handleTime: number | null;
  handleNote: string | null;
  /** The vitals of the triggering reading, when there is one. */
  reading: Pick<Reading, 'heartRate' | 'bloodOxygen' | 'bloodGlucose'> | null;
}

/** Per-patient limits. Inclusive bounds are normal: a value exactly on a limit raises nothing. */
export interface Thresholds {
  patientId: string;
  heartRateMin: number;
  heartRateMax: number;
  bloodOxygenMin: number;
  bloodGlucoseMin: number;
  bloodGlucoseMax: number;
  /** false when the patient has no row and the ward defaults apply. */
  custom: boolean;
}

export type ThresholdLimits = Omit<Thresholds, 'patientId' | 'custom'>;

/** The demo's thresholds-table defaults. */
export const DEFAULT_THRESHOLDS: ThresholdLimits = Object.freeze({
  heartRateMin: 50,
  heartRateMax: 120,
  bloodOxygenMin: 93,
  bloodGlucoseMin: 3.9,
  bloodGlucoseMax: 7.2,
});

export type BedState = 'critical' | 'warning' | 'signal_loss' | 'normal' | 'waiting';

export interface BedSnapshot {
  patientId: string;
  deviceId: string | null;
  latest: Reading | null;
  /** Last few heart-rate / SpO2 / glucose values, oldest first, for sparklines. */
  spark: { heartRate: number[]; bloodOxygen: number[]; bloodGlucose: number[] };
  state: BedState;
  /** Pending alerts of this bed (ids), highest level first. */
  activeAlertIds: string[];
  /** The ward bed this patient lies in (connected mode with a ward configured); absent otherwise. */
  bedId?: string | null;
  /**
   * The patient left this station's ward (moved to another ward's bed, or the bed was cleared): the
   * station drops the tile. Sent once, in a ward update; never part of `ward:beds`.
   */
  vacated?: boolean;
}

/** One bed of this station's ward as the backend's `ward_beds` holds it (configured in Settings). */
export interface WardBed {
  bedId: string;
  /** null: the bed is empty */
  patientId: string | null;
  /** epoch ms of the last change; null when the row was written without one */
  updatedAt: number | null;
  /** who made the last change (nurse @ station), as the backend holds it */
  updatedBy: string | null;
}

export type TimeRange = '1h' | '6h' | '12h' | '24h' | '7d';
export const TIME_RANGE_MS: Record<TimeRange, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '12h': 12 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
};

export interface AlertQuery {
  range: TimeRange;
  level?: AlertLevel | undefined;
  status?: AlertStatus | undefined;
  patientSearch?: string | undefined;
  /** Keyset cursor: the last row of the previous page (alert_time desc, alert_id desc). */
  after?: { alertTime: number; alertId: string } | undefined;
  limit: number;
}

export interface AlertPage {
  items: Alert[];
  next: { alertTime: number; alertId: string } | null;
}

/** The demo's statistic cards. */
export interface AlertStats {
  total: number;
  level1: number;
  level2: number;
  pending: number;
  /** pending now minus pending 10 minutes ago */
  pendingChange: number;
  confirmed: number;
  resolved: number;
  /** 0..1 of total */
  confirmedRate: number;
  resolvedRate: number;
}

export type AckAction = 'confirm' | 'resolve';

export interface AckRequest {
  alertId: string;
  action: AckAction;
  note?: string | undefined;
}

/** A nurse's acknowledgement as kept in the local cache. */
export interface AckRecord {
  ackId: string;
  alertId: string;
  action: AckAction;
  /** the name recorded at the time (the roster's name of the nurse signed in) */
  nurse: string;
  /** the roster identifier of who acknowledged; null on records made before sign-in had identifiers */
  nurseId: string | null;
  stationId: string;
  note: string | null;
  ackTime: number;
  alert: Alert;
  syncState: 'pending' | 'synced' | 'conflict' | 'retrying';
  syncError: string | null;
  syncedAt: number | null;
}

export interface TrendPoint {
  /** start of the 1-minute bucket, epoch ms */
  t: number;
  heartRate: { min: number; avg: number; max: number };
  bloodOxygen: { min: number; avg: number; max: number };
  bloodGlucose: { min: number; avg: number; max: number };
}

export type BackendName = 'vitals' | 'alerts' | 'cache';
export interface BackendHealth {
  backend: BackendName;
  /** e.g. 'simulator', 'risingwave', 'mysql', 'sqlite' */
  adapter: string;
  up: boolean;
  since: number;
  message: string | null;
  /**
   * Connected mode's vital-signs backend: how alerts reach the station now — 'push' (RisingWave's
   * Kafka sink, sub-second) or 'poll' (reading RisingWave's view every poll, the fallback).
   */
  alertPath?: 'push' | 'poll';
}

export interface RejectSummary {
  total: number;
  byDevice: { deviceId: string; count: number; lastReason: string; lastAt: number }[];
}
