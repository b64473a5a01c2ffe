// The Statistics screen: alert burden over a range.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { TimeRange } from '../../../shared/domain/types';
import type { BurdenStats } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';

export const useBurdenStore = defineStore('burden', () => {
  const api = getStationApi();
  const range = ref<TimeRange>('24h');
  const data = shallowRef<BurdenStats | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let token = 0;

  async function load(): Promise<void> {
    const t = ++token;
    loading.value = true;
    const r = await api.invoke('stats:burden', { range: range.value });
    if (t !== token) return;
    loading.value = false;
    if (r.ok) {
      data.value = r.value;
      error.value = null;
    } else {
      error.value = errorText(r.error);
    }
  }

  function setRange(r: TimeRange): void {
    range.value = r;
    void load();
  }

  return { range, data, loading, error, load, setRange };
});
