// The audit for the charge nurse (Audit screen): acknowledgements, threshold and settings changes,
// sign-ins, newest first, filtered by kind, nurse and time. Anyone else gets nothing, not the
// charge nurse's last list.
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { AuditEntry, AuditKind } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';
import { useStationStore } from './station';

export interface AuditFilters {
  kind: AuditKind | null;
  nurseId: string;
  from: number | null;
  to: number | null;
}

export const AUDIT_LIMIT = 2000;

export const useAuditStore = defineStore('audit', () => {
  const api = getStationApi();
  const station = useStationStore();
  const filters = ref<AuditFilters>({ kind: null, nurseId: '', from: null, to: null });
  const entries = shallowRef<AuditEntry[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let token = 0;

  /** Why the filters cannot be sent, or null. */
  function filterProblem(f: AuditFilters): string | null {
    if (f.from !== null && f.to !== null && f.from >= f.to) return '"From" must be before "To".';
    if (f.nurseId.length > 64 || !/^\P{Cc}*$/u.test(f.nurseId))
      return 'A nurse identifier is at most 64 characters.';
    return null;
  }

  async function load(): Promise<void> {
    const t = ++token;
    if (!station.isCharge) {
      entries.value = [];
      error.value = null;
      loading.value = false;
      return;
    }
    const f = filters.value;
    const problem = filterProblem(f);
    if (problem) {
      loading.value = false;
      error.value = problem;
      return;
    }
    loading.value = true;
    const r = await api.invoke('audit:list', {
      kind: f.kind ?? undefined,
      nurseId: f.nurseId.trim() || undefined,
      from: f.from ?? undefined,
      to: f.to ?? undefined,
      limit: AUDIT_LIMIT,
    });
    if (t !== token) return;
    loading.value = false;
    if (r.ok) {
      entries.value = r.value;
      error.value = null;
    } else {
      error.value = errorText(r.error);
    }
  }

  function setFilters(patch: Partial<AuditFilters>): void {
    filters.value = { ...filters.value, ...patch };
    void load();
  }

  let stopWatch: (() => void) | null = null;
  /** While the screen is open: reload when someone else signs in here, drop the list when not charge. */
  function watchSession(): void {
    if (stopWatch) return;
    stopWatch = watch(
      () => [station.isCharge, station.nurse?.nurseId] as const,
      () => void load(),
      { immediate: true },
    );
  }
  function unwatchSession(): void {
    stopWatch?.();
    stopWatch = null;
  }

  return { filters, entries, loading, error, load, setFilters, watchSession, unwatchSession };
});
