// The station core's ports. Adapters (simulator + engine, RisingWave, MySQL, SQLite, Electron,
// the web shell) implement these; the core never knows which one it talks to.
import type {
  AckAction,
  AckRecord,
  Alert,
  AlertPage,
  AlertQuery,
  AlertStats,
  AlertStatus,
  BackendHealth,
  BedSnapshot,
  RejectSummary,
  ThresholdLimits,
  Thresholds,
  TimeRange,
  TrendPoint,
  WardBed,
} from '../../../shared/domain/types';
import type {
  AuditEntry,
  AuditKind,
  BurdenStats,
  NotificationRequest,
  NurseRole,
} from '../../../shared/ipc/contract';

export type Unsubscribe = () => void;

/** Why the shell wakes the station (StationHost.wake): a resume from suspend, an unlock, the network back. */
export type WakeReason = 'resume' | 'unlock-screen' | 'network';

export interface Clock {
  /** wall time (epoch ms): for timestamps only, never for intervals — it can step back or forward */
  now(): number;
  /**
   * A clock that only moves forward at a steady rate (ms, arbitrary origin): for every interval,
   * budget, back-off and coalescing window, so a wall-clock step neither holds nor floods them.
   */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * The patients a station may see: those in its ward's beds now (a new patient in a bed follows the
 * bed), or null for the whole hospital (no ward configured; simulator mode). An empty list is an
 * empty ward: nothing is shown.
 */
export type PatientScope = readonly string[] | null;

/** Live vitals, the alert feed, trends and thresholds: the simulator + engine, or RisingWave. */
export interface VitalsSource {
  readonly adapter: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  beds(): Promise<BedSnapshot[]>;
  trend(patientId: string, from: number, to: number): Promise<TrendPoint[]>;
  thresholds(patientId: string): Promise<Thresholds>;
  updateThresholds(patientId: string, limits: ThresholdLimits): Promise<Thresholds>;
  rejects(): RejectSummary;
  /** New alerts, each delivered once per id (adapters de-duplicate their own overlap). */
  onAlerts(listener: (alerts: Alert[]) => void): Unsubscribe;
  /** Beds whose vitals or state changed. */
  onBeds(listener: (beds: BedSnapshot[]) => void): Unsubscribe;
  onHealth(listener: (health: BackendHealth) => void): Unsubscribe;
  onRejects?(listener: (summary: RejectSummary) => void): Unsubscribe;
  health(): BackendHealth;
  /**
   * Catch up now rather than at the next poll or tick: the station woke from a suspend, the screen was
   * unlocked, the network came back. Re-reads at once and retries a broken connection without waiting
   * for its back-off (the simulator catches up on the time it slept). Resolves when done — failures go
   * to health(), it never rejects; overlapping calls are coalesced into one.
   */
  refresh?(): Promise<void>;
  /** This station's ward, as the source last read it; absent or null: every patient. */
  scope?(): PatientScope;
  /**
   * The beds of this station's ward, for Settings. Absent where beds are not configurable (the
   * simulator). Rejects with a coded, UI-safe error when no ward is set.
   */
  wardBeds?(): Promise<WardBed[]>;
  /**
   * Puts a patient in a bed of this station's ward (a new bed id adds the bed), or empties it
   * (patientId null); returns the ward's beds afterwards. A bed of another ward is refused.
   */
  assignBed?(req: AssignBedRequest): Promise<WardBed[]>;
}

export interface AssignBedRequest {
  bedId: string;
  patientId: string | null;
  nurse: string;
  stationId: string;
}

export interface TransitionRequest {
  alertId: string;
  action: AckAction;
  nurse: string;
  /** the roster identifier of the nurse (null for records made before identifiers) */
  nurseId?: string | null;
  stationId: string;
  note: string | null;
  at: number;
  /**
   * The alert as the station saw it: what the store is told when it does not have the alert yet, and
   * the content an adapter may return with an applied transition instead of reading the row back.
   */
  snapshot: Alert;
  /**
   * An earlier attempt of this acknowledgement already found the alert missing, and was audited: the
   * store does not audit another not-found (the outcome, applied or conflict, is audited as ever).
   */
  repeat?: boolean;
}

export type TransitionResult =
  /** `alert` carries the handling just applied; its content may be the request's snapshot */
  | { kind: 'applied'; alert: Alert }
  /** another station changed it first; `current` is the state it is in now */
  | { kind: 'conflict'; current: Alert; message: string }
  /** the store does not have this alert yet (the sink lags the feed): retry later */
  | { kind: 'not_yet' };

/**
 * The record of alerts and who handled them: SQLite in simulator mode, MySQL when connected.
 *
 * Every read that lists or counts alerts takes the station's `scope` (absent or null: every patient):
 * only alerts of the patients in it are listed or counted, and an empty scope reads nothing. Reads by
 * alert id (get, handledAmong) are not scoped: the caller already holds the id.
 */
export interface AlertStore {
  readonly adapter: string;
  /** Simulator mode writes engine alerts here; idempotent on alert_id, never touches handling columns. */
  upsertAlerts(alerts: Alert[]): Promise<void>;
  list(query: AlertQuery, now: number, scope?: PatientScope): Promise<AlertPage>;
  stats(range: TimeRange, now: number, scope?: PatientScope): Promise<AlertStats>;
  get(alertId: string): Promise<Alert | null>;
  /** empty when `patientId` is outside `scope` */
  patientAlerts(patientId: string, range: TimeRange, now: number, scope?: PatientScope): Promise<Alert[]>;
  /** pending → confirmed → resolved (pending → resolved allowed); conditional, audited, atomic. */
  transition(req: TransitionRequest): Promise<TransitionResult>;
  burden(range: TimeRange, now: number, scope?: PatientScope): Promise<BurdenStats>;
  pendingAlerts(scope?: PatientScope): Promise<Alert[]>;
  /**
   * The alerts among `alertIds` that are no longer pending, as the store has them: how a station learns
   * that another station handled alerts it still shows. Ids the store does not have are left out.
   */
  handledAmong(alertIds: readonly string[]): Promise<Alert[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface AckFilter {
  patientId?: string | undefined;
  nurse?: string | undefined;
  action?: AckAction | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

/** Local, durable record of every acknowledgement, written before the alert store is touched. */
export interface AckCache {
  append(record: Omit<AckRecord, 'syncState' | 'syncError' | 'syncedAt'>): AckRecord;
  /** unsynced entries (pending or retrying), oldest first */
  unsynced(): AckRecord[];
  markSynced(ackId: string, at: number): void;
  markConflict(ackId: string, message: string): void;
  markRetrying(ackId: string, message: string): void;
  list(filter: AckFilter): AckRecord[];
  forAlert(alertId: string): AckRecord[];
  /** drop synced entries older than `before`; never drops unsynced ones */
  prune(before: number): number;
  /**
   * Whether acknowledgements written now will still be there after a restart (the storage is still
   * the one written to, writable, the last write succeeded); `message` says what is wrong, for the
   * nurse and IT. Called on every health tick (1 s): cheap, never throws for a cache fault.
   */
  health(): { up: boolean; message: string | null };
  close(): void;
}

export interface Notifier {
  show(request: NotificationRequest): void;
}

export type AlertStatusChange = { alertId: string; from: AlertStatus; to: AlertStatus };

/**
 * Alerts this station raised (signal loss; the engine's alerts in simulator mode) that the alert store
 * has not confirmed yet, kept durably until it has: nothing raised is dropped by a store outage or a
 * restart.
 */
export interface AlertOutbox {
  /** idempotent on alert_id */
  add(alerts: readonly Alert[]): void;
  /** the oldest queued alerts, at most `limit` */
  peek(limit: number): Alert[];
  /** written to the store: forget them */
  remove(alertIds: readonly string[]): void;
  size(): number;
}

/**
 * The alerts this station has announced (handed to its notification policy), kept across restarts, so
 * an alert handed to it again (redelivered by Kafka, re-read by a poll after a restart) is listed but
 * never announced twice.
 */
export interface AnnouncedAlerts {
  /** those of `alertIds` announced before */
  seen(alertIds: readonly string[]): Set<string>;
  record(alerts: readonly { alertId: string; alertTime: number }[], at: number): void;
  /** forgets announcements older than `before` (epoch ms); returns how many */
  prune(before: number): number;
}

// ---- sign-in and audit ------------------------------------------------------------------------

/** Who makes a request: the nurse signed in in that window or browser session. */
export interface Actor {
  nurseId: string;
  name: string;
  role: NurseRole;
}

/** A roster entry as stored: the PIN only as its slow salted hash (core/pin-hash.ts). */
export interface RosterRecord {
  nurseId: string;
  name: string;
  role: NurseRole;
  active: boolean;
  pinHash: string;
  updatedAt: number;
}

/**
 * The ward's roster: MySQL in connected mode (shared by the ward's stations), the station's SQLite in
 * simulator mode. Identifiers are compared exactly (case-sensitive), as typed by a badge reader.
 */
export interface RosterStore {
  find(nurseId: string): Promise<RosterRecord | null>;
  /** every member, active or not, ordered by nurseId; never the hashes to the renderer (the core strips them) */
  list(): Promise<RosterRecord[]>;
  /** insert or replace one member (pinHash: the one to keep, or a new one) */
  save(record: RosterRecord): Promise<void>;
  close(): Promise<void>;
}

/** What the station itself audits besides acknowledgements (the ack cache chains its own rows). */
export type AuditEvent =
  | {
      kind: 'thresholds';
      at: number;
      nurseId: string;
      nurse: string;
      stationId: string;
      patientId: string;
      before: Thresholds;
      after: Thresholds;
    }
  | {
      kind: 'settings';
      at: number;
      nurseId: string;
      nurse: string;
      stationId: string;
      /** 'ward': a bed of the ward changed in the backend (not a setting of this station) */
      section: 'connection' | 'notifications' | 'ackRetentionDays' | 'signIn' | 'ward';
      outcome: 'requested' | 'applied' | 'refused';
      before: object;
      after: object;
    }
  | {
      kind: 'access';
      at: number;
      /** as typed, for a refused attempt (it passed the contract's identifier pattern) */
      nurseId: string | null;
      /** the roster's name, '' when the identifier is unknown */
      nurse: string;
      stationId: string;
      action:
        | 'sign-in'
        | 'sign-in-refused'
        | 'locked-out'
        | 'sign-out'
        | 'idle-timeout'
        | 'screen-locked'
        /** signed out because the PC went to sleep (power.ts 'suspend') */
        | 'suspended'
        | 'roster-saved'
        | 'forbidden';
      /** the window or connection (e.g. 'window:1', 'ws-3'), or the roster member changed */
      subject: string | null;
      detail: string;
    };

/**
 * The station's tamper-evident audit (SQLite): threshold changes, settings changes, sign-ins and
 * roster changes, each row carrying the hash of the previous one in its table. `list` also reads
 * the acknowledgement cache's rows, so the Audit screen shows one timeline.
 */
export interface AuditLog {
  /** throws when the row cannot be written: the caller refuses the change it was to record */
  record(event: AuditEvent): void;
  list(filter: {
    kind?: AuditKind | undefined;
    nurseId?: string | undefined;
    from?: number | undefined;
    to?: number | undefined;
    limit: number;
  }): AuditEntry[];
}
