import { describe, expect, it } from 'vitest';
import type { Alert, Reading } from '../domain/types';
import { AlertEngine } from '../engine/alert-engine';
import { parseReading, toDemoJson } from '../engine/parse-reading';
import { TREND_WINDOW_MS } from './scenarios';
import {
  createWardSimulator,
  patientIdFor,
  type SimEvent,
  type WardSimulatorOptions,
} from './ward-simulator';

const START = Date.UTC(2026, 10, 20, 7, 0, 0); // 08:00 in Berlin, on a 10-minute boundary
const MIN = 60_000;
const TZ = 'Europe/Berlin';

function eventTime(e: SimEvent): number {
  return e.kind === 'reading' ? e.reading.measureTime : e.time;
}

function run(opts: Partial<WardSimulatorOptions>, durationMs: number) {
  const sim = createWardSimulator({ startTime: START, timeZone: TZ, ...opts });
  return { sim, events: sim.nextBatch(START + durationMs) };
}

function sameReading(a: Reading, b: Reading): boolean {
  return (
    a.patientId === b.patientId &&
    a.deviceId === b.deviceId &&
    a.measureTime === b.measureTime &&
    a.heartRate === b.heartRate &&
    a.bloodOxygen === b.bloodOxygen &&
    a.bloodGlucose === b.bloodGlucose
  );
}

/** Feeds events the way the app and the CLI do: the demo's JSON, parsed back, then the engine. */
function throughEngine(events: SimEvent[]) {
  const engine = new AlertEngine();
  const alerts: Alert[] = [];
  const rejected: { raw: string; reason: string; deviceId: string }[] = [];
  for (const e of events) {
    const raw = e.kind === 'reading' ? toDemoJson(e.reading, TZ) : e.raw;
    const parsed = parseReading(raw, { timeZone: TZ });
    const t = eventTime(e);
    alerts.push(...engine.tick(t));
    if (!parsed.ok) {
      rejected.push({
        raw,
        reason: parsed.reason,
        deviceId: e.kind === 'reading' ? e.reading.deviceId : e.deviceId,
      });
      continue;
    }
    if (e.kind === 'reading' && !sameReading(parsed.reading, e.reading)) {
      throw new Error(`the demo JSON did not round-trip: ${raw}`);
    }
    const out = engine.ingest(parsed.reading);
    if (out.accepted) alerts.push(...out.alerts);
    else throw new Error(`engine refused a simulated reading: ${out.detail}`);
  }
  return { alerts, rejected };
}

function byPatient(alerts: Alert[]): Map<string, Alert[]> {
  const m = new Map<string, Alert[]>();
  for (const a of alerts) m.set(a.patientId, [...(m.get(a.patientId) ?? []), a]);
  return m;
}

describe('createWardSimulator', () => {
  it('is deterministic for a seed, different for another seed', () => {
    const a = run({ seed: 7 }, 10 * MIN).events;
    const b = run({ seed: 7 }, 10 * MIN).events;
    const c = run({ seed: 8 }, 10 * MIN).events;
    expect(a.length).toBeGreaterThan(12 * 500);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('gives the same events however time is sliced into batches', () => {
    const whole = run({ seed: 3, rateHz: 2 }, 5 * MIN).events;
    const sim = createWardSimulator({ startTime: START, seed: 3, rateHz: 2, timeZone: TZ });
    const sliced: SimEvent[] = [];
    for (let t = START; t <= START + 5 * MIN; t += 137) sliced.push(...sim.nextBatch(t));
    sliced.push(...sim.nextBatch(START + 5 * MIN));
    expect(sliced).toEqual(whole);
    expect(sim.producedUntil).toBe(START + 5 * MIN);
    expect(sim.nextBatch(START)).toEqual([]); // time never runs backwards
  });

  it('returns events sorted by time, each bed at the requested rate', () => {
    const { events } = run({ beds: 20, rateHz: 2, scenarios: 'none' }, MIN);
    for (let i = 1; i < events.length; i++)
      expect(eventTime(events[i]!)).toBeGreaterThanOrEqual(eventTime(events[i - 1]!));
    const perBed = new Map<string, number>();
    for (const e of events)
      if (e.kind === 'reading') perBed.set(e.reading.patientId, (perBed.get(e.reading.patientId) ?? 0) + 1);
    expect(perBed.size).toBe(20);
    for (const n of perBed.values()) expect(Math.abs(n - 120)).toBeLessThanOrEqual(1);
  });

  it('names patients P001… and devices D001…, with more digits above 999', () => {
    const { sim } = run({ beds: 1000, scenarios: 'none' }, 0);
    expect(sim.beds[0]).toMatchObject({ bed: 1, patientId: 'P001', deviceId: 'D001' });
    expect(sim.beds[11]!.patientId).toBe('P012');
    expect(sim.beds[998]!.patientId).toBe('P999');
    expect(sim.beds[999]).toMatchObject({ patientId: 'P1000', deviceId: 'D1000' });
    expect(patientIdFor(12345)).toBe('P12345');
  });

  it('produces plausible, demo-rounded vitals, and quiet beds never alert', () => {
    const { sim, events } = run({ beds: 40, scenarios: 'none', seed: 11 }, 30 * MIN);
    for (const b of sim.beds) {
      expect(b.baseline.heartRate).toBeGreaterThanOrEqual(60);
      expect(b.baseline.heartRate).toBeLessThanOrEqual(95);
      expect(b.baseline.bloodOxygen).toBeGreaterThanOrEqual(95);
      expect(b.baseline.bloodOxygen).toBeLessThanOrEqual(99);
      expect(b.baseline.bloodGlucose).toBeGreaterThanOrEqual(4.5);
      expect(b.baseline.bloodGlucose).toBeLessThanOrEqual(6.5);
    }
    expect(events.every((e) => e.kind === 'reading')).toBe(true);
    const readings = events.map((e) => (e as { reading: Reading }).reading);
    const range = (f: (r: Reading) => number) => [Math.min(...readings.map(f)), Math.max(...readings.map(f))];
    const [hrMin, hrMax] = range((r) => r.heartRate);
    const [spo2Min, spo2Max] = range((r) => r.bloodOxygen);
    const [gluMin, gluMax] = range((r) => r.bloodGlucose);
    expect([
      hrMin! >= 50,
      hrMax! <= 110,
      spo2Min! >= 93,
      spo2Max! <= 100,
      gluMin! >= 3.9,
      gluMax! <= 7.2,
    ]).toEqual(Array(6).fill(true));
    const roundedLikeTheDemo = (r: Reading) =>
      Number.isInteger(r.heartRate) &&
      Math.round(r.bloodOxygen * 100) / 100 === r.bloodOxygen &&
      Math.round(r.bloodGlucose * 100) / 100 === r.bloodGlucose;
    expect(readings.filter((r) => !roundedLikeTheDemo(r))).toEqual([]);
    // noise, not a flat line
    const hr = new Set(readings.filter((r) => r.patientId === 'P001').map((r) => r.heartRate));
    expect(hr.size).toBeGreaterThan(5);
    expect(throughEngine(events)).toEqual({ alerts: [], rejected: [] });
  });

  describe('default scenarios, through parseReading and the AlertEngine', () => {
    // 70 minutes: every recurring scenario several times, and at least one full deterioration
    const { events } = run({ seed: 42 }, 70 * MIN);
    const { alerts, rejected } = throughEngine(events);
    const of = byPatient(alerts);
    const types = (p: string) => new Set((of.get(p) ?? []).map((a) => a.alertType));

    it('P001 (diabetic) has glucose spikes', () => {
      expect(types('P001')).toEqual(new Set(['blood_glucose']));
      expect(of.get('P001')!.length).toBeGreaterThan(10);
    });

    it('P002 has tachycardia bursts', () => {
      expect(types('P002')).toEqual(new Set(['heart_rate']));
      expect(of.get('P002')!.every((a) => a.alertDetail.startsWith('Heart rate too high'))).toBe(true);
    });

    it('P003 has desaturations', () => {
      expect(types('P003')).toEqual(new Set(['blood_oxygen']));
    });

    it('P005 deteriorates: a real level-2 alert, once per episode', () => {
      const l2 = alerts.filter((a) => a.alertLevel === 2);
      expect(l2.length).toBeGreaterThanOrEqual(1);
      expect(
        l2.every((a) => a.patientId === 'P005' && a.alertType === 'multi_vital_signs_deterioration'),
      ).toBe(true);
      // the first episode starts one minute into the first 10-minute window and ramps for 4 minutes
      expect(l2[0]!.alertTime).toBeGreaterThan(START + MIN);
      expect(l2[0]!.alertTime).toBeLessThan(START + 6 * MIN);
      // one episode an hour: the second one is at 61-62 min
      expect(l2.length).toBe(2);
      expect(
        Math.floor(l2[1]!.alertTime / TREND_WINDOW_MS) - Math.floor(l2[0]!.alertTime / TREND_WINDOW_MS),
      ).toBe(6);
    });

    it('P007 loses its signal for more than 30 s, repeatedly, and comes back', () => {
      const sl = of.get('P007') ?? [];
      expect(types('P007')).toEqual(new Set(['signal_loss']));
      expect(sl.length).toBeGreaterThanOrEqual(10);
      const p7 = events.filter((e) => e.kind === 'reading' && e.reading.patientId === 'P007');
      expect(eventTime(p7[p7.length - 1]!)).toBeGreaterThan(START + 69 * MIN); // it came back
    });

    it("P009's faulty device sends garbage that parseReading rejects, and nothing else is rejected", () => {
      expect(rejected.length).toBeGreaterThan(100);
      expect(rejected.every((r) => r.deviceId === 'D009')).toBe(true);
      const garbage = events.filter((e) => e.kind === 'garbage');
      expect(rejected.length).toBe(garbage.length);
      const kinds = new Set(garbage.map((g) => (g.kind === 'garbage' ? g.garbageKind : '')));
      expect(kinds).toEqual(
        new Set([
          'truncated_json',
          'not_json',
          'missing_field',
          'impossible_value',
          'wrong_type',
          'bad_time',
        ]),
      );
      expect(types('P009').size).toBe(0); // its valid readings are normal
    });

    it('keeps the other beds normal all the time', () => {
      for (const p of ['P004', 'P006', 'P008', 'P010', 'P011', 'P012']) expect(of.get(p)).toBeUndefined();
    });

    it('shows alerts within two minutes of the start', () => {
      const first = Math.min(...alerts.map((a) => a.alertTime));
      expect(first - START).toBeLessThan(2 * MIN);
    });
  });

  it('spreads the default scenarios over a big ward (a pattern of 12 beds)', () => {
    const { sim } = run({ beds: 30 }, 0);
    expect(sim.beds[12]!.scenarios).toEqual(['glucose_spike']);
    expect(sim.beds[16]!.scenarios).toEqual(['deterioration']);
    expect(sim.beds.filter((b) => b.scenarios.length === 0).length).toBe(14);
  });

  it('runs custom scenarios on the beds asked for', () => {
    const { events } = run(
      { beds: 3, scenarios: [{ kind: 'signal_loss', bed: 2, firstAt: 60_000, every: 10 * MIN }] },
      3 * MIN,
    );
    const p2 = events.filter((e) => e.kind === 'reading' && e.reading.patientId === 'P002').map(eventTime);
    const gaps = p2.slice(1).map((t, i) => t - p2[i]!);
    const big = gaps.findIndex((g) => g > 30_000);
    expect(big).toBeGreaterThanOrEqual(0);
    expect(p2[big]! - START).toBeGreaterThanOrEqual(59_000);
    expect(p2[big]! - START).toBeLessThanOrEqual(61_000);
    expect(throughEngine(events).alerts.map((a) => a.patientId + ':' + a.alertType)).toEqual([
      'P002:signal_loss',
    ]);
  });

  it('skipTo leaves a gap: nothing in it, and every bed carries on right after it', () => {
    const sim = createWardSimulator({ startTime: START, beds: 12, seed: 4, timeZone: TZ });
    expect(sim.nextBatch(START + 10 * MIN).length).toBeGreaterThan(0);
    const resume = START + 8 * 60 * MIN;
    sim.skipTo(resume);
    expect(sim.producedUntil).toBe(resume);
    const after = sim.nextBatch(resume + 5 * MIN);
    expect(after.every((e) => eventTime(e) > resume)).toBe(true);
    // the ward is running again: every bed within its first second (P007 may be in a sensor drop-off)
    const firstByBed = new Map<string, number>();
    for (const e of after) {
      const id = e.kind === 'reading' ? e.reading.patientId : e.patientId;
      if (!firstByBed.has(id)) firstByBed.set(id, eventTime(e));
    }
    expect(firstByBed.size).toBe(12);
    for (const [id, t] of firstByBed) if (id !== 'P007') expect(t - resume).toBeLessThanOrEqual(1_200);
    // scenarios go on after the gap, and the readings still go through the engine without a refusal
    const { alerts } = throughEngine(after);
    expect(alerts.some((a) => a.alertType !== 'signal_loss')).toBe(true);
    // skipping backwards, or to where it already is, changes nothing
    sim.skipTo(resume);
    expect(sim.producedUntil).toBe(resume + 5 * MIN);
  });

  it('refuses impossible options', () => {
    expect(() => createWardSimulator({ startTime: START, beds: 0 })).toThrow(/beds/);
    expect(() => createWardSimulator({ startTime: START, rateHz: 0 })).toThrow(/rate/);
    expect(() =>
      createWardSimulator({ startTime: START, beds: 2, scenarios: [{ kind: 'tachycardia', bed: 3 }] }),
    ).toThrow(/bed 3/);
  });

  it('is cheap: a 1,000-bed ward generates far faster than real time', () => {
    const sim = createWardSimulator({ startTime: START, beds: 1000, seed: 5 });
    sim.nextBatch(START + 1000); // warm-up
    const t0 = performance.now();
    let n = 0;
    for (let t = START + 1000; t <= START + 61_000; t += 1000) n += sim.nextBatch(t).length;
    const ms = performance.now() - t0;
    expect(n).toBeGreaterThan(55_000);
    // ~60,000 readings: well under a second even on a loaded CI machine (typically ~50 ms)
    expect(ms).toBeLessThan(1500);
  });
});
