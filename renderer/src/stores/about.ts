// Settings → About: version, mode, data and log folders, for IT. Read when the About card is shown
// (the mode can change with the connection settings); paths and versions only, never a secret.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AboutInfo } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';

export const useAboutStore = defineStore('about', () => {
  const api = getStationApi();
  const about = ref<AboutInfo | null>(null);
  const loadError = ref<string | null>(null);

  async function load(): Promise<void> {
    const r = await api.invoke('app:about', {});
    if (r.ok) {
      about.value = r.value;
      loadError.value = null;
    } else {
      loadError.value = errorText(r.error);
    }
  }

  return { about, loadError, load };
});
