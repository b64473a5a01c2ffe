// Push path "live" (broker answers) but the sink delivers nothing / a just-moved patient: latency.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain/types';
import { FakeClock } from '../../../electron/main/core/fake-clock';
import {
  createRisingWaveVitalsSource,
  type AlertPush,
} from '../../../electron/main/adapters/risingwave/risingwave-vitals-source';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
type Row = Record<string, unknown>;

function world() {
  const alerts: Row[] = [];
  const beds: { bed_id: string; ward_id: string; patient_id: string }[] = [
    { bed_id: 'B1', ward_id: 'W1', patient_id: 'P001' },
  ];
  const pool = {
    on() {},
    async end() {},
    async query(sql: string, params: unknown[] = []) {
      if (sql.startsWith('SELECT version()')) return { rows: [{ version: 'RisingWave v2.8.0' }] };
      if (sql.includes('FROM ward_beds b LEFT JOIN')) {
        return {
          rows: beds
            .filter((b) => b.ward_id === params[0])
            .map((b) => ({
              ...b,
              device_id: 'D1',
              measure_time: new Date(clock.now() - 500),
              heart_rate: 80,
              blood_oxygen: 98,
              blood_glucose: 5,
            })),
        };
      }
      if (sql.includes('patient_vitals_1min')) return { rows: [] };
      if (sql.includes('FROM alerts')) {
        const ward = sql.includes('ward_beds')
          ? new Set(beds.filter((b) => b.ward_id === params[0]).map((b) => b.patient_id))
          : null;
        const from = Date.parse(String(ward ? params[1] : params[0]));
        return {
          rows: alerts.filter(
            (a) => (!ward || ward.has(a.patient_id as string)) && (a.alert_time as Date).getTime() >= from,
          ),
        };
      }
      return { rows: [] };
    },
  };
  const clock = new FakeClock(T0);
  return { alerts, beds, pool, clock };
}

function row(id: string, patient: string, t: number): Row {
  return {
    alert_id: id.padEnd(32, '0'),
    patient_id: patient,
    device_id: 'D1',
    alert_time: new Date(t),
    alert_type: 'heart_rate',
    alert_detail: 'x',
    alert_level: 1,
    heart_rate: 150,
    blood_oxygen: 98,
    blood_glucose: 5,
  };
}

async function tick(clock: FakeClock, ms: number) {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

function fakePush(): AlertPush & { deliver?: (a: Alert[]) => Promise<void> } {
  const listeners = new Set<(l: boolean) => void>();
  let live = false;
  return {
    start() {
      live = true;
      for (const l of listeners) l(true);
    },
    async stop() {
      live = false;
    },
    live: () => live,
    problem: () => null,
    onLiveChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

describe('push path live, sink silent (dead sink, wrong topic that exists, RisingWave sink paused)', () => {
  it('an alert in the view reaches the station within the 2-s safety-net poll', async () => {
    const w = world();
    const push = fakePush();
    const src = createRisingWaveVitalsSource({
      host: 'x',
      port: 1,
      user: 'u',
      password: '',
      database: 'd',
      clock: w.clock,
      wardId: 'W1',
      createPool: () => w.pool as never,
      createAlertPush: () => push,
      log: () => undefined,
    });
    const got: { id: string; at: number }[] = [];
    src.onAlerts((as) => {
      for (const a of as) got.push({ id: a.alertId, at: w.clock.now() });
    });
    await src.start();
    await tick(w.clock, 2_000); // catch-up poll done, push "live"
    const raisedAt = w.clock.now();
    w.alerts.push(row('a1', 'P001', raisedAt));
    await tick(w.clock, 12_000);
    await src.stop();
    const latency = got[0] ? got[0].at - raisedAt : null;
    expect(latency).not.toBeNull();
    expect(latency!).toBeLessThanOrEqual(2_000);
  });
});

describe('patient moved into the ward: pushed before the next ward read', () => {
  it('is read by the very next poll', async () => {
    const w = world();
    const push = fakePush();
    let deliver: (a: Alert[]) => Promise<void> = async () => undefined;
    const src = createRisingWaveVitalsSource({
      host: 'x',
      port: 1,
      user: 'u',
      password: '',
      database: 'd',
      clock: w.clock,
      wardId: 'W1',
      createPool: () => w.pool as never,
      createAlertPush: (d) => {
        deliver = d;
        return push;
      },
      log: () => undefined,
    });
    const got: { id: string; at: number }[] = [];
    src.onAlerts((as) => {
      for (const a of as) got.push({ id: a.alertId, at: w.clock.now() });
    });
    await src.start();
    await tick(w.clock, 2_000);
    w.beds.push({ bed_id: 'B2', ward_id: 'W1', patient_id: 'P777' }); // moved in (ward_beds write)
    const raisedAt = w.clock.now();
    const r = row('b1', 'P777', raisedAt);
    w.alerts.push(r);
    await deliver([
      {
        alertId: r.alert_id as string,
        patientId: 'P777',
        deviceId: 'D1',
        alertTime: raisedAt,
        alertType: 'heart_rate',
        alertDetail: 'x',
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: null,
      },
    ]);
    await tick(w.clock, 12_000);
    await src.stop();
    const latency = got.find((g) => g.id === r.alert_id)
      ? got.find((g) => g.id === r.alert_id)!.at - raisedAt
      : null;
    expect(latency).not.toBeNull();
    expect(latency!).toBeLessThanOrEqual(2_000);
  });
});
