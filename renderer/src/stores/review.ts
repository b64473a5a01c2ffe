// Acknowledgements kept on this station (the local cache): search, sync state, CSV export of a shift.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AckAction, AckRecord } from '../../../shared/domain/types';
import { errorText, getStationApi } from '../api/station-api';

export interface ReviewFilters {
  patientId: string;
  nurse: string;
  action: AckAction | null;
  from: number | null;
  to: number | null;
}

export const REVIEW_LIMIT = 2000;

export const useReviewStore = defineStore('review', () => {
  const api = getStationApi();
  const filters = ref<ReviewFilters>({ patientId: '', nurse: '', action: null, from: null, to: null });
  const records = shallowRef<AckRecord[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let token = 0;
  let unsubscribe: (() => void) | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;

  async function load(): Promise<void> {
    const t = ++token;
    loading.value = true;
    const f = filters.value;
    const r = await api.invoke('review:list', {
      patientId: f.patientId.trim() || undefined,
      nurse: f.nurse.trim() || undefined,
      action: f.action ?? undefined,
      from: f.from ?? undefined,
      to: f.to ?? undefined,
      limit: REVIEW_LIMIT,
    });
    if (t !== token) return;
    loading.value = false;
    if (r.ok) {
      records.value = r.value;
      error.value = null;
    } else {
      error.value = errorText(r.error);
    }
  }

  function setFilters(patch: Partial<ReviewFilters>): void {
    filters.value = { ...filters.value, ...patch };
    void load();
  }

  /** Returns the file to download, or an error sentence. */
  async function exportCsv(from: number, to: number): Promise<{ filename: string; csv: string } | string> {
    if (!(from < to)) return 'The shift must end after it starts.';
    const r = await api.invoke('review:export-csv', { from, to });
    return r.ok ? r.value : errorText(r.error);
  }

  /**
   * While the screen is open, acknowledgements change (new ones: refresh shortly after an alert changed)
   * and so does their sync state (no event for it: poll).
   */
  function watchLive(): void {
    if (unsubscribe) return;
    pollTimer = setInterval(() => void load(), 15_000);
    unsubscribe = api.on('alerts:changed', () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void load();
      }, 2000);
    });
  }

  function unwatchLive(): void {
    unsubscribe?.();
    unsubscribe = null;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
  }

  return { filters, records, loading, error, load, setFilters, exportCsv, watchLive, unwatchLive };
});
