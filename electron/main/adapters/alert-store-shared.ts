// What the MySQL and SQLite alert stores share: the error type, the audit record, the transition rules,
// the conflict message, input checks, and the pure arithmetic of stats and burden. Keeping these in one
// place is what makes the two adapters behave identically (the contract suite checks that they do).
import type {
  AckAction,
  Alert,
  AlertLevel,
  AlertStats,
  AlertStatus,
  AlertType,
  TimeRange,
} from '../../../shared/domain/types';
import { TIME_RANGE_MS } from '../../../shared/domain/types';
import type { BurdenStats } from '../../../shared/ipc/contract';
import type { AlertStore, PatientScope, TransitionRequest } from '../core/ports';
import { cleanDeviceText } from '../../../shared/domain/free-text';

export type AlertStoreErrorCode = 'unavailable' | 'auth' | 'schema' | 'internal';

/**
 * The one error the alert stores throw. `message` is safe to show a nurse or an administrator: it never
 * holds SQL, credentials or a stack. The driver's error code, when there was one, is in `detail` for logs.
 */
export class AlertStoreError extends Error {
  override readonly name = 'AlertStoreError';
  readonly code: AlertStoreErrorCode;
  /** e.g. 'ECONNREFUSED' or 'ER_ACCESS_DENIED_ERROR (1045)': for logs, never shown as the message */
  readonly detail: string | null;

  constructor(code: AlertStoreErrorCode, message: string, detail: string | null = null) {
    super(message);
    this.code = code;
    this.detail = detail;
  }
}

/** One row of the append-only audit: every acknowledgement attempt, whatever its outcome. */
export interface AlertAuditEvent {
  eventId: number;
  alertId: string;
  action: AckAction;
  /** status found when the attempt was made; null when the store did not have the alert */
  fromStatus: AlertStatus | null;
  /** the status the action asks for (whether it got there is `outcome`) */
  toStatus: AlertStatus;
  outcome: 'applied' | 'conflict' | 'not_found';
  nurse: string;
  stationId: string;
  note: string | null;
  /** when the nurse acted (the request's `at`) */
  eventTime: number;
  /** when the store wrote the row */
  recordedAt: number;
  message: string | null;
}

/** Both adapters return this: the port plus read access to the audit (tests, review tools). */
export interface AuditedAlertStore extends AlertStore {
  /** the alert's audit rows, oldest first */
  auditTrail(alertId: string): Promise<AlertAuditEvent[]>;
}

/** Newest-first cap of patientAlerts(): a week of a noisy bed is still a readable list. */
export const PATIENT_ALERTS_CAP = 2000;
/** handledAmong asks about this many ids per statement (fewer are padded with a repeat: one statement) */
export const HANDLED_AMONG_CHUNK = 200;

/** `ids` in chunks of exactly `size`, the last one padded with its own last id. */
export function paddedChunks(ids: readonly string[], size: number): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) {
    const chunk = ids.slice(i, i + size);
    while (chunk.length < size) chunk.push(chunk[chunk.length - 1]!);
    chunks.push(chunk);
  }
  return chunks;
}
/**
 * At most this many patients in one station's scope. A ward is tens of beds; a scope this large is a
 * misconfigured ward (the whole hospital is a null scope), refused plainly rather than sent as a
 * statement the server may refuse or plan badly.
 */
export const SCOPE_MAX_PATIENTS = 1000;
/**
 * The sizes a scope's IN list is padded to (with a repeat of its last id, which changes nothing): a
 * ward that gains or loses a bed reuses the same prepared statement instead of preparing a new one
 * for every ward size, which would churn MySQL's statement cache.
 */
export const SCOPE_LIST_SIZES = [16, 64, 256, SCOPE_MAX_PATIENTS] as const;

/** A non-null scope, ready for `patient_id IN (…)`. */
export interface ScopeList {
  /** the distinct patient ids, in the scope's order */
  ids: readonly string[];
  /** `ids` padded to one of SCOPE_LIST_SIZES: what the IN list binds, one `?` each */
  bind: string[];
}

/**
 * null for the whole hospital (no filter); otherwise the scope's ids and what to bind. Callers answer
 * an empty scope (`ids` empty) with nothing, without asking the database.
 */
export function scopeList(scope: PatientScope | undefined): ScopeList | null {
  if (scope === null || scope === undefined) return null;
  const ids = [...new Set(scope)];
  if (ids.length > SCOPE_MAX_PATIENTS) {
    throw new AlertStoreError(
      'internal',
      `This station's ward has ${ids.length} patients; the alert store reads at most ${SCOPE_MAX_PATIENTS} at once`,
    );
  }
  if (ids.length === 0) return { ids, bind: [] };
  const size = SCOPE_LIST_SIZES.find((n) => n >= ids.length) ?? SCOPE_MAX_PATIENTS;
  const bind = ids.slice();
  while (bind.length < size) bind.push(ids[ids.length - 1]!);
  return { ids, bind };
}

/** `patient_id IN (?, ?, …)` for a scope's bind list (only placeholders: the ids are bound). */
export function patientInList(scope: ScopeList): string {
  return `patient_id IN (${scope.bind.map(() => '?').join(', ')})`;
}

/** Whether `patientId` is one the scope covers (null: everyone). */
export function inScope(patientId: string, scope: PatientScope | undefined): boolean {
  return scope === null || scope === undefined || scope.includes(patientId);
}

/** The statistic cards of no alerts at all (an empty ward). */
export function emptyStats(): AlertStats {
  return {
    total: 0,
    level1: 0,
    level2: 0,
    pending: 0,
    pendingChange: 0,
    confirmed: 0,
    resolved: 0,
    confirmedRate: 0,
    resolvedRate: 0,
  };
}

/** The burden report of no alerts at all (an empty ward). */
export function emptyBurden(): BurdenStats {
  return assembleBurden({ overTime: [], perBedDay: [], dayLabels: [], ack: { values: new Map(), count: 0 } });
}

/** Upper bound of one list() page, whatever the caller asks (the IPC contract allows 500). */
export const MAX_PAGE = 1000;
/** The statistic cards compare pending now with pending this long ago. */
export const PENDING_CHANGE_WINDOW_MS = 10 * 60_000;

export const FIELD_LIMITS = {
  id: 64,
  alertType: 64,
  alertDetail: 255,
  nurse: 80,
  stationId: 64,
  note: 1000,
} as const;

export const TARGET_STATUS: Record<AckAction, AlertStatus> = { confirm: 'confirmed', resolve: 'resolved' };

/** pending → confirmed → resolved, and pending → resolved. Anything else is a conflict. */
export function isLegalTransition(from: AlertStatus, action: AckAction): boolean {
  return action === 'confirm' ? from === 'pending' : from === 'pending' || from === 'confirmed';
}

export function rangeStart(range: TimeRange, now: number): number {
  const ms = TIME_RANGE_MS[range];
  if (ms === undefined) throw new AlertStoreError('internal', `Unknown time range "${String(range)}"`);
  return now - ms;
}

export function checkNow(now: number): void {
  if (!Number.isFinite(now))
    throw new AlertStoreError('internal', 'The current time given to the alert store is not a number');
}

export function pageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new AlertStoreError('internal', 'The page size must be a whole number of at least 1');
  }
  return Math.min(limit, MAX_PAGE);
}

/**
 * LIKE pattern for a literal, case-insensitive substring search. '!' is the escape character (declared
 * with ESCAPE '!' in the SQL), so '%', '_' and '!' are matched literally; a backslash is an ordinary
 * character because it is not the escape character (and MySQL's NO_BACKSLASH_ESCAPES does not matter).
 */
export function containsPattern(search: string): string {
  return `%${search.replace(/[!%_]/g, '!$&')}%`;
}

/** A level outside 1..2 can only come from a misconfigured sink: treat it as the more urgent one. */
export function normalizeLevel(level: number): AlertLevel {
  return level >= 2 ? 2 : 1;
}

export function normalizeStatus(status: string): AlertStatus {
  if (status === 'pending' || status === 'confirmed' || status === 'resolved') return status;
  throw new AlertStoreError('schema', `The alert store holds an unknown status "${status.slice(0, 20)}"`);
}

/** The columns both adapters select, with times already converted to epoch ms. */
export interface AlertRowValues {
  alert_id: string;
  patient_id: string;
  device_id: string | null;
  alert_time: number;
  alert_type: string;
  alert_detail: string | null;
  alert_level: number;
  heart_rate: number | null;
  blood_oxygen: number | null;
  blood_glucose: number | null;
  status: string;
  handle_by: string | null;
  handle_time: number | null;
  handle_note: string | null;
}

export function rowToAlert(row: AlertRowValues): Alert {
  const hasReading = row.heart_rate !== null && row.blood_oxygen !== null && row.blood_glucose !== null;
  return {
    alertId: row.alert_id,
    patientId: row.patient_id,
    deviceId: row.device_id ?? '',
    alertTime: row.alert_time,
    alertType: row.alert_type as AlertType,
    alertDetail: cleanDeviceText(row.alert_detail ?? ''), // written by RisingWave's sink or an older setup
    alertLevel: normalizeLevel(row.alert_level),
    status: normalizeStatus(row.status),
    handleBy: row.handle_by,
    handleTime: row.handle_time,
    handleNote: row.handle_note,
    reading: hasReading
      ? { heartRate: row.heart_rate!, bloodOxygen: row.blood_oxygen!, bloodGlucose: row.blood_glucose! }
      : null,
  };
}

/** The alert columns (alert_id .. blood_glucose) of one alert, ready to bind, or why it cannot be stored. */
export interface AlertColumns {
  alertId: string;
  patientId: string;
  deviceId: string;
  alertTime: number;
  alertType: string;
  alertDetail: string;
  alertLevel: AlertLevel;
  heartRate: number | null;
  bloodOxygen: number | null;
  bloodGlucose: number | null;
}

function finiteOrNull(v: number | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function alertColumns(a: Alert): AlertColumns | string {
  const ids: [string, unknown][] = [
    ['alert id', a.alertId],
    ['patient id', a.patientId],
  ];
  for (const [label, v] of ids) {
    if (typeof v !== 'string' || v.length === 0 || v.length > FIELD_LIMITS.id) {
      return `its ${label} is not 1–${FIELD_LIMITS.id} characters`;
    }
  }
  if (typeof a.deviceId !== 'string' || a.deviceId.length > FIELD_LIMITS.id) {
    return `its device id is longer than ${FIELD_LIMITS.id} characters`;
  }
  if (
    typeof a.alertType !== 'string' ||
    a.alertType.length === 0 ||
    a.alertType.length > FIELD_LIMITS.alertType
  ) {
    return `its type is not 1–${FIELD_LIMITS.alertType} characters`;
  }
  if (!Number.isFinite(a.alertTime) || a.alertTime < 0 || a.alertTime > MAX_TIME_MS)
    return 'its time is invalid';
  if (a.alertLevel !== 1 && a.alertLevel !== 2) return 'its level is neither 1 nor 2';
  const detail = typeof a.alertDetail === 'string' ? a.alertDetail : '';
  return {
    alertId: a.alertId,
    patientId: a.patientId,
    deviceId: a.deviceId,
    alertTime: Math.trunc(a.alertTime),
    alertType: a.alertType,
    // A long description must not cost the alert: shorten it instead of refusing the row.
    alertDetail:
      detail.length > FIELD_LIMITS.alertDetail ? `${detail.slice(0, FIELD_LIMITS.alertDetail - 1)}…` : detail,
    alertLevel: a.alertLevel,
    // Heart rate is whole beats per minute in the demo's schema (INT).
    heartRate: a.reading
      ? finiteOrNull(a.reading.heartRate) === null
        ? null
        : Math.round(a.reading.heartRate)
      : null,
    bloodOxygen: a.reading ? finiteOrNull(a.reading.bloodOxygen) : null,
    bloodGlucose: a.reading ? finiteOrNull(a.reading.bloodGlucose) : null,
  };
}

/** Thrown after the valid alerts of a batch were stored, naming what was refused. */
export function rejectedAlertsError(
  rejected: { alertId: unknown; reason: string }[],
  total: number,
): AlertStoreError {
  const first = rejected[0]!;
  const id = typeof first.alertId === 'string' ? first.alertId.slice(0, 64) : '(none)';
  return new AlertStoreError(
    'internal',
    `${rejected.length} of ${total} alerts were not stored: alert "${id}": ${first.reason}` +
      (rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : ''),
  );
}

/** 9999-12-31T23:59:59.999Z: the last instant a MySQL DATETIME holds. */
export const MAX_TIME_MS = 253_402_300_799_999;

/** Refuses a malformed request before anything is written; these are caller bugs, not outcomes. */
export function checkTransitionRequest(req: TransitionRequest): void {
  const bad = (what: string): never => {
    throw new AlertStoreError('internal', `Invalid acknowledgement: ${what}`);
  };
  if (typeof req.alertId !== 'string' || req.alertId.length === 0 || req.alertId.length > FIELD_LIMITS.id) {
    bad(`the alert id must be 1–${FIELD_LIMITS.id} characters`);
  }
  if (req.action !== 'confirm' && req.action !== 'resolve') bad('the action must be confirm or resolve');
  if (
    typeof req.nurse !== 'string' ||
    req.nurse.trim().length === 0 ||
    req.nurse.length > FIELD_LIMITS.nurse
  ) {
    bad(`the nurse's name must be 1–${FIELD_LIMITS.nurse} characters`);
  }
  if (
    typeof req.stationId !== 'string' ||
    req.stationId.length === 0 ||
    req.stationId.length > FIELD_LIMITS.stationId
  ) {
    bad(`the station id must be 1–${FIELD_LIMITS.stationId} characters`);
  }
  if (req.note !== null && (typeof req.note !== 'string' || req.note.length > FIELD_LIMITS.note)) {
    bad(`the note must be at most ${FIELD_LIMITS.note} characters`);
  }
  if (!Number.isFinite(req.at) || req.at < 0 || req.at > MAX_TIME_MS) bad('the time is invalid');
}

// ---------------------------------------------------------------------------------------------------
// Time zone helpers (conflict messages and ward-local days)

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a clear error for a time zone Intl does not know; returns the zone to use. */
export function resolveTimeZone(timeZone: string | undefined): string {
  const tz = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    partsFormatter(tz);
  } catch {
    throw new AlertStoreError('internal', `Unknown time zone "${tz.slice(0, 64)}"`);
  }
  return tz;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function localDate(p: LocalParts): string {
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** local wall-clock minus UTC at instant `ms`, in ms */
function zoneOffset(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant local midnight began on the ward-local day containing `ms`. */
export function localDayStart(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const midnightWall = Date.UTC(p.year, p.month - 1, p.day);
  let t = midnightWall - zoneOffset(midnightWall, timeZone);
  t = midnightWall - zoneOffset(t, timeZone); // second pass settles a DST change between the guesses
  return t;
}

/**
 * Ward-local days overlapping [from, to]: `starts[i]` is when day i began (starts[0] <= from) and
 * `labels[i]` its 'YYYY-MM-DD'. DST days (23 or 25 hours) are handled by asking Intl, not by adding 24 h.
 */
export function wardDays(from: number, to: number, timeZone: string): { starts: number[]; labels: string[] } {
  const starts: number[] = [];
  const labels: string[] = [];
  let start = localDayStart(from, timeZone);
  while (starts.length === 0 || start <= to) {
    starts.push(start);
    labels.push(localDate(localParts(start + 3_600_000, timeZone)));
    // 26 h after a local midnight is always inside the next local day (days are 23..25 h long).
    start = localDayStart(start + 26 * 3_600_000, timeZone);
    if (starts.length > 400) break; // defensive: ranges are at most 7 days
  }
  return { starts, labels };
}

function formatHandledAt(handleTime: number, at: number, timeZone: string): string {
  const h = localParts(handleTime, timeZone);
  const hhmm = `${pad(h.hour)}:${pad(h.minute)}`;
  const sameDay = localDate(h) === localDate(localParts(at, timeZone));
  return sameDay ? hhmm : `${localDate(h)} ${hhmm}`;
}

function nurseLabel(name: string): string {
  return /^nurse\b/i.test(name) ? name : `Nurse ${name}`;
}

/**
 * What the losing station is told, e.g. "Already confirmed by Nurse Ana at 03:12 from station ST-2".
 * `current` is the alert as it is now (confirmed or resolved); the time is ward-local.
 */
export function conflictMessage(
  current: Alert,
  handleStation: string | null,
  ctx: { ownStation: string; timeZone: string; at: number },
): string {
  const parts = [`Already ${current.status}`];
  if (current.handleBy) parts.push(`by ${nurseLabel(current.handleBy)}`);
  if (current.handleTime !== null)
    parts.push(`at ${formatHandledAt(current.handleTime, ctx.at, ctx.timeZone)}`);
  if (handleStation)
    parts.push(handleStation === ctx.ownStation ? 'from this station' : `from station ${handleStation}`);
  const msg = parts.join(' ');
  // The audit column holds 255 characters; names are at most 80 + 64, so this only guards odd data.
  return msg.length > 255 ? `${msg.slice(0, 254)}…` : msg;
}

export const NOT_YET_MESSAGE = 'Not in the alert store yet; the acknowledgement will be retried';

// ---------------------------------------------------------------------------------------------------
// Stats and burden arithmetic

export function rate(part: number, total: number): number {
  return total > 0 ? part / total : 0;
}

/**
 * Percentile positions the SQL picks out of the sorted deltas: linear interpolation between the
 * floor and ceiling ranks (PERCENTILE_CONT), computed with integer arithmetic in both databases.
 */
export function interpolatePercentiles(
  values: Map<number, number>,
  count: number,
): { median: number | null; p90: number | null } {
  if (count <= 0) return { median: null, p90: null };
  const pick = (num: number, den: number): number | null => {
    const scaled = num * (count - 1);
    const lo = Math.floor(scaled / den);
    const hi = Math.ceil(scaled / den);
    const a = values.get(lo);
    const b = values.get(hi);
    if (a === undefined || b === undefined) return null;
    return Math.round(a + ((b - a) * (scaled - lo * den)) / den);
  };
  return { median: pick(1, 2), p90: pick(9, 10) };
}

export function assembleBurden(input: {
  overTime: { hour: number; alertType: string; alertLevel: number; count: number }[];
  perBedDay: { patientId: string; dayIndex: number; count: number }[];
  dayLabels: string[];
  ack: { values: Map<number, number>; count: number };
}): BurdenStats {
  // Levels are normalized after grouping, so an odd sink level merges into its bucket here.
  const overTime = new Map<string, BurdenStats['overTime'][number]>();
  for (const r of input.overTime) {
    const level = normalizeLevel(r.alertLevel);
    const key = `${r.hour}\u0000${r.alertType}\u0000${level}`;
    const cur = overTime.get(key);
    if (cur) cur.count += r.count;
    else
      overTime.set(key, { t: r.hour * 3_600_000, alertType: r.alertType, alertLevel: level, count: r.count });
  }
  const perBedPerDay = input.perBedDay
    .map((r) => ({ patientId: r.patientId, day: input.dayLabels[r.dayIndex] ?? '', count: r.count }))
    .sort((a, b) => cmp(a.patientId, b.patientId) || cmp(a.day, b.day));
  const perBed = new Map<string, number>();
  for (const r of input.perBedDay) perBed.set(r.patientId, (perBed.get(r.patientId) ?? 0) + r.count);
  const noisiestBeds = [...perBed]
    .map(([patientId, count]) => ({ patientId, count }))
    .sort((a, b) => b.count - a.count || cmp(a.patientId, b.patientId))
    .slice(0, 10);
  const { median, p90 } = interpolatePercentiles(input.ack.values, input.ack.count);
  return {
    overTime: [...overTime.values()].sort(
      (a, b) => a.t - b.t || cmp(a.alertType, b.alertType) || a.alertLevel - b.alertLevel,
    ),
    perBedPerDay,
    timeToAckMs: { median, p90, samples: input.ack.count },
    noisiestBeds,
  };
}

/** Byte-order (code unit) comparison, the order both databases use for ids. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
