// Memory: main-process RSS and heap after one simulated day of a ward, with the station core running
// in-process on a fast (fake) clock: simulator + engine at speed 1 in 250-ms ticks, the SQLite alert
// store and ack cache on disk, every event serialized as the shell would. Nobody acknowledges anything,
// so the pending set grows to its cap (the worst case for memory). Sampled every simulated hour.
// Each ward size runs in a fresh process of its own: RSS seldom shrinks, so sizes run one after the
// other in one process would inherit each other's footprint.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { FakeClock } from '../../electron/main/core/fake-clock';
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatMB, formatMs, roundSummary, summarize } from '../stats';
import { RecordingNotifier, serializeEvents, simulatorStation, tempDir } from '../support/station';
import { ensureBuilt, startShell } from '../support/web-shell';
import { NOBODY } from '../../tests/support/nurses';

const TARGET_BYTES = 300e6;
const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);

interface Sample {
  hour: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

function sample(hour: number): Sample {
  const m = process.memoryUsage();
  return { hour, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function runDay(beds: number, hours: number, log: (m: string) => void) {
  const tmp = tempDir('memory');
  const clock = new FakeClock(T0);
  const notifier = new RecordingNotifier();
  // the recorder keeps every request; a real notifier keeps none
  notifier.shown.push = () => 0;
  const station = simulatorStation({ dataDir: tmp.dir, clock, beds, warmupMs: 15 * 60_000, notifier });
  serializeEvents(station.core);
  let alerts = 0;
  station.core.on((event, payload) => {
    if (event === 'alerts:new') alerts += (payload as unknown[]).length;
  });
  gc();
  const before = sample(0);
  await station.core.start();
  await station.core.flushStoreWrites();
  gc();
  const start = sample(0);
  const samples: Sample[] = [start];
  // processing time of each simulator tick during the last simulated hour (the pending set is largest then)
  let tickMs: number[] = [];
  const advance = station.vitals.advance.bind(station.vitals);
  station.vitals.advance = (until: number) => {
    const t = performance.now();
    advance(until);
    tickMs.push(performance.now() - t);
  };
  const wall0 = performance.now();
  for (let h = 1; h <= hours; h++) {
    tickMs = [];
    for (let m = 0; m < 60; m++) {
      clock.advance(60_000);
      // let the store writes and async timer callbacks run, as the event loop would between ticks
      await station.core.flushStoreWrites();
      await new Promise((r) => setImmediate(r));
    }
    samples.push(sample(h));
    if (h % 6 === 0 || h === hours) {
      log(
        `${beds} beds, ${h} h simulated in ${((performance.now() - wall0) / 1000).toFixed(0)} s: ` +
          `RSS ${formatMB(samples[samples.length - 1]!.rss)}, pending ${station.core.unreadCount()}`,
      );
    }
  }
  const end = sample(hours);
  // what a renderer's (re)load costs with the day's pending set: the core derives every bed's state
  const wardBedsMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await station.core.handlers['ward:beds']({}, NOBODY);
    wardBedsMs.push(performance.now() - t);
  }
  gc();
  const afterGc = sample(hours);
  const storeRows = (station.db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n;
  const trendBuckets = station.vitals.trendBuckets();
  const pending = station.core.unreadCount();
  const wallSeconds = (performance.now() - wall0) / 1000;
  await station.close();
  tmp.remove();
  return {
    beds,
    hours,
    before,
    start,
    end,
    afterGc,
    samples,
    alerts,
    storeRows,
    trendBuckets,
    pending,
    wallSeconds,
    lastHourTick: roundSummary(summarize(tickMs)),
    wardBeds: roundSummary(summarize(wardBedsMs)),
  };
}

type DayResult = Awaited<ReturnType<typeof runDay>>;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/**
 * Cross-check with the real, bundled main process: `node out/main/web.js --beds 60 --speed 1440` runs a
 * simulated day in a minute of wall time, with one WebSocket client receiving every event. Coarser (a
 * 250-ms tick then carries 6 simulated minutes, and the core's own timers run in real time) but free of
 * the benchmark's TypeScript loader.
 */
async function webShellDay(seconds: number, log: (m: string) => void) {
  ensureBuilt(log);
  const data = tempDir('memory-web');
  const shell = await startShell({
    dataDir: data.dir,
    beds: 60,
    args: ['--speed', String(86_400 / seconds)],
  });
  const pid = shell.child.pid!;
  const samples: { t: number; rss: number }[] = [{ t: 0, rss: rssOf(pid) }];
  let bytes = 0;
  const ws = new WebSocket(`${shell.url.replace('http', 'ws')}/ws`, { origin: shell.url });
  ws.on('message', (d: Buffer) => (bytes += d.length));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 5000));
    samples.push({ t: Math.round((performance.now() - t0) / 1000), rss: rssOf(pid) });
  }
  ws.close();
  await shell.stop();
  data.remove();
  return {
    seconds,
    start: samples[0]!.rss,
    end: samples[samples.length - 1]!.rss,
    samples,
    eventBytes: bytes,
  };
}

function runInChild(beds: number, hours: number): Promise<DayResult> {
  const tmp = tempDir('memory-result');
  const out = join(tmp.dir, 'result.json');
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    String(beds),
    String(hours),
    out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`memory run of ${beds} beds exited with ${code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as DayResult);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        rmSync(tmp.dir, { recursive: true, force: true });
      }
    });
  });
}

export const memoryCase: BenchCase = {
  name: 'memory',
  title: 'memory after one simulated day (station core in-process, fake clock)',
  nodeFlags: ['--expose-gc'],
  async run({ quick, log }) {
    // BENCH_MEMORY_PLAN="1000x1,60x24" overrides the plan (beds x hours), for profiling one size
    const custom = process.env.BENCH_MEMORY_PLAN?.split(',').map((p) => {
      const [beds, hours] = p.split('x').map(Number);
      return { beds: beds!, hours: hours! };
    });
    const plan: { beds: number; hours: number }[] =
      custom ??
      (quick
        ? [{ beds: 60, hours: 2 }]
        : [
            { beds: 8, hours: 24 },
            { beds: 60, hours: 24 },
            // shorter for the big wards: the day-long figures are per-bed state (trends, engine) and a capped
            // pending set, both visible after a few hours; wall time grows with beds × hours
            { beds: 200, hours: 6 },
            { beds: 1000, hours: 1 },
          ]);
    const rows: ResultRow[] = [];
    const results = [];
    for (const p of plan) {
      const r = await runInChild(p.beds, p.hours);
      results.push(r);
      log(
        `${p.beds} beds: last-hour tick p50 ${formatMs(r.lastHourTick.p50)} p99 ${formatMs(r.lastHourTick.p99)} ms, ` +
          `ward:beds ${formatMs(r.wardBeds.p50)} ms with ${r.pending} pending`,
      );
      const headline = p.beds === 60 && p.hours === 24;
      rows.push({
        measure: 'Memory',
        size: `${p.beds.toLocaleString('en')} beds, ${p.hours} h simulated`,
        value:
          `RSS ${formatMB(r.start.rss)} → ${formatMB(r.end.rss)}, heap ${formatMB(r.start.heapUsed)} → ` +
          `${formatMB(r.afterGc.heapUsed)} (after GC)`,
        target: headline ? '≤ 300 MB' : '',
        status: headline ? atMost(r.end.rss, TARGET_BYTES) : 'info',
        data: {
          startRss: r.start.rss,
          endRss: r.end.rss,
          startHeap: r.start.heapUsed,
          endHeap: r.end.heapUsed,
          endHeapAfterGc: r.afterGc.heapUsed,
          alerts: r.alerts,
          pending: r.pending,
          trendBuckets: r.trendBuckets,
          wallSeconds: r.wallSeconds,
        },
      });
      rows.push({
        measure: 'Memory',
        size: `${p.beds.toLocaleString('en')} beds, ${p.hours} h: CPU per tick, last hour`,
        value: `${formatMs(r.lastHourTick.p50)} / ${formatMs(r.lastHourTick.p99)} ms; ward:beds ${formatMs(r.wardBeds.p50)} ms`,
        target: '',
        status: 'info',
        data: { lastHourTick: r.lastHourTick, wardBeds: r.wardBeds, pending: r.pending },
        note: 'p50 / p99 of one 250-ms simulator tick; ward:beds = a renderer (re)load',
      });
    }
    const web = await webShellDay(quick ? 20 : 60, log);
    log(
      `web shell, 60 beds, 1 simulated day in ${web.seconds} s: RSS ${formatMB(web.start)} → ${formatMB(web.end)}`,
    );
    rows.push({
      measure: 'Memory',
      size: `bundled web shell, 60 beds, 1 day at --speed ${86_400 / web.seconds}`,
      value: `RSS ${formatMB(web.start)} → ${formatMB(web.end)}`,
      target: '',
      status: 'info',
      data: web,
    });
    return { name: 'memory', title: this.title, rows, details: { results, webShell: web } };
  },
};

// Run directly (by runInChild): `memory.ts <beds> <hours> <out.json>`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [beds, hours, out] = process.argv.slice(2);
  runDay(Number(beds), Number(hours), (m) => process.stderr.write(`  [memory] ${m}\n`))
    .then((r) => {
      writeFileSync(out!, JSON.stringify(r));
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(
        `memory run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    });
}
