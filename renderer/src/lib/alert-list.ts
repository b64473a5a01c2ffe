// Pure helpers for the live alert list: order, filter matching and merging pushed alerts into a
// keyset-paginated list without reloading it. The list is ordered like the server's keyset:
// alert_time desc, alert_id desc.
import type { Alert, AlertLevel, AlertStatus, TimeRange } from '../../../shared/domain/types';
import { TIME_RANGE_MS } from '../../../shared/domain/types';

export interface AlertFilters {
  range: TimeRange;
  level: AlertLevel | null;
  status: AlertStatus | null;
  patientSearch: string;
}

export type Cursor = { alertTime: number; alertId: string };

/** negative when a comes first in the list */
export function compareAlerts(a: Cursor, b: Cursor): number {
  if (a.alertTime !== b.alertTime) return b.alertTime - a.alertTime;
  return a.alertId < b.alertId ? 1 : a.alertId > b.alertId ? -1 : 0;
}

/** First index whose element does not come before `key`. */
export function lowerBound(list: readonly Cursor[], key: Cursor): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAlerts(list[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function matchesFilters(alert: Alert, f: AlertFilters, now: number): boolean {
  if (f.level !== null && alert.alertLevel !== f.level) return false;
  if (f.status !== null && alert.status !== f.status) return false;
  if (alert.alertTime < now - TIME_RANGE_MS[f.range]) return false;
  const q = f.patientSearch.trim().toLowerCase();
  if (q && !alert.patientId.toLowerCase().includes(q)) return false;
  return true;
}

export interface MergeResult {
  items: Alert[];
  changed: boolean;
  /** ids removed because they no longer match the filters */
  removed: string[];
  /** how many alerts were inserted */
  inserted: number;
}

/**
 * Applies pushed alerts (new or changed) to a sorted page set.
 * `complete` is true when every matching alert has been loaded (no next cursor): then an alert
 * older than the last row belongs at the end; otherwise pagination will bring it later.
 */
export function mergeAlerts(
  current: readonly Alert[],
  incoming: readonly Alert[],
  filters: AlertFilters,
  now: number,
  complete: boolean,
): MergeResult {
  let items: Alert[] | null = null;
  const removed: string[] = [];
  let inserted = 0;
  const list = () => (items ??= current.slice());
  for (const alert of incoming) {
    const view = items ?? current;
    let idx = lowerBound(view, alert);
    if (view[idx]?.alertId !== alert.alertId) {
      // Its time may differ from the copy we hold; fall back to a scan before treating it as new.
      const found = view.findIndex((a) => a.alertId === alert.alertId);
      idx = found;
    }
    const matches = matchesFilters(alert, filters, now);
    if (idx >= 0) {
      if (matches) {
        const l = list();
        if (l[idx]!.alertTime === alert.alertTime) {
          l[idx] = alert;
        } else {
          l.splice(idx, 1);
          l.splice(lowerBound(l, alert), 0, alert);
        }
      } else {
        list().splice(idx, 1);
        removed.push(alert.alertId);
      }
      continue;
    }
    if (!matches) continue;
    const at = lowerBound(view, alert);
    if (at >= view.length && !complete) continue;
    list().splice(at, 0, alert);
    inserted += 1;
  }
  return { items: items ?? (current as Alert[]), changed: items !== null, removed, inserted };
}
