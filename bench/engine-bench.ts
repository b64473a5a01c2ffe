// Throughput of the in-process alert engine (shared/engine/alert-engine.ts): readings per second on one
// core for wards of 8 to 1000 beds. Readings are generated before the clock starts (1 Hz per bed,
// plausible vitals, ~5 % with one abnormal vital, some deterioration episodes); the timed loop is
// ingest() for every reading plus tick() once per simulated second, as the simulator drives it.
// Run: npx tsx bench/engine-bench.ts
import { pathToFileURL } from 'node:url';
import type { Reading } from '../shared/domain/types';
import { AlertEngine } from '../shared/engine/alert-engine';
import { parseReading, toDemoJson } from '../shared/engine/parse-reading';

export interface EngineBenchResult {
  readingsPerSecond: number;
  beds: number;
  readings: number;
  alerts: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same stream. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.UTC(2026, 10, 20, 7, 0, 0);

/** `readings` readings of `beds` beds at 1 Hz each, in time order, bed by bed within a second. */
export function generateReadings(beds: number, readings: number, seed = 42): Reading[] {
  const r = rng(seed);
  const ids = Array.from({ length: beds }, (_, i) => 'P' + String(i + 1).padStart(4, '0'));
  const devices = Array.from({ length: beds }, (_, i) => 'D' + String(i + 1).padStart(4, '0'));
  const hr = ids.map(() => 65 + Math.floor(r() * 25));
  const spo2 = ids.map(() => 95 + r() * 4);
  const glucose = ids.map(() => 4.5 + r() * 2);
  const out: Reading[] = new Array<Reading>(readings);
  for (let n = 0; n < readings; n++) {
    const bed = n % beds;
    const second = Math.floor(n / beds);
    // slow random walks around a normal baseline; rare deterioration jumps
    if (r() < 0.0005) {
      hr[bed]! += 25;
      spo2[bed]! -= 6;
    } else {
      hr[bed] = hr[bed]! + (75 - hr[bed]!) * 0.02 + (r() - 0.5) * 3;
      spo2[bed] = spo2[bed]! + (97 - spo2[bed]!) * 0.02 + (r() - 0.5) * 0.4;
      glucose[bed] = glucose[bed]! + (5.5 - glucose[bed]!) * 0.02 + (r() - 0.5) * 0.1;
    }
    let h = Math.round(hr[bed]!);
    let s = Math.round(Math.min(100, spo2[bed]!) * 100) / 100;
    let g = Math.round(glucose[bed]! * 100) / 100;
    if (r() < 0.05) {
      const which = r();
      if (which < 0.34) h = r() < 0.5 ? 125 + Math.floor(r() * 40) : 35 + Math.floor(r() * 14);
      else if (which < 0.67) s = Math.round((84 + r() * 8.9) * 100) / 100;
      else g = Math.round((r() < 0.5 ? 7.3 + r() * 8 : 2 + r() * 1.8) * 100) / 100;
    }
    out[n] = {
      patientId: ids[bed]!,
      deviceId: devices[bed]!,
      measureTime: START + second * 1000 + Math.floor((bed * 997) % 1000),
      heartRate: h,
      bloodOxygen: s,
      bloodGlucose: g,
    };
  }
  return out;
}

function drive(engine: AlertEngine, readings: Reading[], beds: number): number {
  let alerts = 0;
  let next = beds;
  for (let i = 0; i < readings.length; i++) {
    const o = engine.ingest(readings[i]!);
    if (o.accepted) alerts += o.alerts.length;
    if (i + 1 === next) {
      alerts += engine.tick(START + (next / beds) * 1000).length;
      next += beds;
    }
  }
  return alerts;
}

export async function runEngineBench(opts: { beds: number; readings: number }): Promise<EngineBenchResult> {
  const { beds, readings } = opts;
  if (!Number.isInteger(beds) || beds < 1 || !Number.isInteger(readings) || readings < 1) {
    throw new RangeError('beds and readings must be positive integers');
  }
  const data = generateReadings(beds, readings);
  // Warm the JIT on a separate engine so the figure is steady-state throughput.
  drive(new AlertEngine(), data.slice(0, Math.min(data.length, 200_000)), beds);
  await new Promise((resolve) => setTimeout(resolve, 0));

  const engine = new AlertEngine();
  const t0 = performance.now();
  const alerts = drive(engine, data, beds);
  const seconds = (performance.now() - t0) / 1000;
  return { readingsPerSecond: Math.round(readings / seconds), beds, readings, alerts };
}

/** Parser throughput on demo-format JSON lines (the replay and Kafka path), for reference. */
export function runParseBench(lines: number): { linesPerSecond: number } {
  const json = generateReadings(60, lines).map((r) => toDemoJson(r, 'Europe/Berlin'));
  for (let i = 0; i < Math.min(json.length, 50_000); i++)
    parseReading(json[i]!, { timeZone: 'Europe/Berlin' });
  const t0 = performance.now();
  let ok = 0;
  for (const line of json) if (parseReading(line, { timeZone: 'Europe/Berlin' }).ok) ok++;
  const seconds = (performance.now() - t0) / 1000;
  if (ok !== json.length) throw new Error('generated lines were rejected');
  return { linesPerSecond: Math.round(lines / seconds) };
}

async function main(): Promise<void> {
  const readings = 2_000_000;
  console.log(
    `alert engine, ${readings.toLocaleString('en')} readings per run, one core (node ${process.version})`,
  );
  for (const beds of [8, 60, 200, 1000]) {
    const r = await runEngineBench({ beds, readings });
    console.log(
      `${String(beds).padStart(5)} beds: ${r.readingsPerSecond.toLocaleString('en').padStart(11)} readings/s, ${r.alerts} alerts`,
    );
  }
  const p = runParseBench(300_000);
  console.log(`parser (demo JSON lines): ${p.linesPerSecond.toLocaleString('en')} lines/s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
