// The built web shell (`node out/main/web.js`, what `npm start` runs where Electron is absent) and
// Debian's Chromium driven by playwright-core with the flags of playwright.config.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { openStationDatabase } from '../../electron/main/adapters/sqlite/open-database';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { fillSqliteAlerts } from './alert-data';
import { BENCH_STATION, tempDir } from './station';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WEB_JS = join(ROOT, 'out/main/web.js');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // specs are not part of the build
    if (entry.name === 'node_modules' || entry.name.endsWith('.spec.ts')) continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds out/ (electron-vite) when it is missing or older than the sources, as `npm start` would. */
export function ensureBuilt(log: (m: string) => void): void {
  const built = existsSync(WEB_JS) && existsSync(join(ROOT, 'out/renderer/index.html'));
  const sources = Math.max(...['renderer', 'shared', 'electron'].map((d) => newest(join(ROOT, d))));
  if (built && statSync(WEB_JS).mtimeMs >= sources) return;
  log('out/ is missing or stale: npx electron-vite build');
  const r = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('electron-vite build failed');
}

export interface RunningShell {
  url: string;
  /** ms from spawn to the "is running" line (core started, HTTP listening) */
  readyMs: number;
  spawnedAt: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the web shell on a free port; resolves when it prints its URL. */
export function startShell(opts: {
  dataDir: string;
  beds: number;
  seed?: number;
  /** another build of the web shell (experiments with a changed renderer); default out/main/web.js */
  webJs?: string;
  /** more command-line options, e.g. ['--speed', '1440'] */
  args?: string[];
}): Promise<RunningShell> {
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      opts.webJs ?? WEB_JS,
      '--port',
      '0',
      '--data-dir',
      opts.dataDir,
      '--beds',
      String(opts.beds),
      '--seed',
      String(opts.seed ?? 1),
      ...(opts.args ?? []),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NURSE_STATION_TIME_ZONE: 'UTC',
        NURSE_STATION_ID: BENCH_STATION,
        NURSE_STATION_LOG: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`web shell did not start within 120 s: ${stderr}`));
    }, 120_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`web shell exited with ${code}: ${stderr}`));
    };
    child.once('exit', early);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running: (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({
        url: m[1]!.replace(/\/$/, ''),
        readyMs: performance.now() - spawnedAt,
        spawnedAt,
        child,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'UTC' });
  return context.newPage();
}

/** A tile showing a reading: the ward is live. */
export const LIVE_TILE = '[data-testid^="bed-tile-"][data-has-reading="true"]';

/**
 * Station files pre-filled with `count` alerts over the last 24 h, made once per count and copied for
 * each run (the shell writes to its file).
 */
export class StationTemplates {
  private readonly dir = tempDir('templates');
  private readonly made = new Map<number, string>();

  async dataDirWith(count: number): Promise<{ dir: string; remove(): void }> {
    const run = tempDir('station');
    if (count > 0) {
      let file = this.made.get(count);
      if (!file) {
        file = join(this.dir.dir, `alerts-${count}.sqlite`);
        const db = openStationDatabase(file);
        await fillSqliteAlerts(db, {
          count,
          now: Date.now(),
          spanMs: 24 * 3_600_000,
          stationId: BENCH_STATION,
        });
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        this.made.set(count, file);
      }
      copyFileSync(file, join(run.dir, 'station.sqlite'));
    }
    return run;
  }

  remove(): void {
    this.dir.remove();
  }
}

// ---- in-page sampling ------------------------------------------------------------------------

export interface FrameSample {
  seconds: number;
  /** requestAnimationFrame deltas, ms */
  deltas: number[];
  /** durations of 'longtask' entries (> 50 ms of main-thread work), ms */
  longTasks: number[];
  /**
   * The renderer's main thread over the sample (CDP Performance.getMetrics): busy = all tasks, and the
   * script / style / layout parts, as % of wall time. Less sensitive to a loaded machine than frame times.
   */
  mainThread: { busyPct: number; scriptPct: number; stylePct: number; layoutPct: number };
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'] as const;
type MetricName = (typeof METRICS)[number];

async function metrics(session: CDPSession): Promise<Record<MetricName, number>> {
  const r = (await session.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const out = { TaskDuration: 0, ScriptDuration: 0, RecalcStyleDuration: 0, LayoutDuration: 0 };
  for (const m of r.metrics)
    if ((METRICS as readonly string[]).includes(m.name)) out[m.name as MetricName] = m.value;
  return out;
}

// In-page code is passed as text: this file is type-checked without the DOM library.
const START_SAMPLING = `(() => {
  const b = { deltas: [], longTasks: [], stop: false };
  window.__bench = b;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push(e.duration);
  });
  obs.observe({ type: 'longtask', buffered: false });
  let last = -1;
  const frame = (t) => {
    if (last >= 0) b.deltas.push(t - last);
    last = t;
    if (!b.stop) requestAnimationFrame(frame);
    else obs.disconnect();
  };
  requestAnimationFrame(frame);
})()`;

const STOP_SAMPLING = `(() => {
  const b = window.__bench;
  b.stop = true;
  return { deltas: b.deltas.slice(), longTasks: b.longTasks.slice() };
})()`;

/** Collects rAF deltas and long tasks in the page for `ms`, while `during` runs (e.g. scrolling). */
export async function sampleFrames(
  page: Page,
  ms: number,
  during?: () => Promise<void>,
): Promise<FrameSample> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const m0 = await metrics(session);
  await page.evaluate(START_SAMPLING);
  const t0 = performance.now();
  const end = t0 + ms;
  if (during) {
    while (performance.now() < end) await during();
  } else {
    await page.waitForTimeout(ms);
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = (await page.evaluate(STOP_SAMPLING)) as { deltas: number[]; longTasks: number[] };
  const m1 = await metrics(session);
  await session.detach();
  // the metrics are seconds of thread time
  const pct = (k: MetricName) => Number(((100 * (m1[k] - m0[k])) / seconds).toFixed(1));
  return {
    seconds,
    ...out,
    mainThread: {
      busyPct: pct('TaskDuration'),
      scriptPct: pct('ScriptDuration'),
      stylePct: pct('RecalcStyleDuration'),
      layoutPct: pct('LayoutDuration'),
    },
  };
}
