// Simulator mode's VitalsSource: simulated bedside devices feeding the in-process alert engine
// (the twin of the RisingWave views), paced against the clock. No servers needed.
import type {
  Alert,
  BackendHealth,
  BedSnapshot,
  Reading,
  RejectSummary,
  ThresholdLimits,
  Thresholds,
} from '../../../../shared/domain/types';
import { AlertEngine } from '../../../../shared/engine/alert-engine';
import { parseReading } from '../../../../shared/engine/parse-reading';
import { createWardSimulator, type WardSimulator } from '../../../../shared/simulator/ward-simulator';
import type { Clock, Unsubscribe, VitalsSource } from '../../core/ports';
import { RejectCounter } from './reject-counter';
import { TrendStore } from './trend-store';

export interface ThresholdPersistence {
  load(): Map<string, ThresholdLimits>;
  save(patientId: string, limits: ThresholdLimits): void;
}

export interface SimulatedVitalsOptions {
  clock: Clock;
  beds?: number;
  seed?: number;
  /** multiple of real time; 1 = live ward */
  speed?: number;
  timeZone: string;
  signalLossMs?: number;
  /** how often the simulation advances, ms of real time */
  tickMs?: number;
  trendRetentionMs?: number;
  thresholds?: ThresholdPersistence;
  /** tests feed readings themselves */
  scenarios?: 'default' | 'none';
  /** simulate this much history at start, so trends and statistics are not empty (ms) */
  warmupMs?: number;
  /**
   * Simulate that history after start() returns, a slice per turn of the event loop, so the window or
   * the web server comes up meanwhile; the beds are published once it has caught up (until then they
   * are "waiting": a tile never shows a reading from the warm-up as if it were live). Default: within
   * start() (tests want the history there when it returns).
   */
  warmupInBackground?: boolean;
}

/**
 * The background warm-up works in steps of 5 simulated seconds and yields to the event loop after
 * about 8 ms of them: whatever else the process serves meanwhile (the page's files and first requests)
 * must not wait behind long slices (60-s slices doubled the page's load time at 200 beds).
 */
const WARMUP_STEP_MS = 5_000;
const WARMUP_SLICE_BUDGET_MS = 8;

const SPARK_POINTS = 30;

interface BedState {
  snapshot: BedSnapshot;
  changed: boolean;
}

export class SimulatedVitalsSource implements VitalsSource {
  readonly adapter = 'simulator';
  private readonly engine: AlertEngine;
  private readonly trends: TrendStore;
  private readonly rejectCounter = new RejectCounter();
  private readonly bedStates = new Map<string, BedState>();
  private readonly alertListeners = new Set<(a: Alert[]) => void>();
  private readonly bedListeners = new Set<(b: BedSnapshot[]) => void>();
  private readonly healthListeners = new Set<(h: BackendHealth) => void>();
  private readonly rejectListeners = new Set<(s: RejectSummary) => void>();
  private simulator: WardSimulator | null = null;
  private timer: unknown;
  private startedAtReal = 0;
  private startedAtSim = 0;
  private running = false;
  /** while the background warm-up runs, beds are not published */
  private warming = false;
  private warmedUp: Promise<void> = Promise.resolve();
  private readonly heldAlerts: Alert[] = [];
  private readonly healthState: BackendHealth;

  constructor(private readonly opts: SimulatedVitalsOptions) {
    this.engine = new AlertEngine({ signalLossMs: opts.signalLossMs ?? 30_000 });
    this.trends = new TrendStore(opts.trendRetentionMs ?? 24 * 3_600_000);
    for (const [patientId, limits] of opts.thresholds?.load() ?? [])
      this.engine.setThresholds(patientId, limits);
    this.healthState = {
      backend: 'vitals',
      adapter: 'simulator',
      up: true,
      since: opts.clock.now(),
      message: null,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = this.opts.clock.now();
    this.startedAtReal = now;
    this.startedAtSim = now;
    if ((this.opts.beds ?? 12) > 0) {
      this.simulator = createWardSimulator({
        beds: this.opts.beds ?? 12,
        seed: this.opts.seed ?? 1,
        startTime: now - (this.opts.warmupMs ?? 0),
        timeZone: this.opts.timeZone,
        scenarios: this.opts.scenarios ?? 'default',
      });
      for (const bed of this.simulator.beds) this.bed(bed.patientId, bed.deviceId);
      if (this.opts.warmupMs && this.opts.warmupInBackground) {
        this.warmedUp = this.warmUpInSlices(now - this.opts.warmupMs);
        return;
      }
      if (this.opts.warmupMs) this.advance(now);
    }
    this.schedule();
  }

  /** Resolves once the warm-up history has been simulated (at once unless it runs in the background). */
  whenWarm(): Promise<void> {
    return this.warmedUp;
  }

  private async warmUpInSlices(from: number): Promise<void> {
    this.warming = true;
    let at = from;
    try {
      while (this.running) {
        const sliceStart = performance.now();
        const target = this.simNow();
        while (at < target - WARMUP_STEP_MS && performance.now() - sliceStart < WARMUP_SLICE_BUDGET_MS) {
          at += WARMUP_STEP_MS;
          this.advance(at);
        }
        // within one step of now: the last advance below catches up
        if (at >= target - WARMUP_STEP_MS) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.warming = false;
    }
    if (!this.running) return;
    // caught up: this last step publishes every bed with its latest reading, then the ward runs live
    this.advance(this.simNow());
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.opts.clock.clearTimeout(this.timer);
  }

  /** Simulated time: runs `speed` times faster than the clock. */
  simNow(): number {
    const speed = this.opts.speed ?? 1;
    return this.startedAtSim + (this.opts.clock.now() - this.startedAtReal) * speed;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.advance(this.simNow());
      this.schedule();
    }, this.opts.tickMs ?? 250);
  }

  /** Runs the simulation up to `until` (simulated epoch ms) and publishes what happened. */
  advance(until: number): void {
    const events = this.simulator?.nextBatch(until) ?? [];
    const raised: Alert[] = [];
    for (const ev of events) {
      if (ev.kind === 'reading') this.accept(ev.reading, raised);
      else this.ingestRaw(ev.raw, raised, ev.time);
    }
    raised.push(...this.engine.tick(until));
    this.publish(raised);
  }

  /** A device message as received (JSON text): validated exactly like a Kafka message. */
  ingestRaw(raw: string, raised: Alert[] = [], at = this.simNow()): void {
    const parsed = parseReading(raw, { timeZone: this.opts.timeZone, now: at });
    if (!parsed.ok) {
      this.rejectCounter.add(parsed.deviceId ?? 'unknown', parsed.reason, at);
      return;
    }
    this.accept(parsed.reading, raised);
  }

  /** Feeds readings directly (tests, replay) and publishes the result. */
  feed(readings: readonly Reading[], tickAt?: number): Alert[] {
    const raised: Alert[] = [];
    for (const r of readings) this.accept(r, raised);
    if (tickAt !== undefined) raised.push(...this.engine.tick(tickAt));
    this.publish(raised);
    return raised;
  }

  private accept(reading: Reading, raised: Alert[]): void {
    const outcome = this.engine.ingest(reading);
    if (!outcome.accepted) {
      this.rejectCounter.add(reading.deviceId, outcome.detail, reading.measureTime);
      return;
    }
    for (const a of outcome.alerts) raised.push(a);
    this.trends.add(reading);
    const bed = this.bed(reading.patientId, reading.deviceId);
    const s = bed.snapshot;
    s.deviceId = reading.deviceId;
    s.latest = reading;
    pushSpark(s.spark.heartRate, reading.heartRate);
    pushSpark(s.spark.bloodOxygen, reading.bloodOxygen);
    pushSpark(s.spark.bloodGlucose, reading.bloodGlucose);
    s.state = this.stateOf(reading);
    bed.changed = true;
  }

  private publish(raised: Alert[]): void {
    const lost = new Set(this.engine.lostBeds());
    for (const [patientId, bed] of this.bedStates) {
      if (lost.has(patientId) && bed.snapshot.state !== 'signal_loss') {
        bed.snapshot.state = 'signal_loss';
        bed.changed = true;
      }
    }
    // Warming up in the background: readings are history, not live; beds stay "changed" and alerts are
    // held, and both go out together once caught up (as after a warm-up within start(): one batch for
    // the alert store and the screens, not one per slice).
    if (this.warming) {
      for (const a of raised) this.heldAlerts.push(a);
      return this.publishRejects();
    }
    if (this.heldAlerts.length > 0) raised = this.heldAlerts.splice(0).concat(raised);
    if (raised.length > 0) {
      raised.sort((a, b) => a.alertTime - b.alertTime);
      for (const l of this.alertListeners) l(raised);
    }
    const changed: BedSnapshot[] = [];
    for (const bed of this.bedStates.values()) {
      if (!bed.changed) continue;
      bed.changed = false;
      changed.push(cloneBed(bed.snapshot));
    }
    if (changed.length > 0) for (const l of this.bedListeners) l(changed);
    this.publishRejects();
  }

  private publishRejects(): void {
    if (this.rejectCounter.takeChanged()) {
      const summary = this.rejectCounter.summary();
      for (const l of this.rejectListeners) l(summary);
    }
  }

  /** What the latest reading alone says; the station core adds unacknowledged alerts on top. */
  private stateOf(r: Reading): BedSnapshot['state'] {
    const t = this.engine.thresholdsFor(r.patientId);
    const abnormal =
      r.heartRate < t.heartRateMin ||
      r.heartRate > t.heartRateMax ||
      r.bloodOxygen < t.bloodOxygenMin ||
      r.bloodGlucose < t.bloodGlucoseMin ||
      r.bloodGlucose > t.bloodGlucoseMax;
    return abnormal ? 'warning' : 'normal';
  }

  private bed(patientId: string, deviceId: string): BedState {
    let bed = this.bedStates.get(patientId);
    if (!bed) {
      bed = { snapshot: waitingBed(patientId, deviceId), changed: true };
      this.bedStates.set(patientId, bed);
    }
    return bed;
  }

  async beds(): Promise<BedSnapshot[]> {
    return [...this.bedStates.values()]
      .map((b) =>
        this.warming ? waitingBed(b.snapshot.patientId, b.snapshot.deviceId) : cloneBed(b.snapshot),
      )
      .sort((a, b) => a.patientId.localeCompare(b.patientId));
  }

  async trend(patientId: string, from: number, to: number) {
    return this.trends.series(patientId, from, to);
  }

  async thresholds(patientId: string): Promise<Thresholds> {
    return this.engine.thresholdsFor(patientId);
  }

  async updateThresholds(patientId: string, limits: ThresholdLimits): Promise<Thresholds> {
    this.opts.thresholds?.save(patientId, limits);
    this.engine.setThresholds(patientId, limits);
    return this.engine.thresholdsFor(patientId);
  }

  rejects(): RejectSummary {
    return this.rejectCounter.summary();
  }

  health(): BackendHealth {
    return this.healthState;
  }

  onAlerts(l: (a: Alert[]) => void): Unsubscribe {
    return subscribe(this.alertListeners, l);
  }
  onBeds(l: (b: BedSnapshot[]) => void): Unsubscribe {
    return subscribe(this.bedListeners, l);
  }
  onHealth(l: (h: BackendHealth) => void): Unsubscribe {
    return subscribe(this.healthListeners, l);
  }
  onRejects(l: (s: RejectSummary) => void): Unsubscribe {
    return subscribe(this.rejectListeners, l);
  }

  trendBuckets(): number {
    return this.trends.buckets();
  }
}

function subscribe<T>(set: Set<T>, l: T): Unsubscribe {
  set.add(l);
  return () => set.delete(l);
}

function pushSpark(list: number[], v: number): void {
  list.push(v);
  if (list.length > SPARK_POINTS) list.shift();
}

function waitingBed(patientId: string, deviceId: string | null): BedSnapshot {
  return {
    patientId,
    deviceId,
    latest: null,
    spark: { heartRate: [], bloodOxygen: [], bloodGlucose: [] },
    state: 'waiting',
    activeAlertIds: [],
  };
}

function cloneBed(b: BedSnapshot): BedSnapshot {
  return {
    ...b,
    spark: {
      heartRate: [...b.spark.heartRate],
      bloodOxygen: [...b.spark.bloodOxygen],
      bloodGlucose: [...b.spark.bloodGlucose],
    },
    activeAlertIds: [...b.activeAlertIds],
  };
}
