// Alarm episodes (issue #14): consecutive alerts of one patient and alert type are one alarm condition,
// so an hour of desaturation is one episode to acknowledge, not 120 thirty-second alerts. The alerts
// themselves stay exactly as they are (the demo's contract, sunk to MySQL unchanged); episodes are a
// layer above them.
//
// Where the rule runs: at the station, in both modes, from the alerts it receives — the embedded
// engine's in simulator mode, RisingWave's alert feed in connected mode. Not in RisingWave SQL: the
// rule is a session window over alert buckets whose gap depends on a per-ward setting and whose close
// needs the feed's watermark, and RisingWave's session windows are emit-on-window-close only, so an
// episode would appear only once it ended — too late for the nurse. One implementation in both modes
// means there is no twin to drift: the parity is by construction, and episodes.spec.ts checks that the
// order and batching in which a feed delivers alerts changes nothing.
//
// The rule, on the alert buckets (an alert says its vital was abnormal somewhere in its bucket):
// - an alert extends the open episode of its patient and type when its bucket starts less than
//   `closeAfterMs` after the end of that episode's last bucket; otherwise it opens a new episode;
// - an episode closes, 'normal', once the alerts are complete (the watermark) up to `closeAfterMs` past
//   the end of its last bucket with no further alert: the vital was normal (or, for signal loss, data
//   came back) for that long;
// - a signal-loss alert closes the patient's open vital episodes, 'data-stopped', at the end of their
//   last bucket: the data stopped, and the signal loss is an episode of its own.
import type { Alert, AlertLevel, AlertType, ThresholdLimits } from '../domain/types';
import { BUCKET_MS, TREND_WINDOW_MS, bucketStart, trendWindowStart } from './rules';

/** How long a vital must stay normal (no alert) before its episode closes, by default. */
export const EPISODE_CLOSE_AFTER_MS = 30_000;

export type EpisodeCloseReason = 'normal' | 'data-stopped';

export interface Episode {
  /** Stable: derived from the episode's first alert, so a restart or a replay gives the same id. */
  episodeId: string;
  patientId: string;
  alertType: AlertType;
  /** the first alert's time */
  openedAt: number;
  /** the latest alert's time */
  lastAlertAt: number;
  /** end (exclusive) of the latest alert's bucket: the vital was abnormal somewhere before it */
  abnormalUntil: number;
  /** oldest first */
  alertIds: string[];
  maxLevel: AlertLevel;
  /**
   * the episode's vital at its furthest outside the patient's limits, among its alerts' readings;
   * null when none carries the vital (signal loss, the trend alert)
   */
  worstValue: number | null;
  closedAt: number | null;
  closeReason: EpisodeCloseReason | null;
  /** highest level seen when the episode was acknowledged; null while unacknowledged */
  acknowledgedAtLevel: AlertLevel | null;
}

export type EpisodeChange =
  | { kind: 'opened'; episode: Episode }
  | { kind: 'extended'; episode: Episode }
  /** acknowledged, then worse (a level-2 alert after a level-1 acknowledgement): alarm again */
  | { kind: 'realarm'; episode: Episode }
  | { kind: 'closed'; episode: Episode };

export interface EpisodeTrackerOptions {
  closeAfterMs?: number;
  /** the patient's limits, for the worst value; without them the worst is the lowest SpO2 only */
  limitsOf?: (patientId: string) => ThresholdLimits | null;
}

/** The stable id of an episode opened by `firstAlertId`. */
export function episodeIdOf(firstAlertId: string): string {
  return `ep-${firstAlertId}`;
}

function bucketEnd(alert: Pick<Alert, 'alertType' | 'alertTime'>): number {
  return alert.alertType === 'multi_vital_signs_deterioration'
    ? trendWindowStart(alert.alertTime) + TREND_WINDOW_MS
    : bucketStart(alert.alertTime) + BUCKET_MS;
}

function bucketBegin(alert: Pick<Alert, 'alertType' | 'alertTime'>): number {
  return alert.alertType === 'multi_vital_signs_deterioration'
    ? trendWindowStart(alert.alertTime)
    : bucketStart(alert.alertTime);
}

/** How far `v` lies outside the normal band of `type` (0 inside it); null when `type` has no value. */
function outside(type: AlertType, v: number, l: ThresholdLimits | null): number | null {
  switch (type) {
    case 'heart_rate':
      return l ? Math.max(l.heartRateMin - v, v - l.heartRateMax, 0) : null;
    case 'blood_oxygen':
      return l ? Math.max(l.bloodOxygenMin - v, 0) : -v; // lower is worse, limits or not
    case 'blood_glucose':
      return l ? Math.max(l.bloodGlucoseMin - v, v - l.bloodGlucoseMax, 0) : null;
    default:
      return null;
  }
}

function vitalOf(alert: Alert): number | null {
  const r = alert.reading;
  if (!r) return null;
  if (alert.alertType === 'heart_rate') return r.heartRate;
  if (alert.alertType === 'blood_oxygen') return r.bloodOxygen;
  if (alert.alertType === 'blood_glucose') return r.bloodGlucose;
  return null;
}

/** Episodes from a stream of alerts, per patient and alert type (see the rule above). */
export class EpisodeTracker {
  private readonly closeAfterMs: number;
  private readonly limitsOf: (patientId: string) => ThresholdLimits | null;
  /** open episodes by `${patientId}\u0000${alertType}` */
  private readonly open = new Map<string, Episode>();
  private readonly byId = new Map<string, Episode>();
  /** alert ids seen: a feed re-delivers, and a re-delivered alert changes nothing */
  private readonly seen = new Set<string>();

  constructor(opts: EpisodeTrackerOptions = {}) {
    this.closeAfterMs = opts.closeAfterMs ?? EPISODE_CLOSE_AFTER_MS;
    if (!(this.closeAfterMs >= 0)) throw new RangeError('closeAfterMs must be 0 or more');
    this.limitsOf = opts.limitsOf ?? (() => null);
  }

  /** The episode's alerts are in; what changed, in order (a signal loss first closes vital episodes). */
  addAlert(alert: Alert): EpisodeChange[] {
    if (this.seen.has(alert.alertId)) return [];
    this.seen.add(alert.alertId);
    const changes: EpisodeChange[] = [];
    if (alert.alertType === 'signal_loss') {
      for (const ep of [...this.open.values()]) {
        if (ep.patientId === alert.patientId && ep.alertType !== 'signal_loss') {
          changes.push(this.close(ep, ep.abnormalUntil, 'data-stopped'));
        }
      }
    }
    const key = `${alert.patientId}\u0000${alert.alertType}`;
    const current = this.open.get(key);
    const value = vitalOf(alert);
    if (current && bucketBegin(alert) - current.abnormalUntil < this.closeAfterMs) {
      if (!current.alertIds.includes(alert.alertId)) current.alertIds.push(alert.alertId);
      current.lastAlertAt = Math.max(current.lastAlertAt, alert.alertTime);
      current.abnormalUntil = Math.max(current.abnormalUntil, bucketEnd(alert));
      const worsened = alert.alertLevel > current.maxLevel;
      current.maxLevel = worsened ? alert.alertLevel : current.maxLevel;
      this.takeWorst(current, value);
      const realarm =
        worsened && current.acknowledgedAtLevel !== null && alert.alertLevel > current.acknowledgedAtLevel;
      changes.push({ kind: realarm ? 'realarm' : 'extended', episode: current });
      return changes;
    }
    if (current) changes.push(this.close(current, current.abnormalUntil + this.closeAfterMs, 'normal'));
    const ep: Episode = {
      episodeId: episodeIdOf(alert.alertId),
      patientId: alert.patientId,
      alertType: alert.alertType,
      openedAt: alert.alertTime,
      lastAlertAt: alert.alertTime,
      abnormalUntil: bucketEnd(alert),
      alertIds: [alert.alertId],
      maxLevel: alert.alertLevel,
      worstValue: null,
      closedAt: null,
      closeReason: null,
      acknowledgedAtLevel: null,
    };
    this.takeWorst(ep, value);
    this.open.set(key, ep);
    this.byId.set(ep.episodeId, ep);
    changes.push({ kind: 'opened', episode: ep });
    return changes;
  }

  /**
   * The alerts of `patientId` (or of every patient when omitted) are complete up to `watermark`: close
   * the episodes that have had no alert for `closeAfterMs` past their last bucket.
   */
  advance(watermark: number, patientId?: string): EpisodeChange[] {
    const changes: EpisodeChange[] = [];
    for (const ep of [...this.open.values()]) {
      if (patientId !== undefined && ep.patientId !== patientId) continue;
      const closesAt = ep.abnormalUntil + this.closeAfterMs;
      if (watermark >= closesAt) changes.push(this.close(ep, closesAt, 'normal'));
    }
    return changes;
  }

  /** A nurse acknowledged the episode: it alarms again only if it gets worse than it is now. */
  acknowledge(episodeId: string): Episode | null {
    const ep = this.byId.get(episodeId);
    if (!ep) return null;
    ep.acknowledgedAtLevel = ep.maxLevel;
    return ep;
  }

  get(episodeId: string): Episode | null {
    return this.byId.get(episodeId) ?? null;
  }

  /** Every episode, open and closed, oldest first. */
  all(): Episode[] {
    return [...this.byId.values()].sort(
      (a, b) => a.openedAt - b.openedAt || (a.episodeId < b.episodeId ? -1 : 1),
    );
  }

  openEpisodes(): Episode[] {
    return this.all().filter((e) => e.closedAt === null);
  }

  private takeWorst(ep: Episode, value: number | null): void {
    if (value === null) return;
    const limits = this.limitsOf(ep.patientId);
    const d = outside(ep.alertType, value, limits);
    if (d === null) return;
    const best = ep.worstValue === null ? null : outside(ep.alertType, ep.worstValue, limits);
    if (best === null || d > best) ep.worstValue = value;
  }

  private close(ep: Episode, at: number, reason: EpisodeCloseReason): EpisodeChange {
    ep.closedAt = at;
    ep.closeReason = reason;
    this.open.delete(`${ep.patientId}\u0000${ep.alertType}`);
    return { kind: 'closed', episode: ep };
  }
}
