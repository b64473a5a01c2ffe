// Backend loss by a hung connection (half-open TCP): time from loss to the technical alarm.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/main/core/fake-clock';
import { createRisingWaveVitalsSource } from '../../../electron/main/adapters/risingwave/risingwave-vitals-source';
import { makeCore, Store } from './review-fixtures';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
async function tick(clock: FakeClock, ms: number, step = 10) {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

describe('RisingWave stops answering (hung queries)', () => {
  it.each([0, 10, 30, 60, 100, 200, 300])(
    'technical alarm within 5 s of the loss (loss %i ms after a poll)',
    async (offset) => {
      const clock = new FakeClock(T0);
      let hung = false;
      const pool = {
        on() {},
        async end() {},
        async query(sql: string) {
          await new Promise((r) => clock.setTimeout(() => r(undefined), 20)); // a real round trip
          if (hung)
            return new Promise((_, rej) =>
              clock.setTimeout(() => rej(new Error('Query read timeout')), 15_000),
            ); // pg query_timeout
          if (sql.startsWith('SELECT version()'))
            return Promise.resolve({ rows: [{ version: 'RisingWave v2.8.0' }] });
          if (sql.includes('patient_latest_vitals'))
            return Promise.resolve({
              rows: [
                {
                  patient_id: 'P001',
                  device_id: 'D1',
                  measure_time: new Date(clock.now()),
                  heart_rate: 80,
                  blood_oxygen: 98,
                  blood_glucose: 5,
                },
              ],
            });
          return Promise.resolve({ rows: [] });
        },
      };
      const src = createRisingWaveVitalsSource({
        host: 'rw',
        port: 4566,
        user: 'u',
        password: '',
        database: 'd',
        clock,
        createPool: () => pool as never,
        log: () => undefined,
      });
      const { core, shown } = await makeCore(new Store(), src as never, clock);
      const starting = core.start();
      await tick(clock, 5_000 + offset);
      await starting;
      hung = true;
      const lostAt = clock.monotonic();
      let alarmAt: number | null = null;
      for (let i = 0; i < 200 && alarmAt === null; i++) {
        await tick(clock, 50);
        if (shown.some((s) => s.key === 'backend:vitals')) alarmAt = clock.monotonic();
      }
      const stopping = core.stop();
      let stopped = false;
      void stopping.then(() => {
        stopped = true;
      });
      for (let i = 0; i < 400 && !stopped; i++) await tick(clock, 50);
      expect(alarmAt! - lostAt).toBeLessThanOrEqual(5_000);
    },
  );
});
