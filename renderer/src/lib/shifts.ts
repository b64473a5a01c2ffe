// Nursing shifts in ward time, for the CSV export: early 07–15, late 15–23, night 23–07 (next day).
import { wardParts, zonedToEpoch } from './time';

export type ShiftName = 'early' | 'late' | 'night';
export const SHIFTS: { name: ShiftName; label: string; start: number; hours: number }[] = [
  { name: 'early', label: 'Early 07:00–15:00', start: 7, hours: 8 },
  { name: 'late', label: 'Late 15:00–23:00', start: 15, hours: 8 },
  { name: 'night', label: 'Night 23:00–07:00', start: 23, hours: 8 },
];

function parseDate(date: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Shift of `date` (the day it starts) → epoch bounds [from, to). */
export function shiftBounds(
  date: string,
  shift: ShiftName,
  timeZone: string,
): { from: number; to: number } | null {
  const d = parseDate(date);
  const s = SHIFTS.find((x) => x.name === shift);
  if (!d || !s) return null;
  const from = zonedToEpoch(d[0], d[1], d[2], s.start, 0, timeZone);
  // The end is a wall-clock time too (a DST night is 7 or 9 hours long).
  const next = new Date(Date.UTC(d[0], d[1] - 1, d[2] + (s.start + s.hours >= 24 ? 1 : 0)));
  const endHour = (s.start + s.hours) % 24;
  const to = zonedToEpoch(
    next.getUTCFullYear(),
    next.getUTCMonth() + 1,
    next.getUTCDate(),
    endHour,
    0,
    timeZone,
  );
  return { from, to };
}

/** The shift running at `now`, named by the day it started. */
export function currentShift(now: number, timeZone: string): { date: string; shift: ShiftName } {
  const p = wardParts(now, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (p.hour >= 7 && p.hour < 15) return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, shift: 'early' };
  if (p.hour >= 15 && p.hour < 23) return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, shift: 'late' };
  if (p.hour >= 23) return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, shift: 'night' };
  const prev = new Date(Date.UTC(p.year, p.month - 1, p.day - 1));
  return {
    date: `${prev.getUTCFullYear()}-${pad(prev.getUTCMonth() + 1)}-${pad(prev.getUTCDate())}`,
    shift: 'night',
  };
}
