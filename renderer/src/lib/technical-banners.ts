// What the status banner says while a backend is lost (issue #12): a technical alarm, not a footnote.
// The wording matches the station's technical-alarm notification so the nurse reads one story.
import type { BackendHealth } from '../../../shared/domain/types';
import { formatDuration } from './time';

export interface TechnicalBanner {
  backend: 'vitals' | 'alerts';
  /** the e2e tests' hooks, kept from the banners these replace */
  testId: 'vitals-down-banner' | 'offline-banner';
  headline: string;
  advice: string;
  since: number;
  message: string | null;
}

const PRODUCT: Record<string, string> = { risingwave: 'RisingWave', mysql: 'MySQL', sqlite: 'SQLite' };

/** The lost backends, vitals first; the local cache has its own (warning) banner. */
export function technicalBanners(backends: readonly BackendHealth[]): TechnicalBanner[] {
  const banners: TechnicalBanner[] = [];
  for (const h of backends) {
    if (h.up) continue;
    const product = PRODUCT[h.adapter] ?? h.adapter;
    if (h.backend === 'vitals') {
      banners.push({
        backend: 'vitals',
        testId: 'vitals-down-banner',
        // the simulator runs inside the station: there is no connection to lose
        headline:
          h.adapter === 'simulator' ? 'Live vitals unavailable' : `No connection to ${product} (vital signs)`,
        advice:
          'Values on screen are not updating and new alerts may not reach this station. Check patients at the bedside and call IT.',
        since: h.since,
        message: h.message,
      });
    } else if (h.backend === 'alerts') {
      banners.push({
        backend: 'alerts',
        testId: 'offline-banner',
        headline: `No connection to ${product} (alert record)`,
        advice:
          'Acknowledgements are kept on this station and sync when it is back; other stations do not see them yet. Call IT.',
        since: h.since,
        message: h.message,
      });
    }
  }
  return banners.sort((a, b) => (a.backend === b.backend ? 0 : a.backend === 'vitals' ? -1 : 1));
}

/** "for 2 min 05 s"; never negative (the browser's clock may be behind the station's). */
export function lostFor(since: number, now: number): string {
  return `for ${formatDuration(Math.max(0, now - since))}`;
}
