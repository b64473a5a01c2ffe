// What can happen to a simulated bed, and when. Episodes are shaped so they trip the alert rules on
// purpose (thresholds of DEFAULT_THRESHOLDS, and the level-2 trend rule: heart rate up >= 20 and SpO2
// down >= 5 between the first and last reading of one epoch-aligned 10-minute window) and nothing else.
import { TREND_WINDOW_MS } from '../engine/rules';
import { between, type Rng } from './prng';

export type ScenarioKind =
  'glucose_spike' | 'tachycardia' | 'desaturation' | 'deterioration' | 'signal_loss' | 'garbage';

export const SCENARIO_KINDS: readonly ScenarioKind[] = [
  'glucose_spike',
  'tachycardia',
  'desaturation',
  'deterioration',
  'signal_loss',
  'garbage',
];

export interface ScenarioSpec {
  kind: ScenarioKind;
  /** 1-based bed number (bed 1 = P001). */
  bed: number;
  /** ms after the simulation start of the first episode (default: seeded, within the first ~90 s; for
   * deterioration the onset is one minute into the first 10-minute window starting at or after this). */
  firstAt?: number;
  /** mean ms between episode starts (default per kind); for garbage, mean ms between garbage lines. */
  every?: number;
}

/** the level-2 window, as the engine defines it */
export { TREND_WINDOW_MS };

/** The default ward: a pattern of 12 beds repeated over the ward. Half the beds are quiet all the time;
 * the others have short recurring episodes, so a live ward shows alerts within a minute or two. */
export const DEFAULT_PATTERN: readonly (ScenarioKind | null)[] = [
  'glucose_spike', // P001 diabetic: glucose spikes
  'tachycardia', // P002
  'desaturation', // P003
  null,
  'deterioration', // P005: a real level-2 deterioration, once an hour
  null,
  'signal_loss', // P007: the sensor drops off now and then
  null,
  'garbage', // P009: a faulty device that sends malformed messages now and then
  null,
  null,
  null,
];

export function defaultScenarios(beds: number): ScenarioSpec[] {
  const specs: ScenarioSpec[] = [];
  for (let bed = 1; bed <= beds; bed++) {
    const kind = DEFAULT_PATTERN[(bed - 1) % DEFAULT_PATTERN.length];
    if (kind) specs.push({ kind, bed });
  }
  return specs;
}

/** Defaults per kind: mean spacing of episodes, and how the first one is placed. */
export const SCENARIO_DEFAULTS: Record<ScenarioKind, { every: number; firstAt: [number, number] }> = {
  glucose_spike: { every: 6 * 60_000, firstAt: [15_000, 75_000] },
  tachycardia: { every: 4 * 60_000, firstAt: [20_000, 80_000] },
  desaturation: { every: 5 * 60_000, firstAt: [30_000, 90_000] },
  deterioration: { every: 60 * 60_000, firstAt: [0, 0] },
  signal_loss: { every: 4 * 60_000, firstAt: [30_000, 90_000] },
  garbage: { every: 20_000, firstAt: [5_000, 30_000] },
};

/** One episode: a linear ramp to the offsets, a plateau, and a linear ramp back. */
export interface Episode {
  start: number;
  rise: number;
  hold: number;
  fall: number;
  end: number;
  heartRate: number;
  bloodOxygen: number;
  bloodGlucose: number;
  /** signal loss: the device sends nothing from start to end */
  silent: boolean;
}

export interface BedBaseline {
  heartRate: number;
  bloodOxygen: number;
  bloodGlucose: number;
}

function episode(
  start: number,
  rise: number,
  hold: number,
  fall: number,
  offsets: Partial<Pick<Episode, 'heartRate' | 'bloodOxygen' | 'bloodGlucose' | 'silent'>>,
): Episode {
  return {
    start,
    rise,
    hold,
    fall,
    end: start + rise + hold + fall,
    heartRate: offsets.heartRate ?? 0,
    bloodOxygen: offsets.bloodOxygen ?? 0,
    bloodGlucose: offsets.bloodGlucose ?? 0,
    silent: offsets.silent ?? false,
  };
}

/** Builds the episode of `kind` starting at `start`. Targets are absolute where a threshold must be
 * crossed (the margin covers the noise), relative where the trend rule is what matters. */
export function makeEpisode(kind: ScenarioKind, start: number, base: BedBaseline, rng: Rng): Episode {
  switch (kind) {
    case 'glucose_spike':
      // post-prandial spike of a diabetic: 9-13 mmol/L (limit 7.2)
      return episode(start, 60_000, between(rng, 60_000, 120_000), 120_000, {
        bloodGlucose: between(rng, 9, 13) - base.bloodGlucose,
      });
    case 'tachycardia':
      // 128-145 bpm (limit 120) for under a minute
      return episode(start, 20_000, between(rng, 30_000, 60_000), 30_000, {
        heartRate: between(rng, 128, 145) - base.heartRate,
      });
    case 'desaturation':
      // SpO2 87-91 % (limit 93); heart rate unchanged, so it never looks like the level-2 trend
      return episode(start, 30_000, between(rng, 30_000, 60_000), 30_000, {
        bloodOxygen: between(rng, 87, 91) - base.bloodOxygen,
      });
    case 'deterioration':
      // HR +28..32 and SpO2 -7..-8 within 4 minutes, held past the window's end (the rule compares the
      // window's first and last readings), then a recovery slow enough (30 min) that no later window
      // sees a >= 20 bpm or >= 5 % change, whichever way the rule is read.
      return episode(start, 4 * 60_000, 8 * 60_000, 30 * 60_000, {
        heartRate: between(rng, 28, 32),
        bloodOxygen: -between(rng, 7, 8),
      });
    case 'signal_loss':
      // silent for 40-55 s: longer than the 30 s the engine waits
      return episode(start, 0, between(rng, 40_000, 55_000), 0, { silent: true });
    case 'garbage':
      // garbage is a per-message event, not an episode (see the simulator)
      return episode(start, 0, 0, 0, {});
  }
}

/** When the episode after one starting at `prev` begins. */
export function nextEpisodeStart(
  kind: ScenarioKind,
  prevStart: number,
  prevEnd: number,
  every: number,
  rng: Rng,
): number {
  // one episode per `every`, counted in whole windows from the previous episode's window
  if (kind === 'deterioration')
    return deteriorationOnset(Math.floor(prevStart / TREND_WINDOW_MS) * TREND_WINDOW_MS + every, rng);
  const next = prevStart + every * between(rng, 0.75, 1.25);
  // never overlapping, and a little normal in between
  return Math.max(next, prevEnd + 20_000);
}

/** One minute (plus up to 30 s) into the first epoch-aligned 10-minute window starting at or after `t`:
 * the window's first readings are still at baseline, and the 4-minute ramp ends well inside it. */
export function deteriorationOnset(t: number, rng: Rng): number {
  const windowStart = Math.ceil(t / TREND_WINDOW_MS) * TREND_WINDOW_MS;
  return windowStart + 60_000 + Math.floor(between(rng, 0, 30_000));
}

/** 0..1: how far into its plateau the episode is at time t. */
export function envelope(e: Episode, t: number): number {
  if (t < e.start || t >= e.end) return 0;
  const s = t - e.start;
  if (s < e.rise) return s / e.rise;
  if (s < e.rise + e.hold) return 1;
  return e.fall > 0 ? 1 - (s - e.rise - e.hold) / e.fall : 0;
}
