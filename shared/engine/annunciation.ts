// Annunciation delays (issue #14): an SpO₂ dip shorter than its delay (e.g. 15 s: published reductions of
// SpO₂ alarms of about 60 %) raises no notification and no sound. The delay only holds the notification:
// the alert and its episode are in the list at once, whatever it says.
//
// Per episode (episodes.ts): it is due `delay` after it opened. While it waits, each reading of the
// patient says whether its vital is still abnormal: still abnormal when due → notify; back to normal
// before → suppressed (the dip ended). The episode closing before it is due suppresses it too, except
// that a signal loss is announced on its own. A level-2 alert is never held more than 15 s, nor is an
// episode whose vital no reading can judge (the trend alert, signal loss): those are due at
// min(delay, 15 s) whatever the readings say. With no readings at all (the data stopped), a due
// episode is announced: silence is never a reason to stay quiet.
import type { AlertType } from '../domain/types';
import type { Episode } from './episodes';

/** The longest a level-2 alert, or a vital no reading can judge, is ever held. */
export const MAX_URGENT_DELAY_MS = 15_000;

export interface AnnunciationPolicy {
  /** the delay of this vital for this patient (the ward's, or the patient's own), ms; 0: none */
  delayMs(alertType: AlertType, patientId: string): number;
}

export type Annunciation =
  | { kind: 'notify'; episodeId: string; at: number; heldMs: number }
  | {
      kind: 'suppressed';
      episodeId: string;
      at: number;
      reason: 'ended-before-delay' | 'closed-before-delay';
    };

/** Vitals a single reading can show normal again. */
const JUDGED_BY_READINGS: ReadonlySet<AlertType> = new Set(['heart_rate', 'blood_oxygen', 'blood_glucose']);

interface Waiting {
  episode: Episode;
  due: number;
}

export class Annunciator {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly policy: AnnunciationPolicy) {}

  /** A new episode: announced now (no delay) or held until it is due. */
  opened(episode: Episode, now: number): Annunciation[] {
    const asked = Math.max(0, this.policy.delayMs(episode.alertType, episode.patientId));
    const urgent = episode.maxLevel >= 2 || !JUDGED_BY_READINGS.has(episode.alertType);
    const delay = urgent ? Math.min(asked, MAX_URGENT_DELAY_MS) : asked;
    const due = episode.openedAt + delay;
    if (due <= now)
      return [{ kind: 'notify', episodeId: episode.episodeId, at: now, heldMs: now - episode.openedAt }];
    this.waiting.set(episode.episodeId, { episode, due });
    return [];
  }

  /** The episode got worse while held (a level-2 alert): never held more than 15 s from its start. */
  worsened(episode: Episode, now: number): Annunciation[] {
    const w = this.waiting.get(episode.episodeId);
    if (!w || episode.maxLevel < 2) return [];
    w.due = Math.min(w.due, episode.openedAt + MAX_URGENT_DELAY_MS);
    return this.tick(now);
  }

  /**
   * A reading of `patientId` at `at`, with the vitals it shows abnormal. A held episode whose vital is
   * normal again before it is due is suppressed; one still abnormal when due is announced.
   */
  reading(patientId: string, at: number, abnormal: ReadonlySet<AlertType>): Annunciation[] {
    const out: Annunciation[] = [];
    for (const [id, w] of this.waiting) {
      if (w.episode.patientId !== patientId || !JUDGED_BY_READINGS.has(w.episode.alertType)) continue;
      if (w.episode.maxLevel >= 2) continue; // a level-2 episode waits for nothing but its 15 s
      if (at >= w.due) {
        // abnormal up to the reading before (a normal one would have suppressed it): it lasted the delay
        this.waiting.delete(id);
        out.push({ kind: 'notify', episodeId: id, at, heldMs: at - w.episode.openedAt });
      } else if (!abnormal.has(w.episode.alertType)) {
        this.waiting.delete(id);
        out.push({ kind: 'suppressed', episodeId: id, at, reason: 'ended-before-delay' });
      }
    }
    return out;
  }

  /** The episode closed: if it was still held, it is not announced. */
  closed(episode: Episode, now: number): Annunciation[] {
    const w = this.waiting.get(episode.episodeId);
    if (!w) return [];
    this.waiting.delete(episode.episodeId);
    return [{ kind: 'suppressed', episodeId: episode.episodeId, at: now, reason: 'closed-before-delay' }];
  }

  /**
   * Time passed: announce what is due (nothing held was shown normal again, or it would be gone; with
   * no reading at all, the data stopped, and that is no reason to stay quiet).
   */
  tick(now: number): Annunciation[] {
    const out: Annunciation[] = [];
    for (const [id, w] of this.waiting) {
      if (now < w.due) continue;
      this.waiting.delete(id);
      out.push({ kind: 'notify', episodeId: id, at: now, heldMs: now - w.episode.openedAt });
    }
    return out;
  }

  /** episodes held now (the tray and the list show them; only the sound and the pop-up wait) */
  held(): string[] {
    return [...this.waiting.keys()];
  }
}
