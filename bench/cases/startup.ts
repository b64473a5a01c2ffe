// Start-up: `node out/main/web.js` (what `npm start` runs once installed and built, where there is no
// Electron) to the first live bed tile in Chromium. The browser is already running and idle with a blank
// page in a fresh context (empty cache), as a nurse's browser would be; the clock starts at spawn, and
// the page is navigated as soon as the shell prints its URL. Stages: spawn → the shell prints its URL (station
// core started, HTTP listening; the 15 simulated minutes of warm-up history then run in slices while the
// page loads) → page loaded → first tile with a reading (the beds are published once the warm-up has
// caught up). Five runs per configuration (three with --quick), medians quoted. BENCH_STARTUP_BEDS=12,200
// runs only those ward sizes (empty store).
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatMs, median } from '../stats';
import {
  LIVE_TILE,
  StationTemplates,
  ensureBuilt,
  launchChromium,
  newPage,
  startShell,
} from '../support/web-shell';

const TARGET_MS = 2000;

interface Config {
  beds: number;
  alerts: number;
}

export const startupCase: BenchCase = {
  name: 'startup',
  title: 'start-up: node out/main/web.js → first live tile in Chromium',
  async run({ quick, log }) {
    ensureBuilt(log);
    const runs = quick ? 3 : 5;
    // BENCH_STARTUP_BEDS=60,200: only those ward sizes, empty store (re-runs after a change)
    const only = process.env.BENCH_STARTUP_BEDS?.split(',').map(Number);
    const configs: Config[] = only
      ? only.map((beds) => ({ beds, alerts: 0 }))
      : quick
        ? [{ beds: 12, alerts: 0 }]
        : [
            { beds: 12, alerts: 0 },
            { beds: 8, alerts: 0 },
            { beds: 60, alerts: 0 },
            { beds: 200, alerts: 0 },
            { beds: 1000, alerts: 0 },
            { beds: 12, alerts: 10_000 },
            { beds: 12, alerts: 100_000 },
            { beds: 12, alerts: 1_000_000 },
          ];
    const templates = new StationTemplates();
    const browser = await launchChromium();
    const rows: ResultRow[] = [];
    const results: Record<string, unknown>[] = [];
    try {
      for (const c of configs) {
        const ready: number[] = [];
        const loaded: number[] = [];
        const tile: number[] = [];
        for (let i = 0; i < runs; i++) {
          const data = await templates.dataDirWith(c.alerts);
          const page = await newPage(browser);
          await page.goto('about:blank');
          // a new Chromium window loads its own WebUI (omnibox popup) for about a second; a nurse's
          // browser is already open and idle, so let it settle before the clock starts
          await page.waitForTimeout(2500);
          const shell = await startShell({ dataDir: data.dir, beds: c.beds });
          try {
            ready.push(shell.readyMs);
            await page.goto(`${shell.url}/#/`, { waitUntil: 'load' });
            loaded.push(performance.now() - shell.spawnedAt);
            await page.waitForSelector(LIVE_TILE, { timeout: 60_000 });
            tile.push(performance.now() - shell.spawnedAt);
          } finally {
            await page.context().close();
            await shell.stop();
            data.remove();
          }
        }
        const r = { ...c, runs, readyMs: ready, loadedMs: loaded, firstTileMs: tile };
        results.push(r);
        const m = median(tile);
        const size =
          `${c.beds} beds` +
          (c.alerts
            ? `, ${c.alerts >= 1e6 ? `${c.alerts / 1e6}M` : `${c.alerts / 1e3}k`} alerts`
            : ', empty store') +
          (c.beds === 12 && c.alerts === 0 ? ' (npm start default)' : '');
        log(
          `${size}: first live tile median ${formatMs(m)} ms (ready ${formatMs(median(ready))}, page loaded ` +
            `${formatMs(median(loaded))}); runs ${tile.map(formatMs).join(', ')}`,
        );
        const headline = c.beds === 12 && c.alerts === 0;
        rows.push({
          measure: 'Start-up',
          size,
          value: `${formatMs(m)} ms (server ready ${formatMs(median(ready))} ms)`,
          target: headline ? '≤ 2 s' : '',
          status: headline ? atMost(m, TARGET_MS) : 'info',
          data: { medianFirstTileMs: m, medianReadyMs: median(ready), medianLoadedMs: median(loaded), ...r },
        });
      }
    } finally {
      await browser.close();
      templates.remove();
    }
    return { name: 'startup', title: this.title, rows, details: { runs, results } };
  },
};
