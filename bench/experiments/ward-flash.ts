// Experiment behind docs/performance.md "Ward render": the same 200-bed ward screen three ways, to show
// what the alarm flashing costs the renderer's main thread.
//   1. before: per-tile CSS keyframe animations of background and colour (what the app shipped first,
//      with its colours), injected into the page, the app's own flash layer hidden,
//   2. as built: each alarm tile's dim layer, its opacity animated on the compositor
//      (renderer/src/composables/use-alarm-flash.ts; fix 18, which replaced fix 5's classes on <html>),
//   3. prefers-reduced-motion: no flashing at all (the floor).
// The station's store is empty unless the simulator raises alerts, so fewer tiles are in alarm than in
// the render case; ward-trace.ts can fill the store as that case does.
// Run: npx tsx bench/experiments/ward-flash.ts [beds]   (builds out/ first if it is stale)
import { summarize } from '../stats';
import { tempDir } from '../support/station';
import {
  LIVE_TILE,
  ensureBuilt,
  launchChromium,
  newPage,
  sampleFrames,
  startShell,
} from '../support/web-shell';

const BEFORE_CSS = `.bed-tile .flash-layer { display: none; }
.bed-tile.state-critical { animation: flash-critical 500ms steps(1, end) infinite; }
.bed-tile.state-warning { animation: flash-warning 2000ms steps(1, end) infinite; }
@keyframes flash-critical { 0% { background: #d32f2f; color: #ffffff; }
  50% { background: #3d0a0a; color: #ffffff; } }
@keyframes flash-warning { 0% { background: #ffb300; color: #1a1200; }
  50% { background: #3a2a00; color: #ffd54f; } }`;

const beds = Number(process.argv[2] ?? 200);
ensureBuilt((m) => process.stderr.write(`${m}\n`));
const browser = await launchChromium();
const data = tempDir('flash');
const shell = await startShell({ dataDir: data.dir, beds });
try {
  for (const variant of ['before', 'as built', 'reduced motion']) {
    const page = await newPage(browser);
    if (variant === 'reduced motion') await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${shell.url}/#/`);
    await page.waitForSelector(LIVE_TILE, { timeout: 60_000 });
    if (variant === 'before') await page.addStyleTag({ content: BEFORE_CSS });
    await page.waitForTimeout(3000);
    const f = await sampleFrames(page, 10_000);
    const s = summarize(f.deltas);
    const dropped = (100 * f.deltas.filter((d) => d > 25).length) / f.deltas.length;
    console.log(
      `${variant.padEnd(17)} frame p95 ${s.p95.toFixed(1)} ms, dropped ${dropped.toFixed(1)} %, long tasks ${f.longTasks.length}, ` +
        `main thread busy ${f.mainThread.busyPct} % (style ${f.mainThread.stylePct} %)`,
    );
    await page.context().close();
  }
} finally {
  await shell.stop();
  await browser.close();
  data.remove();
}
