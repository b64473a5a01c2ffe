// Ward-scoped reads (issue #12, "each station sees its ward"): 40 station cores × 25 beds on a
// 1,000-bed backend. Each station's RisingWave vitals source is given its ward (`wardId`), so its polls
// read only that ward's beds and alerts (ward_beds joins); for comparison a few sources without a ward
// (the whole hospital, as before) on the same backend. Reported: rows read per second per station, how
// long a poll takes, and that every station delivers its own ward's alerts and no other's.
//
// The backend is PostgreSQL with the stand-in's schema (tests/support/risingwave-bridge.ts
// createStandInSchema), standing in for RisingWave's batch queries — not RisingWave, whose serving
// layer would answer them differently (and whose figures are not measured here). It is kept moving: a
// writer updates all 1,000 rows of patient_latest_vitals every second (one UPDATE … FROM unnest) and
// inserts alerts for random beds of the hospital. The vitals sources are the app's own
// (risingwave-vitals-source.ts), polling every 1000 ms, all in this one process; each gets a pool of
// its own whose queries are timed (`createPool`).
//
// Phases, one after another on the same backend: (1) every ward's station, scoped; (2) a few stations
// of the whole hospital; (3) as many scoped stations as in (2), so poll times are compared at the same
// concurrency. Rows per second come from the source's rowsRead().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  RISINGWAVE_SQL,
  createRisingWaveVitalsSource,
  type RisingWaveVitalsSource,
} from '../../electron/main/adapters/risingwave/risingwave-vitals-source';
import { systemClock } from '../../electron/main/core/ports';
import { createTestPgDatabase, type TestPgDatabase } from '../../tests/support/postgres';
import { createStandInSchema } from '../../tests/support/risingwave-bridge';
import { atMost, type BenchCase, type ResultRow } from '../report';
import { formatCount, formatMs, median, ratio, roundSummary, summarize, type Summary } from '../stats';

const WARDS = 40;
const BEDS_PER_WARD = 25;
const HOSPITAL_BEDS = WARDS * BEDS_PER_WARD;
const POLL_MS = 1000;
const WRITE_EVERY_MS = 1000;
/** alerts inserted per second across the hospital (on random beds) */
const ALERTS_PER_SECOND = 10;
/** minutes of patient_vitals_1min history per patient (the sources' first poll seeds sparks from it) */
const HISTORY_MINUTES = 10;
/** "follows its own ward": rows read per poll at most this many times the ward's beds */
const ROWS_PER_BED_LIMIT = 2;

const wardId = (w: number) => `W${String(w + 1).padStart(2, '0')}`;
const patientId = (i: number) => `P${String(i + 1).padStart(4, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deterministic, so every run inserts alerts on the same beds in the same order. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function fillBackend(db: TestPgDatabase, now: number): Promise<void> {
  await createStandInSchema(db.pool);
  const ids = Array.from({ length: HOSPITAL_BEDS }, (_, i) => patientId(i));
  await db.pool.query(
    `INSERT INTO patient_latest_vitals
       SELECT p, 'D-' || p, to_timestamp($2::double precision / 1000), 80, 97, 5.5 FROM unnest($1::varchar[]) AS u(p)`,
    [ids, now],
  );
  await db.pool.query(
    `INSERT INTO ward_beds (bed_id, ward_id, patient_id, updated_at, updated_by)
       SELECT b, w, p, now(), 'bench' FROM unnest($1::varchar[], $2::varchar[], $3::varchar[]) AS u(b, w, p)`,
    [
      ids.map(
        (_, i) =>
          `${wardId(Math.floor(i / BEDS_PER_WARD))}-${String((i % BEDS_PER_WARD) + 1).padStart(2, '0')}`,
      ),
      ids.map((_, i) => wardId(Math.floor(i / BEDS_PER_WARD))),
      ids,
    ],
  );
  const minute = Math.floor(now / 60_000) * 60_000;
  await db.pool.query(
    `INSERT INTO patient_vitals_1min
       SELECT p, to_timestamp(($2::double precision - m * 60000) / 1000), 70, 80, 90, 95, 97, 99, 5, 5.5, 6
       FROM unnest($1::varchar[]) AS u(p), generate_series(0, $3::int - 1) AS m`,
    [ids, minute, HISTORY_MINUTES],
  );
  await db.pool.query('ANALYZE');
}

interface Inserted {
  alertId: string;
  patientId: string;
  at: number;
}

/** Keeps the backend moving: every bed's latest row each second, and a trickle of alerts. */
function startWriter(db: TestPgDatabase) {
  const rnd = prng(12);
  const ids = Array.from({ length: HOSPITAL_BEDS }, (_, i) => patientId(i));
  const inserted: Inserted[] = [];
  const writeMs: number[] = [];
  let seq = 0;
  let busy = false;
  let failures = 0;
  const tick = async () => {
    if (busy) return; // a slow write is not stacked on
    busy = true;
    const t0 = performance.now();
    const now = Date.now();
    try {
      await db.pool.query(
        `UPDATE patient_latest_vitals v SET measure_time = to_timestamp($2::double precision / 1000),
           heart_rate = u.hr, blood_oxygen = u.o, blood_glucose = u.g
         FROM unnest($1::varchar[], $3::int[], $4::float8[], $5::float8[]) AS u(p, hr, o, g)
         WHERE v.patient_id = u.p`,
        [
          ids,
          now,
          ids.map(() => 60 + Math.floor(rnd() * 40)),
          ids.map(() => 94 + Math.round(rnd() * 50) / 10),
          ids.map(() => 4.5 + Math.round(rnd() * 20) / 10),
        ],
      );
      const batch: Inserted[] = Array.from({ length: ALERTS_PER_SECOND }, () => ({
        alertId: `bench-${randomBytes(4).toString('hex')}-${++seq}`,
        patientId: ids[Math.floor(rnd() * ids.length)]!,
        at: now,
      }));
      await db.pool.query(
        `INSERT INTO alerts SELECT i, p, 'D-' || p, to_timestamp($3::double precision / 1000), 'heart_rate',
           'Heart rate too high: 150 bpm', 1, 150, 97, 5.5 FROM unnest($1::varchar[], $2::varchar[]) AS u(i, p)`,
        [batch.map((b) => b.alertId), batch.map((b) => b.patientId), now],
      );
      inserted.push(...batch);
      writeMs.push(performance.now() - t0);
    } catch {
      failures++;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), WRITE_EVERY_MS);
  return {
    inserted,
    writeMs,
    failures: () => failures,
    async stop() {
      clearInterval(timer);
      while (busy) await sleep(20);
    },
  };
}

interface Station {
  ward: string | null;
  source: RisingWaveVitalsSource;
  /** alert id → patient, every alert the source delivered */
  delivered: Map<string, string>;
  startedAt: number;
  bedsSeen: number;
  record(on: boolean): void;
  stats(): StationStats;
}

interface StationStats {
  ward: string | null;
  seconds: number;
  rowsPerSecond: number;
  rowsPerPoll: number;
  polls: number;
  /** first query of a poll → end of its last query */
  pollQueries: number[];
  /** first query of a poll → its beds handed on (the whole poll, the source's own work included) */
  pollToBeds: number[];
  /** between the starts of successive polls */
  period: number[];
}

function startStation(db: TestPgDatabase, ward: string | null, index: number): Station {
  let recording = false;
  let rows0 = 0;
  let t0 = 0;
  let seconds = 0;
  let rowsRecorded = 0;
  const pollQueries: number[] = [];
  const pollToBeds: number[] = [];
  const period: number[] = [];
  let polls = 0;
  /** the poll in progress (or the last one); `recorded`: it started while recording */
  let current: { start: number; lastEnd: number; rows: number; beds: boolean; recorded: boolean } | null =
    null;
  let pollRows = 0;
  const isPollStart = (sql: unknown) => sql === RISINGWAVE_SQL.latest || sql === RISINGWAVE_SQL.wardLatest;
  const closePoll = () => {
    if (current?.recorded) {
      pollQueries.push(current.lastEnd - current.start);
      pollRows += current.rows;
      polls++;
    }
    current = null;
  };
  const delivered = new Map<string, string>();
  const source = createRisingWaveVitalsSource({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    pollIntervalMs: POLL_MS,
    clock: systemClock,
    stationId: `BENCH-${ward ?? `ALL-${index + 1}`}`,
    wardId: ward,
    log: () => undefined,
    createPool: (config) => {
      const pool = new pg.Pool(config);
      const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
      (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const start = performance.now();
        if (isPollStart(args[0])) {
          if (current?.recorded && recording) period.push(start - current.start);
          closePoll();
          current = { start, lastEnd: start, rows: 0, beds: false, recorded: recording };
        }
        const poll = current;
        return query(...args).then((res) => {
          if (poll) {
            poll.lastEnd = performance.now();
            poll.rows += (res as { rows?: unknown[] }).rows?.length ?? 0;
          }
          return res;
        });
      };
      return pool;
    },
  });
  source.onAlerts((alerts) => {
    for (const a of alerts) delivered.set(a.alertId, a.patientId);
  });
  const station: Station = {
    ward,
    source,
    delivered,
    startedAt: Date.now(),
    bedsSeen: 0,
    record(on) {
      if (on) {
        rows0 = source.rowsRead();
        t0 = performance.now();
        recording = true;
      } else {
        // a poll still in flight is counted with its queries so far
        closePoll();
        recording = false;
        seconds = (performance.now() - t0) / 1000;
        rowsRecorded = source.rowsRead() - rows0;
      }
    },
    stats: () => ({
      ward,
      seconds,
      rowsPerSecond: rowsRecorded / seconds,
      rowsPerPoll: pollRows / Math.max(1, polls),
      polls,
      pollQueries,
      pollToBeds,
      period,
    }),
  };
  source.onBeds((beds) => {
    station.bedsSeen = Math.max(station.bedsSeen, beds.length);
    // the beds of a poll are handed on at its end
    if (current?.recorded && !current.beds) {
      current.beds = true;
      pollToBeds.push(performance.now() - current.start);
    }
  });
  return station;
}

interface PhaseResult {
  name: string;
  stations: number;
  scoped: boolean;
  seconds: number;
  rowsPerSecond: { median: number; min: number; max: number };
  rowsPerPoll: { median: number; min: number; max: number };
  pollQueries: Summary;
  pollToBeds: Summary;
  /** each station's p50 of pollQueries: median and range across stations */
  stationPollP50: { median: number; min: number; max: number };
  period: Summary;
  polls: number;
  /** CPU of this process (every source, the writer's client side) per second of recording, in ms */
  processCpuMsPerSecond: number;
  /** (that − the writer-only baseline) / stations */
  cpuMsPerSecondPerStation: number;
  /** alerts delivered outside the station's ward / of its ward, inserted while it ran, not delivered */
  foreign: number;
  missed: number;
  expected: number;
  /** stations whose scope() is exactly their ward's 25 patients (scoped phases) */
  scopeOk: number;
  bedsShown: { min: number; max: number };
  perStation: {
    ward: string | null;
    rowsPerSecond: number;
    rowsPerPoll: number;
    pollP50: number;
    pollP99: number;
    polls: number;
  }[];
}

/** CPU time (user + system) of this process per wall second since `from`, in ms */
function cpuMsPerSecond(from: NodeJS.CpuUsage, since: number): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000 / ((performance.now() - since) / 1000);
}

const spread = (v: number[]) => ({ median: median(v), min: Math.min(...v), max: Math.max(...v) });

async function runPhase(
  db: TestPgDatabase,
  writer: ReturnType<typeof startWriter>,
  name: string,
  wards: (string | null)[],
  seconds: number,
  log: (m: string) => void,
): Promise<PhaseResult> {
  log(`${name}: ${wards.length} stations, starting`);
  // Started spread over one poll interval, as stations that were not switched on together.
  const stations: Station[] = [];
  await Promise.all(
    wards.map(async (w, i) => {
      await sleep((i * POLL_MS) / wards.length);
      const s = startStation(db, w, i);
      stations.push(s);
      await s.source.start();
    }),
  );
  await sleep(3000); // past the first poll (seeding sparks) of every station
  for (const s of stations) s.record(true);
  log(`${name}: recording for ${seconds} s`);
  const cpu0 = process.cpuUsage();
  const c0 = performance.now();
  await sleep(seconds * 1000);
  for (const s of stations) s.record(false);
  const processCpuMsPerSecond = cpuMsPerSecond(cpu0, c0);
  const stoppedAt = Date.now();
  // Let alerts inserted up to the end be read (one more poll), then stop.
  await sleep(POLL_MS + 500);
  await Promise.all(stations.map((s) => s.source.stop()));

  const patientWard = (p: string) => wardId(Math.floor((Number(p.slice(1)) - 1) / BEDS_PER_WARD));
  let foreign = 0;
  let missed = 0;
  let expected = 0;
  let scopeOk = 0;
  for (const s of stations) {
    for (const p of s.delivered.values()) if (s.ward !== null && patientWard(p) !== s.ward) foreign++;
    for (const a of writer.inserted) {
      if (a.at > stoppedAt) continue;
      if (s.ward !== null && patientWard(a.patientId) !== s.ward) continue;
      expected++;
      if (!s.delivered.has(a.alertId)) missed++;
    }
    const scope = s.source.scope?.() ?? null;
    if (
      s.ward !== null &&
      Array.isArray(scope) &&
      scope.length === BEDS_PER_WARD &&
      scope.every((p) => patientWard(p) === s.ward)
    )
      scopeOk++;
  }
  const stats = stations.map((s) => s.stats());
  const sum = (v: number[]) => roundSummary(summarize(v));
  const result: PhaseResult = {
    name,
    stations: stations.length,
    scoped: wards[0] !== null,
    seconds,
    rowsPerSecond: spread(stats.map((s) => s.rowsPerSecond)),
    rowsPerPoll: spread(stats.map((s) => s.rowsPerPoll)),
    pollQueries: sum(stats.flatMap((s) => s.pollQueries)),
    pollToBeds: sum(stats.flatMap((s) => s.pollToBeds)),
    stationPollP50: spread(stats.map((s) => median(s.pollQueries))),
    period: sum(stats.flatMap((s) => s.period)),
    polls: stats.reduce((n, s) => n + s.polls, 0),
    processCpuMsPerSecond,
    cpuMsPerSecondPerStation: Number.NaN, // once the baseline is known
    foreign,
    missed,
    expected,
    scopeOk,
    bedsShown: {
      min: Math.min(...stations.map((s) => s.bedsSeen)),
      max: Math.max(...stations.map((s) => s.bedsSeen)),
    },
    perStation: stats.map((s) => ({
      ward: s.ward,
      rowsPerSecond: Number(s.rowsPerSecond.toFixed(1)),
      rowsPerPoll: Number(s.rowsPerPoll.toFixed(1)),
      pollP50: Number(median(s.pollQueries).toFixed(2)),
      pollP99: Number(summarize(s.pollQueries).p99.toFixed(2)),
      polls: s.polls,
    })),
  };
  log(
    `${name}: rows/s per station median ${result.rowsPerSecond.median.toFixed(1)} ` +
      `(${result.rowsPerSecond.min.toFixed(1)}–${result.rowsPerSecond.max.toFixed(1)}), per poll ` +
      `${result.rowsPerPoll.median.toFixed(1)}; poll queries p50 ${formatMs(result.pollQueries.p50)} p99 ` +
      `${formatMs(result.pollQueries.p99)} ms, poll → beds p50 ${formatMs(result.pollToBeds.p50)} p99 ` +
      `${formatMs(result.pollToBeds.p99)} ms, period p50 ${formatMs(result.period.p50)} p99 ` +
      `${formatMs(result.period.p99)} ms (${result.polls} polls); process CPU ` +
      `${result.processCpuMsPerSecond.toFixed(1)} ms/s; alerts: ${foreign} foreign, ${missed} of ` +
      `${expected} missed; scope ok ${scopeOk}/${stations.length}; beds shown ${result.bedsShown.min}–` +
      `${result.bedsShown.max}`,
  );
  return result;
}

export const wardsCase: BenchCase = {
  name: 'wards',
  title: `ward-scoped reads: ${WARDS} stations × ${BEDS_PER_WARD} beds on a ${HOSPITAL_BEDS.toLocaleString('en')}-bed backend (PostgreSQL)`,
  async run({ quick, log }) {
    const scopedCount = quick ? 10 : WARDS;
    const unscopedCount = quick ? 3 : 5;
    const seconds = quick ? 10 : 60;
    const db = await createTestPgDatabase('ns_bench');
    try {
      await fillBackend(db, Date.now());
      const writer = startWriter(db);
      await sleep(2000);

      const all = Array.from({ length: scopedCount }, (_, w) => wardId(w));
      const scoped = await runPhase(db, writer, 'scoped', all, seconds, log);
      const unscoped = await runPhase(
        db,
        writer,
        'whole hospital',
        Array.from({ length: unscopedCount }, () => null),
        seconds,
        log,
      );
      const scopedFew = await runPhase(db, writer, 'scoped (few)', all.slice(0, unscopedCount), seconds, log);
      // the process's CPU with only the writer running (after the phases: JIT warm), less from each phase
      const cpu0 = process.cpuUsage();
      const c0 = performance.now();
      await sleep(quick ? 5000 : 10_000);
      const baseline = cpuMsPerSecond(cpu0, c0);
      for (const p of [scoped, unscoped, scopedFew])
        p.cpuMsPerSecondPerStation = (p.processCpuMsPerSecond - baseline) / p.stations;
      log(
        `baseline (writer only) ${baseline.toFixed(1)} ms CPU/s; per station: scoped ` +
          `${scoped.cpuMsPerSecondPerStation.toFixed(2)}, whole hospital ${unscoped.cpuMsPerSecondPerStation.toFixed(2)}, ` +
          `scoped (few) ${scopedFew.cpuMsPerSecondPerStation.toFixed(2)} ms/s`,
      );
      await writer.stop();
      const write = roundSummary(summarize(writer.writeMs));

      const rowsRatio = ratio(unscoped.rowsPerSecond.median, scoped.rowsPerSecond.median);
      const pollRatio = ratio(unscoped.pollQueries.p50, scopedFew.pollQueries.p50);
      const pollRatio99 = ratio(unscoped.pollQueries.p99, scopedFew.pollQueries.p99);
      const bedsRatio = HOSPITAL_BEDS / BEDS_PER_WARD;
      const rowsLimit = ROWS_PER_BED_LIMIT * BEDS_PER_WARD;
      const r1 = (v: number) => v.toFixed(1);
      const range = (s: { median: number; min: number; max: number }, f = r1) =>
        `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
      const correct = [scoped, scopedFew].every(
        (p) => p.foreign === 0 && p.missed === 0 && p.scopeOk === p.stations,
      );
      const size = `${scopedCount} × ${BEDS_PER_WARD} beds of ${HOSPITAL_BEDS.toLocaleString('en')}`;
      const rows: ResultRow[] = [
        {
          measure: 'Ward-scoped reads',
          size: `${size}: rows read / s per station`,
          value:
            `scoped ${range(scoped.rowsPerSecond)}, whole hospital ${range(unscoped.rowsPerSecond, formatCount)} ` +
            `(${unscoped.stations} stations): ×${r1(rowsRatio)} fewer (beds ×${bedsRatio})`,
          target: `per poll ≤ ${ROWS_PER_BED_LIMIT} × ward beds (${rowsLimit})`,
          status: atMost(scoped.rowsPerPoll.max, rowsLimit),
          data: { scoped: scoped.rowsPerSecond, unscoped: unscoped.rowsPerSecond, rowsRatio, bedsRatio },
          note: `rows per poll: scoped ${range(scoped.rowsPerPoll)}, whole hospital ${range(unscoped.rowsPerPoll, formatCount)}`,
        },
        {
          measure: 'Ward-scoped reads',
          size: `${size}: poll p50 / p99 (${scoped.stations} scoped at once)`,
          value:
            `queries ${formatMs(scoped.pollQueries.p50)} / ${formatMs(scoped.pollQueries.p99)} ms, ` +
            `to beds handed on ${formatMs(scoped.pollToBeds.p50)} / ${formatMs(scoped.pollToBeds.p99)} ms ` +
            `(n=${scoped.pollQueries.n}); period p99 ${formatMs(scoped.period.p99)} ms`,
          target: '',
          status: 'info',
          data: { pollQueries: scoped.pollQueries, pollToBeds: scoped.pollToBeds, period: scoped.period },
          note: `per-station p50 ${range(scoped.stationPollP50, formatMs)} ms`,
        },
        {
          measure: 'Ward-scoped reads',
          size: `${unscopedCount} stations at once: poll p50 / p99, scoped vs whole hospital`,
          value:
            `queries ${formatMs(scopedFew.pollQueries.p50)} / ${formatMs(scopedFew.pollQueries.p99)} vs ` +
            `${formatMs(unscoped.pollQueries.p50)} / ${formatMs(unscoped.pollQueries.p99)} ms ` +
            `(×${r1(pollRatio)} / ×${r1(pollRatio99)}); to beds ${formatMs(scopedFew.pollToBeds.p50)} / ` +
            `${formatMs(scopedFew.pollToBeds.p99)} vs ${formatMs(unscoped.pollToBeds.p50)} / ` +
            `${formatMs(unscoped.pollToBeds.p99)} ms`,
          target: '',
          status: 'info',
          data: {
            scoped: { pollQueries: scopedFew.pollQueries, pollToBeds: scopedFew.pollToBeds },
            unscoped: { pollQueries: unscoped.pollQueries, pollToBeds: unscoped.pollToBeds },
            pollRatio,
            pollRatio99,
          },
        },
        {
          measure: 'Ward-scoped reads',
          size: 'station CPU (this process, less the writer), ms per s per station',
          value:
            `scoped ${scoped.cpuMsPerSecondPerStation.toFixed(2)} (${scoped.stations} at once), ` +
            `${scopedFew.cpuMsPerSecondPerStation.toFixed(2)} (${scopedFew.stations}); whole hospital ` +
            `${unscoped.cpuMsPerSecondPerStation.toFixed(2)} (${unscoped.stations}): ×${r1(
              ratio(unscoped.cpuMsPerSecondPerStation, scopedFew.cpuMsPerSecondPerStation),
            )}`,
          target: '',
          status: 'info',
          data: {
            baselineCpuMsPerSecond: baseline,
            scoped: scoped.processCpuMsPerSecond,
            scopedFew: scopedFew.processCpuMsPerSecond,
            unscoped: unscoped.processCpuMsPerSecond,
          },
        },
        {
          measure: 'Ward-scoped reads',
          size: `${size}: alerts by ward`,
          value:
            `${scoped.stations + scopedFew.stations} scoped stations: ${scoped.foreign + scopedFew.foreign} foreign, ` +
            `${scoped.missed + scopedFew.missed} of ${scoped.expected + scopedFew.expected} of their wards' missed; ` +
            `scope = own ${BEDS_PER_WARD} beds: ${scoped.scopeOk + scopedFew.scopeOk}/${scoped.stations + scopedFew.stations}` +
            `; whole hospital: ${unscoped.missed} of ${unscoped.expected} missed`,
          target: 'own ward only, none missed',
          status: correct && unscoped.missed === 0 ? 'pass' : 'miss',
          data: {
            scoped: { foreign: scoped.foreign, missed: scoped.missed, expected: scoped.expected },
            scopedFew: { foreign: scopedFew.foreign, missed: scopedFew.missed, expected: scopedFew.expected },
            unscoped: { missed: unscoped.missed, expected: unscoped.expected },
          },
        },
        {
          measure: 'Ward-scoped reads',
          size: 'backend writer: 1,000 rows + alerts / s',
          value: `p50 ${formatMs(write.p50)} / p99 ${formatMs(write.p99)} ms (n=${write.n}, ${writer.failures()} failed)`,
          target: '',
          status: 'info',
          data: { write },
        },
      ];
      return {
        name: 'wards',
        title: this.title,
        rows,
        details: {
          backend: 'PostgreSQL standing in for RisingWave batch queries',
          wards: WARDS,
          bedsPerWard: BEDS_PER_WARD,
          hospitalBeds: HOSPITAL_BEDS,
          alertsPerSecond: ALERTS_PER_SECOND,
          pollIntervalMs: POLL_MS,
          seconds,
          phases: [scoped, unscoped, scopedFew],
          write,
        },
      };
    } finally {
      await db.drop();
    }
  },
};
