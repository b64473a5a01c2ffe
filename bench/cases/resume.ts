// Resume after a long suspend (issue #13): the station PC sleeps 8 hours, the wall clock jumps, and the
// simulator catches up. Measured in-process on the real event loop, with the station core as the app
// wires it (simulator + engine, SQLite alert store and ack cache): the longest main-thread block from the
// jump until the ward is live again (the longest gap between turns of a setImmediate heartbeat, and
// monitorEventLoopDelay's max), RSS before and after, and what reached the nurse (alerts, notifications).
// The jump is a wall-clock offset: the timers keep real time, as on a PC that slept (monotonic time did
// not move), and the simulator's own 250-ms tick is what notices it. Each run is a fresh process (RSS
// seldom shrinks); three runs per ward size, median and range quoted.
//
//   npm run bench -- --only resume
//   node --expose-gc --import tsx bench/cases/resume.ts <beds> <out.json>     one run (what the case spawns)
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Clock } from '../../electron/main/core/ports';
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatMB, formatMs, median } from '../stats';
import { RecordingNotifier, simulatorStation, tempDir } from '../support/station';

const JUMP_MS = 8 * 3_600_000;
/** the longest block a resume may cause: one frame budget of the renderer's IPC, well below a second */
const TARGET_BLOCK_MS = 50;

/** Real timers, and a wall clock that the bench can move forward (the suspend). */
function jumpingClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    monotonic: () => performance.now(),
    // not unref'ed (unlike systemClock): this process lives for the station
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    jump(ms) {
      offset += ms;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function runOnce(beds: number) {
  const tmp = tempDir('resume');
  const clock = jumpingClock();
  const notifier = new RecordingNotifier();
  const station = simulatorStation({ dataDir: tmp.dir, clock, beds, warmupMs: 15 * 60_000, notifier });
  let alertsAfterJump = 0;
  let jumped = false;
  station.core.on((event, payload) => {
    if (jumped && event === 'alerts:new') alertsAfterJump += (payload as unknown[]).length;
  });
  await station.core.start();
  await station.core.flushStoreWrites();
  await sleep(3_000); // a few seconds of live ward
  gc();
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const pendingBefore = station.core.unreadCount();
  const notificationsBefore = notifier.shown.length;
  const trendBucketsBefore = station.vitals.trendBuckets();

  // heartbeat: the gap between two turns is the longest stretch the main thread did not come round
  let longestGap = 0;
  let beating = true;
  let last = performance.now();
  const beat = () => {
    const t = performance.now();
    longestGap = Math.max(longestGap, t - last);
    last = t;
    if (beating) setImmediate(beat);
  };
  // for comparison: the longest block of the live ward in the second before the jump
  setImmediate(beat);
  await sleep(1_000);
  const baselineBlockMs = longestGap;
  longestGap = 0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await sleep(100); // the histogram records from its second sample on
  const t0 = performance.now();
  last = t0;
  longestGap = 0;
  clock.jump(JUMP_MS);
  jumped = true;

  // live again: every bed has a reading from the last few seconds and none is "waiting"
  const caughtUp = async () => {
    const target = clock.now() - 5_000;
    const list = await station.vitals.beds();
    return (
      list.every((b) => b.state !== 'waiting') && list.some((b) => (b.latest?.measureTime ?? 0) >= target)
    );
  };
  while (!(await caughtUp())) {
    if (performance.now() - t0 > 120_000) throw new Error('no catch-up within 2 minutes');
    await sleep(5);
  }
  const catchUpMs = performance.now() - t0;
  await station.core.flushStoreWrites();
  await sleep(300); // the core's follow-up work (store writes, notifications) and a live tick
  beating = false;
  delay.disable();
  const rssAfter = process.memoryUsage().rss;
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  gc();
  const rssAfterGc = process.memoryUsage().rss;
  const result = {
    beds,
    jumpHours: JUMP_MS / 3_600_000,
    longestBlockMs: Number(longestGap.toFixed(2)),
    baselineBlockMs: Number(baselineBlockMs.toFixed(2)),
    eventLoopDelayMaxMs: Number((delay.max / 1e6).toFixed(2)),
    catchUpMs: Number(catchUpMs.toFixed(1)),
    rssBefore,
    rssAfter,
    rssAfterGc,
    peakRssGrowth: maxRssAfter - maxRssBefore,
    alertsAfterJump,
    notificationsAfterJump: notifier.shown.length - notificationsBefore,
    pendingBefore,
    pendingAfter: station.core.unreadCount(),
    trendBucketsBefore,
    trendBucketsAfter: station.vitals.trendBuckets(),
  };
  await station.close();
  tmp.remove();
  return result;
}

type RunResult = Awaited<ReturnType<typeof runOnce>>;

function runInChild(beds: number): Promise<RunResult> {
  const tmp = tempDir('resume-result');
  const out = join(tmp.dir, 'result.json');
  const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(beds), out];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`resume run of ${beds} beds exited with ${code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as RunResult);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        rmSync(tmp.dir, { recursive: true, force: true });
      }
    });
  });
}

const spread = (v: number[]) => ({ median: median(v), min: Math.min(...v), max: Math.max(...v) });

export const resumeCase: BenchCase = {
  name: 'resume',
  title: 'resume after an 8-hour suspend: main-thread block and RSS of the simulator catch-up',
  async run({ quick, log }) {
    const sizes = quick ? [12] : [12, 60];
    const runs = quick ? 1 : 3;
    const rows: ResultRow[] = [];
    const details: Record<string, RunResult[]> = {};
    for (const beds of sizes) {
      const results: RunResult[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await runInChild(beds);
        log(
          `${beds} beds, run ${i + 1}: longest block ${formatMs(r.longestBlockMs)} ms, RSS ` +
            `${formatMB(r.rssBefore)} → ${formatMB(r.rssAfter)}, caught up in ${formatMs(r.catchUpMs)} ms, ` +
            `${r.alertsAfterJump} alerts, ${r.notificationsAfterJump} notifications`,
        );
        results.push(r);
      }
      details[String(beds)] = results;
      const block = spread(results.map((r) => r.longestBlockMs));
      const before = spread(results.map((r) => r.rssBefore));
      const after = spread(results.map((r) => r.rssAfter));
      const range = (s: { median: number; min: number; max: number }, f: (n: number) => string) =>
        runs > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
      rows.push({
        measure: 'Resume after 8 h',
        size: `${beds} beds: longest main-thread block`,
        value: `${range(block, formatMs)} ms`,
        target: `≤ ${TARGET_BLOCK_MS} ms`,
        status: atMost(block.median, TARGET_BLOCK_MS),
        data: {
          block,
          eventLoopDelayMax: spread(results.map((r) => r.eventLoopDelayMaxMs)),
          baselineBlock: spread(results.map((r) => r.baselineBlockMs)),
          catchUpMs: spread(results.map((r) => r.catchUpMs)),
        },
        note:
          `median (range) of ${runs} runs; the live ward's longest in a second before the jump ` +
          `${formatMs(median(results.map((r) => r.baselineBlockMs)))} ms; live again ` +
          `${formatMs(median(results.map((r) => r.catchUpMs)))} ms after the jump (incl. the next 250-ms tick)`,
      });
      rows.push({
        measure: 'Resume after 8 h',
        size: `${beds} beds: RSS before → after`,
        value: `${range(before, formatMB)} → ${range(after, formatMB)}`,
        target: '',
        status: 'info',
        data: {
          before,
          after,
          afterGc: spread(results.map((r) => r.rssAfterGc)),
          peakGrowth: spread(results.map((r) => r.peakRssGrowth)),
          alertsAfterJump: spread(results.map((r) => r.alertsAfterJump)),
          notificationsAfterJump: spread(results.map((r) => r.notificationsAfterJump)),
        },
        note:
          `alerts after the jump ${median(results.map((r) => r.alertsAfterJump))}, notifications ` +
          `${median(results.map((r) => r.notificationsAfterJump))} (medians)`,
      });
    }
    return { name: 'resume', title: this.title, rows, details };
  },
};

// Run directly (by runInChild): `resume.ts <beds> <out.json>`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [beds, out] = process.argv.slice(2);
  runOnce(Number(beds))
    .then((r) => {
      writeFileSync(out!, JSON.stringify(r));
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(
        `resume run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    });
}
