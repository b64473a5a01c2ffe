// Engine throughput: readings per second through every rule of the in-process alert engine, on one
// core, for wards of 8 to 1,000 beds. Reuses helper A's bench/engine-bench.ts (readings generated
// before the clock starts; ingest() per reading + tick() per simulated second), repeated and the
// median taken.
import { runEngineBench, runParseBench } from '../engine-bench';
import { atLeast, type BenchCase, type ResultRow } from '../report';
import { formatCount, median } from '../stats';

const TARGET = 1_000_000;

export const engineCase: BenchCase = {
  name: 'engine',
  title: 'alert engine throughput (readings/s, one core)',
  async run({ quick, log }) {
    const sizes = [8, 60, 200, 1000];
    const readings = quick ? 300_000 : 1_000_000;
    const runs = quick ? 3 : 5;
    const rows: ResultRow[] = [];
    const perSize: Record<string, unknown> = {};
    for (const beds of sizes) {
      const rates: number[] = [];
      let alerts = 0;
      for (let i = 0; i < runs; i++) {
        const r = await runEngineBench({ beds, readings });
        rates.push(r.readingsPerSecond);
        alerts = r.alerts;
      }
      const m = median(rates);
      log(`${beds} beds: median ${formatCount(m)} readings/s (runs ${rates.map(formatCount).join(', ')})`);
      perSize[beds] = { runs: rates, median: m, min: Math.min(...rates), max: Math.max(...rates), alerts };
      rows.push({
        measure: 'Engine throughput',
        size: `${beds.toLocaleString('en')} beds`,
        value: `${formatCount(m)} readings/s`,
        target: beds === 1000 ? '≥ 1 M/s' : '',
        status: beds === 1000 ? atLeast(m, TARGET) : 'info',
        data: { median: m, runs: rates, readingsPerRun: readings, alertsPerRun: alerts },
      });
    }
    const parse = median(
      Array.from({ length: runs }, () => runParseBench(quick ? 100_000 : 300_000).linesPerSecond),
    );
    rows.push({
      measure: 'Engine throughput',
      size: 'JSON parser (Kafka/replay path)',
      value: `${formatCount(parse)} lines/s`,
      target: '',
      status: 'info',
      data: { median: parse },
    });
    return {
      name: 'engine',
      title: this.title,
      rows,
      details: { readingsPerRun: readings, runs, perSize, parserLinesPerSecond: parse },
    };
  },
};
