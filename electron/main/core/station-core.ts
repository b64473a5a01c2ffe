// The station core: everything a nurse station does, written against ports only. The same core
// runs in simulator mode (engine + SQLite) and connected mode (RisingWave + MySQL), behind the
// Electron shell or the web shell.
import type {
  AckRecord,
  Alert,
  BackendHealth,
  BedSnapshot,
  BedState,
  ThresholdLimits,
  Thresholds,
  WardBed,
} from '../../../shared/domain/types';
import type {
  AboutInfo,
  Channel,
  EventMap,
  EventName,
  NotificationPolicySettings,
  ParsedRequestOf,
  ResponseOf,
  SettingsView,
  StationInfo,
  ConnectionSettingsInput,
  RosterMember,
} from '../../../shared/ipc/contract';
import { acknowledgementsCsv } from './ack-csv';
import { NotificationPolicy } from './notification-policy';
import { hashPin, isPinHash } from './pin-hash';
import type {
  AckCache,
  Actor,
  AlertOutbox,
  AlertStore,
  AnnouncedAlerts,
  Clock,
  AuditEvent,
  AuditLog,
  Notifier,
  RosterRecord,
  RosterStore,
  Unsubscribe,
  VitalsSource,
  WakeReason,
} from './ports';
import { StationError } from './station-error';
import { ACK_WAITING_FOR_STORE } from '../../../shared/ipc/contract';

export interface SettingsPort {
  view(): SettingsView | Promise<SettingsView>;
  notifications(): NotificationPolicySettings;
  updateConnection(input: ConnectionSettingsInput): SettingsView | Promise<SettingsView>;
  updateNotifications(policy: NotificationPolicySettings): SettingsView | Promise<SettingsView>;
  ackRetentionDays(): number;
  updateRetention(days: number): SettingsView | Promise<SettingsView>;
  updateSignIn(settings: { idleMinutes: number }): SettingsView | Promise<SettingsView>;
}

/** A settings change as audited: the sections' views before and after (no passwords in them). */
export type SettingsAuditEntry = Extract<AuditEvent, { kind: 'settings' }>;

/**
 * Who asks: the window or connection (`peer`) and the nurse signed in there, resolved by the host's
 * session gate for every request. Reads need nobody: an alarm is never hidden behind a sign-in.
 */
export interface Call {
  peer: string;
  actor: Actor | null;
}

export interface StationCoreDeps {
  vitals: VitalsSource;
  alerts: AlertStore;
  cache: AckCache;
  /** alerts raised here wait in it until the alert store has them */
  outbox: AlertOutbox;
  /** what this station has announced, across restarts; without it a restart may announce again */
  announced?: AnnouncedAlerts;
  notifier: Notifier;
  clock: Clock;
  settings: SettingsPort;
  info: Omit<StationInfo, 'nurse'>;
  /** Settings → About: where the data and the log files are, and what runs the station */
  about?: Pick<AboutInfo, 'dataDir' | 'logDir' | 'runtime'>;
  /** simulator mode: the engine's alerts are recorded in the local alert store (connected: only signal loss) */
  recordFeedInStore: boolean;
  /** threshold, settings and roster changes (and, read back, the whole audit: Audit screen) */
  audit?: AuditLog;
  /** the ward's roster (MySQL in connected mode, SQLite in simulator mode) */
  roster?: RosterStore;
  /** a roster member was saved here: the session gate follows (ends an inactive member's sessions) */
  onRosterSaved?: (member: RosterRecord) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** how often the alert store is probed; the UI must show "offline" within 2 s */
  healthIntervalMs?: number;
  syncIntervalMs?: number;
  /**
   * How often pending alerts are checked for another station's handling; none when absent (a simulator
   * station is the only writer of its own store).
   */
  handledCheckIntervalMs?: number;
  newId?: () => string;
  /**
   * The local acknowledgement cache was found damaged at start-up and replaced by a fresh one (the
   * damaged file kept for IT); `message` names the kept file. Cache health stays down with it until the
   * station restarts. `announce`: raise the technical alarm (the first core after start-up, not one
   * rebuilt for new connection settings).
   */
  cacheReplacedAtStart?: { message: string; announce: boolean };
}

/** The session channels belong to the host's session gate, which outlives a rebuilt core. */
export type SessionChannel = 'session:sign-in' | 'session:sign-out' | 'session:activity';
export type CoreChannel = Exclude<Channel, SessionChannel>;
type Handlers = { [C in CoreChannel]: (req: ParsedRequestOf<C>, call: Call) => Promise<ResponseOf<C>> };
type Listener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

const MAX_TRACKED_PENDING = 20_000;
/** alerts written to the store per statement when the outbox drains */
const OUTBOX_BATCH = 500;
/**
 * An acknowledgement of an alert the store does not have yet is retried with exponential back-off
 * (2 s, 4 s, … at most every 5 min); after 10 min it shows as waiting for the alert store. Only the
 * first not-found attempt is audited: retrying every 2 s once wrote 887 audit rows in 32 minutes.
 */
const NOT_YET_FIRST_DELAY_MS = 2_000;
const NOT_YET_MAX_DELAY_MS = 5 * 60_000;
const NOT_YET_WAITING_AFTER_MS = 10 * 60_000;
const NOT_YET_RETRY = 'The alert store has not received this alert yet; will retry.';
const BACKLOG_MS = 2 * 60_000;
const PRUNE_EVERY_MS = 3_600_000;
/** pending alerts asked about per check (a huge backlog is gone through over several checks) */
const HANDLED_CHECK_BATCH = 1_000;
const STATE_RANK: Record<BedState, number> = {
  critical: 4,
  warning: 3,
  signal_loss: 2,
  normal: 1,
  waiting: 0,
};

function who(call: Call, doing: string): Actor {
  if (!call.actor)
    throw new StationError('unauthorized', `Sign in with your identifier and PIN before ${doing}.`);
  return call.actor;
}

/** The charge nurse's work: thresholds, the roster, the ward's beds, the station settings, the audit. */
function charge(call: Call, action: string): Actor {
  if (!call.actor) throw new StationError('unauthorized', `Sign in as the charge nurse to ${action}.`);
  if (call.actor.role !== 'charge') {
    throw new StationError('forbidden', `Only the charge nurse may ${action}.`);
  }
  return call.actor;
}

export class StationCore {
  private readonly listeners = new Set<Listener>();
  private readonly unsubscribers: Unsubscribe[] = [];
  /** alerts nobody has confirmed or resolved yet, by id (insertion order = arrival order) */
  private readonly pending = new Map<string, Alert>();
  /** the same alerts by patient (same order), so a bed's state costs its own alerts, not the ward's */
  private readonly pendingByPatient = new Map<string, Map<string, Alert>>();
  private readonly beds = new Map<string, BedSnapshot>();
  private readonly policy: NotificationPolicy;
  private alertHealth: BackendHealth;
  private cacheHealth: BackendHealth;
  private healthTimer: unknown;
  private syncTimer: unknown;
  private syncChain: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastPruneAt = 0;
  private lastHandledCheckAt = 0;
  private handledCursor = 0;
  private storeWrites: Promise<void> = Promise.resolve();
  /** acknowledgements whose alert the store did not have: when to ask again (monotonic ms) */
  private readonly notYet = new Map<
    string,
    { alertId: string; attempts: number; firstAt: number; nextAt: number }
  >();

  constructor(private readonly deps: StationCoreDeps) {
    const now = deps.clock.now();
    this.alertHealth = {
      backend: 'alerts',
      adapter: deps.alerts.adapter,
      up: true,
      since: now,
      message: null,
    };
    const replaced = deps.cacheReplacedAtStart?.message ?? null;
    this.cacheHealth = { backend: 'cache', adapter: 'sqlite', up: !replaced, since: now, message: replaced };
    this.policy = new NotificationPolicy({
      clock: deps.clock,
      settings: () => deps.settings.notifications(),
      isPending: (id) => this.pending.has(id),
      emit: (request) => {
        try {
          deps.notifier.show(request);
        } catch (err) {
          this.log('warn', `notifier failed: ${(err as Error).message}`);
        }
        this.emit('notify:show', request);
      },
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async start(): Promise<void> {
    const { vitals } = this.deps;
    this.unsubscribers.push(
      vitals.onAlerts((alerts) => this.onFeedAlerts(alerts)),
      vitals.onBeds((beds) => this.onBeds(beds)),
      vitals.onHealth(() => this.emitHealth()),
    );
    if (vitals.onRejects) this.unsubscribers.push(vitals.onRejects((s) => this.emit('rejects:changed', s)));
    // Vitals first: with a ward configured, its first read says which patients the store's pending
    // alerts are to be loaded for.
    await vitals.start();
    for (const bed of await vitals.beds()) this.beds.set(bed.patientId, bed);
    await this.checkAlertStore(); // loads the store's pending alerts if it was down and is back
    if (this.alertHealth.up) await this.loadPendingFromStore();
    this.followScope();
    if (this.alertHealth.up && this.deps.outbox.size() > 0) void this.flushOutbox(); // left by the last run
    this.checkCache();
    this.scheduleHealth();
    this.watchBackends();
    this.scheduleSync();
    this.pruneCache();
    const replaced = this.deps.cacheReplacedAtStart;
    if (replaced?.announce) {
      this.log('error', replaced.message);
      this.technicalAlarm('cache:replaced', 'local acknowledgement cache replaced', replaced.message);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.healthTimer);
    this.unwatchBackends();
    this.deps.clock.clearTimeout(this.syncTimer);
    for (const off of this.unsubscribers.splice(0)) off();
    this.policy.dispose();
    await this.deps.vitals.stop();
    await this.storeWrites.catch(() => undefined);
    await this.syncChain.catch(() => undefined);
  }

  on(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** pending alerts plus active technical alarms (a lost backend), for the tray */
  unreadCount(): number {
    return this.pending.size + this.raisedOutages();
  }

  // ---- waking up (resume from suspend, unlock, network back) --------------------------------

  /** the re-read a wake started, while it runs */
  private wakeRun: Promise<void> | null = null;
  /** one more re-read, queued behind it for the wakes that came meanwhile */
  private wakeNext: Promise<void> | null = null;

  /**
   * The station woke up: reconnect and re-read at once rather than at the next poll or back-off. The
   * vitals source re-reads and retries its connection now (the simulator catches up on the time slept),
   * the alert store is pinged, the store's pending alerts are reloaded and what other stations handled
   * meanwhile is learnt, and queued acknowledgements and alerts are sent. Never rejects. A wake while a
   * re-read runs is coalesced into one more after it, however many came (the network may have come back
   * only since the first began). One log line per call, without patient data.
   */
  wake(reason: WakeReason): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.wakeRun) {
      this.log('info', `wake (${reason}): reconnecting and re-reading now`);
      return this.startWakeRun();
    }
    this.log('info', `wake (${reason}): re-reading again once the re-read under way is done`);
    this.wakeNext ??= this.wakeRun.then(() => {
      this.wakeNext = null;
      return this.startWakeRun();
    });
    return this.wakeNext;
  }

  private startWakeRun(): Promise<void> {
    const run: Promise<void> = this.rereadNow()
      .catch((err: unknown) =>
        this.log('warn', `re-read after a wake failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        if (this.wakeRun === run) this.wakeRun = null;
      });
    this.wakeRun = run;
    return run;
  }

  private async rereadNow(): Promise<void> {
    if (this.stopped) return;
    const wasUp = this.alertHealth.up;
    // what other stations handled while this one slept is asked now, not at the next 5-s check
    this.lastHandledCheckAt = -Infinity;
    // acknowledgements waiting for the store to receive their alert are tried again now
    for (const entry of this.notYet.values()) entry.nextAt = 0;
    await Promise.all([this.deps.vitals.refresh?.(), this.checkAlertStore()]);
    if (this.stopped) return;
    this.followScope();
    if (!this.alertHealth.up) return; // the health tick keeps trying, and alarms if it stays down
    // (back from down, checkAlertStore has already reloaded them)
    if (wasUp) await this.loadPendingFromStore();
    await Promise.all([
      this.syncNow().catch(() => undefined),
      this.deps.outbox.size() > 0 ? this.flushOutbox() : undefined,
    ]);
  }

  // ---- request handlers (requests are already validated by the host) ----------------------

  readonly handlers: Handlers = {
    'station:info': async () => this.info(),
    'app:about': async () => {
      const { version, mode, shell, stationId } = this.deps.info;
      const about = this.deps.about ?? { dataDir: null, logDir: null, runtime: '' };
      return { version, mode, shell, stationId, ...about };
    },
    'ward:beds': async () => [...this.beds.values()].map((b) => this.withState(b)),
    'ward:beds-config': async () => this.wardBedsSource().wardBeds(),
    'ward:assign-bed': async ({ bedId, patientId }, call) =>
      this.assignBed(bedId, patientId, charge(call, "change the ward's beds")),
    'alerts:list': async (query) => this.deps.alerts.list(query, this.deps.clock.now(), this.wardScope()),
    'alerts:stats': async ({ range }) =>
      this.deps.alerts.stats(range, this.deps.clock.now(), this.wardScope()),
    'alerts:get': async ({ alertId }) => {
      const alert = await this.findAlert(alertId);
      this.requireInWard(alert.patientId);
      const now = this.deps.clock.now();
      const [thresholds, trend] = await Promise.all([
        this.deps.vitals.thresholds(alert.patientId),
        this.deps.vitals.trend(alert.patientId, Math.min(alert.alertTime, now) - 30 * 60_000, now),
      ]);
      return { alert, thresholds, trend, history: this.deps.cache.forAlert(alertId) };
    },
    'alerts:acknowledge': async ({ alertId, action, note }, call) =>
      this.acknowledge(alertId, action, note ?? null, who(call, 'acknowledging alerts')),
    'patients:trend': async ({ patientId, from, to }) => {
      this.requireInWard(patientId);
      return this.deps.vitals.trend(patientId, from, to);
    },
    'patients:alerts': async ({ patientId, range }) =>
      this.deps.alerts.patientAlerts(patientId, range, this.deps.clock.now(), this.requireInWard(patientId)),
    'thresholds:get': async ({ patientId }) => {
      this.requireInWard(patientId);
      return this.deps.vitals.thresholds(patientId);
    },
    'thresholds:update': async ({ patientId, limits }, call) => {
      const actor = charge(call, 'change thresholds');
      this.requireInWard(patientId);
      return this.updateThresholds(patientId, limits, actor);
    },
    'review:list': async (filter) => this.deps.cache.list(filter),
    'review:export-csv': async ({ from, to }) => {
      if (from >= to) throw new StationError('bad_request', '"from" must be before "to"');
      const rows = this.deps.cache.list({ from, to, limit: 100_000 }).reverse();
      const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace(/[:T]/g, '-');
      return {
        filename: `nurse-station-${this.deps.info.stationId}-${day(from)}_${day(to)}.csv`,
        csv: acknowledgementsCsv(rows, this.deps.info.wardTimeZone),
      };
    },
    'stats:burden': async ({ range }) =>
      this.deps.alerts.burden(range, this.deps.clock.now(), this.wardScope()),
    'health:get': async () => this.healthList(),
    'rejects:summary': async () => this.deps.vitals.rejects(),
    'settings:get': async () => this.deps.settings.view(),
    'settings:update-connection': async (input, call) =>
      this.changeSettings(
        'connection',
        charge(call, 'change the station settings'),
        () => this.deps.settings.updateConnection(input),
        {
          risingwavePasswordTyped: input.risingwave.password !== undefined,
          mysqlPasswordTyped: input.mysql.password !== undefined,
        },
      ),
    'settings:update-notifications': async (policy, call) =>
      this.changeSettings('notifications', charge(call, 'change the station settings'), () =>
        this.deps.settings.updateNotifications(policy),
      ),
    'settings:update-retention': async ({ ackRetentionDays }, call) => {
      const view = await this.changeSettings(
        'ackRetentionDays',
        charge(call, 'change the station settings'),
        () => this.deps.settings.updateRetention(ackRetentionDays),
      );
      this.pruneCache();
      return view;
    },
    'settings:update-sign-in': async (signIn, call) =>
      this.changeSettings('signIn', charge(call, 'change the station settings'), () =>
        this.deps.settings.updateSignIn(signIn),
      ),
    'roster:list': async (_req, call) => {
      charge(call, 'see the roster');
      return (await this.rosterStore().list()).map(rosterView);
    },
    'roster:save': async (member, call) => this.saveRosterMember(member, charge(call, 'change the roster')),
    'audit:list': async (filter, call) => {
      charge(call, 'read the audit');
      if (!this.deps.audit) throw new StationError('unavailable', 'This station keeps no audit.');
      return this.deps.audit.list(filter);
    },
  };

  // ---- roster ------------------------------------------------------------------------------

  private rosterStore(): RosterStore {
    if (!this.deps.roster) throw new StationError('unavailable', 'This station has no roster.');
    return this.deps.roster;
  }

  /**
   * Adds or changes a member: audited before it is applied (a change nobody could record is not
   * made). A new member needs a PIN; the PIN itself is never audited or logged.
   */
  private async saveRosterMember(
    member: {
      nurseId: string;
      name: string;
      role: RosterRecord['role'];
      active: boolean;
      pin?: string | undefined;
    },
    actor: Actor,
  ): Promise<RosterMember[]> {
    const roster = this.rosterStore();
    const before = await roster.find(member.nurseId);
    if (!before && member.pin === undefined) {
      throw new StationError(
        'bad_request',
        `A new member needs a PIN: ${member.nurseId} is not in the roster yet.`,
      );
    }
    if (before && !isPinHash(before.pinHash) && member.pin === undefined) {
      throw new StationError('bad_request', `${member.nurseId} has no usable PIN: give a new one.`);
    }
    if (member.nurseId === actor.nurseId && (!member.active || member.role !== 'charge')) {
      // the last charge nurse cannot lock everyone out of the roster by demoting herself by mistake
      throw new StationError(
        'conflict',
        'You cannot remove your own charge role or deactivate yourself: ask another charge nurse.',
      );
    }
    const record: RosterRecord = {
      nurseId: member.nurseId,
      name: member.name,
      role: member.role,
      active: member.active,
      pinHash: member.pin !== undefined ? await hashPin(member.pin) : (before?.pinHash ?? ''),
      updatedAt: this.deps.clock.now(),
    };
    const change = [
      before ? null : 'added',
      before && before.name !== record.name ? `name ${before.name} → ${record.name}` : null,
      before && before.role !== record.role ? `role ${before.role} → ${record.role}` : null,
      before && before.active !== record.active ? (record.active ? 'made active' : 'made inactive') : null,
      before && member.pin !== undefined ? 'new PIN' : null,
    ].filter((x): x is string => x !== null);
    this.recordAudit({
      kind: 'access',
      at: this.deps.clock.now(),
      nurseId: actor.nurseId,
      nurse: actor.name,
      stationId: this.deps.info.stationId,
      action: 'roster-saved',
      subject: record.nurseId,
      detail: `${record.name} (${record.role}${record.active ? '' : ', inactive'}): ${change.join(', ') || 'unchanged'}`,
    });
    await roster.save(record);
    this.log('info', 'roster member saved');
    this.deps.onRosterSaved?.(record);
    return (await roster.list()).map(rosterView);
  }

  /** Writes an audit row; an audit that cannot be written refuses the change it was to record. */
  private recordAudit(event: AuditEvent): void {
    try {
      this.deps.audit?.record(event);
    } catch (err) {
      this.log('error', `audit failed (${event.kind}): ${(err as Error).message}`);
      throw new StationError(
        'unavailable',
        'The change could not be recorded on this station, so it was not made. Try again, and tell IT.',
      );
    }
  }

  /**
   * The patients this station shows (null: the whole hospital). Asked on every request rather than
   * kept: a new patient in one of the ward's beds is the ward's from the source's next read.
   */
  private wardScope(): readonly string[] | null {
    return this.deps.vitals.scope?.() ?? null;
  }

  /**
   * A patient outside the ward is answered as unknown: a station neither reads nor changes what
   * belongs to another ward (its thresholds included). Returns the scope, for the store's read.
   */
  private requireInWard(patientId: string): readonly string[] | null {
    const scope = this.wardScope();
    if (scope !== null && !scope.includes(patientId)) {
      throw new StationError('not_found', `Patient ${patientId} is not in this station's ward.`);
    }
    return scope;
  }

  /** The station's facts; `nurse` is the caller's own session, filled in by the host's session gate. */
  info(): StationInfo {
    return { ...this.deps.info, nurse: null };
  }

  // ---- acknowledgement: local first, then the alert store --------------------------------

  private async acknowledge(
    alertId: string,
    action: 'confirm' | 'resolve',
    note: string | null,
    actor: Actor,
  ) {
    const alert = await this.alertToAcknowledge(alertId);
    this.requireInWard(alert.patientId); // ids are computable: no acknowledging another ward's alerts
    const local = this.localHandling(alert);
    if (local.status === 'resolved' || (local.status === 'confirmed' && action === 'confirm')) {
      throw new StationError(
        'conflict',
        `This alert is already ${local.status}${local.by ? ` by ${local.by}` : ''}.`,
      );
    }
    const record = this.appendToCache({
      ackId: this.newId(),
      alertId,
      action,
      nurse: actor.name,
      nurseId: actor.nurseId,
      stationId: this.deps.info.stationId,
      note,
      ackTime: this.deps.clock.now(),
      alert,
    });
    // The nurse has acted: stop alarming even before the store has it.
    this.markHandledLocally(record);
    await this.syncNow();
    const [final] = this.deps.cache.forAlert(alertId).filter((r) => r.ackId === record.ackId);
    const current = final ?? record;
    if (current.syncState === 'conflict') {
      throw new StationError('conflict', current.syncError ?? 'Another station changed this alert first.');
    }
    return {
      alert: this.applyRecord(alert, current),
      synced: current.syncState === 'synced',
      record: current,
    };
  }

  /** Runs the unsynced acknowledgements oldest first; one run at a time. */
  syncNow(): Promise<void> {
    const run = this.syncChain.then(() => this.syncPass());
    this.syncChain = run.catch(() => undefined);
    return run;
  }

  private async syncPass(): Promise<void> {
    const held = new Set<string>();
    for (const record of this.deps.cache.unsynced()) {
      if (this.stopped) return;
      // An alert's acknowledgements go in order: one waiting holds back the later ones of its alert.
      if (held.has(record.alertId)) continue;
      const backoff = this.notYet.get(record.ackId);
      if (backoff && this.deps.clock.monotonic() < backoff.nextAt) {
        held.add(record.alertId);
        continue;
      }
      let result;
      try {
        result = await this.deps.alerts.transition({
          alertId: record.alertId,
          action: record.action,
          nurse: record.nurse,
          nurseId: record.nurseId,
          stationId: record.stationId,
          note: record.note,
          at: record.ackTime,
          snapshot: record.alert,
          // persisted in the record, so a restart does not audit the same not-found again
          repeat: record.syncError === NOT_YET_RETRY || record.syncError === ACK_WAITING_FOR_STORE,
        });
      } catch (err) {
        this.deps.cache.markRetrying(record.ackId, 'Alert store unavailable; will retry.');
        this.setAlertHealth(false, (err as Error).message);
        return; // keep order: nothing newer goes before this one
      }
      this.setAlertHealth(true, null);
      if (result.kind !== 'not_yet') this.notYet.delete(record.ackId);
      if (result.kind === 'applied') {
        this.deps.cache.markSynced(record.ackId, this.deps.clock.now());
        this.emit('alerts:changed', [result.alert]);
      } else if (result.kind === 'not_yet') {
        this.backOff(record, backoff);
        held.add(record.alertId);
      } else if (this.isOwnEarlierWrite(record, result.current)) {
        // A crash between the store's commit and our bookkeeping: it is ours, count it once.
        this.deps.cache.markSynced(record.ackId, this.deps.clock.now());
      } else {
        this.deps.cache.markConflict(record.ackId, result.message);
        this.emit('alerts:changed', [result.current]);
      }
    }
  }

  private backOff(record: AckRecord, previous: { attempts: number; firstAt: number } | undefined): void {
    const now = this.deps.clock.monotonic();
    const attempts = (previous?.attempts ?? 0) + 1;
    const firstAt = previous?.firstAt ?? now;
    const delay = Math.min(NOT_YET_FIRST_DELAY_MS * 2 ** (attempts - 1), NOT_YET_MAX_DELAY_MS);
    this.notYet.set(record.ackId, { alertId: record.alertId, attempts, firstAt, nextAt: now + delay });
    const message =
      record.syncError === ACK_WAITING_FOR_STORE || now - firstAt >= NOT_YET_WAITING_AFTER_MS
        ? ACK_WAITING_FOR_STORE
        : NOT_YET_RETRY;
    if (record.syncState !== 'retrying' || record.syncError !== message)
      this.deps.cache.markRetrying(record.ackId, message);
    if (message === ACK_WAITING_FOR_STORE && record.syncError !== message)
      this.log('warn', 'an acknowledgement is waiting for the alert store to receive its alert');
  }

  /**
   * The feed brought an alert that acknowledgements wait for: the store (the sink lags the feed) will
   * have it soon, so the next sync pass after the first back-off step asks again.
   */
  private retryWaitingFor(alerts: readonly Alert[]): void {
    if (this.notYet.size === 0) return;
    const ids = new Set(alerts.map((a) => a.alertId));
    const soon = this.deps.clock.monotonic() + NOT_YET_FIRST_DELAY_MS;
    for (const entry of this.notYet.values()) {
      if (ids.has(entry.alertId)) entry.nextAt = Math.min(entry.nextAt, soon);
    }
  }

  private isOwnEarlierWrite(record: AckRecord, current: Alert): boolean {
    const target = record.action === 'confirm' ? 'confirmed' : 'resolved';
    return (
      current.status === target && current.handleBy === record.nurse && current.handleTime === record.ackTime
    );
  }

  private markHandledLocally(record: AckRecord): void {
    const alert = this.dropPending(record.alertId);
    this.policy.onHandled(record.alertId);
    const updated = this.applyRecord(alert ?? record.alert, record);
    this.emit('alerts:changed', [updated]);
    this.refreshBed(record.alert.patientId);
  }

  private applyRecord(alert: Alert, record: AckRecord): Alert {
    return {
      ...alert,
      status: record.action === 'confirm' ? 'confirmed' : 'resolved',
      handleBy: record.nurse,
      handleTime: record.ackTime,
      handleNote: record.note,
    };
  }

  /** The alert's status and who set it, as this station knows, including acknowledgements not yet synced. */
  private localHandling(alert: Alert): { status: Alert['status']; by: string | null } {
    let status = alert.status;
    let by = alert.handleBy;
    for (const r of this.deps.cache.forAlert(alert.alertId)) {
      if (r.syncState === 'conflict') continue;
      if (r.action === 'resolve') status = 'resolved';
      else if (status === 'pending') status = 'confirmed';
      else continue;
      by = r.nurse;
    }
    return { status, by };
  }

  /**
   * The alert as this station knows it (its feed, its own acknowledgements), else as the store has it.
   * Reading the store first would cost a round trip for what the store's conditional transition decides
   * anyway: whether another station handled it first (a conflict naming who). An alert's content does
   * not change with its handling.
   */
  private async alertToAcknowledge(alertId: string): Promise<Alert> {
    const known =
      this.pending.get(alertId) ??
      this.deps.cache.forAlert(alertId).find((r) => r.syncState !== 'conflict')?.alert;
    return known ?? this.findAlert(alertId);
  }

  /** The alert as the store has it now; offline, as this station last saw it. */
  private async findAlert(alertId: string): Promise<Alert> {
    try {
      const stored = await this.deps.alerts.get(alertId);
      if (stored) return stored;
    } catch (err) {
      // Offline: the station still knows alerts from its feed and its own acknowledgements.
      this.setAlertHealth(false, (err as Error).message);
      const local = this.pending.get(alertId) ?? this.deps.cache.forAlert(alertId)[0]?.alert;
      if (local) return local;
      throw err;
    }
    const local = this.pending.get(alertId) ?? this.deps.cache.forAlert(alertId)[0]?.alert;
    if (local) return local;
    throw new StationError('not_found', 'No such alert.');
  }

  // ---- settings ----------------------------------------------------------------------------

  /**
   * Every settings change needs a signed-in nurse and is audited with what changed (the view holds no
   * password; only whether one was typed). Settings decide where the station sends its passwords and
   * whether it alarms at all, so no anonymous client may change them.
   */
  private async changeSettings(
    section: Exclude<SettingsAuditEntry['section'], 'ward'>,
    actor: Actor,
    apply: () => SettingsView | Promise<SettingsView>,
    extra: Record<string, boolean> = {},
  ): Promise<SettingsView> {
    const pick = (v: SettingsView) =>
      section === 'connection'
        ? v.connection
        : section === 'notifications'
          ? v.notifications
          : section === 'signIn'
            ? v.signIn
            : { ackRetentionDays: v.ackRetentionDays };
    const after = await this.audited(
      section,
      actor,
      async () => pick(await this.deps.settings.view()),
      extra,
      apply,
      (view) => ({ ...pick(view), ...extra }),
    );
    this.log('info', `settings changed (${section})`);
    return after;
  }

  /**
   * The signed-in nurse's change, audited before it is applied (a change nobody could record is not
   * made), then its outcome: applied, or refused with the reason.
   */
  private async audited<T>(
    section: SettingsAuditEntry['section'],
    actor: Actor,
    readBefore: () => Promise<object>,
    requested: object,
    apply: (nurse: string) => T | Promise<T>,
    outcome: (result: T) => object,
  ): Promise<T> {
    const before = await readBefore();
    const entry = {
      kind: 'settings' as const,
      section,
      nurseId: actor.nurseId,
      nurse: actor.name,
      stationId: this.deps.info.stationId,
      before,
    };
    this.recordAudit({ ...entry, at: this.deps.clock.now(), outcome: 'requested', after: requested });
    let result: T;
    try {
      result = await apply(actor.name);
    } catch (err) {
      this.recordSettingsOutcome({ ...entry, outcome: 'refused', after: { error: (err as Error).message } });
      throw err;
    }
    this.recordSettingsOutcome({ ...entry, outcome: 'applied', after: outcome(result) });
    return result;
  }

  // ---- ward beds (Settings) ------------------------------------------------------------------

  private wardBedsSource(): Required<Pick<VitalsSource, 'wardBeds' | 'assignBed'>> {
    const { wardBeds, assignBed } = this.deps.vitals;
    if (!wardBeds || !assignBed) {
      throw new StationError(
        'unavailable',
        "Wards are set in the hospital's RisingWave; the simulator shows its own beds.",
      );
    }
    return {
      wardBeds: () => wardBeds.call(this.deps.vitals),
      assignBed: (r) => assignBed.call(this.deps.vitals, r),
    };
  }

  /** A bed's patient, changed by a signed-in nurse and audited like a settings change. */
  private async assignBed(bedId: string, patientId: string | null, actor: Actor): Promise<WardBed[]> {
    const source = this.wardBedsSource();
    const bedOf = (beds: WardBed[]) => beds.find((b) => b.bedId === bedId) ?? null;
    const beds = await this.audited(
      'ward',
      actor,
      // an unreadable ward is audited all the same: the apply step fails with the reason
      async () => ({ bed: await source.wardBeds().then(bedOf, () => null) }),
      { bedId, patientId },
      (nurse) => source.assignBed({ bedId, patientId, nurse, stationId: this.deps.info.stationId }),
      (after) => ({ bed: bedOf(after) }),
    );
    this.log('info', 'ward bed changed');
    return beds;
  }

  private recordSettingsOutcome(e: Omit<SettingsAuditEntry, 'at'>): void {
    try {
      this.deps.audit?.record({ ...e, at: this.deps.clock.now() });
    } catch (err) {
      // the 'requested' row already names who asked
      this.log('error', `settings audit of the outcome failed: ${(err as Error).message}`);
    }
  }

  // ---- thresholds --------------------------------------------------------------------------

  private async updateThresholds(
    patientId: string,
    limits: ThresholdLimits,
    actor: Actor,
  ): Promise<Thresholds> {
    const before = await this.deps.vitals.thresholds(patientId);
    const after = await this.deps.vitals.updateThresholds(patientId, limits);
    try {
      this.deps.audit?.record({
        kind: 'thresholds',
        patientId,
        nurseId: actor.nurseId,
        nurse: actor.name,
        stationId: this.deps.info.stationId,
        at: this.deps.clock.now(),
        before,
        after,
      });
    } catch (err) {
      // the change is made (the source has it): say so loudly rather than pretend it was not
      this.log('error', `threshold audit failed: ${(err as Error).message}`);
    }
    this.log('info', 'thresholds of a patient changed'); // which and by whom: the threshold audit
    return after;
  }

  // ---- the live feed -----------------------------------------------------------------------

  private onFeedAlerts(alerts: Alert[]): void {
    if (alerts.length === 0 || this.stopped) return;
    // An alert this station acknowledged (maybe while the store was down) stays handled when the feed
    // hands it over again (a redelivery, a restart's look-back): the feed always says 'pending'.
    const fresh = alerts.filter(
      (a) =>
        a.status === 'pending' &&
        !this.pending.has(a.alertId) &&
        !this.deps.cache.forAlert(a.alertId).some((r) => r.syncState !== 'conflict'),
    );
    for (const a of fresh) this.addPending(a);
    // The same id at a higher level (only a forged or damaged first copy can be lower): the higher one
    // replaces it and is announced, whatever the ledger says.
    const upgraded = alerts.filter((a) => {
      const held = this.pending.get(a.alertId);
      return held !== undefined && !fresh.includes(a) && a.alertLevel > held.alertLevel;
    });
    for (const a of upgraded) {
      this.dropPending(a.alertId);
      this.addPending(a);
    }
    if (upgraded.length > 0) this.policy.onAlerts(upgraded);
    while (this.pending.size > MAX_TRACKED_PENDING) {
      const oldest = this.pending.keys().next().value as string;
      this.dropPending(oldest);
    }
    if (this.deps.recordFeedInStore) this.recordInStore(alerts);
    else {
      // Connected mode: RisingWave's sink writes vital alerts, but signal loss is detected by the
      // stations themselves (streaming SQL cannot see absence), and each is raised once: it goes to
      // the durable outbox first, then to the store. Ids are deterministic, so several stations
      // writing the same one is harmless.
      const technical = alerts.filter((a) => a.alertType === 'signal_loss');
      if (technical.length > 0) this.queueForStore(technical);
    }
    this.retryWaitingFor(alerts);
    this.emit('alerts:new', alerts);
    // Backlog (a restarted station's first poll, simulator warm-up) is listed, not announced; nor is
    // an alert announced before a restart and handed over again.
    const now = this.deps.clock.now();
    this.announce(
      fresh.filter((a) => now - a.alertTime < BACKLOG_MS),
      now,
    );
    for (const patientId of new Set([...fresh, ...upgraded].map((a) => a.patientId)))
      this.refreshBed(patientId);
  }

  /**
   * Hands alerts to the notification policy once per station, across restarts. Recorded after they are
   * handed over: a crash in between announces again rather than never (a repeat beats a miss). A
   * failing record is the cache's fault, already alarmed by the cache health.
   */
  private announce(alerts: Alert[], now: number): void {
    if (alerts.length === 0) return;
    const ledger = this.deps.announced;
    let due = alerts;
    if (ledger) {
      try {
        const seen = ledger.seen(alerts.map((a) => a.alertId));
        due = alerts.filter((a) => !seen.has(a.alertId));
      } catch (err) {
        this.log(
          'error',
          `could not read which alerts were announced; announcing all: ${(err as Error).message}`,
        );
      }
    }
    this.policy.onAlerts(due);
    try {
      ledger?.record(due, now);
    } catch (err) {
      this.log('error', `could not record announced alerts: ${(err as Error).message}`);
    }
  }

  /**
   * Simulator mode: the store is the station's own SQLite file, so a write-ahead copy in that same file
   * would add nothing but a second write per alert; only what fails to be written goes to the outbox.
   */
  private recordInStore(alerts: Alert[]): void {
    this.storeWrites = this.storeWrites
      .then(() => this.deps.alerts.upsertAlerts(alerts))
      .catch((err: Error) => {
        this.log('error', `could not record alerts in the alert store; queued to retry: ${err.message}`);
        this.queueForStore(alerts);
      });
  }

  /** Keeps the alerts durably until the store has them, and starts writing them. */
  private queueForStore(alerts: Alert[]): void {
    try {
      this.deps.outbox.add(alerts);
    } catch (err) {
      // The local file itself failed (the cache health says so): still try the store directly.
      this.log('error', `could not queue alerts locally: ${(err as Error).message}`);
      this.storeWrites = this.storeWrites
        .then(() => this.deps.alerts.upsertAlerts(alerts))
        .catch((e: Error) => this.log('error', `alerts lost to a store and cache failure: ${e.message}`));
      return;
    }
    void this.flushOutbox();
  }

  /** Writes the outbox to the store, oldest first; what fails stays queued for the next try. */
  private flushOutbox(): Promise<void> {
    const { outbox, alerts } = this.deps;
    this.storeWrites = this.storeWrites
      .then(async () => {
        for (let batch = outbox.peek(OUTBOX_BATCH); batch.length > 0; batch = outbox.peek(OUTBOX_BATCH)) {
          try {
            await alerts.upsertAlerts(batch);
          } catch (err) {
            // Unreachable: keep all queued. Refused (the store answered, wrote the valid ones and named
            // the rest, e.g. a device's over-long patient id): retrying forever would block every alert
            // queued behind them and flap the store's health, so they leave the outbox, logged.
            if ((err as { code?: unknown }).code === 'unavailable') throw err;
            this.log(
              'error',
              `the alert store refused queued alerts; dropped from the outbox: ${(err as Error).message}`,
            );
          }
          outbox.remove(batch.map((a) => a.alertId));
        }
      })
      .catch((err: Error) => {
        this.setAlertHealth(false, err.message);
        this.log('warn', `alerts wait in the local outbox until the alert store is back: ${err.message}`);
      });
    return this.storeWrites;
  }

  /** Resolves once alerts handed to the store so far are written (tests, shutdown). */
  flushStoreWrites(): Promise<void> {
    return this.storeWrites;
  }

  private onBeds(beds: BedSnapshot[]): void {
    if (this.stopped) return;
    for (const b of beds) {
      if (b.vacated) this.beds.delete(b.patientId);
      else this.beds.set(b.patientId, b);
    }
    this.emit(
      'ward:update',
      beds.map((b) => (b.vacated ? b : this.withState(b))),
    );
    this.followScope();
  }

  private lastScope: string | undefined;

  /**
   * The ward's patients changed (its first read after start-up, a patient moved in or out): pending
   * alerts of patients who left stop alarming here, and the store's pending alerts of those who came
   * are loaded (and announced once if recent). Without this, a station that started while RisingWave
   * was down loaded the pending alerts of an empty ward and never again.
   */
  private followScope(): void {
    const scope = this.wardScope();
    const key = scope === null ? '*' : [...scope].sort().join('\u0000');
    if (key === this.lastScope) return;
    const first = this.lastScope === undefined;
    this.lastScope = key;
    if (scope !== null) {
      const inWard = new Set(scope);
      const left = [...this.pending.values()].filter((a) => !inWard.has(a.patientId));
      for (const a of left) {
        this.dropPending(a.alertId);
        this.policy.onHandled(a.alertId);
      }
    }
    if (!first && this.alertHealth.up) void this.loadPendingFromStore();
  }

  private refreshBed(patientId: string): void {
    const bed = this.beds.get(patientId);
    if (bed) this.emit('ward:update', [this.withState(bed)]);
  }

  /** A bed's state is that of its highest unacknowledged alert, then signal loss, then normal. */
  private withState(bed: BedSnapshot): BedSnapshot {
    const mine = this.pendingByPatient.get(bed.patientId);
    const active = [...(mine?.values() ?? [])]
      .filter((a) => a.alertType !== 'signal_loss')
      .sort((a, b) => b.alertLevel - a.alertLevel || b.alertTime - a.alertTime);
    let state: BedState = bed.state;
    const top = active[0];
    const fromAlerts: BedState = top ? (top.alertLevel === 2 ? 'critical' : 'warning') : 'normal';
    if (bed.state === 'critical' || bed.state === 'warning') state = 'normal'; // the source does not know acks
    // a bed without a current reading (warm-up, catching up after a suspend) stays "waiting", not
    // "normal": only its unacknowledged alerts say more
    if (STATE_RANK[fromAlerts] > STATE_RANK[state] && (top || bed.state !== 'waiting')) state = fromAlerts;
    return { ...bed, state, activeAlertIds: active.map((a) => a.alertId) };
  }

  private addPending(a: Alert): void {
    const before = this.pending.get(a.alertId);
    if (before && before.patientId !== a.patientId)
      this.pendingByPatient.get(before.patientId)?.delete(a.alertId);
    this.pending.set(a.alertId, a);
    let mine = this.pendingByPatient.get(a.patientId);
    if (!mine) {
      mine = new Map();
      this.pendingByPatient.set(a.patientId, mine);
    }
    mine.set(a.alertId, a);
  }

  private dropPending(alertId: string): Alert | undefined {
    const a = this.pending.get(alertId);
    if (!a) return undefined;
    this.pending.delete(alertId);
    const mine = this.pendingByPatient.get(a.patientId);
    mine?.delete(alertId);
    if (mine?.size === 0) this.pendingByPatient.delete(a.patientId);
    return a;
  }

  private async loadPendingFromStore(): Promise<void> {
    try {
      const fresh: Alert[] = [];
      const stored = await this.deps.alerts.pendingAlerts(this.deps.vitals.scope?.() ?? null);
      // acknowledged here while the store was away (not synced yet): handled, whatever the store says
      const handledHere = new Set(stored.length > 0 ? this.deps.cache.unsynced().map((r) => r.alertId) : []);
      for (const a of stored) {
        if (handledHere.has(a.alertId)) continue;
        if (!this.pending.has(a.alertId)) fresh.push(a);
        this.addPending(a);
      }
      // Raised while this station was down and already in the store: the feed will not count them as
      // new, so they are announced here (once: the ledger knows those announced before the restart).
      const now = this.deps.clock.now();
      this.announce(
        fresh.filter((a) => now - a.alertTime < BACKLOG_MS),
        now,
      );
    } catch (err) {
      this.setAlertHealth(false, (err as Error).message);
    }
  }

  // ---- health ------------------------------------------------------------------------------

  /** a backend lost this long is a technical alarm: a single failed poll that recovers is not */
  private static readonly OUTAGE_ALARM_AFTER_MS = 2_000;
  /** the alarm is raised again while the outage lasts (like a critical alert's reminder) */
  private static readonly OUTAGE_REMINDER_MS = 2 * 60_000;
  /** mysql2 waits forever on a half-open TCP connection: a ping unanswered this long is a failure */
  private static readonly PING_TIMEOUT_MS = 2_500;
  private static readonly PRODUCT: Record<string, string> = {
    risingwave: 'RisingWave',
    mysql: 'MySQL',
    sqlite: 'SQLite',
  };

  /** lost backends, timed from when they were first seen down (monotonic ms) */
  private readonly outages = new Map<
    'vitals' | 'alerts',
    { since: number; raised: boolean; remindAt: number }
  >();
  private outageTimer: unknown;
  /** from start() to stop() only: a station being stopped takes its vitals down, which is no outage */
  private watchingBackends = false;
  /** when the alert store was first found down (monotonic ms): a hung ping counts from when it was sent */
  private alertDownAt = 0;
  private pingInFlight: Promise<void> | null = null;
  private pingTimer: unknown;

  private scheduleHealth(): void {
    if (this.stopped) return;
    this.healthTimer = this.deps.clock.setTimeout(async () => {
      this.checkCache();
      this.trackOutages(); // in case a source changed its health without telling
      await this.checkAlertStore();
      this.followScope(); // a source may learn its ward without a bed changing
      this.scheduleHealth();
    }, this.deps.healthIntervalMs ?? 1000);
  }

  private async checkAlertStore(): Promise<void> {
    const sentAt = this.deps.clock.monotonic();
    try {
      await this.pingAlertStore();
      const wasDown = !this.alertHealth.up;
      this.setAlertHealth(true, null);
      if (wasDown) {
        await this.loadPendingFromStore();
        void this.flushOutbox();
        void this.syncNow();
      }
      await this.learnHandledElsewhere();
    } catch (err) {
      this.setAlertHealth(false, (err as Error).message, sentAt);
    }
  }

  /**
   * The store's ping, failed after PING_TIMEOUT_MS without an answer. One at a time: a hung ping is
   * waited for again on the next tick rather than another queued behind it on the dead connection.
   */
  private pingAlertStore(): Promise<void> {
    const ping = (this.pingInFlight ??= this.deps.alerts.ping().finally(() => {
      this.pingInFlight = null;
    }));
    const { clock } = this.deps;
    return new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        // An answer already received wins over the timeout firing with it (a test clock jumping ahead
        // fires the timer before the answer's promise callbacks run).
        setImmediate(() =>
          reject(new Error(`The alert store did not answer within ${StationCore.PING_TIMEOUT_MS / 1000} s`)),
        );
      }, StationCore.PING_TIMEOUT_MS);
      this.pingTimer = timer;
      ping.then(
        () => {
          clock.clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clock.clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  /**
   * Other stations acknowledge alerts this one still shows as pending: ask the store which of them are
   * handled, every few seconds, and stop alarming for those (tile, reminders, list) as if handled here.
   */
  private async learnHandledElsewhere(): Promise<void> {
    const interval = this.deps.handledCheckIntervalMs;
    const now = this.deps.clock.monotonic();
    if (interval === undefined || now - this.lastHandledCheckAt < interval) return;
    this.lastHandledCheckAt = now;
    const ids = [...this.pending.keys()];
    if (ids.length === 0) return;
    const start = this.handledCursor % ids.length;
    const batch = [...ids.slice(start), ...ids.slice(0, start)].slice(0, HANDLED_CHECK_BATCH);
    this.handledCursor = start + batch.length;
    const handled = (await this.deps.alerts.handledAmong(batch)).filter((a) => this.pending.has(a.alertId));
    if (handled.length === 0 || this.stopped) return;
    for (const a of handled) {
      this.dropPending(a.alertId);
      this.policy.onHandled(a.alertId);
    }
    this.emit('alerts:changed', handled);
    for (const patientId of new Set(handled.map((a) => a.patientId))) this.refreshBed(patientId);
    this.log('info', `${handled.length} alert(s) handled at another station`);
  }

  /** `downSince`: when the failed request was sent (monotonic ms); default now */
  private setAlertHealth(up: boolean, message: string | null, downSince?: number): void {
    if (this.alertHealth.up === up) return;
    if (!up) this.alertDownAt = downSince ?? this.deps.clock.monotonic();
    this.alertHealth = {
      ...this.alertHealth,
      up,
      since: this.deps.clock.now(),
      message: up ? null : (message ?? 'Alert store unavailable'),
    };
    this.log(up ? 'info' : 'warn', up ? 'alert store back online' : `alert store offline: ${message}`);
    this.emitHealth();
  }

  /** Cache health follows the cache port; a cache replaced at start-up keeps it down until restart. */
  private checkCache(): void {
    let health: { up: boolean; message: string | null };
    try {
      health = this.deps.cache.health();
    } catch (err) {
      health = {
        up: false,
        message: `The local acknowledgement cache cannot be checked: ${(err as Error).message}`,
      };
    }
    this.setCacheHealth(health.up, health.message);
  }

  private setCacheHealth(up: boolean, message: string | null): void {
    const replaced = this.deps.cacheReplacedAtStart?.message ?? null;
    const text = [up ? null : (message ?? 'Local acknowledgement cache unavailable'), replaced]
      .filter((m) => m !== null)
      .join(' ');
    const next = { up: up && !replaced, message: text || null };
    const was = this.cacheHealth;
    if (was.up === next.up && was.message === next.message) return;
    this.cacheHealth = { ...was, ...next, since: was.up === next.up ? was.since : this.deps.clock.now() };
    if (up) this.log('info', 'local acknowledgement cache healthy again');
    else {
      this.log('error', `local acknowledgement cache: ${message}`);
      // a technical alarm once per new problem (not per tick)
      if (message) this.technicalAlarm('cache:health', 'local acknowledgement cache', message);
    }
    this.emitHealth();
  }

  /** The local cache could not take the nurse's acknowledgement: say so plainly, record nothing. */
  private appendToCache(entry: Parameters<AckCache['append']>[0]): AckRecord {
    try {
      return this.deps.cache.append(entry);
    } catch (err) {
      this.setCacheHealth(
        false,
        `An acknowledgement could not be saved in the local acknowledgement cache (${(err as Error).message}).`,
      );
      throw new StationError(
        'unavailable',
        'This acknowledgement could not be saved on this station: its local acknowledgement cache is not working. The alert is still pending — try again, and tell IT.',
      );
    }
  }

  /** A technical alarm (level 1, like signal loss): the station itself, not a patient, needs attention. */
  private technicalAlarm(
    key: string,
    what: string,
    body: string,
    extra: Partial<Pick<EventMap['notify:show'], 'urgency' | 'reminder' | 'technical'>> = {},
  ): void {
    const request: EventMap['notify:show'] = {
      key,
      title: `Technical: ${what}`,
      body,
      urgency: 'normal',
      alertIds: [],
      patientId: '',
      level: 1,
      reminder: false,
      ...extra,
    };
    try {
      this.deps.notifier.show(request);
    } catch (err) {
      this.log('warn', `notifier failed: ${(err as Error).message}`);
    }
    this.emit('notify:show', request);
  }

  private healthList(): BackendHealth[] {
    return [this.deps.vitals.health(), this.alertHealth, this.cacheHealth];
  }

  private emitHealth(): void {
    this.emit('health:changed', this.healthList());
    this.trackOutages();
  }

  private watchBackends(): void {
    this.watchingBackends = true;
    this.trackOutages();
  }

  private unwatchBackends(): void {
    this.watchingBackends = false;
    this.deps.clock.clearTimeout(this.outageTimer);
    this.deps.clock.clearTimeout(this.pingTimer);
    this.outages.clear();
  }

  private raisedOutages(): number {
    let n = 0;
    for (const o of this.outages.values()) if (o.raised) n++;
    return n;
  }

  /**
   * Times the vitals feed (not the simulator: it runs inside the station) and the alert store while
   * they are down; raises, reminds and clears their technical alarms; wakes up for the next deadline.
   */
  private trackOutages(): void {
    if (!this.watchingBackends || this.stopped) return;
    const { clock, vitals } = this.deps;
    const now = clock.monotonic();
    this.trackOutage('vitals', !vitals.health().up && vitals.adapter !== 'simulator', now, now);
    this.trackOutage('alerts', !this.alertHealth.up, this.alertDownAt, now);
    clock.clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    let next = Infinity;
    for (const o of this.outages.values()) {
      next = Math.min(next, o.raised ? o.remindAt : o.since + StationCore.OUTAGE_ALARM_AFTER_MS);
    }
    if (next < Infinity) {
      this.outageTimer = clock.setTimeout(() => this.trackOutages(), Math.max(0, next - now));
    }
  }

  private trackOutage(backend: 'vitals' | 'alerts', down: boolean, downSince: number, now: number): void {
    let outage = this.outages.get(backend);
    if (!down) {
      if (!outage) return;
      this.outages.delete(backend);
      if (outage.raised) this.backendRestored(backend, now - outage.since);
      return;
    }
    if (!outage) {
      outage = { since: Math.min(downSince, now), raised: false, remindAt: 0 };
      this.outages.set(backend, outage);
    }
    const reminder = outage.raised;
    if (reminder ? now < outage.remindAt : now - outage.since < StationCore.OUTAGE_ALARM_AFTER_MS) return;
    // counted (tray) before it is announced
    outage.raised = true;
    outage.remindAt = now + StationCore.OUTAGE_REMINDER_MS;
    this.backendLost(backend, now - outage.since, reminder);
  }

  private backendLost(backend: 'vitals' | 'alerts', downForMs: number, reminder: boolean): void {
    const { product, role } = this.backendName(backend);
    const what = `${reminder ? 'still ' : ''}no connection to ${product} (${role})`;
    const meaning =
      backend === 'vitals'
        ? 'Vital signs on screen are not updating. New alerts may not reach this station.'
        : 'Acknowledgements made here wait on this station, other stations do not see them, and the alert list may be incomplete.';
    const lasting = reminder ? `No connection for ${StationCore.duration(downForMs)}. ` : '';
    this.log('error', `technical alarm: ${what}`);
    this.technicalAlarm(
      `backend:${backend}`,
      what,
      `${lasting}${meaning} Check patients at the bedside and call IT.`,
      // critical urgency: the OS notification stays up, through do-not-disturb
      { urgency: 'critical', reminder, technical: 'raised' },
    );
  }

  private backendRestored(backend: 'vitals' | 'alerts', downForMs: number): void {
    const { product } = this.backendName(backend);
    const after = `after ${StationCore.duration(downForMs)} without a connection`;
    this.log('info', `technical alarm cleared: connection to ${product} restored ${after}`);
    this.technicalAlarm(
      `backend:${backend}`,
      `connection to ${product} restored`,
      backend === 'vitals'
        ? `Vital signs are updating again ${after}. Look through the alert list for anything raised meanwhile.`
        : `The alert record is reachable again ${after}; acknowledgements kept on this station are being sent.`,
      { technical: 'cleared' },
    );
  }

  private backendName(backend: 'vitals' | 'alerts'): { product: string; role: string } {
    const adapter = backend === 'vitals' ? this.deps.vitals.adapter : this.deps.alerts.adapter;
    return {
      product: StationCore.PRODUCT[adapter] ?? adapter,
      role: backend === 'vitals' ? 'vital signs' : 'alert record',
    };
  }

  /** "45 s", "3 min", "2 h 05 min" */
  private static duration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
  }

  private scheduleSync(): void {
    if (this.stopped) return;
    this.syncTimer = this.deps.clock.setTimeout(async () => {
      if (this.alertHealth.up && this.deps.cache.unsynced().length > 0)
        await this.syncNow().catch(() => undefined);
      if (this.alertHealth.up && this.deps.outbox.size() > 0) await this.flushOutbox();
      if (this.deps.clock.monotonic() - this.lastPruneAt >= PRUNE_EVERY_MS) this.pruneCache();
      this.scheduleSync();
    }, this.deps.syncIntervalMs ?? 2000);
  }

  private pruneCache(): void {
    this.lastPruneAt = this.deps.clock.monotonic();
    const days = this.deps.settings.ackRetentionDays();
    const removed = this.deps.cache.prune(this.deps.clock.now() - days * 86_400_000);
    // Only alerts younger than BACKLOG_MS are ever announced: a day of ids is ample.
    try {
      this.deps.announced?.prune(this.deps.clock.now() - 86_400_000);
    } catch (err) {
      this.log('warn', `could not prune announced alerts: ${(err as Error).message}`);
    }
    if (removed > 0) this.log('info', `pruned ${removed} acknowledgements older than ${days} days`);
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch (err) {
        this.log('error', `event listener failed: ${(err as Error).message}`);
      }
    }
  }

  private newId(): string {
    return this.deps.newId ? this.deps.newId() : globalThis.crypto.randomUUID();
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.deps.log?.(level, message);
  }
}

function rosterView(r: RosterRecord): RosterMember {
  return { nurseId: r.nurseId, name: r.name, role: r.role, active: r.active, updatedAt: r.updatedAt };
}
