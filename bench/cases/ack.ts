// Acknowledgement: an `alerts:acknowledge` request through the station core in connected mode → the
// local SQLite ack cache (WAL, synchronous=FULL, as the app opens it) → the MySQL store's conditional,
// audited transition → marked synced. Timed end to end as the handler returns, plus its two parts.
// MariaDB holds 10k, 100k and 1M alerts (bench/support/alert-data.ts); the acknowledged alerts are ones
// still pending, each confirmed and then resolved.
import { join } from 'node:path';
import { openStationDatabase } from '../../electron/main/adapters/sqlite/open-database';
import { createSqliteAckCache } from '../../electron/main/adapters/sqlite/sqlite-ack-cache';
import { createMysqlAlertStore } from '../../electron/main/adapters/mysql/mysql-alert-store';
import { systemClock, type AckCache, type AlertStore } from '../../electron/main/core/ports';
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatMs, roundSummary, summarize, type Summary } from '../stats';
import { mysqlBench } from '../support/mysql-bench';
import {
  BENCH_STATION,
  RecordingNotifier,
  connectedBenchCore,
  idleVitalsSource,
  tempDir,
} from '../support/station';
import { callAs } from '../../tests/support/nurses';

/** the nurse signed in at the bench's station (sessions are the host's; a core is asked as her) */
const BENCH_NURSE = callAs('Bench Nurse', { role: 'nurse', peer: 'bench' });

const P99_TARGET = 50;

function label(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
}

interface AckRun {
  total: Summary;
  confirm: Summary;
  resolve: Summary;
  localAppend: Summary;
  storeTransition: Summary;
  pendingLoaded: number;
  coreStartMs: number;
}

async function ackRun(
  config: { host: string; port: number; user: string; password: string; database: string },
  ids: string[],
): Promise<AckRun> {
  const tmp = tempDir('ack');
  const db = openStationDatabase(join(tmp.dir, 'station.sqlite'));
  const realCache = createSqliteAckCache(db);
  const realStore = createMysqlAlertStore({ ...config, stationId: BENCH_STATION, timeZone: 'UTC' });
  const appendMs: number[] = [];
  const transitionMs: number[] = [];
  const cache: AckCache = {
    ...realCache,
    append(record) {
      const t = performance.now();
      const r = realCache.append(record);
      appendMs.push(performance.now() - t);
      return r;
    },
  };
  const alerts: AlertStore = {
    ...realStore,
    async transition(req) {
      const t = performance.now();
      const r = await realStore.transition(req);
      transitionMs.push(performance.now() - t);
      return r;
    },
  };
  const core = connectedBenchCore({
    vitals: idleVitalsSource(systemClock),
    alerts,
    cache,
    notifier: new RecordingNotifier(),
  });
  const s0 = performance.now();
  await core.start();
  const coreStartMs = performance.now() - s0;
  const pendingLoaded = core.unreadCount();
  const confirm: number[] = [];
  const resolve: number[] = [];
  // two untimed acknowledgements warm the prepared statements and pools
  const [w1, w2, ...timed] = ids;
  for (const id of [w1, w2]) {
    if (id) await core.handlers['alerts:acknowledge']({ alertId: id, action: 'resolve' }, BENCH_NURSE);
  }
  appendMs.length = 0;
  transitionMs.length = 0;
  for (const alertId of timed) {
    for (const [action, out] of [
      ['confirm', confirm],
      ['resolve', resolve],
    ] as const) {
      const t = performance.now();
      const r = await core.handlers['alerts:acknowledge'](
        {
          alertId,
          action,
          note: action === 'resolve' ? 'bench' : undefined,
        },
        BENCH_NURSE,
      );
      out.push(performance.now() - t);
      if (!r.synced) throw new Error(`acknowledgement of ${alertId} was not synced`);
    }
  }
  await core.stop();
  await realStore.close();
  realCache.close();
  db.close();
  tmp.remove();
  return {
    total: roundSummary(summarize([...confirm, ...resolve])),
    confirm: roundSummary(summarize(confirm)),
    resolve: roundSummary(summarize(resolve)),
    localAppend: roundSummary(summarize(appendMs)),
    storeTransition: roundSummary(summarize(transitionMs)),
    pendingLoaded,
    coreStartMs,
  };
}

export const ackCase: BenchCase = {
  name: 'ack',
  title: 'acknowledgement: request → SQLite cache + MySQL (connected mode)',
  async run({ quick, log }) {
    const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
    const perRun = quick ? 40 : 150;
    const bench = await mysqlBench();
    const results: Record<string, AckRun> = {};
    try {
      for (const size of sizes) {
        const { loadSeconds } = await bench.growTo(size);
        log(`${label(size)} alerts loaded in ${loadSeconds.toFixed(1)} s`);
        // the newest pending alerts, as a nurse would work through them
        const [rows] = await bench.conn.execute(
          "SELECT alert_id FROM alerts WHERE status = 'pending' ORDER BY alert_time DESC LIMIT ?",
          [String(perRun + 2)],
        );
        const ids = (rows as { alert_id: string }[]).map((r) => r.alert_id);
        const r = await ackRun({ ...bench.db.config }, ids);
        results[label(size)] = r;
        log(
          `${label(size)}: ack p50 ${formatMs(r.total.p50)} p99 ${formatMs(r.total.p99)} ms (n=${r.total.n}); ` +
            `SQLite append p50 ${formatMs(r.localAppend.p50)}, MySQL transition p50 ${formatMs(r.storeTransition.p50)} ms; ` +
            `${r.pendingLoaded} pending loaded at start in ${formatMs(r.coreStartMs)} ms`,
        );
      }
    } finally {
      await bench.close();
    }
    const largest = label(sizes[sizes.length - 1]!);
    const top = results[largest]!;
    const curve = sizes.map((s) => `${label(s)} ${formatMs(results[label(s)]!.total.p99)}`).join(' · ');
    const rows: ResultRow[] = [
      {
        measure: 'Acknowledgement',
        size: `${largest} alerts: request → SQLite + MySQL`,
        value: `${formatMs(top.total.p50)} / ${formatMs(top.total.p99)} ms (p99 ${curve})`,
        target: '≤ 50 ms p99',
        status: atMost(top.total.p99, P99_TARGET),
        data: results,
      },
      {
        measure: 'Acknowledgement',
        size: `${largest} alerts: parts (p50 / p99)`,
        value:
          `SQLite append ${formatMs(top.localAppend.p50)} / ${formatMs(top.localAppend.p99)} ms, ` +
          `MySQL transition ${formatMs(top.storeTransition.p50)} / ${formatMs(top.storeTransition.p99)} ms`,
        target: '',
        status: 'info',
        data: { localAppend: top.localAppend, storeTransition: top.storeTransition },
      },
      {
        measure: 'Acknowledgement',
        size: `${largest} alerts: core start`,
        value: `${formatMs(top.coreStartMs)} ms, ${top.pendingLoaded.toLocaleString('en')} pending alerts loaded`,
        target: '',
        status: 'info',
        data: Object.fromEntries(
          sizes.map((s) => [
            label(s),
            { startMs: results[label(s)]!.coreStartMs, pending: results[label(s)]!.pendingLoaded },
          ]),
        ),
      },
    ];
    return {
      name: 'ack',
      title: this.title,
      rows,
      details: { server: bench.serverVersion, perRun, results },
    };
  },
};
