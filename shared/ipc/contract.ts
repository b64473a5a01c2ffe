// The one IPC contract between the renderer and the station core, implemented by the Electron
// preload and by the web shell alike. Every request is validated in main with these schemas.
import { z } from 'zod';
import { cleanFreeText, MAX_NOTE_CHARS, MAX_NOTE_INPUT_CHARS } from '../domain/free-text';
import type {
  AckRecord,
  Alert,
  AlertPage,
  AlertStats,
  BackendHealth,
  BedSnapshot,
  RejectSummary,
  Thresholds,
  TrendPoint,
  WardBed,
} from '../domain/types';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : -');
const note = z
  .string()
  .max(MAX_NOTE_INPUT_CHARS)
  .transform(cleanFreeText)
  .pipe(z.string().max(MAX_NOTE_CHARS));
const epochMs = z.number().int().min(0).max(8_640_000_000_000);
const timeRange = z.enum(['1h', '6h', '12h', '24h', '7d']);
const level = z.union([z.literal(1), z.literal(2)]);
const status = z.enum(['pending', 'confirmed', 'resolved']);
/** Free text typed by a nurse: no control characters (a NUL would end an SQL LIKE pattern early). */
const searchText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^\P{Cc}*$/u, 'must not contain control characters');
/**
 * A roster member's name, as the audit, the CSV and every acknowledgement show it: besides controls, no
 * format characters (bidi overrides and isolates, zero-width spaces, U+FEFF), line separators, private-use,
 * unassigned or surrogate code points — they would let a second "Li Na" look exactly like the first.
 */
export const rosterNameSchema = searchText(80)
  .trim()
  .min(1)
  // The joiners U+200C/U+200D stay where a script needs them (Persian, Indic), between two letters
  // of a script other than Latin; between Latin letters or at an edge they only hide a lookalike.
  .regex(
    /^(?:[^\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]|(?<=[\p{L}\p{M}](?<!\p{Script=Latin}))[\u200c\u200d](?=[\p{L}\p{M}](?<!\p{Script=Latin})))*$/u,
    'must not contain invisible or direction characters',
  );
/** A roster identifier (staff or badge number): the same conservative alphabet as every other id. */
export const nurseIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : -');
/**
 * A PIN or a badge number as a badge reader types it: 4–128 characters, no control characters. Never
 * logged, never stored: only its slow salted hash (electron/main/core/pin-hash.ts).
 */
export const pinSchema = z
  .string()
  .min(4, 'at least 4 characters')
  .max(128)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');
/**
 * A PIN being set (roster:save, `nurse-station roster set`): a PIN as above, and not one anyone would
 * try first — blanks only, blanks around it (a badge reader never sends them; a typist does not see
 * them), or one character repeated ("0000", "1111").
 */
export const newPinSchema = pinSchema
  .refine((p) => p.trim() === p, 'must not begin or end with a blank')
  .refine((p) => p.trim() !== '', 'must not be blank')
  .refine((p) => new Set(p).size > 1, 'must not be one character repeated');
export const NURSE_ROLES = ['nurse', 'charge'] as const;
/** 'charge': may also change thresholds, the roster, the ward's beds and the station settings, and read the audit */
export type NurseRole = (typeof NURSE_ROLES)[number];
const role = z.enum(NURSE_ROLES);
export const AUDIT_KINDS = ['acknowledgement', 'thresholds', 'settings', 'access'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

const finite = z.number().finite();
export const thresholdLimitsSchema = z
  .object({
    heartRateMin: finite.min(0).max(350),
    heartRateMax: finite.min(0).max(350),
    bloodOxygenMin: finite.min(0).max(100),
    bloodGlucoseMin: finite.min(0).max(60),
    bloodGlucoseMax: finite.min(0).max(60),
  })
  .strict()
  .refine((t) => t.heartRateMin < t.heartRateMax, {
    message: 'heart rate minimum must be below its maximum',
    path: ['heartRateMin'],
  })
  .refine((t) => t.bloodGlucoseMin < t.bloodGlucoseMax, {
    message: 'glucose minimum must be below its maximum',
    path: ['bloodGlucoseMin'],
  });

export const alertQuerySchema = z
  .object({
    range: timeRange,
    level: level.optional(),
    status: status.optional(),
    patientSearch: searchText(64).optional(),
    after: z.object({ alertTime: epochMs, alertId: id }).strict().optional(),
    limit: z.number().int().min(1).max(500),
  })
  .strict();

export const notificationPolicySchema = z
  .object({
    enabled: z.boolean(),
    sound: z.boolean(),
    /** minutes between reminders of an unacknowledged level-2 alert; 0 = never */
    criticalRepeatMinutes: z.number().int().min(0).max(120),
    /** alerts of one bed arriving within this many ms are summarized in one notification */
    coalesceMs: z.number().int().min(0).max(60_000),
  })
  .strict();
export type NotificationPolicySettings = z.infer<typeof notificationPolicySchema>;

// The ward and topic patterns are refinements rather than .regex(): the settings form shows a
// refinement's own message, where a failed pattern would only say "Invalid value".

/** A ward id as the backend's `ward_beds.ward_id` holds it; '' = no ward: the whole hospital. */
export const wardIdSchema = z
  .string()
  .max(64)
  .refine((w) => /^[A-Za-z0-9_.:-]*$/.test(w), { message: 'only letters, digits and _ . : - (no spaces)' });

/** At most this many Kafka bootstrap servers: more is a typo, not a cluster a station needs to know. */
export const KAFKA_BOOTSTRAP_MAX = 8;
export const DEFAULT_ALERTS_TOPIC = 'nurse_station_alerts';

/**
 * Why a `host:port,host:port` list of Kafka bootstrap servers is refused, or null when it is fine
 * ('' is fine: poll only). Spaces around the commas are allowed; normalizeKafkaBootstrap drops them.
 */
export function kafkaBootstrapProblem(list: string): string | null {
  if (list.trim() === '') return null;
  const servers = list.split(',').map((s) => s.trim());
  if (servers.length > KAFKA_BOOTSTRAP_MAX) return `at most ${KAFKA_BOOTSTRAP_MAX} servers`;
  for (const server of servers) {
    // the port is after the last colon, so a bracketed IPv6 address ([::1]:9092) keeps its own
    const colon = server.lastIndexOf(':');
    const host = colon > 0 ? server.slice(0, colon) : '';
    const port = colon > 0 ? server.slice(colon + 1) : '';
    const shown = server === '' ? 'an empty entry' : `"${server.slice(0, 40)}"`;
    if (host === '' || !/^\d{1,5}$/.test(port)) return `${shown} is not host:port`;
    if (host.length > 255 || /[\s\p{Cc}]/u.test(host))
      return `${shown}: the host must be 1–255 characters without spaces`;
    const n = Number(port);
    if (n < 1 || n > 65535) return `${shown}: the port must be 1–65535`;
  }
  return null;
}

/** The list as it is stored and handed to Kafka clients: no spaces around the commas. */
export function normalizeKafkaBootstrap(list: string): string {
  return list.trim() === ''
    ? ''
    : list
        .split(',')
        .map((s) => s.trim())
        .join(',');
}

export const kafkaSettingsSchema = z
  .object({
    /** '' = no push: the station polls RisingWave for new alerts */
    bootstrap: z
      .string()
      .max(2100)
      .superRefine((list, ctx) => {
        const problem = kafkaBootstrapProblem(list);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform(normalizeKafkaBootstrap),
    alertsTopic: z
      .string()
      .min(1)
      .max(249)
      .refine((t) => /^[A-Za-z0-9._-]*$/.test(t), { message: 'only letters, digits and . _ - (no spaces)' })
      // Kafka refuses these two names outright
      .refine((t) => t !== '.' && t !== '..', { message: 'a topic cannot be named "." or ".."' })
      .default(DEFAULT_ALERTS_TOPIC),
  })
  .strict();
export type KafkaSettings = z.output<typeof kafkaSettingsSchema>;

export const connectionSettingsSchema = z
  .object({
    mode: z.enum(['simulator', 'connected']),
    risingwave: z
      .object({
        host: z.string().min(1).max(255),
        port: z.number().int().min(1).max(65535),
        user: z.string().min(1).max(128),
        database: z.string().min(1).max(128),
        /** write-only: never returned to the renderer; undefined keeps the stored one */
        password: z.string().max(256).optional(),
      })
      .strict(),
    mysql: z
      .object({
        host: z.string().min(1).max(255),
        port: z.number().int().min(1).max(65535),
        user: z.string().min(1).max(128),
        database: z.string().min(1).max(128),
        password: z.string().max(256).optional(),
      })
      .strict(),
    pollIntervalMs: z.number().int().min(200).max(60_000),
    /**
     * The ward whose beds this station shows. Omitted keeps the saved one: a request that does not
     * mention the ward must not widen the station to the whole hospital.
     */
    wardId: wardIdSchema.optional(),
    /** the alert push path (RisingWave's Kafka sink of alerts); omitted keeps the saved one */
    kafka: kafkaSettingsSchema.optional(),
  })
  .strict();
/** What a client sends: the fields it may omit are optional here. */
export type ConnectionSettingsInput = z.input<typeof connectionSettingsSchema>;

export interface StationInfo {
  mode: 'simulator' | 'connected';
  stationId: string;
  version: string;
  wardTimeZone: string;
  /** the nurse signed in in this window or browser session (not the whole station); null when nobody is */
  nurse: NurseSession | null;
  shell: 'electron' | 'web';
  /** simulator mode ships a demo roster (published PINs): the sign-in dialog says so and shows them */
  demoRoster: DemoRosterMember[] | null;
}

/** Who is signed in, in one window or browser session. */
export interface NurseSession {
  nurseId: string;
  name: string;
  role: NurseRole;
  /** epoch ms (station clock) at which the session ends unless the nurse does something first */
  idleEndsAt: number;
  idleMinutes: number;
}

export interface DemoRosterMember {
  nurseId: string;
  name: string;
  role: NurseRole;
  /** published: a demo roster is not a secret */
  pin: string;
}

/** A roster entry as the charge nurse sees it: never the PIN or its hash. */
export interface RosterMember {
  nurseId: string;
  name: string;
  role: NurseRole;
  active: boolean;
  updatedAt: number;
}

/** One row of the audit (Audit screen), whatever table it comes from. */
export interface AuditEntry {
  kind: AuditKind;
  /** the row's sequence number in its own table (its place in the hash chain) */
  seq: number;
  at: number;
  /** roster identifier; null on rows written before sign-in had identifiers */
  nurseId: string | null;
  /** the name recorded (the roster's name at the time); '' when nobody was signed in */
  nurse: string;
  stationId: string;
  /**
   * acknowledgement: 'confirm' | 'resolve'; thresholds: 'update'; settings: the section and outcome
   * ('connection requested'); access: 'sign-in' | 'sign-in-refused' | 'locked-out' | 'sign-out' |
   * 'idle-timeout' | 'screen-locked' | 'suspended' | 'roster-saved' | 'roster-changed' | 'forbidden'
   */
  action: string;
  /** the patient, alert or roster member concerned; null when none */
  subject: string | null;
  /** one line for the nurse: what changed, or why it was refused */
  detail: string;
  /** this row's hash in its table's chain (hex) */
  hash: string;
}

/** Settings → About: what IT asks for on the phone. Paths and versions only, never a secret. */
export interface AboutInfo {
  version: string;
  mode: 'simulator' | 'connected';
  shell: 'electron' | 'web';
  stationId: string;
  /** the station's data folder (SQLite cache, settings); null where the host did not say */
  dataDir: string | null;
  /** the folder of the rotating log files; null when this station logs to stderr only */
  logDir: string | null;
  /** e.g. "Electron 45.4.1, Node 22.20.0, linux x64" */
  runtime: string;
}

type ConnectionSettingsParsed = z.output<typeof connectionSettingsSchema>;

export interface SettingsView {
  connection: Omit<ConnectionSettingsParsed, 'risingwave' | 'mysql' | 'wardId' | 'kafka'> & {
    risingwave: Omit<ConnectionSettingsParsed['risingwave'], 'password'> & { passwordSet: boolean };
    mysql: Omit<ConnectionSettingsParsed['mysql'], 'password'> & { passwordSet: boolean };
    /** '' = the whole hospital */
    wardId: string;
    kafka: KafkaSettings;
  };
  notifications: NotificationPolicySettings;
  /** where the password is kept: 'safeStorage', or a plain statement of why it is not encrypted */
  secretStorage: { encrypted: boolean; message: string };
  ackRetentionDays: number;
  signIn: SignInSettings;
}

export const signInSettingsSchema = z
  .object({
    /** a signed-in nurse who does nothing for this long is signed out (default 10) */
    idleMinutes: z.number().int().min(1).max(240),
  })
  .strict();
export type SignInSettings = z.infer<typeof signInSettingsSchema>;

export interface AlertDetail {
  alert: Alert;
  thresholds: Thresholds;
  /** the patient's last 30 minutes as 1-minute buckets */
  trend: TrendPoint[];
  history: AckRecord[];
}

export interface AckOutcome {
  alert: Alert;
  /** true when the alert store has it; false when it is queued in the local cache */
  synced: boolean;
  record: AckRecord;
}

export interface BurdenStats {
  /** alerts per hour bucket, by type and level */
  overTime: { t: number; alertType: string; alertLevel: number; count: number }[];
  perBedPerDay: { patientId: string; day: string; count: number }[];
  timeToAckMs: { median: number | null; p90: number | null; samples: number };
  noisiestBeds: { patientId: string; count: number }[];
}

const empty = z.object({}).strict();

/** channel → request schema and response type. Names are `domain:verb`. */
export const requestSchemas = {
  'station:info': empty,
  'app:about': empty,
  'session:sign-in': z.object({ nurseId: nurseIdSchema, pin: pinSchema }).strict(),
  'session:sign-out': empty,
  /** the nurse touched the screen: keeps the session from ending for idleness (the renderer throttles it) */
  'session:activity': empty,
  'roster:list': empty,
  /** a new member needs a PIN; an existing one keeps theirs when `pin` is omitted */
  'roster:save': z
    .object({
      nurseId: nurseIdSchema,
      name: rosterNameSchema,
      role,
      active: z.boolean(),
      pin: newPinSchema.optional(),
    })
    .strict(),
  'audit:list': z
    .object({
      kind: z.enum(AUDIT_KINDS).optional(),
      nurseId: searchText(64).optional(),
      from: epochMs.optional(),
      to: epochMs.optional(),
      limit: z.number().int().min(1).max(5000),
    })
    .strict(),
  'ward:beds': empty,
  /** the ward's bed list as configured in the backend (Settings), not the live tiles */
  'ward:beds-config': empty,
  /** patientId null empties the bed; an unknown bed id adds the bed to this station's ward */
  'ward:assign-bed': z.object({ bedId: id, patientId: id.nullable() }).strict(),
  'alerts:list': alertQuerySchema,
  'alerts:stats': z.object({ range: timeRange }).strict(),
  'alerts:get': z.object({ alertId: id }).strict(),
  'alerts:acknowledge': z
    .object({ alertId: id, action: z.enum(['confirm', 'resolve']), note: note.optional() })
    .strict(),
  'patients:trend': z
    .object({ patientId: id, from: epochMs, to: epochMs })
    .strict()
    .refine((r) => r.from < r.to, { message: '"from" must be before "to"' })
    .refine((r) => r.to - r.from <= 7 * 24 * 3_600_000, { message: 'at most 7 days at once' }),
  'patients:alerts': z.object({ patientId: id, range: timeRange }).strict(),
  'thresholds:get': z.object({ patientId: id }).strict(),
  'thresholds:update': z.object({ patientId: id, limits: thresholdLimitsSchema }).strict(),
  'review:list': z
    .object({
      patientId: searchText(64).optional(),
      nurse: searchText(80).optional(),
      action: z.enum(['confirm', 'resolve']).optional(),
      from: epochMs.optional(),
      to: epochMs.optional(),
      limit: z.number().int().min(1).max(5000),
    })
    .strict(),
  'review:export-csv': z.object({ from: epochMs, to: epochMs }).strict(),
  'stats:burden': z.object({ range: timeRange }).strict(),
  'health:get': empty,
  'rejects:summary': empty,
  'settings:get': empty,
  'settings:update-connection': connectionSettingsSchema,
  'settings:update-notifications': notificationPolicySchema,
  'settings:update-retention': z.object({ ackRetentionDays: z.number().int().min(1).max(3650) }).strict(),
  'settings:update-sign-in': signInSettingsSchema,
} as const;

export interface ResponseMap {
  'station:info': StationInfo;
  'app:about': AboutInfo;
  'session:sign-in': StationInfo;
  'session:sign-out': StationInfo;
  'session:activity': StationInfo;
  'roster:list': RosterMember[];
  'roster:save': RosterMember[];
  'audit:list': AuditEntry[];
  'ward:beds': BedSnapshot[];
  'ward:beds-config': WardBed[];
  'ward:assign-bed': WardBed[];
  'alerts:list': AlertPage;
  'alerts:stats': AlertStats;
  'alerts:get': AlertDetail;
  'alerts:acknowledge': AckOutcome;
  'patients:trend': TrendPoint[];
  'patients:alerts': Alert[];
  'thresholds:get': Thresholds;
  'thresholds:update': Thresholds;
  'review:list': AckRecord[];
  'review:export-csv': { filename: string; csv: string };
  'stats:burden': BurdenStats;
  'health:get': BackendHealth[];
  'rejects:summary': RejectSummary;
  'settings:get': SettingsView;
  'settings:update-connection': SettingsView;
  'settings:update-notifications': SettingsView;
  'settings:update-retention': SettingsView;
  'settings:update-sign-in': SettingsView;
}

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;
export type ResponseOf<C extends Channel> = ResponseMap[C];
export const CHANNELS = Object.keys(requestSchemas) as Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name);
}

/** Events pushed from main to the renderer. */
export interface EventMap {
  'alerts:new': Alert[];
  'alerts:changed': Alert[];
  'ward:update': BedSnapshot[];
  'health:changed': BackendHealth[];
  'rejects:changed': RejectSummary;
  /** a notification was clicked: show this alert */
  'ui:focus-alert': { alertId: string };
  /** a notification the renderer should raise (web shell) or sound (both) */
  'notify:show': NotificationRequest;
  /**
   * Sign-ins changed for a reason every window shares (the screen was locked, the roster changed):
   * each window asks `station:info` for its own session. Carries no names.
   */
  'session:changed': { reason: 'screen-locked' | 'suspended' | 'roster-changed' | 'idle-timeout' };
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = [
  'alerts:new',
  'alerts:changed',
  'ward:update',
  'health:changed',
  'rejects:changed',
  'ui:focus-alert',
  'notify:show',
  'session:changed',
];

export interface NotificationRequest {
  key: string;
  title: string;
  body: string;
  urgency: 'critical' | 'normal';
  alertIds: string[];
  patientId: string;
  level: 1 | 2;
  reminder: boolean;
  /**
   * A technical alarm about the station itself (no patient, no alert ids) that has an end: 'raised'
   * while it lasts (sounds, stays on screen), 'cleared' once it is over (shown once, silently).
   * Absent for patient alerts and one-off technical notices.
   */
  technical?: 'raised' | 'cleared';
}

export type ErrorCode =
  | 'bad_request'
  | 'unknown_channel'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'too_large'
  | 'internal';

export interface IpcError {
  code: ErrorCode;
  message: string;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** What the preload exposes as `window.nurseStation` and the web shell's client implements. */
export interface StationApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

/** Wire frames of the web shell's WebSocket (the preload uses ipcRenderer instead). */
export type ClientFrame = { id: number; channel: string; request: unknown };
export type ServerMessage = { id: number; result: Result<unknown> } | { event: EventName; payload: unknown };
/**
 * One message, or several in order (a JSON array): the events the station emitted in one turn of its
 * event loop travel together, and an answer closes the frame it is in, so every event sent before an
 * answer is handled before the code awaiting that answer resumes.
 */
export type ServerFrame = ServerMessage | ServerMessage[];

/**
 * The sync error of an acknowledgement whose alert the alert store has still not received after 10
 * minutes of retries (the backend's sink may be down): kept in the local cache and retried every
 * 5 minutes. The review screen shows such records as "waiting for the alert store".
 */
export const ACK_WAITING_FOR_STORE =
  'Waiting for the alert store: it has not received this alert after 10 minutes of retries. Kept on this station and retried every 5 minutes.';
