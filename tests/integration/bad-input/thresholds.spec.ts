// Threshold edits that make no sense are refused through the contract (what the renderer and the web
// shell call), with a message that says which value is wrong, and nothing is changed or audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../../shared/domain/types';
import type { AuditEntry } from '../../../shared/ipc/contract';
import { DEMO_CHARGE, DEMO_NURSE } from '../../support/nurses';
import { report } from '../helpers/station-fixtures';
import { startTestStation, type TestStation } from '../helpers/station-host';

const good = {
  heartRateMin: 45,
  heartRateMax: 130,
  bloodOxygenMin: 90,
  bloodGlucoseMin: 3.5,
  bloodGlucoseMax: 9,
};

/** [label, limits, the message must mention this] */
const NONSENSE: [string, unknown, RegExp][] = [
  [
    'heart rate min > max',
    { ...good, heartRateMin: 140, heartRateMax: 60 },
    /heart rate minimum must be below its maximum/,
  ],
  [
    'heart rate min = max',
    { ...good, heartRateMin: 80, heartRateMax: 80 },
    /heart rate minimum must be below/,
  ],
  [
    'glucose min > max',
    { ...good, bloodGlucoseMin: 12, bloodGlucoseMax: 4 },
    /glucose minimum must be below its maximum/,
  ],
  ['negative heart rate', { ...good, heartRateMin: -10 }, /heartRateMin/],
  ['negative SpO2', { ...good, bloodOxygenMin: -1 }, /bloodOxygenMin/],
  ['SpO2 over 100 %', { ...good, bloodOxygenMin: 101 }, /bloodOxygenMin/],
  ['heart rate over 350', { ...good, heartRateMax: 1000 }, /heartRateMax/],
  ['glucose over 60', { ...good, bloodGlucoseMax: 600 }, /bloodGlucoseMax/],
  ['NaN', { ...good, heartRateMin: Number.NaN }, /heartRateMin/],
  ['Infinity', { ...good, heartRateMax: Infinity }, /heartRateMax/],
  ['-Infinity', { ...good, bloodGlucoseMin: -Infinity }, /bloodGlucoseMin/],
  ['numeric string', { ...good, heartRateMin: '50' }, /heartRateMin/],
  ['text', { ...good, bloodOxygenMin: 'ninety' }, /bloodOxygenMin/],
  ['empty string', { ...good, bloodGlucoseMax: '' }, /bloodGlucoseMax/],
  ['null', { ...good, heartRateMax: null }, /heartRateMax/],
  ['boolean', { ...good, heartRateMax: true }, /heartRateMax/],
  ['array', { ...good, heartRateMin: [50] }, /heartRateMin/],
  ['object', { ...good, heartRateMin: { value: 50 } }, /heartRateMin/],
  [
    'missing field',
    { heartRateMin: 50, heartRateMax: 120, bloodOxygenMin: 93, bloodGlucoseMin: 3.9 },
    /bloodGlucoseMax/,
  ],
  ['unknown field', { ...good, potassiumMin: 3 }, /potassiumMin|[Uu]nrecognized/],
  ['limits not an object', 'all of them', /limits/],
  ['limits missing', undefined, /limits/],
];

let station: TestStation;

beforeAll(async () => {
  station = await startTestStation({ beds: 4 });
  // thresholds are the charge nurse's to change (issue #18)
  await station.signIn(DEMO_CHARGE);
}, 60_000);

afterAll(async () => {
  await station?.close();
});

describe('Bad input: nonsensical threshold edits through the contract', () => {
  it.each(NONSENSE)('refuses %s with a message naming the problem', async (_label, limits, mention) => {
    const request = limits === undefined ? { patientId: 'P001' } : { patientId: 'P001', limits };
    const r = await station.call('thresholds:update', request);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_request');
      expect(r.error.message).toMatch(mention);
      expect(r.error.message.length).toBeLessThan(300);
    }
  });

  it('changed nothing: thresholds are still the defaults and the audit is empty', async () => {
    const r = await station.call<Thresholds>('thresholds:get', { patientId: 'P001' });
    expect(r).toEqual({ ok: true, value: { patientId: 'P001', ...DEFAULT_THRESHOLDS, custom: false } });
    const audit = await station.call<AuditEntry[]>('audit:list', { kind: 'thresholds', limit: 100 });
    expect(audit).toEqual({ ok: true, value: [] });
    const db = new BetterSqlite3(join(station.dataDir, 'station.sqlite'), { readonly: true });
    const custom = (db.prepare('SELECT COUNT(*) AS n FROM patient_thresholds').get() as { n: number }).n;
    db.close();
    expect(custom).toBe(0);
  });

  it('accepts a sensible edit, and the charge nurse must be signed in to make one', async () => {
    const ok = await station.call<Thresholds>('thresholds:update', { patientId: 'P001', limits: good });
    expect(ok).toEqual({ ok: true, value: { patientId: 'P001', ...good, custom: true } });
    const audit = await station.call<AuditEntry[]>('audit:list', { kind: 'thresholds', limit: 100 });
    expect(audit).toMatchObject({
      ok: true,
      value: [{ kind: 'thresholds', nurseId: DEMO_CHARGE.nurseId, nurse: DEMO_CHARGE.name }],
    });
    await station.call('session:sign-out', {});
    const anonymous = await station.call('thresholds:update', { patientId: 'P002', limits: good });
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await station.signIn(DEMO_NURSE); // a nurse, not the charge nurse
    const nurse = await station.call('thresholds:update', { patientId: 'P002', limits: good });
    expect(nurse).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const p2 = await station.call<Thresholds>('thresholds:get', { patientId: 'P002' });
    expect(p2).toMatchObject({ ok: true, value: { custom: false } });
    report('bad input thresholds', {
      nonsenseCases: NONSENSE.length,
      refused: NONSENSE.length,
      sensibleAccepted: 1,
    });
  });
});
