import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertType, Reading, ThresholdLimits } from '../domain/types';
import { DEFAULT_THRESHOLDS } from '../domain/types';
import { AlertEngine } from './alert-engine';
import type { IngestOutcome } from './alert-engine';
import { md5Hex } from './md5';
import { parseReading } from './parse-reading';
import { demoSamplePath } from '../../tests/support/demo-sample';

const T0 = Date.parse('2026-11-20T08:00:00Z'); // aligned to 30 s and to 10 min
const S = 1000;

function reading(over: Partial<Reading> = {}): Reading {
  return {
    patientId: 'P1',
    deviceId: 'D1',
    measureTime: T0,
    heartRate: 80,
    bloodOxygen: 97,
    bloodGlucose: 5.5,
    ...over,
  };
}

function alertsOf(o: IngestOutcome): Alert[] {
  if (!o.accepted) throw new Error('rejected: ' + o.detail);
  return o.alerts;
}

const types = (alerts: Alert[]) => alerts.map((a) => a.alertType);

describe('level 1: every abnormal vital', () => {
  it('a value exactly on a limit is normal', () => {
    const e = new AlertEngine();
    const onLimits: Partial<Reading>[] = [
      { heartRate: 50 },
      { heartRate: 120 },
      { bloodOxygen: 93 },
      { bloodGlucose: 3.9 },
      { bloodGlucose: 7.2 },
    ];
    onLimits.forEach((v, i) => {
      expect(alertsOf(e.ingest(reading({ ...v, measureTime: T0 + i * 60 * S })))).toEqual([]);
    });
  });

  it('just past each limit raises an alert with the demo text', () => {
    const cases: [Partial<Reading>, AlertType, string][] = [
      [{ heartRate: 49 }, 'heart_rate', 'Heart rate too low: 49 bpm'],
      [{ heartRate: 121 }, 'heart_rate', 'Heart rate too high: 121 bpm'],
      [{ bloodOxygen: 92.9 }, 'blood_oxygen', 'Blood oxygen too low: 92.9%'],
      [{ bloodGlucose: 3.89 }, 'blood_glucose', 'Blood glucose too low: 3.89 mmol/L'],
      [{ bloodGlucose: 7.21 }, 'blood_glucose', 'Blood glucose too high: 7.21 mmol/L'],
    ];
    for (const [v, type, detail] of cases) {
      const alerts = alertsOf(new AlertEngine().ingest(reading(v)));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ alertType: type, alertDetail: detail, alertLevel: 1 });
    }
  });

  it('one reading with three abnormal vitals gives three alerts, fully formed', () => {
    const r = reading({ measureTime: T0 + 12_345, heartRate: 139, bloodOxygen: 90.5, bloodGlucose: 9.1 });
    const alerts = alertsOf(new AlertEngine().ingest(r));
    const bucketS = T0 / 1000;
    expect(alerts).toEqual([
      {
        alertId: md5Hex(`P1|heart_rate|${bucketS}`),
        patientId: 'P1',
        deviceId: 'D1',
        alertTime: T0 + 12_345,
        alertType: 'heart_rate',
        alertDetail: 'Heart rate too high: 139 bpm',
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: { heartRate: 139, bloodOxygen: 90.5, bloodGlucose: 9.1 },
      },
      expect.objectContaining({
        alertId: md5Hex(`P1|blood_oxygen|${bucketS}`),
        alertType: 'blood_oxygen',
        alertDetail: 'Blood oxygen too low: 90.5%',
      }),
      expect.objectContaining({
        alertId: md5Hex(`P1|blood_glucose|${bucketS}`),
        alertType: 'blood_glucose',
        alertDetail: 'Blood glucose too high: 9.1 mmol/L',
      }),
    ]);
  });

  it('custom thresholds override the defaults for that patient only; null restores the defaults', () => {
    const e = new AlertEngine();
    const custom: ThresholdLimits = { ...DEFAULT_THRESHOLDS, heartRateMax: 140, bloodOxygenMin: 88 };
    e.setThresholds('P1', custom);
    expect(e.thresholdsFor('P1')).toEqual({ patientId: 'P1', ...custom, custom: true });
    expect(e.thresholdsFor('P2')).toEqual({ patientId: 'P2', ...DEFAULT_THRESHOLDS, custom: false });

    expect(alertsOf(e.ingest(reading({ heartRate: 139, bloodOxygen: 90 })))).toEqual([]);
    expect(types(alertsOf(e.ingest(reading({ patientId: 'P2', heartRate: 139, bloodOxygen: 90 }))))).toEqual([
      'heart_rate',
      'blood_oxygen',
    ]);
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + S, heartRate: 141 })))[0]!.alertDetail).toBe(
      'Heart rate too high: 141 bpm',
    );

    e.setThresholds('P1', null);
    expect(e.thresholdsFor('P1').custom).toBe(false);
    expect(types(alertsOf(e.ingest(reading({ measureTime: T0 + 60 * S, heartRate: 139 }))))).toEqual([
      'heart_rate',
    ]);
  });

  it('a patient never configured alerts on the defaults (the demo never did)', () => {
    expect(types(alertsOf(new AlertEngine().ingest(reading({ patientId: 'NEW', bloodGlucose: 9 }))))).toEqual(
      ['blood_glucose'],
    );
  });

  it('rejects nonsensical limits', () => {
    const e = new AlertEngine();
    expect(() => e.setThresholds('P1', { ...DEFAULT_THRESHOLDS, heartRateMin: NaN })).toThrow(RangeError);
    expect(() => e.setThresholds('P1', { ...DEFAULT_THRESHOLDS, heartRateMin: 130 })).toThrow(
      /minimum is above/,
    );
    expect(() => new AlertEngine({ signalLossMs: 0 })).toThrow(RangeError);
    expect(() => new AlertEngine({ lateToleranceMs: -1 })).toThrow(RangeError);
  });
});

describe('dedup: one alert per (patient, type, 30-s bucket)', () => {
  it('…:29.999 and …:30.000 are different buckets', () => {
    const e = new AlertEngine();
    const a = alertsOf(e.ingest(reading({ measureTime: T0 + 29_999, heartRate: 130 })));
    const b = alertsOf(e.ingest(reading({ measureTime: T0 + 30_000, heartRate: 130 })));
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]!.alertId).toBe(md5Hex(`P1|heart_rate|${T0 / 1000}`));
    expect(b[0]!.alertId).toBe(md5Hex(`P1|heart_rate|${T0 / 1000 + 30}`));
  });

  it('the first reading of a bucket wins; later ones in it are silent; the next bucket alerts again', () => {
    const e = new AlertEngine();
    const first = alertsOf(e.ingest(reading({ measureTime: T0, heartRate: 130 })));
    expect(first[0]!.alertTime).toBe(T0);
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 10 * S, heartRate: 150 })))).toEqual([]);
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 29_999, heartRate: 40 })))).toEqual([]);
    const next = alertsOf(e.ingest(reading({ measureTime: T0 + 30 * S, heartRate: 131 })));
    expect(next.map((a) => [a.alertTime, a.alertDetail])).toEqual([
      [T0 + 30 * S, 'Heart rate too high: 131 bpm'],
    ]);
  });

  it('dedup is per type: a new type in the same bucket still alerts', () => {
    const e = new AlertEngine();
    expect(types(alertsOf(e.ingest(reading({ heartRate: 130 }))))).toEqual(['heart_rate']);
    expect(
      types(alertsOf(e.ingest(reading({ measureTime: T0 + S, heartRate: 130, bloodOxygen: 90 })))),
    ).toEqual(['blood_oxygen']);
    expect(
      types(
        alertsOf(
          e.ingest(reading({ measureTime: T0 + 2 * S, heartRate: 130, bloodOxygen: 90, bloodGlucose: 2 })),
        ),
      ),
    ).toEqual(['blood_glucose']);
  });

  it('dedup is per patient', () => {
    const e = new AlertEngine();
    expect(alertsOf(e.ingest(reading({ heartRate: 130 })))).toHaveLength(1);
    expect(alertsOf(e.ingest(reading({ patientId: 'P2', heartRate: 130 })))).toHaveLength(1);
  });
});

describe('level 2: multi_vital_signs_deterioration', () => {
  // SpO2 limit lowered so these cases raise no level-1 SpO2 alerts
  const engine = () => {
    const e = new AlertEngine();
    for (const p of ['P1', 'P2'])
      e.setThresholds(p, { ...DEFAULT_THRESHOLDS, heartRateMax: 200, bloodOxygenMin: 50 });
    return e;
  };

  it('fires at the first reading where HR rose >= 20 and SpO2 fell >= 5 (both exactly on the bound)', () => {
    const e = engine();
    e.ingest(reading({ measureTime: T0 + 5 * S, heartRate: 80, bloodOxygen: 97 }));
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 60 * S, heartRate: 99, bloodOxygen: 92 })))).toEqual(
      [],
    );
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 61 * S, heartRate: 100, bloodOxygen: 92.1 }))),
    ).toEqual([]);
    const fired = alertsOf(
      e.ingest(reading({ measureTime: T0 + 62 * S, deviceId: 'D9', heartRate: 100, bloodOxygen: 92 })),
    );
    expect(fired).toEqual([
      {
        alertId: md5Hex(`P1|multi_vital_signs_deterioration|${T0 / 1000}`),
        patientId: 'P1',
        deviceId: 'D9',
        alertTime: T0 + 62 * S,
        alertType: 'multi_vital_signs_deterioration',
        alertDetail: 'Heart rate increased by 20 bpm and blood oxygen decreased by 5% in 10 minutes',
        alertLevel: 2,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: { heartRate: 100, bloodOxygen: 92, bloodGlucose: 5.5 },
      },
    ]);
  });

  it('fires only once per window, and again in the next window', () => {
    const e = engine();
    e.ingest(reading({ measureTime: T0, heartRate: 80, bloodOxygen: 97 }));
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 60 * S, heartRate: 104, bloodOxygen: 90.5 })))[0]!
        .alertDetail,
    ).toBe('Heart rate increased by 24 bpm and blood oxygen decreased by 6.5% in 10 minutes');
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 120 * S, heartRate: 130, bloodOxygen: 80 }))),
    ).toEqual([]);
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 599_999, heartRate: 140, bloodOxygen: 70 }))),
    ).toEqual([]);
    // next window: its own first reading, then a rise
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 600 * S, heartRate: 80, bloodOxygen: 97 }))),
    ).toEqual([]);
    const again = alertsOf(e.ingest(reading({ measureTime: T0 + 601 * S, heartRate: 101, bloodOxygen: 91 })));
    expect(again.map((a) => a.alertId)).toEqual([
      md5Hex(`P1|multi_vital_signs_deterioration|${T0 / 1000 + 600}`),
    ]);
  });

  it('a rise spanning two windows does not fire', () => {
    const e = engine();
    e.ingest(reading({ measureTime: T0 + 590 * S, heartRate: 80, bloodOxygen: 97 }));
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 600 * S, heartRate: 110, bloodOxygen: 90 }))),
    ).toEqual([]);
    expect(
      alertsOf(e.ingest(reading({ measureTime: T0 + 610 * S, heartRate: 115, bloodOxygen: 88 }))),
    ).toEqual([]);
    // against the new window's first reading (110 / 90) the condition holds later
    const fired = alertsOf(
      e.ingest(reading({ measureTime: T0 + 700 * S, heartRate: 130, bloodOxygen: 84.44 })),
    );
    expect(fired[0]!.alertDetail).toBe(
      'Heart rate increased by 20 bpm and blood oxygen decreased by 5.56% in 10 minutes',
    );
  });

  it('rounds the SpO2 drop, without float noise', () => {
    const e = engine();
    e.ingest(reading({ heartRate: 80, bloodOxygen: 96.56 }));
    const a = alertsOf(e.ingest(reading({ measureTime: T0 + S, heartRate: 100, bloodOxygen: 90.5 })));
    expect(a[0]!.alertDetail).toBe(
      'Heart rate increased by 20 bpm and blood oxygen decreased by 6.06% in 10 minutes',
    );
  });

  it('comes after the level-1 alerts of the same reading', () => {
    const e = new AlertEngine();
    e.ingest(reading({ heartRate: 110, bloodOxygen: 97 }));
    const a = alertsOf(e.ingest(reading({ measureTime: T0 + S, heartRate: 130, bloodOxygen: 91 })));
    expect(a.map((x) => [x.alertType, x.alertLevel])).toEqual([
      ['heart_rate', 1],
      ['blood_oxygen', 1],
      ['multi_vital_signs_deterioration', 2],
    ]);
  });

  it('a late reading within tolerance becomes the window’s first reading', () => {
    const e = engine();
    e.ingest(reading({ measureTime: T0 + 4 * S, heartRate: 90, bloodOxygen: 95 }));
    // arrives late (2 s older than the newest) and is the earliest of the window
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 2 * S, heartRate: 70, bloodOxygen: 98 })))).toEqual(
      [],
    );
    const a = alertsOf(e.ingest(reading({ measureTime: T0 + 10 * S, heartRate: 90, bloodOxygen: 93 })));
    expect(a[0]!.alertDetail).toBe(
      'Heart rate increased by 20 bpm and blood oxygen decreased by 5% in 10 minutes',
    );
  });
});

describe('signal loss', () => {
  it('raises once per episode after signalLossMs of silence and clears when data returns', () => {
    const e = new AlertEngine();
    expect(alertsOf(e.ingest(reading({ deviceId: 'D003', measureTime: T0 })))).toEqual([]);
    expect(e.tick(T0 + 29_999)).toEqual([]);
    expect(e.lostBeds()).toEqual([]);

    const raised = e.tick(T0 + 30_000);
    expect(raised).toEqual([
      {
        alertId: md5Hex(`P1|signal_loss|${(T0 + 30_000) / 1000}`),
        patientId: 'P1',
        deviceId: 'D003',
        alertTime: T0 + 30_000,
        alertType: 'signal_loss',
        alertDetail: 'No data from device D003 for 30 s',
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: null,
      },
    ]);
    expect(e.lostBeds()).toEqual(['P1']);
    expect(e.tick(T0 + 31_000)).toEqual([]);
    expect(e.tick(T0 + 600_000)).toEqual([]);

    const back = e.ingest(reading({ measureTime: T0 + 601 * S }));
    expect(back).toEqual({ accepted: true, alerts: [], cleared: true });
    expect(e.lostBeds()).toEqual([]);
    expect(e.ingest(reading({ measureTime: T0 + 602 * S }))).toEqual({
      accepted: true,
      alerts: [],
      cleared: false,
    });

    const second = e.tick(T0 + 632 * S + 400);
    expect(second).toHaveLength(1);
    expect(second[0]!.alertId).not.toBe(raised[0]!.alertId);
    expect(second[0]!.alertDetail).toBe('No data from device D1 for 30 s');
  });

  it('the id does not depend on the tick rhythm', () => {
    const a = new AlertEngine();
    const b = new AlertEngine();
    a.ingest(reading());
    b.ingest(reading());
    expect(a.tick(T0 + 30_000)[0]!.alertId).toBe(b.tick(T0 + 34_500)[0]!.alertId);
  });

  it('clearing is reported together with the alerts of the returning reading', () => {
    const e = new AlertEngine({ signalLossMs: 10_000 });
    e.ingest(reading());
    expect(e.tick(T0 + 10_000)).toHaveLength(1);
    const o = e.ingest(reading({ measureTime: T0 + 20_000, heartRate: 30 }));
    expect(o).toMatchObject({ accepted: true, cleared: true });
    expect(types(alertsOf(o))).toEqual(['heart_rate']);
  });

  it('beds that never sent anything are not lost; each bed is judged on its own', () => {
    const e = new AlertEngine();
    e.setThresholds('QUIET', DEFAULT_THRESHOLDS);
    e.ingest(reading({ patientId: 'A', measureTime: T0 }));
    e.ingest(reading({ patientId: 'B', measureTime: T0 + 20 * S }));
    expect(e.tick(T0 + 35 * S).map((a) => a.patientId)).toEqual(['A']);
    expect(e.tick(T0 + 50 * S).map((a) => a.patientId)).toEqual(['B']);
    expect(e.lostBeds()).toEqual(['A', 'B']);
  });

  it('honours signalLossMs', () => {
    const e = new AlertEngine({ signalLossMs: 5_000 });
    e.ingest(reading());
    expect(e.tick(T0 + 4_999)).toEqual([]);
    expect(e.tick(T0 + 5_000)[0]!.alertDetail).toBe('No data from device D1 for 5 s');
  });

  it('resumeAt: a stretch nobody listened to raises no signal loss; silence after it still does', () => {
    const e = new AlertEngine();
    e.ingest(reading({ patientId: 'A', measureTime: T0 }));
    e.ingest(reading({ patientId: 'B', measureTime: T0 }));
    e.ingest(reading({ patientId: 'L', measureTime: T0 - 60 * S }));
    expect(e.tick(T0).map((a) => a.patientId)).toEqual(['L']); // lost before the gap
    const resume = T0 + 8 * 3600 * S;
    e.resumeAt(resume);
    // A speaks again right after the gap; B stays silent; nothing for the 8 hours themselves
    e.ingest(reading({ patientId: 'A', measureTime: resume + 1 * S }));
    expect(e.tick(resume + 29_999)).toEqual([]);
    const raised = e.tick(resume + 30_000);
    // B: silent for 30 s since the resume, with the id of that moment's bucket
    expect(raised.map((a) => [a.patientId, a.alertId, a.alertDetail])).toEqual([
      ['B', md5Hex(`B|signal_loss|${(resume + 30_000) / 1000}`), 'No data from device D1 for 30 s'],
    ]);
    expect(e.tick(resume + 31 * S).map((a) => a.patientId)).toEqual(['A']);
    // L is still lost (until it speaks), and not raised again
    expect(e.lostBeds().sort()).toEqual(['A', 'B', 'L']);
    // a reading from before the resume is late, as before
    expect(e.ingest(reading({ patientId: 'A', measureTime: resume - 10 * S }))).toMatchObject({
      accepted: false,
      reason: 'late',
    });
  });
});

describe('duplicates and late readings', () => {
  it('an exact repeat (patient, device, measure_time) is rejected as duplicate', () => {
    const e = new AlertEngine();
    expect(alertsOf(e.ingest(reading({ heartRate: 130 })))).toHaveLength(1);
    const dup = e.ingest(reading({ heartRate: 130 }));
    expect(dup).toMatchObject({ accepted: false, reason: 'duplicate' });
    expect(dup.accepted ? '' : dup.detail).toMatch(/already received/);
    // same time from another device is a different reading
    expect(e.ingest(reading({ deviceId: 'D2' })).accepted).toBe(true);
    // a repeat of a slightly older reading (within tolerance) is a duplicate too
    e.ingest(reading({ measureTime: T0 + 3 * S }));
    expect(e.ingest(reading({ measureTime: T0 }))).toMatchObject({ accepted: false, reason: 'duplicate' });
  });

  it('a reading older than newest − tolerance is late; exactly on the tolerance it is accepted', () => {
    const e = new AlertEngine();
    e.ingest(reading({ measureTime: T0 + 10 * S }));
    const late = e.ingest(reading({ measureTime: T0 + 4_999, heartRate: 130 }));
    expect(late).toEqual({
      accepted: false,
      reason: 'late',
      detail: 'reading of P1 is 5001 ms older than its newest one (tolerance 5000 ms)',
    });
    expect(e.ingest(reading({ measureTime: T0 + 5_000 })).accepted).toBe(true);
    // lateness is judged per patient
    expect(e.ingest(reading({ patientId: 'P2', measureTime: T0 })).accepted).toBe(true);
  });

  it('late readings within tolerance are processed, and dedup still holds across buckets', () => {
    const e = new AlertEngine();
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 28 * S, heartRate: 130 })))).toHaveLength(1);
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 31 * S, heartRate: 130 })))).toHaveLength(1);
    // back into the first bucket: already alerted there
    expect(alertsOf(e.ingest(reading({ measureTime: T0 + 29 * S, heartRate: 130 })))).toEqual([]);
    // back into the first bucket with a new type: alerts, with the first bucket's id
    const a = alertsOf(e.ingest(reading({ measureTime: T0 + 29_500, bloodGlucose: 2 })));
    expect(a.map((x) => x.alertId)).toEqual([md5Hex(`P1|blood_glucose|${T0 / 1000}`)]);
  });

  it('honours lateToleranceMs (0 = strictly in order)', () => {
    const e = new AlertEngine({ lateToleranceMs: 0 });
    e.ingest(reading({ measureTime: T0 + S }));
    expect(e.ingest(reading({ measureTime: T0 + 999 }))).toMatchObject({ accepted: false, reason: 'late' });
    expect(e.ingest(reading({ measureTime: T0 + S, deviceId: 'D2' })).accepted).toBe(true);
  });
});

describe('bounded memory', () => {
  it('keeps only the state the tolerance can still reach', () => {
    const e = new AlertEngine();
    for (let i = 0; i < 6 * 3600; i++) {
      e.ingest(
        reading({
          measureTime: T0 + i * S,
          heartRate: i % 7 === 0 ? 130 : 80,
          bloodGlucose: i % 11 === 0 ? 9 : 5,
        }),
      );
    }
    const state = (e as unknown as { patients: Map<string, Record<string, unknown[]>> }).patients.get('P1')!;
    expect(state.windows!.length).toBeLessThanOrEqual(2);
    expect(state.dedupBuckets!.length).toBeLessThanOrEqual(2);
    expect(state.recentTimes!.length).toBeLessThanOrEqual(7);
  });
});

describe('the demo sample file', () => {
  const lines = readFileSync(demoSamplePath(), 'utf8').split('\n').filter(Boolean);
  const run = () => {
    const e = new AlertEngine();
    const alerts: Alert[] = [];
    for (const line of lines) {
      const p = parseReading(line, { timeZone: 'Europe/Berlin' });
      if (!p.ok) throw new Error(p.reason);
      const o = e.ingest(p.reading);
      if (!o.accepted) throw new Error(o.detail);
      alerts.push(...o.alerts);
    }
    return alerts;
  };

  it('gives glucose alerts for P001, heart-rate for P002, SpO2 for P003 (and no other level-1 types)', () => {
    const alerts = run();
    const level1 = (p: string) => [
      ...new Set(alerts.filter((a) => a.patientId === p && a.alertLevel === 1).map((a) => a.alertType)),
    ];
    expect(level1('P001')).toEqual(['blood_glucose']);
    expect(level1('P002')).toEqual(['heart_rate']);
    expect(level1('P003')).toEqual(['blood_oxygen']);
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(alerts.length);
  });

  it('replays to the same alerts and ids', () => {
    expect(run()).toEqual(run());
  });
});

// ---- properties ---------------------------------------------------------------------------------

type Step = {
  patient: number;
  dt: number;
  jitter: number;
  hr: number;
  spo2: number;
  glucose: number;
  dup: boolean;
};
const stepArb: fc.Arbitrary<Step> = fc.record({
  patient: fc.integer({ min: 0, max: 3 }),
  dt: fc.integer({ min: 0, max: 20_000 }),
  jitter: fc.integer({ min: 0, max: 8_000 }),
  hr: fc.oneof(fc.integer({ min: 45, max: 125 }), fc.integer({ min: 0, max: 350 })),
  spo2: fc.oneof(fc.double({ min: 85, max: 100, noNaN: true }), fc.constantFrom(93, 92.99, 90.5)),
  glucose: fc.oneof(fc.double({ min: 3, max: 8, noNaN: true }), fc.constantFrom(3.9, 7.2, 7.21)),
  dup: fc.boolean(),
});

/** Turns steps into readings: a shared clock advancing by dt, each reading up to `jitter` ms behind it. */
function toReadings(steps: Step[], inOrder: boolean): Reading[] {
  let clock = T0;
  const out: Reading[] = [];
  const last = new Map<string, number>();
  for (const s of steps) {
    clock += s.dt;
    const patientId = 'P' + s.patient;
    let t = inOrder ? clock : clock - s.jitter;
    if (inOrder) t = Math.max(t, (last.get(patientId) ?? -1) + 1);
    last.set(patientId, Math.max(t, last.get(patientId) ?? t));
    const r = {
      patientId,
      deviceId: 'D' + s.patient,
      measureTime: t,
      heartRate: s.hr,
      bloodOxygen: s.spo2,
      bloodGlucose: s.glucose,
    };
    out.push(r);
    if (s.dup) out.push({ ...r });
  }
  return out;
}

const limitsFor = (p: string): ThresholdLimits =>
  p === 'P1'
    ? { heartRateMin: 60, heartRateMax: 100, bloodOxygenMin: 95, bloodGlucoseMin: 4, bloodGlucoseMax: 6 }
    : DEFAULT_THRESHOLDS;

function runEngine(readings: Reading[]) {
  const e = new AlertEngine();
  e.setThresholds('P1', limitsFor('P1'));
  const accepted: Reading[] = [];
  const alerts: Alert[] = [];
  for (const r of readings) {
    const o = e.ingest(r);
    if (o.accepted) {
      accepted.push(r);
      alerts.push(...o.alerts);
    }
  }
  return { accepted, alerts };
}

const abnormal = (r: Reading, type: AlertType): boolean => {
  const l = limitsFor(r.patientId);
  if (type === 'heart_rate') return r.heartRate < l.heartRateMin || r.heartRate > l.heartRateMax;
  if (type === 'blood_oxygen') return r.bloodOxygen < l.bloodOxygenMin;
  return r.bloodGlucose < l.bloodGlucoseMin || r.bloodGlucose > l.bloodGlucoseMax;
};
const VITALS: AlertType[] = ['heart_rate', 'blood_oxygen', 'blood_glucose'];
const bucketOf = (t: number) => Math.floor(t / 30_000) * 30_000;
const windowOf = (t: number) => Math.floor(t / 600_000) * 600_000;
const holds = (first: Reading, r: Reading) =>
  r.heartRate - first.heartRate >= 20 && first.bloodOxygen - r.bloodOxygen >= 5;

describe('properties', () => {
  it('replay is deterministic: same input, same alerts, same ids', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 150 }), fc.boolean(), (steps, inOrder) => {
        const readings = toReadings(steps, inOrder);
        expect(runEngine(readings)).toEqual(runEngine(readings.map((r) => ({ ...r }))));
      }),
      { numRuns: 200 },
    );
  });

  it('no level-1 alert without an abnormal value; exactly one per (patient, type, bucket) with one', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 150 }), fc.boolean(), (steps, inOrder) => {
        const { accepted, alerts } = runEngine(toReadings(steps, inOrder));
        const expected = new Set<string>();
        for (const r of accepted) {
          for (const type of VITALS)
            if (abnormal(r, type)) expected.add(`${r.patientId}|${type}|${bucketOf(r.measureTime)}`);
        }
        const got = alerts
          .filter((a) => a.alertLevel === 1)
          .map((a) => {
            const r = { ...a.reading!, patientId: a.patientId } as Reading;
            expect(abnormal(r, a.alertType), `${a.alertType} alert on a normal value`).toBe(true);
            expect(a.alertId).toBe(md5Hex(`${a.patientId}|${a.alertType}|${bucketOf(a.alertTime) / 1000}`));
            return `${a.patientId}|${a.alertType}|${bucketOf(a.alertTime)}`;
          });
        expect(got.length).toBe(new Set(got).size);
        expect(new Set(got)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('level 2 fires exactly where a reference model says, for in-order streams', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 200 }), (steps) => {
        const { accepted, alerts } = runEngine(toReadings(steps, true));
        const first = new Map<string, Reading>();
        const expected: string[] = [];
        for (const r of accepted) {
          const key = `${r.patientId}|${windowOf(r.measureTime)}`;
          const f = first.get(key);
          if (!f) first.set(key, r);
          else if (holds(f, r) && !expected.some((x) => x.startsWith(key + '|')))
            expected.push(`${key}|${r.measureTime}`);
        }
        const got = alerts
          .filter((a) => a.alertLevel === 2)
          .map((a) => `${a.patientId}|${windowOf(a.alertTime)}|${a.alertTime}`);
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('no level-2 alert without the condition against an earlier reading of its window (any order)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 200 }), (steps) => {
        const { accepted, alerts } = runEngine(toReadings(steps, false));
        for (const a of alerts.filter((x) => x.alertLevel === 2)) {
          const r = { ...a.reading!, patientId: a.patientId, measureTime: a.alertTime } as Reading;
          const ok = accepted.some(
            (q) =>
              q.patientId === a.patientId &&
              windowOf(q.measureTime) === windowOf(a.alertTime) &&
              q.measureTime <= a.alertTime &&
              holds(q, r),
          );
          expect(ok).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
