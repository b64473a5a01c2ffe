// Experiment behind docs/performance.md "Acknowledgement": a Chromium performance trace of clicks on
// Confirm/Resolve against the connected E2E station (as the ack-click case), then, per click, what
// the renderer's main thread did between the click and the station's answer being handled: each task's
// start, length and kind (WebSocket message, timer, frame), and when each WebSocket frame reached the
// browser (CDP Network.webSocketFrameReceived) versus when the page's handler ran.
// Run: [SLOW_MS=40] npx tsx bench/experiments/ack-trace.ts [clicks] [trace.json]
// (NURSE_STATION_PROFILE_BUILD=1 npx electron-vite build first gives the CPU profile readable names)
import { writeFileSync } from 'node:fs';
import { CLICK_AND_WAIT, TRACK_SOCKETS, signIn, startConnectedStation } from '../cases/ack-click';
import { ensureBuilt, launchChromium, newPage } from '../support/web-shell';
import { printProfile, rendererMainThread, type CpuProfile } from './trace-tools';

const clicksWanted = Number(process.argv[2] ?? 6);
const tracePath = process.argv[3];
/** clicks whose answer took longer get their main-thread tasks listed */
const slowMs = Number(process.env.SLOW_MS ?? 40);
const log = (m: string) => process.stderr.write(`${m}\n`);
ensureBuilt(log);
const station = await startConnectedStation(log);
const browser = await launchChromium();
try {
  const page = await newPage(browser);
  await page.addInitScript({ content: TRACK_SOCKETS });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const frames: { ts: number; dir: 'in' | 'out'; text: string }[] = [];
  cdp.on('Network.webSocketFrameReceived', (e) =>
    frames.push({ ts: e.timestamp * 1e6, dir: 'in', text: e.response.payloadData.slice(0, 60) }),
  );
  cdp.on('Network.webSocketFrameSent', (e) =>
    frames.push({ ts: e.timestamp * 1e6, dir: 'out', text: e.response.payloadData.slice(0, 60) }),
  );
  await page.goto(`${station.url}/#/alerts`);
  await page.getByTestId('alert-list').waitFor();
  await signIn(page);
  await page.getByTestId('filter-status-pending').click();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8.execute',
      'blink.user_timing',
      'toplevel',
    ],
  });
  const results: { total: number; answer: number | null }[] = [];
  while (results.length < clicksWanted) {
    const row = page.locator('[data-testid^="alert-row-"]').first();
    await row.waitFor({ timeout: 120_000 });
    await row.click();
    await page
      .getByTestId('detail-status')
      .filter({ hasText: /pending/i })
      .waitFor();
    for (const [button, label] of [
      ['confirm-button', 'confirmed'],
      ['resolve-button', 'resolved'],
    ] as const) {
      await page.getByTestId(button).and(page.locator(':enabled')).waitFor();
      await page.evaluate(`performance.mark('click-${results.length}')`);
      results.push(
        (await page.evaluate(`${CLICK_AND_WAIT}(['${button}', '${label}'])`)) as {
          total: number;
          answer: number | null;
        },
      );
      await page.evaluate(`performance.mark('done-${results.length - 1}')`);
    }
    await page.waitForTimeout(300);
  }
  const buf = await browser.stopTracing();
  const { profile } = await cdp.send('Profiler.stop');
  printProfile(profile as unknown as CpuProfile);
  if (tracePath) writeFileSync(tracePath, buf);
  const main = rendererMainThread(buf);
  const marks = new Map<string, number>();
  for (const e of main) if (e.cat.includes('blink.user_timing') && e.ph !== 'e') marks.set(e.name, e.ts);
  for (let i = 0; i < results.length; i++) {
    const from = marks.get(`click-${i}`);
    const to = marks.get(`done-${i}`);
    if (from === undefined || to === undefined) continue;
    const mine = frames.filter((f) => f.ts >= from && f.ts <= to);
    const at = (f: { ts: number } | undefined) => (f ? ((f.ts - from) / 1000).toFixed(1) : '–');
    const ins = mine.filter((f) => f.dir === 'in');
    console.log(
      `click ${String(i).padStart(3)}: painted ${results[i]!.total.toFixed(1).padStart(5)}  answer ` +
        `${(results[i]!.answer?.toFixed(1) ?? '–').padStart(5)} | sent ${at(mine.find((f) => f.dir === 'out'))}` +
        `, read: ${ins.map((f) => `${at(f)} ${/"event":"([^"]+)"/.exec(f.text)?.[1] ?? 'answer'}`).join(', ')}`,
    );
    // the tasks of the slow ones
    if ((results[i]!.answer ?? 0) < slowMs) continue;
    const tasks = main.filter(
      (e) =>
        e.ph === 'X' &&
        (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') &&
        e.ts >= from &&
        e.ts <= to,
    );
    for (const t of tasks) {
      if ((t.dur ?? 0) < 500) continue;
      const inside = main.filter(
        (e) => e.ph === 'X' && e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0) && e !== t && (e.dur ?? 0) >= 300,
      );
      const kinds = inside
        .map((e) => {
          const d = e.args?.data;
          const what = d?.type ?? d?.functionName ?? d?.url ?? '';
          return `${e.name}${what ? `(${String(what).slice(-40)})` : ''} ${((e.dur ?? 0) / 1000).toFixed(1)}`;
        })
        .slice(0, 8)
        .join(', ');
      console.log(
        `  ${((t.ts - from) / 1000).toFixed(1).padStart(7)} ms  task ${((t.dur ?? 0) / 1000).toFixed(1)} ms: ${kinds}`,
      );
    }
  }
  await page.context().close();
} finally {
  await browser.close();
  await station.stop();
}
