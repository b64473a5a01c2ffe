// Settings → About: the store reads `app:about`, and the card shows the data and log folders (rendered
// server-side: no DOM needed).
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createSSRApp } from 'vue';
import { renderToString } from 'vue/server-renderer';
import type { AboutInfo } from '../../../shared/ipc/contract';
import { fail, mockStation, ok } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { useAboutStore } from '../stores/about';
import AboutCard from './about-card.vue';

const ABOUT: AboutInfo = {
  version: '0.1.0',
  mode: 'simulator',
  shell: 'electron',
  stationId: 'WARD7-ST2',
  dataDir: '/home/nurse/.config/Nurse Station',
  logDir: '/home/nurse/.config/Nurse Station/logs',
  runtime: 'Electron 45.4.1, Node 22.20.0, linux x64',
};

afterEach(() => setStationApi(null));

async function render(about: AboutInfo | null, loadError: string | null = null): Promise<string> {
  setStationApi(mockStation().api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const store = useAboutStore();
  store.about = about;
  store.loadError = loadError;
  const app = createSSRApp(AboutCard);
  app.use(pinia);
  return renderToString(app);
}

describe('about', () => {
  it('the store reads app:about with an empty request', async () => {
    const station = mockStation({ 'app:about': () => ok(ABOUT) });
    setStationApi(station.api);
    setActivePinia(createPinia());
    const store = useAboutStore();
    await store.load();
    expect(station.callsOf('app:about')).toEqual([{}]);
    expect(store.about).toEqual(ABOUT);
    expect(store.loadError).toBeNull();
  });

  it('the store keeps the last answer and says why a read failed', async () => {
    let answer: ReturnType<typeof ok<AboutInfo>> | ReturnType<typeof fail> = ok(ABOUT);
    setStationApi(mockStation({ 'app:about': () => answer }).api);
    setActivePinia(createPinia());
    const store = useAboutStore();
    await store.load();
    answer = fail('unavailable', 'The station is restarting; try again.');
    await store.load();
    expect(store.about).toEqual(ABOUT);
    expect(store.loadError).toBe('The station is restarting; try again.');
  });

  it('shows version, mode, station id, the data folder and the log folder', async () => {
    const html = await render(ABOUT);
    expect(html).toContain('>About<');
    expect(html).toMatch(
      /data-testid="about-log-dir"[^>]*>\s*\/home\/nurse\/\.config\/Nurse Station\/logs\s*</,
    );
    expect(html).toMatch(/data-testid="about-data-dir"[^>]*>\/home\/nurse\/\.config\/Nurse Station</);
    expect(html).toContain('WARD7-ST2');
    expect(html).toContain('0.1.0');
    expect(html).toContain('Simulator');
    expect(html).toContain('Desktop app');
    expect(html).toContain('Electron 45.4.1');
    expect(html).toMatch(/holds no patient data/);
  });

  it('says so when the station keeps no log file, and shows a read error', async () => {
    const html = await render({ ...ABOUT, logDir: null }, 'The station did not answer.');
    expect(html).toMatch(/data-testid="about-log-dir"[^>]*>\s*none: this station logs to its console only/);
    expect(html).toContain('The station did not answer.');
    expect(html).not.toMatch(/holds no patient data/);
  });
});
