import type { AckRecord } from '../../../shared/domain/types';

const HEADER = [
  'ack_time',
  'action',
  'nurse',
  'station_id',
  'note',
  'sync_state',
  'alert_id',
  'patient_id',
  'device_id',
  'alert_time',
  'alert_type',
  'alert_level',
  'alert_detail',
];

/** RFC 4180 quoting, plus a leading apostrophe on cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function wardTime(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

export function acknowledgementsCsv(rows: readonly AckRecord[], timeZone: string): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        wardTime(r.ackTime, timeZone),
        r.action,
        r.nurse,
        r.stationId,
        r.note,
        r.syncState,
        r.alertId,
        r.alert.patientId,
        r.alert.deviceId,
        wardTime(r.alert.alertTime, timeZone),
        r.alert.alertType,
        r.alert.alertLevel,
        r.alert.alertDetail,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
