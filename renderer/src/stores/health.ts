// Backend health (vitals feed, alert store, local cache) and the rejected-messages counter.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { BackendHealth, BackendName, RejectSummary } from '../../../shared/domain/types';
import { getStationApi } from '../api/station-api';

const ORDER: BackendName[] = ['vitals', 'alerts', 'cache'];

export function mergeHealth(
  current: readonly BackendHealth[],
  updates: readonly BackendHealth[],
): BackendHealth[] {
  const map = new Map(current.map((h) => [h.backend, h]));
  for (const u of updates) map.set(u.backend, u);
  return [...map.values()].sort((a, b) => ORDER.indexOf(a.backend) - ORDER.indexOf(b.backend));
}

export const useHealthStore = defineStore('health', () => {
  const api = getStationApi();
  const backends = ref<BackendHealth[]>([]);
  const rejects = ref<RejectSummary | null>(null);
  const error = ref<string | null>(null);

  const byName = (name: BackendName) =>
    computed(() => backends.value.find((b) => b.backend === name) ?? null);
  const vitals = byName('vitals');
  const alertStore = byName('alerts');
  const cache = byName('cache');
  const alertStoreDown = computed(() => (alertStore.value && !alertStore.value.up ? alertStore.value : null));
  const vitalsDown = computed(() => (vitals.value && !vitals.value.up ? vitals.value : null));
  const cacheDown = computed(() => (cache.value && !cache.value.up ? cache.value : null));

  async function load(): Promise<void> {
    const [h, r] = await Promise.all([api.invoke('health:get', {}), api.invoke('rejects:summary', {})]);
    if (h.ok) backends.value = mergeHealth([], h.value);
    if (r.ok) rejects.value = r.value;
    error.value = h.ok ? null : h.error.message;
  }

  let started = false;
  const unsubscribers: (() => void)[] = [];
  function start(): void {
    if (started) return;
    started = true;
    unsubscribers.push(
      api.on('health:changed', (list) => {
        backends.value = mergeHealth(backends.value, list);
      }),
      api.on('rejects:changed', (summary) => {
        rejects.value = summary;
      }),
    );
    void load();
    watch(api.reconnects, () => void load());
  }

  function stop(): void {
    for (const u of unsubscribers.splice(0)) u();
    started = false;
  }

  return {
    backends,
    rejects,
    error,
    vitals,
    alertStore,
    cache,
    alertStoreDown,
    vitalsDown,
    cacheDown,
    load,
    start,
    stop,
  };
});
