// The Alerts screen's state: filters, a keyset-paginated live list, statistic cards, the selected
// alert's detail, and acknowledging it (with the outcome a nurse must see: synced, queued, conflict).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { AckAction, Alert, AlertStats } from '../../../shared/domain/types';
import type { AlertDetail } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';
import { compareAlerts, mergeAlerts, type AlertFilters, type Cursor } from '../lib/alert-list';
import { useStationStore } from './station';

export const PAGE_SIZE = 200;
/** how long the detail waits for more changes of the selected alert before fetching its history */
const DETAIL_REFRESH_MS = 250;

export type AckFeedback =
  | { kind: 'synced'; alertId: string; action: AckAction; nurse: string; at: number }
  | { kind: 'queued'; alertId: string; action: AckAction; nurse: string; at: number }
  | { kind: 'conflict'; alertId: string; message: string; current: Alert | null }
  | { kind: 'error'; alertId: string; message: string };

export const DEFAULT_FILTERS: AlertFilters = { range: '24h', level: null, status: null, patientSearch: '' };

export const useAlertsStore = defineStore('alerts', () => {
  const api = getStationApi();
  const station = useStationStore();

  const filters = ref<AlertFilters>({ ...DEFAULT_FILTERS });
  const items = shallowRef<Alert[]>([]);
  const next = ref<Cursor | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const listError = ref<string | null>(null);
  let generation = 0;

  const stats = ref<AlertStats | null>(null);
  const statsError = ref<string | null>(null);
  let statsTimer: ReturnType<typeof setTimeout> | null = null;
  let statsInterval: ReturnType<typeof setInterval> | null = null;

  const selectedId = ref<string | null>(null);
  /** where the selected row was, so j/k continue from there after it left the list */
  let lastIndex = -1;
  const detail = shallowRef<AlertDetail | null>(null);
  const detailLoading = ref(false);
  const detailError = ref<string | null>(null);
  let detailToken = 0;

  const note = ref('');
  const acking = ref<AckAction | null>(null);
  const feedback = ref<AckFeedback | null>(null);

  const selectedIndex = computed(() =>
    selectedId.value === null ? -1 : items.value.findIndex((a) => a.alertId === selectedId.value),
  );
  const selectedAlert = computed<Alert | null>(() => {
    const d = detail.value;
    if (d && d.alert.alertId === selectedId.value) return d.alert;
    const i = selectedIndex.value;
    return i >= 0 ? (items.value[i] ?? null) : null;
  });
  const canConfirm = computed(() => selectedAlert.value?.status === 'pending' && acking.value === null);
  const canResolve = computed(
    () =>
      (selectedAlert.value?.status === 'pending' || selectedAlert.value?.status === 'confirmed') &&
      acking.value === null,
  );

  async function reload(): Promise<void> {
    const gen = ++generation;
    loading.value = true;
    listError.value = null;
    const f = filters.value;
    const r = await api.invoke('alerts:list', {
      range: f.range,
      level: f.level ?? undefined,
      status: f.status ?? undefined,
      patientSearch: f.patientSearch.trim() || undefined,
      limit: PAGE_SIZE,
    });
    if (gen !== generation) return;
    loading.value = false;
    if (r.ok) {
      items.value = r.value.items;
      next.value = r.value.next;
    } else {
      items.value = [];
      next.value = null;
      listError.value = errorText(r.error);
    }
  }

  async function loadMore(): Promise<void> {
    const after = next.value;
    if (!after || loadingMore.value || loading.value) return;
    const gen = generation;
    loadingMore.value = true;
    const f = filters.value;
    const r = await api.invoke('alerts:list', {
      range: f.range,
      level: f.level ?? undefined,
      status: f.status ?? undefined,
      patientSearch: f.patientSearch.trim() || undefined,
      after,
      limit: PAGE_SIZE,
    });
    loadingMore.value = false;
    if (gen !== generation) return;
    if (!r.ok) {
      listError.value = errorText(r.error);
      return;
    }
    const current = items.value;
    const page = r.value.items;
    const last = current[current.length - 1];
    if (page.length > 0 && (!last || compareAlerts(last, page[0]!) < 0)) {
      // The usual case: the page continues after the last row (live inserts never go past it).
      items.value = current.concat(page);
    } else if (page.length > 0) {
      items.value = mergeAlerts(current, page, filters.value, Date.now(), true).items;
    }
    next.value = r.value.next;
  }

  function setFilters(patch: Partial<AlertFilters>): void {
    const before = filters.value;
    filters.value = { ...before, ...patch };
    if (patch.range !== undefined && patch.range !== before.range) void refreshStats();
    void reload();
  }

  async function refreshStats(): Promise<void> {
    const r = await api.invoke('alerts:stats', { range: filters.value.range });
    if (r.ok) {
      stats.value = r.value;
      statsError.value = null;
    } else {
      statsError.value = errorText(r.error);
    }
  }

  /** Bursts of events refresh the cards at most every 3 s. */
  function scheduleStats(): void {
    if (statsTimer !== null) return;
    statsTimer = setTimeout(() => {
      statsTimer = null;
      void refreshStats();
    }, 3000);
  }

  // The selected alert's handling history is fetched again when the alert changes, once per burst of
  // changes, and not while this station's own acknowledgement is in flight: its answer carries the new
  // history record (an acknowledgement otherwise set off three detail requests, competing with it).
  let detailRefresh: ReturnType<typeof setTimeout> | null = null;
  function scheduleDetailRefresh(alertId: string): void {
    if (detailRefresh !== null) clearTimeout(detailRefresh);
    detailRefresh = setTimeout(() => {
      detailRefresh = null;
      if (selectedId.value === alertId) void fetchDetail(alertId, false);
    }, DETAIL_REFRESH_MS);
  }

  function applyAlerts(incoming: Alert[], opts: { refreshDetail?: boolean } = {}): void {
    if (incoming.length === 0) return;
    const before = selectedIndex.value;
    const merged = mergeAlerts(items.value, incoming, filters.value, Date.now(), next.value === null);
    if (merged.changed) {
      if (before >= 0 && selectedId.value !== null && merged.removed.includes(selectedId.value)) {
        lastIndex = before;
      }
      items.value = merged.items;
    }
    const sel = selectedId.value;
    const d = detail.value;
    if (sel && d && d.alert.alertId === sel) {
      const mine = incoming.find((a) => a.alertId === sel);
      if (mine) {
        detail.value = { ...d, alert: mine };
        // The handling history lives in the detail; fetch it again without blanking the panel.
        if (opts.refreshDetail !== false && acking.value === null) scheduleDetailRefresh(sel);
      }
    }
    scheduleStats();
  }

  async function fetchDetail(alertId: string, showLoading: boolean): Promise<void> {
    const token = ++detailToken;
    if (showLoading) detailLoading.value = true;
    const r = await api.invoke('alerts:get', { alertId });
    if (token !== detailToken) return;
    detailLoading.value = false;
    if (r.ok) {
      detail.value = r.value;
      detailError.value = null;
    } else if (showLoading) {
      detail.value = null;
      detailError.value =
        r.error.code === 'not_found' ? 'This alert is not in the alert store (yet).' : errorText(r.error);
    }
  }

  function select(alertId: string | null): void {
    if (alertId === selectedId.value) return;
    selectedId.value = alertId;
    feedback.value = null;
    note.value = '';
    detail.value = null;
    detailError.value = null;
    if (alertId === null) {
      detailToken++;
      detailLoading.value = false;
      return;
    }
    const i = items.value.findIndex((a) => a.alertId === alertId);
    if (i >= 0) lastIndex = i;
    void fetchDetail(alertId, true);
  }

  function moveSelection(delta: 1 | -1): string | null {
    const list = items.value;
    if (list.length === 0) return null;
    let i = selectedIndex.value;
    if (i < 0) {
      // Nothing selected: start at the newest. The selected row left the list (e.g. confirmed under
      // a "pending" filter): its successor now sits at the old index.
      i = selectedId.value === null ? 0 : delta > 0 ? lastIndex : lastIndex - 1;
    } else {
      i += delta;
    }
    i = Math.max(0, Math.min(list.length - 1, i));
    const id = list[i]!.alertId;
    lastIndex = i;
    select(id);
    return id;
  }

  async function acknowledge(action: AckAction): Promise<void> {
    const alertId = selectedId.value;
    if (!alertId || acking.value !== null) return;
    if (!(await station.ensureNurse())) return;
    acking.value = action;
    feedback.value = null;
    const text = note.value.trim();
    let r = await api.invoke('alerts:acknowledge', { alertId, action, note: text || undefined });
    if (!r.ok && r.error.code === 'unauthorized') {
      // This screen's sign-in ended (idle time, screen lock, the roster) since it was last asked.
      station.markSignedOut();
      if (
        await station.requireSignIn('Your sign-in on this screen has ended. Sign in again to acknowledge.')
      ) {
        r = await api.invoke('alerts:acknowledge', { alertId, action, note: text || undefined });
      }
    }
    acking.value = null;
    if (r.ok) {
      const { alert, synced, record } = r.value;
      const base = { alertId, action, nurse: record.nurse, at: record.ackTime };
      feedback.value = synced ? { kind: 'synced', ...base } : { kind: 'queued', ...base };
      if (selectedId.value === alertId) note.value = '';
      applyAlerts([alert], { refreshDetail: false });
      if (detail.value?.alert.alertId === alertId) {
        detail.value = { ...detail.value, alert, history: [...detail.value.history, record] };
      }
      return;
    }
    if (r.error.code === 'conflict') {
      const current = await api.invoke('alerts:get', { alertId });
      if (current.ok) {
        applyAlerts([current.value.alert]);
        if (selectedId.value === alertId) detail.value = current.value;
      }
      feedback.value = {
        kind: 'conflict',
        alertId,
        message: errorText(r.error),
        current: current.ok ? current.value.alert : null,
      };
      return;
    }
    feedback.value = { kind: 'error', alertId, message: errorText(r.error) };
  }

  let started = false;
  const unsubscribers: (() => void)[] = [];
  function start(): void {
    if (started) return;
    started = true;
    unsubscribers.push(api.on('alerts:new', (alerts) => applyAlerts(alerts)));
    unsubscribers.push(api.on('alerts:changed', (alerts) => applyAlerts(alerts)));
    void reload();
    void refreshStats();
    // "pending vs 10 minutes ago" drifts with time even without events.
    statsInterval = setInterval(() => void refreshStats(), 30_000);
    watch(api.reconnects, () => {
      void reload();
      void refreshStats();
      if (selectedId.value) void fetchDetail(selectedId.value, false);
    });
  }

  function stop(): void {
    for (const u of unsubscribers.splice(0)) u();
    if (statsInterval) clearInterval(statsInterval);
    if (statsTimer) clearTimeout(statsTimer);
    statsInterval = null;
    statsTimer = null;
    started = false;
  }

  return {
    filters,
    items,
    next,
    loading,
    loadingMore,
    listError,
    stats,
    statsError,
    selectedId,
    selectedIndex,
    selectedAlert,
    detail,
    detailLoading,
    detailError,
    note,
    acking,
    feedback,
    canConfirm,
    canResolve,
    reload,
    loadMore,
    setFilters,
    refreshStats,
    applyAlerts,
    select,
    moveSelection,
    acknowledge,
    start,
    stop,
  };
});
