// One contract for every VitalsSource adapter (simulator + engine, RisingWave): the same readings
// must give the same beds, the same alerts (same deterministic ids), trends and thresholds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, Reading } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import { AlertEngine } from '../../../shared/engine/alert-engine';
import type { VitalsSource } from '../core/ports';

export interface VitalsHarness {
  source: VitalsSource;
  /** makes the readings visible to the source (engine, or the stand-in's tables) and lets it catch up */
  feed(readings: Reading[]): Promise<void>;
  /**
   * makes the readings visible to the source without letting it catch up (it would at its next poll);
   * absent where readings reach the source directly (the engine): then as feed()
   */
  stage?(readings: Reading[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** Readings a minute in the past, so every adapter's "recent" windows include them. */
export function contractReadings(now: number): Reading[] {
  const t0 = Math.floor((now - 90_000) / 30_000) * 30_000;
  const r = (patientId: string, dt: number, hr: number, spo2: number, glu: number): Reading => ({
    patientId,
    deviceId: `D-${patientId}`,
    measureTime: t0 + dt,
    heartRate: hr,
    bloodOxygen: spo2,
    bloodGlucose: glu,
  });
  return [
    r('C001', 0, 80, 97, 5.5),
    r('C002', 100, 80, 97, 5.5),
    r('C001', 1_000, 139, 90.5, 3.2), // three abnormal vitals: three alerts, and a deterioration
    r('C002', 1_100, 82, 97.1, 5.6),
    r('C001', 2_000, 140, 90, 3.1), // same bucket: deduplicated
    r('C002', 31_000, 125, 97, 5.6), // next bucket
  ];
}

export function runVitalsSourceContract(name: string, make: () => Promise<VitalsHarness>): void {
  describe(`VitalsSource contract: ${name}`, () => {
    let h: VitalsHarness;
    let delivered: Alert[];

    beforeEach(async () => {
      h = await make();
      delivered = [];
      h.source.onAlerts((alerts) => delivered.push(...alerts.filter((a) => a.alertType !== 'signal_loss')));
      await h.source.start();
    });
    afterEach(async () => {
      await h.source.stop();
      await h.cleanup();
    });

    it('delivers every alert once, with the engine rules and deterministic ids', async () => {
      const readings = contractReadings(Date.now());
      await h.feed(readings);
      const engine = new AlertEngine();
      const expected = readings.flatMap((r) => {
        const out = engine.ingest(r);
        return out.accepted ? out.alerts : [];
      });
      // C001: three abnormal vitals, and HR +59 / SpO2 −6.5 within the window (level 2); C002: one.
      expect(expected.map((a) => `${a.patientId}:${a.alertType}`).sort()).toEqual([
        'C001:blood_glucose',
        'C001:blood_oxygen',
        'C001:heart_rate',
        'C001:multi_vital_signs_deterioration',
        'C002:heart_rate',
      ]);
      const byId = (list: Alert[]) => [...list].sort((a, b) => a.alertId.localeCompare(b.alertId));
      expect(
        byId(delivered).map((a) => [a.alertId, a.patientId, a.alertType, a.alertLevel, a.alertDetail]),
      ).toEqual(
        byId(expected).map((a) => [a.alertId, a.patientId, a.alertType, a.alertLevel, a.alertDetail]),
      );
      await h.feed([]);
      expect(new Set(delivered.map((a) => a.alertId)).size).toBe(delivered.length);
    });

    it("shows each bed's latest reading", async () => {
      const readings = contractReadings(Date.now());
      await h.feed(readings);
      const beds = await h.source.beds();
      const c1 = beds.find((b) => b.patientId === 'C001');
      const c2 = beds.find((b) => b.patientId === 'C002');
      expect(c1?.latest).toMatchObject({ heartRate: 140, bloodOxygen: 90, bloodGlucose: 3.1 });
      expect(c2?.latest).toMatchObject({ heartRate: 125, measureTime: readings[5]!.measureTime });
      expect(c1?.deviceId).toBe('D-C001');
    });

    it('serves 1-minute trends with min/avg/max', async () => {
      const readings = contractReadings(Date.now());
      await h.feed(readings);
      const trend = await h.source.trend('C001', readings[0]!.measureTime - 120_000, Date.now() + 60_000);
      expect(trend.length).toBeGreaterThanOrEqual(1);
      const all = trend.flatMap((p) => [p.heartRate.min, p.heartRate.max]);
      expect(Math.min(...all)).toBe(80);
      expect(Math.max(...all)).toBe(140);
      for (const p of trend) expect(p.heartRate.min).toBeLessThanOrEqual(p.heartRate.avg);
    });

    it('gives ward defaults to patients without thresholds, and keeps custom ones', async () => {
      expect(await h.source.thresholds('C404')).toEqual({
        patientId: 'C404',
        ...DEFAULT_THRESHOLDS,
        custom: false,
      });
      const limits = { ...DEFAULT_THRESHOLDS, heartRateMax: 150 };
      expect(await h.source.updateThresholds('C001', limits)).toEqual({
        patientId: 'C001',
        ...limits,
        custom: true,
      });
      expect(await h.source.thresholds('C001')).toEqual({ patientId: 'C001', ...limits, custom: true });
    });

    it('refresh() (a wake) re-reads at once, coalesces overlapping calls and never rejects', async () => {
      const { refresh } = h.source;
      if (!refresh) return; // optional: an adapter without it waits for its next poll
      const readings = contractReadings(Date.now());
      await (h.stage ?? h.feed)(readings);
      const calls = [refresh.call(h.source), refresh.call(h.source)];
      await expect(Promise.all(calls)).resolves.toEqual([undefined, undefined]);
      const c1 = (await h.source.beds()).find((b) => b.patientId === 'C001');
      expect(c1?.latest).toMatchObject({ heartRate: 140, bloodOxygen: 90, bloodGlucose: 3.1 });
      expect(delivered.length).toBe(5);
      // again, and again after the source stopped: nothing delivered twice, nothing thrown
      await refresh.call(h.source);
      expect(new Set(delivered.map((a) => a.alertId)).size).toBe(5);
      await h.source.stop();
      await expect(refresh.call(h.source)).resolves.toBeUndefined();
    });

    it('reports its health', () => {
      const health = h.source.health();
      expect(health).toMatchObject({ backend: 'vitals', adapter: h.source.adapter, up: true });
    });
  });
}
