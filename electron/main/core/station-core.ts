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
} from '../../../shared/domain/types';
import type {
  Channel,
  EventMap,
  EventName,
  NotificationPolicySettings,
  ParsedRequestOf,
  ResponseOf,
  SettingsView,
  StationInfo,
  ConnectionSettingsInput,
} from '../../../shared/ipc/contract';
import { acknowledgementsCsv } from './ack-csv';
import { NotificationPolicy } from './notification-policy';
import type { AckCache, AlertStore, Clock, Notifier, Unsubscribe, VitalsSource } from './ports';
import { StationError } from './station-error';

export interface SettingsPort {
  view(): SettingsView;
  notifications(): NotificationPolicySettings;
  updateConnection(input: ConnectionSettingsInput): SettingsView | Promise<SettingsView>;
  updateNotifications(policy: NotificationPolicySettings): SettingsView | Promise<SettingsView>;
  ackRetentionDays(): number;
  updateRetention(days: number): SettingsView | Promise<SettingsView>;
}

export interface ThresholdAuditEntry {
  patientId: string;
  nurse: string;
  stationId: string;
  at: number;
  before: Thresholds;
  after: Thresholds;
}

export interface StationCoreDeps {
  vitals: VitalsSource;
  alerts: AlertStore;
  cache: AckCache;
  notifier: Notifier;
  clock: Clock;
  settings: SettingsPort;
  info: Omit<StationInfo, 'nurse'>;
  /** simulator mode: the engine's alerts are recorded in the local alert store (connected: only signal loss) */
  recordFeedInStore: boolean;
  auditThresholds?: (entry: ThresholdAuditEntry) => void;
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
}

type Handlers = { [C in Channel]: (req: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };
type Listener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

const MAX_TRACKED_PENDING = 20_000;
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

export class StationCore {
  private nurse: string | null = null;
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

  constructor(private readonly deps: StationCoreDeps) {
    const now = deps.clock.now();
    this.alertHealth = {
      backend: 'alerts',
      adapter: deps.alerts.adapter,
      up: true,
      since: now,
      message: null,
    };
    this.cacheHealth = { backend: 'cache', adapter: 'sqlite', up: true, since: now, message: null };
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
    await this.checkAlertStore();
    if (this.alertHealth.up) await this.loadPendingFromStore();
    await vitals.start();
    for (const bed of await vitals.beds()) this.beds.set(bed.patientId, bed);
    this.scheduleHealth();
    this.scheduleSync();
    this.pruneCache();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.healthTimer);
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

  unreadCount(): number {
    return this.pending.size;
  }

  // ---- request handlers (requests are already validated by the host) ----------------------

  readonly handlers: Handlers = {
    'station:info': async () => this.info(),
    'session:sign-in': async ({ nurse }) => {
      this.nurse = nurse;
      this.log('info', 'nurse signed in');
      return this.info();
    },
    'session:sign-out': async () => {
      this.nurse = null;
      return this.info();
    },
    'ward:beds': async () => [...this.beds.values()].map((b) => this.withState(b)),
    'alerts:list': async (query) => this.deps.alerts.list(query, this.deps.clock.now()),
    'alerts:stats': async ({ range }) => this.deps.alerts.stats(range, this.deps.clock.now()),
    'alerts:get': async ({ alertId }) => {
      const alert = await this.findAlert(alertId);
      const now = this.deps.clock.now();
      const [thresholds, trend] = await Promise.all([
        this.deps.vitals.thresholds(alert.patientId),
        this.deps.vitals.trend(alert.patientId, Math.min(alert.alertTime, now) - 30 * 60_000, now),
      ]);
      return { alert, thresholds, trend, history: this.deps.cache.forAlert(alertId) };
    },
    'alerts:acknowledge': async ({ alertId, action, note }) =>
      this.acknowledge(alertId, action, note ?? null),
    'patients:trend': async ({ patientId, from, to }) => this.deps.vitals.trend(patientId, from, to),
    'patients:alerts': async ({ patientId, range }) =>
      this.deps.alerts.patientAlerts(patientId, range, this.deps.clock.now()),
    'thresholds:get': async ({ patientId }) => this.deps.vitals.thresholds(patientId),
    'thresholds:update': async ({ patientId, limits }) => this.updateThresholds(patientId, limits),
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
    'stats:burden': async ({ range }) => this.deps.alerts.burden(range, this.deps.clock.now()),
    'health:get': async () => this.healthList(),
    'rejects:summary': async () => this.deps.vitals.rejects(),
    'settings:get': async () => this.deps.settings.view(),
    'settings:update-connection': async (input) => this.deps.settings.updateConnection(input),
    'settings:update-notifications': async (policy) => this.deps.settings.updateNotifications(policy),
    'settings:update-retention': async ({ ackRetentionDays }) => {
      const view = await this.deps.settings.updateRetention(ackRetentionDays);
      this.pruneCache();
      return view;
    },
  };

  info(): StationInfo {
    return { ...this.deps.info, nurse: this.nurse };
  }

  // ---- acknowledgement: local first, then the alert store --------------------------------

  private async acknowledge(alertId: string, action: 'confirm' | 'resolve', note: string | null) {
    const nurse = this.nurse;
    if (!nurse) throw new StationError('unauthorized', 'Sign in with your name before acknowledging alerts.');
    const alert = await this.alertToAcknowledge(alertId);
    const local = this.localHandling(alert);
    if (local.status === 'resolved' || (local.status === 'confirmed' && action === 'confirm')) {
      throw new StationError(
        'conflict',
        `This alert is already ${local.status}${local.by ? ` by ${local.by}` : ''}.`,
      );
    }
    const record = this.deps.cache.append({
      ackId: this.newId(),
      alertId,
      action,
      nurse,
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
    for (const record of this.deps.cache.unsynced()) {
      if (this.stopped) return;
      let result;
      try {
        result = await this.deps.alerts.transition({
          alertId: record.alertId,
          action: record.action,
          nurse: record.nurse,
          stationId: record.stationId,
          note: record.note,
          at: record.ackTime,
          snapshot: record.alert,
        });
      } catch (err) {
        this.deps.cache.markRetrying(record.ackId, 'Alert store unavailable; will retry.');
        this.setAlertHealth(false, (err as Error).message);
        return; // keep order: nothing newer goes before this one
      }
      this.setAlertHealth(true, null);
      if (result.kind === 'applied') {
        this.deps.cache.markSynced(record.ackId, this.deps.clock.now());
        this.emit('alerts:changed', [result.alert]);
      } else if (result.kind === 'not_yet') {
        this.deps.cache.markRetrying(
          record.ackId,
          'The alert store has not received this alert yet; will retry.',
        );
      } else if (this.isOwnEarlierWrite(record, result.current)) {
        // A crash between the store's commit and our bookkeeping: it is ours, count it once.
        this.deps.cache.markSynced(record.ackId, this.deps.clock.now());
      } else {
        this.deps.cache.markConflict(record.ackId, result.message);
        this.emit('alerts:changed', [result.current]);
      }
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

  // ---- thresholds --------------------------------------------------------------------------

  private async updateThresholds(patientId: string, limits: ThresholdLimits): Promise<Thresholds> {
    const nurse = this.nurse;
    if (!nurse) throw new StationError('unauthorized', 'Sign in with your name before changing thresholds.');
    const before = await this.deps.vitals.thresholds(patientId);
    const after = await this.deps.vitals.updateThresholds(patientId, limits);
    this.deps.auditThresholds?.({
      patientId,
      nurse,
      stationId: this.deps.info.stationId,
      at: this.deps.clock.now(),
      before,
      after,
    });
    this.log('info', `thresholds changed for ${patientId}`);
    return after;
  }

  // ---- the live feed -----------------------------------------------------------------------

  private onFeedAlerts(alerts: Alert[]): void {
    if (alerts.length === 0 || this.stopped) return;
    const fresh = alerts.filter((a) => a.status === 'pending' && !this.pending.has(a.alertId));
    for (const a of fresh) this.addPending(a);
    while (this.pending.size > MAX_TRACKED_PENDING) {
      const oldest = this.pending.keys().next().value as string;
      this.dropPending(oldest);
    }
    if (this.deps.recordFeedInStore) this.recordInStore(alerts);
    else {
      // Connected mode: RisingWave's sink writes vital alerts, but signal loss is detected by the
      // stations themselves (streaming SQL cannot see absence). Ids are deterministic, so several
      // stations writing the same one is harmless.
      const technical = alerts.filter((a) => a.alertType === 'signal_loss');
      if (technical.length > 0) this.recordInStore(technical);
    }
    this.emit('alerts:new', alerts);
    // Backlog (a restarted station's first poll, simulator warm-up) is listed, not announced.
    const now = this.deps.clock.now();
    this.policy.onAlerts(fresh.filter((a) => now - a.alertTime < BACKLOG_MS));
    for (const patientId of new Set(fresh.map((a) => a.patientId))) this.refreshBed(patientId);
  }

  private recordInStore(alerts: Alert[]): void {
    this.storeWrites = this.storeWrites
      .then(() => this.deps.alerts.upsertAlerts(alerts))
      .catch((err: Error) => this.log('error', `could not record alerts locally: ${err.message}`));
  }

  /** Resolves once alerts handed to the store so far are written (tests, shutdown). */
  flushStoreWrites(): Promise<void> {
    return this.storeWrites;
  }

  private onBeds(beds: BedSnapshot[]): void {
    if (this.stopped) return;
    for (const b of beds) this.beds.set(b.patientId, b);
    this.emit(
      'ward:update',
      beds.map((b) => this.withState(b)),
    );
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
    if (STATE_RANK[fromAlerts] > STATE_RANK[state]) state = fromAlerts;
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
      for (const a of await this.deps.alerts.pendingAlerts()) this.addPending(a);
    } catch (err) {
      this.setAlertHealth(false, (err as Error).message);
    }
  }

  // ---- health ------------------------------------------------------------------------------

  private scheduleHealth(): void {
    if (this.stopped) return;
    this.healthTimer = this.deps.clock.setTimeout(async () => {
      await this.checkAlertStore();
      this.scheduleHealth();
    }, this.deps.healthIntervalMs ?? 1000);
  }

  private async checkAlertStore(): Promise<void> {
    try {
      await this.deps.alerts.ping();
      const wasDown = !this.alertHealth.up;
      this.setAlertHealth(true, null);
      if (wasDown) {
        await this.loadPendingFromStore();
        void this.syncNow();
      }
      await this.learnHandledElsewhere();
    } catch (err) {
      this.setAlertHealth(false, (err as Error).message);
    }
  }

  /**
   * Other stations acknowledge alerts this one still shows as pending: ask the store which of them are
   * handled, every few seconds, and stop alarming for those (tile, reminders, list) as if handled here.
   */
  private async learnHandledElsewhere(): Promise<void> {
    const interval = this.deps.handledCheckIntervalMs;
    const now = this.deps.clock.now();
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

  private setAlertHealth(up: boolean, message: string | null): void {
    if (this.alertHealth.up === up) return;
    this.alertHealth = {
      ...this.alertHealth,
      up,
      since: this.deps.clock.now(),
      message: up ? null : (message ?? 'Alert store unavailable'),
    };
    this.log(up ? 'info' : 'warn', up ? 'alert store back online' : `alert store offline: ${message}`);
    this.emitHealth();
  }

  private healthList(): BackendHealth[] {
    return [this.deps.vitals.health(), this.alertHealth, this.cacheHealth];
  }

  private emitHealth(): void {
    this.emit('health:changed', this.healthList());
  }

  private scheduleSync(): void {
    if (this.stopped) return;
    this.syncTimer = this.deps.clock.setTimeout(async () => {
      if (this.alertHealth.up && this.deps.cache.unsynced().length > 0)
        await this.syncNow().catch(() => undefined);
      if (this.deps.clock.now() - this.lastPruneAt >= PRUNE_EVERY_MS) this.pruneCache();
      this.scheduleSync();
    }, this.deps.syncIntervalMs ?? 2000);
  }

  private pruneCache(): void {
    this.lastPruneAt = this.deps.clock.now();
    const days = this.deps.settings.ackRetentionDays();
    const removed = this.deps.cache.prune(this.deps.clock.now() - days * 86_400_000);
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
