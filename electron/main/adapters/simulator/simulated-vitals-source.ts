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
import type { IdentifierRule } from '../../../../shared/domain/identifiers';
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
  /**
   * After a suspend (the clock jumped ahead): how much of the gap is simulated, the rest being a gap in
   * the trends; default 15 minutes, the shells' warm-up.
   */
  catchUpWindowMs?: number;
  /** an operator log line when a catch-up starts (no patient data) */
  log?: (message: string) => void;
  /** how a slice gives the event loop back; default setImmediate (tests count the work between turns) */
  yieldTurn?: () => Promise<void>;
  /**
   * Which patient_id and device_id a device message (ingestRaw) may carry; default the station's
   * conservative alphabet. The simulated ward's own readings are the app's and are not re-checked.
   */
  identifiers?: IdentifierRule;
}

/**
 * The background warm-up and the catch-up after a suspend work in steps of 5 simulated seconds and
 * yield to the event loop after about 8 ms of them: whatever else the process serves meanwhile (the
 * page's files and first requests, IPC, the notifier) must not wait behind long slices (60-s slices
 * doubled the page's load time at 200 beds). A slice also stops at SLICE_READINGS_BUDGET readings, so
 * its length is bounded by work, not only by a clock a busy machine reads late; a big ward takes
 * smaller steps (down to 1 s) to stay within it.
 */
const WARMUP_STEP_MS = 5_000;
const MIN_STEP_MS = 1_000;
const WARMUP_SLICE_BUDGET_MS = 8;
export const SLICE_READINGS_BUDGET = 2_000;

/**
 * A tick that finds the clock this far ahead of the simulation (simulated ms, and at least
 * CATCH_UP_AFTER_REAL_MS of real time at the ward's speed) was woken from a suspend, or the wall clock
 * stepped forward: rather than simulating the whole gap at once (an 8-hour gap at 12 beds was 345,600
 * readings in one turn of the event loop: a 1.2-s stall, +75 MB), it simulates at most the last
 * CATCH_UP_WINDOW_MS of it, in slices, and leaves the rest as a gap. A normal tick is 250 ms.
 */
const CATCH_UP_AFTER_MS = 30_000;
const CATCH_UP_AFTER_REAL_MS = 5_000;
const CATCH_UP_WINDOW_MS = 15 * 60_000;

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
  /** while the background warm-up or a catch-up runs, beds are not published (they show "waiting") */
  private warming = false;
  private warmedUp: Promise<void> = Promise.resolve();
  /** the catch-up after a suspend, while it runs */
  private catchingUp: Promise<void> | null = null;
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
        this.warmedUp = this.runInSlices(now - this.opts.warmupMs, Infinity);
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

  /**
   * Simulates from `from` up to now, a slice per turn of the event loop, with beds held as "waiting"
   * and alerts held until caught up; then publishes everything at once and runs live. Should now run
   * more than `windowMs` ahead (the clock jumped again meanwhile), the stretch before is skipped.
   */
  private async runInSlices(from: number, windowMs: number): Promise<void> {
    this.warming = true;
    const beds = Math.max(1, this.bedStates.size);
    const stepMs = Math.min(
      WARMUP_STEP_MS,
      Math.max(MIN_STEP_MS, Math.floor(SLICE_READINGS_BUDGET / beds) * 1_000),
    );
    const stepsPerSlice = Math.max(1, Math.floor(SLICE_READINGS_BUDGET / ((beds * stepMs) / 1_000)));
    let at = from;
    let done = false;
    try {
      while (this.running) {
        const sliceStart = performance.now();
        const target = this.simNow();
        if (target - at > windowMs) at = this.skip(at, target - windowMs);
        for (let steps = 0; at < target && steps < stepsPerSlice; steps++) {
          if (steps > 0 && performance.now() - sliceStart >= WARMUP_SLICE_BUDGET_MS) break;
          at = Math.min(at + stepMs, target);
          this.advance(at);
        }
        if (at >= target) {
          done = true;
          break;
        }
        await (this.opts.yieldTurn?.() ?? new Promise<void>((resolve) => setImmediate(resolve)));
      }
    } finally {
      this.warming = false;
    }
    if (!done || !this.running) return;
    // caught up: every bed goes out with its latest reading, with the alerts held, then the ward runs live
    this.publish([]);
    this.schedule();
  }

  /** Leaves (from, to] out: nothing simulated, no signal loss for it, a gap in the trends. */
  private skip(from: number, to: number): number {
    this.simulator?.skipTo(to);
    this.engine.resumeAt(to);
    return to;
  }

  /**
   * Woken from a suspend (the shell says so, or a tick found the clock far ahead): the readings on
   * screen are hours old. Every bed is shown "waiting" until the simulation has caught up, which it does
   * in slices over at most the last catchUpWindowMs; the rest of the gap stays empty.
   */
  private catchUp(): Promise<void> {
    const sim = this.simulator;
    if (!sim) return Promise.resolve();
    const target = this.simNow();
    const windowMs = this.opts.catchUpWindowMs ?? CATCH_UP_WINDOW_MS;
    const gap = target - sim.producedUntil;
    const skipped = Math.max(0, gap - windowMs);
    this.opts.log?.(
      `simulator: ${formatDuration(gap)} behind the clock (woken from a suspend?); simulating the last ` +
        `${formatDuration(gap - skipped)} in slices${skipped > 0 ? `, ${formatDuration(skipped)} left as a gap` : ''}`,
    );
    const waiting: BedSnapshot[] = [];
    for (const bed of this.bedStates.values()) {
      bed.changed = true; // sent again, current, once caught up
      waiting.push(waitingBed(bed.snapshot.patientId, bed.snapshot.deviceId));
    }
    if (waiting.length > 0) for (const l of this.bedListeners) l(waiting);
    const run = this.runInSlices(sim.producedUntil, windowMs).finally(() => {
      this.catchingUp = null;
    });
    this.catchingUp = run;
    return run;
  }

  /** whether the simulation is so far behind the clock that it catches up in slices */
  private farBehind(target: number): boolean {
    const sim = this.simulator;
    if (!sim) return false;
    const limit = Math.max(CATCH_UP_AFTER_MS, CATCH_UP_AFTER_REAL_MS * (this.opts.speed ?? 1));
    return target - sim.producedUntil > limit;
  }

  /**
   * Catches up now rather than at the next tick (the shell saw a resume, an unlock): resolves once the
   * ward is live again. Coalesced: a catch-up or warm-up already running is waited for, not repeated.
   */
  refresh(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.catchingUp) return this.catchingUp;
    if (this.warming) return this.warmedUp;
    this.opts.clock.clearTimeout(this.timer);
    this.tick();
    return this.catchingUp ?? Promise.resolve();
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
    this.timer = this.opts.clock.setTimeout(() => this.tick(), this.opts.tickMs ?? 250);
  }

  private tick(): void {
    const target = this.simNow();
    if (this.farBehind(target)) {
      void this.catchUp(); // live again (scheduled) once caught up
      return;
    }
    this.advance(target);
    this.schedule();
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
    const parsed = parseReading(raw, {
      timeZone: this.opts.timeZone,
      now: at,
      ...(this.opts.identifiers ? { identifiers: this.opts.identifiers } : {}),
    });
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

/** "45 s", "15 min", "7 h 45 min" (for the log) */
function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
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
