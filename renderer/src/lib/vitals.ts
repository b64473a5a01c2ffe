// Labels, units and limit checks for the three vitals, shared by tiles, charts and the editor.
import type {
  AlertLevel,
  AlertStatus,
  AlertType,
  BedState,
  Reading,
  ThresholdLimits,
} from '../../../shared/domain/types';

export type VitalKey = 'heartRate' | 'bloodOxygen' | 'bloodGlucose';

export interface VitalInfo {
  key: VitalKey;
  short: string;
  name: string;
  unit: string;
  decimals: number;
  alertType: AlertType;
}

export const VITALS: readonly VitalInfo[] = [
  { key: 'heartRate', short: 'HR', name: 'Heart rate', unit: 'bpm', decimals: 0, alertType: 'heart_rate' },
  { key: 'bloodOxygen', short: 'SpO₂', name: 'SpO₂', unit: '%', decimals: 0, alertType: 'blood_oxygen' },
  {
    key: 'bloodGlucose',
    short: 'Glu',
    name: 'Glucose',
    unit: 'mmol/L',
    decimals: 1,
    alertType: 'blood_glucose',
  },
];

export type VitalStatus = 'low' | 'high' | 'normal';

/** Inclusive limits are normal: a value exactly on a limit raises nothing (same rule as the engine). */
export function vitalStatus(key: VitalKey, value: number, limits: ThresholdLimits | null): VitalStatus {
  if (!limits || !Number.isFinite(value)) return 'normal';
  switch (key) {
    case 'heartRate':
      return value < limits.heartRateMin ? 'low' : value > limits.heartRateMax ? 'high' : 'normal';
    case 'bloodOxygen':
      return value < limits.bloodOxygenMin ? 'low' : 'normal';
    case 'bloodGlucose':
      return value < limits.bloodGlucoseMin ? 'low' : value > limits.bloodGlucoseMax ? 'high' : 'normal';
  }
}

export function limitsOf(key: VitalKey, limits: ThresholdLimits): { min: number | null; max: number | null } {
  switch (key) {
    case 'heartRate':
      return { min: limits.heartRateMin, max: limits.heartRateMax };
    case 'bloodOxygen':
      return { min: limits.bloodOxygenMin, max: null };
    case 'bloodGlucose':
      return { min: limits.bloodGlucoseMin, max: limits.bloodGlucoseMax };
  }
}

export function formatVital(key: VitalKey, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const info = VITALS.find((v) => v.key === key);
  return value.toFixed(info?.decimals ?? 0);
}

export function readingValue(reading: Pick<Reading, VitalKey> | null, key: VitalKey): number | null {
  return reading ? reading[key] : null;
}

export const ALERT_TYPE_LABEL: Record<AlertType, string> = {
  heart_rate: 'Heart rate',
  blood_oxygen: 'SpO₂',
  blood_glucose: 'Glucose',
  multi_vital_signs_deterioration: 'Multiple vitals',
  signal_loss: 'Signal loss',
};

export function alertTypeLabel(type: string): string {
  return (ALERT_TYPE_LABEL as Record<string, string>)[type] ?? type;
}

export const LEVEL_LABEL: Record<AlertLevel, string> = { 1: 'Warning', 2: 'Critical' };
export const STATUS_LABEL: Record<AlertStatus, string> = {
  pending: 'Pending',
  confirmed: 'Confirmed',
  resolved: 'Resolved',
};

export const BED_STATE_LABEL: Record<BedState, string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  signal_loss: 'NO SIGNAL',
  normal: 'OK',
  waiting: 'WAITING',
};

/** Natural order so "bed-2" comes before "bed-10". */
export const patientCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
