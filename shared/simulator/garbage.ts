// What a faulty bedside device sends: messages that must be rejected, counted and never alerted on.
import { formatWardTime } from '../engine/parse-reading';
import type { Reading } from '../domain/types';
import type { Rng } from './prng';

export type GarbageKind =
  'truncated_json' | 'not_json' | 'missing_field' | 'impossible_value' | 'wrong_type' | 'bad_time';

export const GARBAGE_KINDS: readonly GarbageKind[] = [
  'truncated_json',
  'not_json',
  'missing_field',
  'impossible_value',
  'wrong_type',
  'bad_time',
];

function demoLine(fields: [string, string | number][]): string {
  return (
    '{' + fields.map(([k, v]) => `"${k}": ${typeof v === 'string' ? JSON.stringify(v) : v}`).join(', ') + '}'
  );
}

/** A malformed message for the reading `r` would have been; `kind` is drawn from `rng`. */
export function garbageLine(r: Reading, timeZone: string, rng: Rng): { kind: GarbageKind; raw: string } {
  const kind = GARBAGE_KINDS[Math.floor(rng() * GARBAGE_KINDS.length)] ?? 'not_json';
  const time = formatWardTime(r.measureTime, timeZone);
  const fields: [string, string | number][] = [
    ['patient_id', r.patientId],
    ['device_id', r.deviceId],
    ['measure_time', time],
    ['heart_rate', r.heartRate],
    ['blood_oxygen', r.bloodOxygen],
    ['blood_glucose', r.bloodGlucose],
  ];
  switch (kind) {
    case 'truncated_json': {
      const full = demoLine(fields);
      return { kind, raw: full.slice(0, Math.floor(full.length * 0.6)) };
    }
    case 'not_json':
      return { kind, raw: `ERR ${r.deviceId} SENSOR_FAULT 0x1F ${time}` };
    case 'missing_field': {
      const drop = 3 + Math.floor(rng() * 3); // one of the three vitals
      return { kind, raw: demoLine(fields.filter((_, i) => i !== drop)) };
    }
    case 'impossible_value': {
      const which = Math.floor(rng() * 3);
      const bad: [string, number] =
        which === 0 ? ['heart_rate', -12] : which === 1 ? ['blood_oxygen', 131.5] : ['blood_glucose', -3.2];
      return { kind, raw: demoLine(fields.map((f) => (f[0] === bad[0] ? bad : f))) };
    }
    case 'wrong_type':
      return { kind, raw: demoLine(fields.map((f) => (f[0] === 'heart_rate' ? [f[0], '--'] : f))) };
    case 'bad_time':
      return {
        kind,
        raw: demoLine(fields.map((f) => (f[0] === 'measure_time' ? [f[0], '2026-13-45 99:99:99.000'] : f))),
      };
  }
}
