import { describe, expect, it } from 'vitest';
import type { Alert, BedSnapshot, ThresholdLimits } from '../../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../../shared/domain/types';
import { FakeClock } from '../../core/fake-clock';
import { SimulatedVitalsSource } from './simulated-vitals-source';

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
