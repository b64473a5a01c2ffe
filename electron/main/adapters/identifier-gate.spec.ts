import { describe, expect, it } from 'vitest';
import { buildIdentifierRule } from '../../../shared/domain/identifiers';
import { HOSTILE_IDS } from '../../../tests/support/hostile-ids';
import { createIdentifierGate, INVALID_DEVICE, NO_DEVICE } from './identifier-gate';

function gate(over: Partial<Parameters<typeof createIdentifierGate>[0]> = {}) {
  const logs: string[] = [];
  let t = 1_000;
  const g = createIdentifierGate({ source: 'RisingWave', log: (m) => logs.push(m), now: () => t, ...over });
  return { g, logs, advance: (ms: number) => (t += ms) };
}

describe('identifier gate', () => {
  it('passes valid rows without counting or logging anything', () => {
    const { g, logs } = gate();
    expect(g.screen({ what: 'alert', key: 'alert:1', patientId: 'P001', deviceId: 'D003' })).toBeNull();
    expect(
      g.screen({ what: 'alert', key: 'alert:2', patientId: 'P001', deviceId: null, deviceOptional: true }),
    ).toBeNull();
    expect(g.screen({ what: 'ward bed', key: 'bed:1', patientId: 'P001' })).toBeNull();
    expect(g.rejects()).toEqual({ total: 0, byDevice: [] });
    expect(g.version()).toBe(0);
    expect(logs).toEqual([]);
  });

  it('refuses every hostile id, counts each row once however often it is re-read, and names no bad device', () => {
    const { g } = gate();
    for (const [i, [, value]] of HOSTILE_IDS.entries()) {
      for (let reread = 0; reread < 3; reread++) {
        expect(
          g.screen({ what: 'alert', key: `alert:p${i}`, patientId: value, deviceId: 'D003' }),
        ).not.toBeNull();
        expect(
          g.screen({ what: 'alert', key: `alert:d${i}`, patientId: 'P001', deviceId: value }),
        ).not.toBeNull();
      }
    }
    const summary = g.rejects();
    expect(summary.total).toBe(2 * HOSTILE_IDS.length);
    const devices = Object.fromEntries(summary.byDevice.map((d) => [d.deviceId, d.count]));
    // null as a device id is "no device" when the column may be empty; here it may not
    expect(devices).toEqual({
      D003: HOSTILE_IDS.length,
      [INVALID_DEVICE]: HOSTILE_IDS.length - 1,
      [NO_DEVICE]: 1,
    });
    for (const d of summary.byDevice) {
      expect(d.lastReason).toMatch(/ — alert from RisingWave, not shown$/);
      expect(d.lastReason).toMatch(/^[\x20-\x7e–…—]*$/);
    }
  });

  it('logs one warning per distinct problem, without the id, then at most one per interval with a count', () => {
    const { g, logs, advance } = gate({ warnEveryMs: 60_000 });
    g.screen({ what: 'alert', key: 'a', patientId: 'P\u202E1gnp.exe', deviceId: 'D1' });
    g.screen({ what: 'alert', key: 'b', patientId: 'X\u202Eother', deviceId: 'D1' });
    g.screen({ what: 'alert', key: 'b', patientId: 'X\u202Eother', deviceId: 'D1' }); // a re-read: not counted
    g.screen({ what: 'alert', key: 'c', patientId: 'P001\u0000', deviceId: 'D1' });
    g.screen({ what: 'bed vitals', key: 'd', patientId: 'P\u202E2', deviceId: 'D1' });
    expect(logs).toEqual([
      'RisingWave: refused alert rows: patient_id contains a bidirectional control character; not shown, counted in the rejected messages',
      'RisingWave: refused alert rows: patient_id contains a control character; not shown, counted in the rejected messages',
      'RisingWave: refused bed vitals rows: patient_id contains a bidirectional control character; not shown, counted in the rejected messages',
    ]);
    advance(60_000);
    g.screen({ what: 'alert', key: 'e', patientId: 'Q\u202E', deviceId: 'D1' });
    expect(logs[3]).toBe(
      'RisingWave: refused alert rows: patient_id contains a bidirectional control character; not shown, counted in the rejected messages (and 1 more since the last warning)',
    );
    for (const line of logs) expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(g.rejects().total).toBe(5);
  });

  it('shares one tally between the gates of one rule instance, and only those', () => {
    const rule = buildIdentifierRule(null);
    const shared = buildIdentifierRule('^[A-Z0-9]{1,10}$');
    const a = createIdentifierGate({ rule: shared, source: 'RisingWave', log: () => undefined });
    const b = createIdentifierGate({ rule: shared, source: 'MySQL alert store', log: () => undefined });
    const other = createIdentifierGate({ rule, source: 'x', log: () => undefined });
    const own = createIdentifierGate({ source: 'y', log: () => undefined });
    a.screen({ what: 'alert', key: 'alert:1', patientId: 'p\u202E', deviceId: 'D1' });
    b.screen({ what: 'alert', key: 'alert:1', patientId: 'p\u202E', deviceId: 'D1' }); // the same alert
    b.screen({ what: 'alert', key: 'alert:2', patientId: 'P-1', deviceId: 'D1' });
    expect(a.rejects().total).toBe(2);
    expect(b.rejects()).toEqual(a.rejects());
    expect(a.version()).toBe(2);
    expect(other.rejects().total).toBe(0);
    expect(own.rejects().total).toBe(0);
  });
});
