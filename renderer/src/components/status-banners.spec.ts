// The status banners rendered (server-side: no DOM needed): a lost backend shows as a technical alarm.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSSRApp, ref } from 'vue';
import { renderToString } from 'vue/server-renderer';
import type { BackendHealth } from '../../../shared/domain/types';
import { mockStation } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { useHealthStore } from '../stores/health';
import StatusBanners from './status-banners.vue';

// the shared ticking clock, held still
const now = ref(0);
vi.mock('../composables/use-now', () => ({ useNow: () => now }));

async function render(backends: BackendHealth[]): Promise<string> {
  const station = mockStation();
  setStationApi(station.api);
  const pinia = createPinia();
  setActivePinia(pinia);
  useHealthStore().backends = backends;
  const app = createSSRApp(StatusBanners);
  app.use(pinia);
  return renderToString(app);
}

const up = (backend: BackendHealth['backend'], adapter: string): BackendHealth => ({
  backend,
  adapter,
  up: true,
  since: 0,
  message: null,
});

describe('status-banners', () => {
  afterEach(() => {
    setStationApi(null);
  });

  it('shows nothing while all is well', async () => {
    const html = await render([up('vitals', 'risingwave'), up('alerts', 'mysql'), up('cache', 'sqlite')]);
    expect(html).not.toContain('role="alert"');
  });

  it('a lost backend is a red technical-alarm banner, with what to do and for how long', async () => {
    now.value = Date.UTC(2025, 0, 1, 10, 2, 5);
    const lostAt = Date.UTC(2025, 0, 1, 10, 0, 0);
    const html = await render([
      { ...up('vitals', 'risingwave'), up: false, since: lostAt, message: 'Connection timed out — retrying' },
      { ...up('alerts', 'mysql'), up: false, since: lostAt },
      up('cache', 'sqlite'),
    ]);
    const vitals = html.indexOf('data-testid="vitals-down-banner"');
    const store = html.indexOf('data-testid="offline-banner"');
    expect(vitals).toBeGreaterThan(-1);
    expect(store).toBeGreaterThan(vitals);
    expect(html.match(/banner-technical/g)).toHaveLength(2);
    expect(html).toContain('Technical alarm');
    expect(html).toContain('No connection to RisingWave (vital signs) — for 2 min 05 s');
    expect(html).toContain('No connection to MySQL (alert record)');
    expect(html).toMatch(/Check patients at the bedside and call IT/);
    expect(html).toContain('Connection timed out — retrying');
  });
});
