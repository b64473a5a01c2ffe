// A ward of simulated bedside devices. Pure and deterministic: the same options give the same events,
// however the caller slices time into batches, so tests, the CLI and the app's live mode all see the
// same ward. Pacing (real time or as fast as possible) is the caller's business.
import type { Reading } from '../domain/types';
import { garbageLine, type GarbageKind } from './garbage';
import { bell, between, deriveSeed, mulberry32, type Rng } from './prng';
import {
  defaultScenarios,
  deteriorationOnset,
  envelope,
  makeEpisode,
  nextEpisodeStart,
  SCENARIO_DEFAULTS,
  type BedBaseline,
  type Episode,
  type ScenarioKind,
  type ScenarioSpec,
  TREND_WINDOW_MS,
} from './scenarios';

export type SimEvent =
  | { kind: 'reading'; reading: Reading }
  | {
      kind: 'garbage';
      /** the message exactly as the device sent it */
      raw: string;
      deviceId: string;
      patientId: string;
      /** when it was sent, epoch ms */
      time: number;
      garbageKind: GarbageKind;
    };

export interface WardSimulatorOptions {
  /** number of beds, default 12 */
  beds?: number;
  /** default 1 */
  seed?: number;
  /** epoch ms of the first readings */
  startTime: number;
  /** readings per second per bed, default 1 (the demo's rate) */
  rateHz?: number;
  /** 'default': the recurring demo scenarios spread over the ward; 'none': every bed normal */
  scenarios?: 'default' | 'none' | ScenarioSpec[];
  /** IANA zone used for the measure_time inside garbage messages, default 'UTC' */
  timeZone?: string;
}

export interface SimBed {
  /** 1-based */
  bed: number;
  patientId: string;
  deviceId: string;
  scenarios: ScenarioKind[];
  baseline: BedBaseline;
}

export interface WardSimulator {
  readonly beds: readonly SimBed[];
  readonly startTime: number;
  readonly rateHz: number;
  /** every event at or before this time has been returned */
  readonly producedUntil: number;
  /** The events after the previous batch up to and including `untilTime`, sorted by time (ties: bed order). */
  nextBatch(untilTime: number): SimEvent[];
  /**
   * Skips the ward ahead to `untilTime` without producing its events: nothing is sent in between, as if
   * nobody had listened (a station that slept). Costs the number of beds and scenario episodes, not the
   * length of the gap. The ward carries on from there with the same beds and scenarios (later events
   * are not those a ward that never skipped would send). No-op unless `untilTime` is ahead.
   */
  skipTo(untilTime: number): void;
}

/** P001…P999, then P1000…: zero-padded to three digits. */
export function patientIdFor(bed: number): string {
  return 'P' + String(bed).padStart(3, '0');
}
export function deviceIdFor(bed: number): string {
  return 'D' + String(bed).padStart(3, '0');
}

export const SIM_LIMITS = { maxBeds: 100_000, maxRateHz: 100 } as const;

// Noise: a slow mean-reverting drift plus small per-reading noise. Bounded so that a quiet bed never
// crosses DEFAULT_THRESHOLDS and never moves 20 bpm / 5 % SpO2 within a 10-minute window.
const DRIFT_TAU_S = 60;
const NOISE = {
  heartRate: { drift: 2.5, driftMax: 5, jitter: 1 },
  bloodOxygen: { drift: 0.5, driftMax: 1, jitter: 0.25 },
  bloodGlucose: { drift: 0.15, driftMax: 0.4, jitter: 0.05 },
} as const;

interface ScenarioState {
  kind: ScenarioKind;
  every: number;
  episode: Episode;
}

interface BedState {
  info: SimBed;
  rng: Rng;
  period: number;
  phase: number;
  maxJitter: number;
  slot: number;
  nextTime: number;
  driftHr: number;
  driftSpo2: number;
  driftGlu: number;
  scenarios: ScenarioState[];
  garbage: { every: number; next: number } | null;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function validate(o: WardSimulatorOptions): { beds: number; rateHz: number; seed: number } {
  const beds = o.beds ?? 12;
  const rateHz = o.rateHz ?? 1;
  const seed = o.seed ?? 1;
  if (!Number.isInteger(beds) || beds < 1 || beds > SIM_LIMITS.maxBeds)
    throw new RangeError(`beds must be an integer from 1 to ${SIM_LIMITS.maxBeds}`);
  if (!Number.isFinite(rateHz) || rateHz <= 0 || rateHz > SIM_LIMITS.maxRateHz)
    throw new RangeError(`rate must be above 0 and at most ${SIM_LIMITS.maxRateHz} readings per second`);
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a number');
  if (!Number.isFinite(o.startTime)) throw new RangeError('startTime must be epoch milliseconds');
  return { beds, rateHz, seed };
}

export function createWardSimulator(opts: WardSimulatorOptions): WardSimulator {
  const { beds: bedCount, rateHz, seed } = validate(opts);
  const timeZone = opts.timeZone ?? 'UTC';
  const startTime = Math.floor(opts.startTime);
  const period = 1000 / rateHz;
  const dt = period / 1000;
  const decay = 1 - dt / DRIFT_TAU_S;
  const kick = Math.sqrt((2 * dt) / DRIFT_TAU_S);

  const specs =
    opts.scenarios === 'none'
      ? []
      : opts.scenarios === undefined || opts.scenarios === 'default'
        ? defaultScenarios(bedCount)
        : opts.scenarios;
  const specsByBed = new Map<number, ScenarioSpec[]>();
  for (const s of specs) {
    if (!Number.isInteger(s.bed) || s.bed < 1 || s.bed > bedCount)
      throw new RangeError(`scenario ${s.kind}: bed ${s.bed} is not in the ward (1..${bedCount})`);
    const list = specsByBed.get(s.bed) ?? [];
    list.push(s);
    specsByBed.set(s.bed, list);
  }

  const states: BedState[] = [];
  let deteriorations = 0;
  for (let bed = 1; bed <= bedCount; bed++) {
    const rng = mulberry32(deriveSeed(seed, bed));
    const bedSpecs = specsByBed.get(bed) ?? [];
    const diabetic = bedSpecs.some((s) => s.kind === 'glucose_spike');
    const baseline: BedBaseline = {
      heartRate: between(rng, 62, 93),
      bloodOxygen: between(rng, 95.5, 98.5),
      // a diabetic's glucose sits high-normal between spikes
      bloodGlucose: diabetic ? between(rng, 5.6, 6.4) : between(rng, 4.7, 6.3),
    };
    const info: SimBed = {
      bed,
      patientId: patientIdFor(bed),
      deviceId: deviceIdFor(bed),
      scenarios: bedSpecs.map((s) => s.kind),
      baseline,
    };
    const phase = Math.floor(rng() * period);
    const maxJitter = Math.min(period * 0.2, 200);
    const state: BedState = {
      info,
      rng,
      period,
      phase,
      maxJitter,
      slot: 0,
      nextTime: 0,
      driftHr: 0,
      driftSpo2: 0,
      driftGlu: 0,
      scenarios: [],
      garbage: null,
    };
    for (const s of bedSpecs) {
      const d = SCENARIO_DEFAULTS[s.kind];
      const every = s.every ?? d.every;
      if (!(every > 0)) throw new RangeError(`scenario ${s.kind}: every must be positive`);
      let firstAt = s.firstAt ?? Math.floor(between(rng, d.firstAt[0], d.firstAt[1]));
      // a big ward's deteriorations take turns over the hour instead of all hitting the same minute
      if (s.kind === 'deterioration' && s.firstAt === undefined)
        firstAt = (deteriorations % 6) * TREND_WINDOW_MS;
      if (s.kind === 'deterioration') deteriorations++;
      if (s.kind === 'garbage') {
        state.garbage = { every, next: startTime + firstAt };
        continue;
      }
      const start =
        s.kind === 'deterioration' ? deteriorationOnset(startTime + firstAt, rng) : startTime + firstAt;
      state.scenarios.push({ kind: s.kind, every, episode: makeEpisode(s.kind, start, baseline, rng) });
    }
    state.nextTime = slotTime(state);
    states.push(state);
  }

  function slotTime(s: BedState): number {
    return Math.floor(startTime + s.phase + s.slot * s.period + s.rng() * s.maxJitter);
  }

  /** The event (or nothing, while the sensor is silent) of bed `s` at `time`. */
  function produce(s: BedState, time: number): SimEvent | null {
    const { rng, info } = s;
    const b = info.baseline;
    s.driftHr = clamp(
      s.driftHr * decay + NOISE.heartRate.drift * kick * bell(rng),
      -NOISE.heartRate.driftMax,
      NOISE.heartRate.driftMax,
    );
    s.driftSpo2 = clamp(
      s.driftSpo2 * decay + NOISE.bloodOxygen.drift * kick * bell(rng),
      -NOISE.bloodOxygen.driftMax,
      NOISE.bloodOxygen.driftMax,
    );
    s.driftGlu = clamp(
      s.driftGlu * decay + NOISE.bloodGlucose.drift * kick * bell(rng),
      -NOISE.bloodGlucose.driftMax,
      NOISE.bloodGlucose.driftMax,
    );
    let hr = b.heartRate + s.driftHr + NOISE.heartRate.jitter * bell(rng);
    let spo2 = b.bloodOxygen + s.driftSpo2 + NOISE.bloodOxygen.jitter * bell(rng);
    let glu = b.bloodGlucose + s.driftGlu + NOISE.bloodGlucose.jitter * bell(rng);

    let silent = false;
    for (const sc of s.scenarios) {
      while (time >= sc.episode.end) {
        const start = nextEpisodeStart(sc.kind, sc.episode.start, sc.episode.end, sc.every, rng);
        sc.episode = makeEpisode(sc.kind, start, b, rng);
      }
      const e = sc.episode;
      if (time < e.start) continue;
      if (e.silent) {
        silent = true;
        continue;
      }
      const k = envelope(e, time);
      hr += e.heartRate * k;
      spo2 += e.bloodOxygen * k;
      glu += e.bloodGlucose * k;
    }
    if (silent) return null;

    const reading: Reading = {
      patientId: info.patientId,
      deviceId: info.deviceId,
      measureTime: time,
      heartRate: Math.round(clamp(hr, 25, 250)),
      bloodOxygen: round2(clamp(spo2, 50, 100)),
      bloodGlucose: round2(clamp(glu, 1.5, 35)),
    };
    const g = s.garbage;
    if (g && time >= g.next) {
      // the faulty device sends this malformed message instead of the reading
      g.next = time + Math.max(1, Math.floor(g.every * between(rng, 0.5, 1.5)));
      const bad = garbageLine(reading, timeZone, rng);
      return {
        kind: 'garbage',
        raw: bad.raw,
        deviceId: info.deviceId,
        patientId: info.patientId,
        time,
        garbageKind: bad.kind,
      };
    }
    return { kind: 'reading', reading };
  }

  let producedUntil = startTime - 1;
  const eventTime = (e: SimEvent): number => (e.kind === 'reading' ? e.reading.measureTime : e.time);

  return {
    beds: states.map((s) => s.info),
    startTime,
    rateHz,
    get producedUntil() {
      return producedUntil;
    },
    nextBatch(untilTime: number): SimEvent[] {
      const until = Math.floor(untilTime);
      if (!(until > producedUntil)) return [];
      const out: SimEvent[] = [];
      for (const s of states) {
        while (s.nextTime <= until) {
          const ev = produce(s, s.nextTime);
          if (ev) out.push(ev);
          s.slot++;
          s.nextTime = slotTime(s);
        }
      }
      producedUntil = until;
      // stable sort: equal times keep bed order, so the result does not depend on batch boundaries
      out.sort((a, b) => eventTime(a) - eventTime(b));
      return out;
    },
    skipTo(untilTime: number): void {
      const until = Math.floor(untilTime);
      if (!(until > producedUntil)) return;
      for (const s of states) {
        if (s.nextTime > until) continue;
        // the first slot whose time (jitter only adds to it) is after `until`
        s.slot = Math.max(s.slot + 1, Math.floor((until - startTime - s.phase) / s.period) + 1);
        s.nextTime = slotTime(s);
        // an episode over by then is followed by one spaced as if it had just ended: O(1) per
        // scenario, however long the gap
        for (const sc of s.scenarios) {
          if (until < sc.episode.end) continue;
          const start = nextEpisodeStart(sc.kind, until, until, sc.every, s.rng);
          sc.episode = makeEpisode(sc.kind, start, s.info.baseline, s.rng);
        }
        const g = s.garbage;
        if (g && g.next <= until) g.next = until + Math.max(1, Math.floor(g.every * between(s.rng, 0, 1)));
      }
      producedUntil = until;
    },
  };
}
