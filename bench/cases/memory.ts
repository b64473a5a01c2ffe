// Memory: main-process RSS and heap after one simulated day of a ward, with the station core running
// in-process on a fast (fake) clock: simulator + engine at speed 1 in 250-ms ticks, the SQLite alert
// store and ack cache on disk, every event serialized as the shell would. Nobody acknowledges anything,
// so the pending set grows to its cap (the worst case for memory). Sampled every simulated hour.
import { FakeClock } from '../../electron/main/core/fake-clock';
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatMB, formatMs, roundSummary, summarize } from '../stats';
import { RecordingNotifier, serializeEvents, simulatorStation, tempDir } from '../support/station';

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
    await station.core.handlers['ward:beds']({});
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
      const r = await runDay(p.beds, p.hours, log);
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
    return { name: 'memory', title: this.title, rows, details: { results } };
  },
};
