// Experiment behind docs/performance.md "Ward render": a Chromium performance trace of the ward screen
// (200 beds unless told; the alert store empty, or pre-filled as the render case's is), listing every
// task of the renderer's main thread over 50 ms with what ran in it, and the page's CPU profile.
// Run: [NURSE_STATION_PROFILE_BUILD=1 npx electron-vite build]
//      npx tsx bench/experiments/ward-trace.ts [beds] [seconds] [alerts in the store]
// WARD_TRACE_REDUCED_MOTION=1: with prefers-reduced-motion (no alarm flashing), for an A/B;
// WARD_TRACE_SAVE=<file>: also writes the trace (open it in Chrome DevTools' Performance panel).
import { writeFileSync } from 'node:fs';
import {
  LIVE_TILE,
  StationTemplates,
  ensureBuilt,
  launchChromium,
  newPage,
  startShell,
} from '../support/web-shell';
import { printProfile, rendererMainThread, type CpuProfile } from './trace-tools';

const beds = Number(process.argv[2] ?? 200);
const seconds = Number(process.argv[3] ?? 30);
const alerts = Number(process.argv[4] ?? 0);
ensureBuilt((m) => process.stderr.write(`${m}\n`));
const browser = await launchChromium();
const templates = new StationTemplates();
const data = await templates.dataDirWith(alerts);
const shell = await startShell({ dataDir: data.dir, beds });
try {
  const page = await newPage(browser);
  await page.goto(`${shell.url}/#/`);
  if (process.env.WARD_TRACE_REDUCED_MOTION === '1') await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.waitForSelector(LIVE_TILE, { timeout: 60_000 });
  await page.waitForTimeout(3000);
  const states = await page.evaluate(`(() => {
    const n = {};
    for (const t of document.querySelectorAll('[data-state]')) n[t.dataset.state] = (n[t.dataset.state] || 0) + 1;
    return JSON.stringify(n);
  })()`);
  console.log(`bed states: ${String(states)}`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'toplevel'],
  });
  await page.waitForTimeout(seconds * 1000);
  const buf = await browser.stopTracing();
  if (process.env.WARD_TRACE_SAVE) writeFileSync(process.env.WARD_TRACE_SAVE, buf);
  const { profile } = await cdp.send('Profiler.stop');
  const main = rendererMainThread(buf).filter((e) => e.ph === 'X');
  const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && (e.dur ?? 0) > 50_000);
  console.log(`${beds} beds, ${seconds} s: ${tasks.length} tasks over 50 ms`);
  // where the main thread's rendering time goes, summed over the trace, with the longest single step
  const phases = ['UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'FunctionCall'];
  const perPhase = phases.map((name) => {
    const d = main.filter((e) => e.name === name).map((e) => (e.dur ?? 0) / 1000);
    return `${name} ${d.reduce((a, b) => a + b, 0).toFixed(0)} ms (max ${Math.max(0, ...d).toFixed(1)})`;
  });
  console.log(`  main thread, total over ${seconds} s: ${perPhase.join(', ')}`);
  const t0 = main[0]?.ts ?? 0;
  for (const t of tasks) {
    const inside = main
      .filter((e) => e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0) && e !== t && (e.dur ?? 0) >= 2_000)
      .map((e) => {
        const d = e.args?.data;
        const what = d?.type ?? d?.functionName ?? '';
        return `${e.name}${what ? `(${String(what).slice(-30)})` : ''} ${((e.dur ?? 0) / 1000).toFixed(1)}`;
      });
    console.log(
      `  at ${((t.ts - t0) / 1e6).toFixed(1)} s: ${((t.dur ?? 0) / 1000).toFixed(1)} ms — ${inside.slice(0, 12).join(', ')}`,
    );
    // what the biggest layout laid out (objects needing layout / all, partial or not)
    const layout = main
      .filter((e) => e.name === 'Layout' && e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0))
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))[0];
    const begin = (layout?.args as { beginData?: Record<string, unknown> } | undefined)?.beginData;
    if (begin) console.log(`    layout: ${JSON.stringify(begin).slice(0, 200)}`);
  }
  printProfile(profile as unknown as CpuProfile);
  await page.context().close();
} finally {
  await shell.stop();
  await browser.close();
  data.remove();
  templates.remove();
}
