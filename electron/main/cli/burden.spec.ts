import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoSamplePath } from '../../../tests/support/demo-sample';
import { runCliCaptured } from '../../../tests/support/cli-run';
import { measureBurden } from './burden';

const OPTS = {
  timeZone: 'Europe/Berlin',
  signalLossMs: 30_000,
  closeAfterMs: 30_000,
  spo2DelayMs: 15_000,
  delayMs: 0,
};

async function* linesOf(text: string) {
  yield* text.split('\n');
}

const reading = (s: number, spo2: number, patient = 'P1') =>
  JSON.stringify({
    patient_id: patient,
    device_id: 'D1',
    measure_time: new Date(Date.UTC(2026, 11, 7, 3, 0, s)).toISOString(),
    heart_rate: 80,
    blood_oxygen: spo2,
    blood_glucose: 5.5,
  });

describe('nurse-station burden', () => {
  it('counts the demo sample: every alert, far fewer episodes, no more notifications than episodes', async () => {
    const r = await measureBurden(linesOf(readFileSync(demoSamplePath(), 'utf8')), OPTS);
    expect(r).toMatchObject({ beds: 3, rejected: 0, alerts: 167, episodes: 19 });
    expect(r.notifications).toBeLessThanOrEqual(r.episodes);
    expect(r.longestUrgentHoldMs).toBeLessThanOrEqual(15_000);
  });

  it('holds a 10-s SpO2 dip and announces a 20-s one, with the 15-s delay', async () => {
    const dip = (len: number) =>
      Array.from({ length: 120 }, (_, s) => reading(s, s >= 40 && s < 40 + len ? 85 : 97)).join('\n');
    const short = await measureBurden(linesOf(dip(10)), OPTS);
    expect(short).toMatchObject({ alerts: 1, episodes: 1, notifications: 0, suppressed: 1 });
    const long = await measureBurden(linesOf(dip(20)), OPTS);
    expect(long).toMatchObject({ episodes: 1, notifications: 1, suppressed: 0 });
    // without a delay both are announced
    expect(await measureBurden(linesOf(dip(10)), { ...OPTS, spo2DelayMs: 0 })).toMatchObject({
      notifications: 1,
    });
  });

  it('prints text or JSON, and refuses a missing file with one line', async () => {
    const text = await runCliCaptured(['burden', '--time-zone', 'Europe/Berlin', demoSamplePath()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^3 beds over .* h: \d+ readings \(0 rejected\)\nalerts +167 /);
    expect(text.stdout).toMatch(/episodes +19 /);
    const json = await runCliCaptured(['burden', '--json', '--time-zone', 'Europe/Berlin', demoSamplePath()]);
    expect(JSON.parse(json.stdout)).toMatchObject({ alerts: 167, episodes: 19 });
    const missing = await runCliCaptured(['burden', '/nonexistent/readings.jsonl']);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'nurse-station burden: cannot read /nonexistent/readings.jsonl: no such file\n',
    });
  });
});
