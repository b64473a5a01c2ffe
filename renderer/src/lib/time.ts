// Ward-time formatting. Every clock on screen shows the ward's time zone (StationInfo.wardTimeZone),
// not the viewing computer's, so a remote browser and the station agree on "03:12".

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, kind: 'clock' | 'time' | 'datetime' | 'parts'): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = formatters.get(key);
  if (f) return f;
  const base: Intl.DateTimeFormatOptions = { hourCycle: 'h23', timeZone: safeZone(timeZone) };
  const opts: Intl.DateTimeFormatOptions =
    kind === 'clock'
      ? { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : kind === 'time'
        ? { ...base, hour: '2-digit', minute: '2-digit' }
        : {
            ...base,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          };
  f = new Intl.DateTimeFormat('en-GB', opts);
  formatters.set(key, f);
  return f;
}

const zoneOk = new Map<string, boolean>();
/** An unknown zone name would make Intl throw and blank the screen; fall back to UTC. */
export function safeZone(timeZone: string): string {
  let ok = zoneOk.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneOk.set(timeZone, ok);
  }
  return ok ? timeZone : 'UTC';
}

export interface WardParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wardParts(ms: number, timeZone: string): WardParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone, 'parts').formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** HH:MM:SS */
export function formatClock(ms: number, timeZone: string): string {
  const p = wardParts(ms, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** HH:MM */
export function formatTime(ms: number, timeZone: string): string {
  const p = wardParts(ms, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** YYYY-MM-DD */
export function formatDate(ms: number, timeZone: string): string {
  const p = wardParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** YYYY-MM-DD HH:MM:SS */
export function formatDateTime(ms: number, timeZone: string): string {
  return `${formatDate(ms, timeZone)} ${formatClock(ms, timeZone)}`;
}

/** Epoch ms of a wall-clock time in the ward's zone (DST-safe to the minute). */
export function zonedToEpoch(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Two rounds settle the offset, including across a DST change.
  for (let i = 0; i < 3; i++) {
    const p = wardParts(guess, timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const diff = wanted - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return guess;
}

/** "just now", "42 s", "5 min", "2 h 05 min", "3 d" */
export function formatAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${pad(m % 60)} min ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** "4 min 12 s" for durations such as time-to-acknowledge. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

/** value for <input type="datetime-local"> in ward time */
export function toLocalInput(ms: number, timeZone: string): string {
  const p = wardParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** parses <input type="datetime-local"> as ward time; null when empty or malformed */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return zonedToEpoch(y, mo, d, h, mi, timeZone);
}
