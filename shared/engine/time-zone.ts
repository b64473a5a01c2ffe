// Ward-local wall-clock time <-> epoch milliseconds, with Intl only (no Node APIs, no tz database of our
// own). The demo's devices send `measure_time` as ward-local time without an offset; RisingWave converts
// it with `measure_time::timestamp AT TIME ZONE '<ward zone>'` (backend-setup/risingwave.sql, view
// `vital_readings`), and this module must agree with that rule for rule:
// - a local time that exists once maps to that instant;
// - a local time skipped by a daylight-saving jump (spring forward) does not exist: rejected here; in
//   RisingWave the conversion fails and the reading is dropped;
// - a local time that occurs twice (fall back) is read as the LATER instant (after the transition), as
//   RisingWave documents ("interpreted as after the transition") and PostgreSQL does.

const FIFTEEN_MIN = 15 * 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** offset (ms, local minus UTC) per time zone and 15-minute UTC slot. */
const offsetCache = new Map<string, Map<number, number>>();
const OFFSET_CACHE_LIMIT = 20_000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone; callers turn that into a clear message.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (e.g. 'Europe/Berlin', 'UTC'). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function computeOffset(timeZone: string, utcMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
      case 'era':
        bc = p.value === 'BC' || p.value === 'B';
        break;
    }
  }
  if (bc) y = 1 - y;
  const local = utcFromFields(y, mo, d, h, mi, s, 0);
  const utcSeconds = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return local - utcSeconds;
}

/**
 * Offset of `timeZone` at instant `utcMs` in ms (local = utc + offset). Zone transitions since 2000 all
 * fall on 15-minute UTC boundaries, so the offset is cached per 15-minute slot: Intl is slow (µs per call).
 */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const slot = Math.floor(utcMs / FIFTEEN_MIN);
  let off = cache.get(slot);
  if (off === undefined) {
    off = computeOffset(timeZone, slot * FIFTEEN_MIN);
    if (cache.size >= OFFSET_CACHE_LIMIT) cache.clear();
    cache.set(slot, off);
  }
  return off;
}

/** Date.UTC for a proleptic Gregorian year that may be < 100 (Date.UTC would map 0–99 to 1900–1999). */
export function utcFromFields(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number {
  const t = Date.UTC(2000, mo - 1, d, h, mi, s, ms);
  if (y === 2000) return t;
  const date = new Date(t);
  date.setUTCFullYear(y);
  return date.getTime();
}

export type LocalToEpoch = { kind: 'ok'; epochMs: number } | { kind: 'gap' };

/**
 * The instant of ward-local wall-clock time. `localAsUtcMs` is the wall-clock fields read as if UTC
 * (Date.UTC(...)). Ambiguous times (fall back) resolve to the later instant; skipped ones return 'gap'.
 * Assumes at most one offset change within ±1 day of the time, true for every zone since 2000.
 */
export function wardLocalToEpoch(localAsUtcMs: number, timeZone: string): LocalToEpoch {
  const before = zoneOffsetMs(timeZone, localAsUtcMs - DAY);
  const after = zoneOffsetMs(timeZone, localAsUtcMs + DAY);
  let best: number | null = null;
  for (const off of before === after ? [before] : [before, after]) {
    const t = localAsUtcMs - off;
    if (zoneOffsetMs(timeZone, t) === off && (best === null || t > best)) best = t;
  }
  return best === null ? { kind: 'gap' } : { kind: 'ok', epochMs: best };
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** The demo's `YYYY-MM-DD HH:MM:SS.fff` in the ward's time zone. Throws RangeError for an unknown zone. */
export function formatWardTime(epochMs: number, timeZone: string): string {
  const d = new Date(epochMs + zoneOffsetMs(timeZone, epochMs));
  return (
    pad(d.getUTCFullYear(), 4) +
    '-' +
    pad(d.getUTCMonth() + 1, 2) +
    '-' +
    pad(d.getUTCDate(), 2) +
    ' ' +
    pad(d.getUTCHours(), 2) +
    ':' +
    pad(d.getUTCMinutes(), 2) +
    ':' +
    pad(d.getUTCSeconds(), 2) +
    '.' +
    pad(d.getUTCMilliseconds(), 3)
  );
}
