// Charts pin alerts by id, time, type, level and reading — all fixed by the alert's id. Keeping the
// previous array while the ids stay the same keeps a chart's option unchanged when only a status
// changed, so an acknowledgement does not make ECharts rebuild and lay out the chart (≈ 30 ms of the
// page's main thread per pushed change, ahead of the station's answer; docs/performance.md, fix 11).
import { computed, type ComputedRef } from 'vue';
import type { Alert } from '../../../shared/domain/types';

/** Same alerts in the same order, whatever their status. */
export function sameAlertIds(a: readonly Alert[], b: readonly Alert[]): boolean {
  return a.length === b.length && a.every((x, i) => x.alertId === b[i]!.alertId);
}

export function useStableAlerts(source: () => Alert[]): ComputedRef<Alert[]> {
  return computed<Alert[]>((previous) => {
    const next = source();
    return previous && sameAlertIds(previous, next) ? previous : next;
  });
}
