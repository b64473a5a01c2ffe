import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, BedSnapshot, ThresholdLimits } from '../../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../../shared/domain/types';
import { AlertEngine } from '../../../../shared/engine/alert-engine';
import { buildIdentifierRule } from '../../../../shared/domain/identifiers';
import { HOSTILE_IDS } from '../../../../tests/support/hostile-ids';
import { FakeClock } from '../../core/fake-clock';
import { SimulatedVitalsSource, SLICE_READINGS_BUDGET } from './simulated-vitals-source';

const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);

function source(over: Partial<ConstructorParameters<typeof SimulatedVitalsSource>[0]> = {}) {
  const clock = new FakeClock(T0);
  const src = new SimulatedVitalsSource({ clock, timeZone: 'UTC', beds: 12, seed: 7, ...over });
  const alerts: Alert[] = [];
  const bedUpdates: BedSnapshot[][] = [];
  src.onAlerts((a) => alerts.push(...a));
  src.onBeds((b) => bedUpdates.push(b));
  return { clock, src, alerts, bedUpdates };
}

describe('SimulatedVitalsSource', () => {
  it('runs a live ward: beds update about once a second, alerts arrive, garbage is counted', async () => {
    const { clock, src, alerts, bedUpdates } = source();
    await src.start();
    clock.advance(5 * 60_000);
    const beds = await src.beds();
    expect(beds).toHaveLength(12);
    expect(beds.every((b) => b.latest !== null)).toBe(true);
    expect(beds[0]!.spark.heartRate.length).toBeGreaterThan(10);
    expect(bedUpdates.length).toBeGreaterThan(100);
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(alerts.length);
    expect(src.rejects().total).toBeGreaterThan(0);
    expect(src.rejects().byDevice[0]!.lastReason).not.toBe('');
    await src.stop();
    expect(clock.pending()).toBe(0);
  });

  it('fills history at start when asked (warm-up) and serves 1-minute trends', async () => {
    const { src, alerts } = source({ warmupMs: 15 * 60_000 });
    await src.start();
    expect(alerts.length).toBeGreaterThan(0);
    const trend = await src.trend('P001', T0 - 15 * 60_000, T0 + 1);
    expect(trend.length).toBeGreaterThanOrEqual(14);
    const p = trend[0]!;
    expect(p.heartRate.min).toBeLessThanOrEqual(p.heartRate.avg);
    expect(p.heartRate.avg).toBeLessThanOrEqual(p.heartRate.max);
    await src.stop();
  });

  it('can warm up in the background: start returns at once, beds wait until the history is done', async () => {
    const blocking = source({ warmupMs: 15 * 60_000 });
    await blocking.src.start();
    const { clock, src, alerts, bedUpdates } = source({ warmupMs: 15 * 60_000, warmupInBackground: true });
    await src.start();
    // nothing published as live yet: every bed is waiting, whatever the first slice simulated
    expect((await src.beds()).every((b) => b.state === 'waiting' && b.latest === null)).toBe(true);
    expect(bedUpdates).toHaveLength(0);
    expect(alerts).toHaveLength(0); // held until caught up, then sent as one batch
    expect(clock.pending()).toBe(0);
    await src.whenWarm();
    // the same history as a warm-up within start(), then one update with every bed, then live ticks
    expect(alerts.filter((a) => a.alertType !== 'signal_loss').map((a) => a.alertId)).toEqual(
      blocking.alerts.filter((a) => a.alertType !== 'signal_loss').map((a) => a.alertId),
    );
    expect(bedUpdates).toHaveLength(1);
    expect(bedUpdates[0]).toHaveLength(12);
    expect(bedUpdates[0]!.every((b) => b.latest !== null && b.spark.heartRate.length === 30)).toBe(true);
    expect(await src.beds()).toEqual(await blocking.src.beds());
    const trend = await src.trend('P001', T0 - 15 * 60_000, T0 + 1);
    expect(trend.length).toBeGreaterThanOrEqual(14);
    expect(clock.pending()).toBe(1);
    clock.advance(5_000);
    expect(bedUpdates.length).toBeGreaterThan(1);
    await Promise.all([src.stop(), blocking.src.stop()]);
  });

  it('stops a background warm-up cleanly', async () => {
    const { clock, src, bedUpdates } = source({ warmupMs: 60 * 60_000, warmupInBackground: true });
    await src.start();
    await src.stop();
    await src.whenWarm();
    expect(bedUpdates).toHaveLength(0);
    expect(clock.pending()).toBe(0);
  });

  it('is reproducible for a seed', async () => {
    const a = source();
    const b = source();
    await a.src.start();
    await b.src.start();
    a.clock.advance(3 * 60_000);
    b.clock.advance(3 * 60_000);
    expect(a.alerts.map((x) => x.alertId)).toEqual(b.alerts.map((x) => x.alertId));
  });

  it('applies and persists per-patient thresholds', async () => {
    const saved = new Map<string, ThresholdLimits>();
    const { src, alerts } = source({
      beds: 0,
      thresholds: {
        load: () => new Map([['P001', { ...DEFAULT_THRESHOLDS, heartRateMax: 150 }]]),
        save: (p, l) => saved.set(p, l),
      },
    });
    await src.start();
    expect(await src.thresholds('P001')).toMatchObject({ heartRateMax: 150, custom: true });
    expect(await src.thresholds('P404')).toMatchObject({ heartRateMax: 120, custom: false });
    const reading = {
      patientId: 'P001',
      deviceId: 'D1',
      measureTime: T0,
      heartRate: 140,
      bloodOxygen: 97,
      bloodGlucose: 5,
    };
    src.feed([reading]);
    expect(alerts).toHaveLength(0);
    await src.updateThresholds('P001', { ...DEFAULT_THRESHOLDS });
    src.feed([{ ...reading, measureTime: T0 + 31_000 }]);
    expect(alerts.map((a) => a.alertDetail)).toEqual(['Heart rate too high: 140 bpm']);
    expect(saved.get('P001')).toEqual(DEFAULT_THRESHOLDS);
  });

  it('counts malformed device messages per device with a reason, never raising an alert', async () => {
    const { src, alerts } = source({ beds: 0 });
    await src.start();
    src.ingestRaw('{"patient_id": "P001", "device_id": "D9", "heart_rate": "fast"}');
    src.ingestRaw('not json at all');
    expect(alerts).toHaveLength(0);
    const summary = src.rejects();
    expect(summary.total).toBe(2);
    expect(summary.byDevice.find((d) => d.deviceId === 'D9')!.lastReason).toMatch(/heart_rate|measure_time/);
  });

  it('rejects device messages whose ids could spoof a patient, and counts each with its reason', async () => {
    const { src, alerts, bedUpdates } = source({ beds: 0 });
    await src.start();
    const line = (patient: unknown, device: unknown) =>
      JSON.stringify({
        patient_id: patient,
        device_id: device,
        measure_time: '2026-11-24 08:00:00.000',
        heart_rate: 180,
        blood_oxygen: 80,
        blood_glucose: 5,
      });
    for (const [, value] of HOSTILE_IDS) src.ingestRaw(line(value, 'D7'));
    for (const [, value] of HOSTILE_IDS) src.ingestRaw(line('P001', value));
    expect(alerts).toHaveLength(0);
    expect(bedUpdates).toHaveLength(0);
    expect(await src.beds()).toEqual([]);
    const summary = src.rejects();
    expect(summary.total).toBe(2 * HOSTILE_IDS.length);
    // a refused device id is never used as the device's name in the list
    expect(summary.byDevice.map((d) => d.deviceId).sort()).toEqual(['D7', 'unknown']);
    const d7 = summary.byDevice.find((d) => d.deviceId === 'D7')!;
    expect(d7.count).toBe(HOSTILE_IDS.length);
    expect(d7.lastReason).toMatch(/^patient_id /);
    for (const d of summary.byDevice) expect(d.lastReason).toMatch(/^[\x20-\x7e–…]*$/);
  });

  it("takes the hospital's identifier pattern for device messages", async () => {
    const { src } = source({ beds: 0, identifiers: buildIdentifierRule('^(?:MRN[0-9]{6}|D[0-9]{3})$') });
    await src.start();
    const msg = (patient: string) =>
      `{"patient_id": "${patient}", "device_id": "D003", "measure_time": "2026-11-24 08:00:00.000", "heart_rate": 80, "blood_oxygen": 97, "blood_glucose": 5}`;
    src.ingestRaw(msg('MRN123456'));
    src.ingestRaw(msg('P001'));
    src.ingestRaw(msg('MRN\\u202e123456'));
    expect((await src.beds()).map((b) => b.patientId)).toEqual(['MRN123456']);
    expect(src.rejects().total).toBe(2);
    expect(src.rejects().byDevice[0]!.lastReason).toMatch(/bidirectional control character U\+202E/);
  });

  it('marks a silent bed as signal loss', async () => {
    const { clock, src, alerts } = source({ beds: 0 });
    await src.start();
    src.feed([
      { patientId: 'P001', deviceId: 'D1', measureTime: T0, heartRate: 80, bloodOxygen: 97, bloodGlucose: 5 },
    ]);
    clock.advance(40_000);
    src.feed([], T0 + 40_000);
    expect(alerts.map((a) => a.alertType)).toEqual(['signal_loss']);
    expect((await src.beds())[0]!.state).toBe('signal_loss');
  });
});

describe('SimulatedVitalsSource after a suspend (the clock jumps ahead)', () => {
  const HOUR = 3_600_000;
  const WINDOW = 15 * 60_000;

  /** Counts the readings the engine took between two turns of the event loop the catch-up yielded. */
  function turnCounter() {
    const ingest = vi.spyOn(AlertEngine.prototype, 'ingest');
    const perTurn: number[] = [];
    let last = 0;
    return {
      yieldTurn: async () => {
        perTurn.push(ingest.mock.calls.length - last);
        last = ingest.mock.calls.length;
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      /** the readings per turn since reset() (the current turn included), and their total */
      finish() {
        perTurn.push(ingest.mock.calls.length - last);
        const total = ingest.mock.calls.length;
        ingest.mockRestore();
        return { perTurn, total };
      },
      /** counts from here */
      reset() {
        ingest.mockClear();
        perTurn.length = 0;
        last = 0;
      },
    };
  }

  afterEach(() => vi.restoreAllMocks());

  it('8 hours: catches up on the last 15 minutes in slices of bounded work, leaving the rest a gap', async () => {
    const turns = turnCounter();
    const log = vi.fn();
    const beds = 60;
    const { clock, src, alerts, bedUpdates } = source({ beds, yieldTurn: turns.yieldTurn, log });
    await src.start();
    clock.advance(2 * 60_000);
    const bucketsBefore = src.trendBuckets();
    const alertsBefore = alerts.length;
    const updatesBefore = bedUpdates.length;
    const lastLive = clock.now();
    const batches: Alert[][] = [];
    src.onAlerts((a) => batches.push(a));

    turns.reset();
    clock.stepWall(8 * HOUR); // wall time jumps, timers do not: a PC that slept
    clock.advance(250); // the next tick notices
    const resume = clock.now();
    // every bed is shown waiting at once: no hours-old reading passes for a live one
    const waiting = bedUpdates[updatesBefore]!;
    expect(waiting).toHaveLength(beds);
    expect(waiting.every((b) => b.state === 'waiting' && b.latest === null)).toBe(true);
    expect((await src.beds()).every((b) => b.state === 'waiting')).toBe(true);
    expect(clock.pending()).toBe(0); // no live tick while catching up

    await src.refresh(); // joins the catch-up under way
    const { perTurn, total } = turns.finish();

    // no turn of the event loop did more than the budget of simulated work
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(SLICE_READINGS_BUDGET);
    expect(perTurn.length).toBeGreaterThanOrEqual(Math.floor((beds * WINDOW) / 1000 / SLICE_READINGS_BUDGET));
    // ...and only the last 15 minutes of the 8 hours were simulated (1 reading a second a bed)
    expect(total).toBeLessThanOrEqual((beds * (WINDOW + 1_000)) / 1000);
    expect(total).toBeGreaterThan((beds * (WINDOW - 60_000)) / 1000);

    // memory: 15 more 1-minute buckets a bed, not 480; the 8 hours are a gap in the trend
    expect(src.trendBuckets() - bucketsBefore).toBeLessThanOrEqual(beds * 17);
    const trend = await src.trend('P001', lastLive - HOUR, resume + 1);
    expect(trend.filter((p) => p.t > lastLive + 60_000 && p.t < resume - WINDOW - 60_000)).toEqual([]);
    expect(trend.filter((p) => p.t + 60_000 > resume - WINDOW).length).toBeGreaterThanOrEqual(15);

    // no flood: the window's alerts, in one batch, none for the skipped hours, signal loss only where a
    // sensor really dropped off in the window (P007's scenario, every 12th bed)
    const after = alerts.slice(alertsBefore);
    expect(batches).toHaveLength(1);
    expect(after.every((a) => a.alertTime >= resume - WINDOW - 1_000)).toBe(true);
    const lossBeds = new Set(after.filter((a) => a.alertType === 'signal_loss').map((a) => a.patientId));
    for (const p of lossBeds) expect(['P007', 'P019', 'P031', 'P043', 'P055']).toContain(p);
    expect(after.length).toBeLessThan(beds * 4);

    // live again: one update with every bed and its current reading, then the ward ticks on
    const current = bedUpdates[updatesBefore + 1]!;
    expect(current).toHaveLength(beds);
    const fresh = current.filter((b) => (b.latest?.measureTime ?? 0) >= resume - 2_000);
    expect(fresh.length).toBeGreaterThanOrEqual(beds - lossBeds.size - 5);
    expect(current.every((b) => b.state !== 'waiting')).toBe(true);
    expect(clock.pending()).toBe(1);
    clock.advance(2_000);
    expect(bedUpdates.length).toBeGreaterThan(updatesBefore + 2);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(
      /8 h 0 min behind the clock.*last 15 min in slices, 7 h 45 min left as a gap/,
    );
    expect(log.mock.calls[0]![0]).not.toMatch(/P0\d\d/);
    await src.stop();
  });

  it('raises no alert at all for a quiet ward that slept 8 hours (no signal loss for the gap)', async () => {
    const { clock, src, alerts } = source({ scenarios: 'none' });
    await src.start();
    clock.advance(60_000);
    expect(alerts).toHaveLength(0);
    clock.stepWall(8 * HOUR);
    await src.refresh();
    clock.advance(60_000);
    expect(alerts).toHaveLength(0);
    expect((await src.beds()).every((b) => b.state === 'normal')).toBe(true);
    await src.stop();
  });

  it('refresh() catches up at once, without waiting for the tick; repeated calls share one catch-up', async () => {
    const log = vi.fn();
    const { clock, src, bedUpdates } = source({ log });
    await src.start();
    clock.advance(30_000);
    clock.stepWall(8 * HOUR);
    const first = src.refresh();
    const second = src.refresh();
    expect(second).toBe(first);
    await Promise.all([first, second, src.refresh()]);
    expect(log).toHaveBeenCalledTimes(1);
    const beds = await src.beds();
    expect(beds.filter((b) => (b.latest?.measureTime ?? 0) >= clock.now() - 2_000).length).toBeGreaterThan(6);
    // once live, a refresh is one ordinary tick, now
    const n = bedUpdates.length;
    clock.advance(100);
    await src.refresh();
    expect(bedUpdates.length).toBe(n + 1);
    expect(bedUpdates[n]!.every((b) => b.state !== 'waiting')).toBe(true);
    expect(clock.pending()).toBe(1);
    await src.stop();
    await src.refresh(); // stopped: nothing, no timer
    expect(clock.pending()).toBe(0);
  });

  it('a short gap is simulated whole (no gap in the trend); normal ticks never catch up', async () => {
    const log = vi.fn();
    const { clock, src, bedUpdates } = source({ log });
    await src.start();
    clock.advance(5_000);
    const live = bedUpdates.length;
    clock.advance(5 * 60_000); // ordinary ticks
    expect(log).not.toHaveBeenCalled();
    expect(
      bedUpdates
        .slice(live)
        .flat()
        .every((b) => b.state !== 'waiting'),
    ).toBe(true);
    const before = clock.now();
    clock.stepWall(10 * 60_000);
    await src.refresh();
    expect(log.mock.calls[0]![0]).toMatch(/10 min behind the clock.*last 10 min in slices$/);
    const trend = await src.trend('P002', before - 60_000, clock.now());
    expect(trend.length).toBeGreaterThanOrEqual(11); // every minute of the 10 there
    await src.stop();
  });

  it('stops cleanly in the middle of a catch-up', async () => {
    const { clock, src, bedUpdates } = source({ beds: 200 });
    await src.start();
    clock.stepWall(8 * HOUR);
    const catchUp = src.refresh();
    await src.stop();
    await catchUp;
    const n = bedUpdates.length;
    clock.advance(5_000);
    expect(bedUpdates.length).toBe(n);
    expect(clock.pending()).toBe(0);
  });
});
