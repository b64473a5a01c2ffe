import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertLevel, AlertType } from '../domain/types';
import { Annunciator, MAX_URGENT_DELAY_MS, type AnnunciationPolicy } from './annunciation';
import type { Episode } from './episodes';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);
const SPO2_15S: AnnunciationPolicy = { delayMs: (type) => (type === 'blood_oxygen' ? 15_000 : 0) };
const LOW = new Set<AlertType>(['blood_oxygen']);
const NONE = new Set<AlertType>();

function episode(type: AlertType, level: AlertLevel = 1, patientId = 'P1'): Episode {
  return {
    episodeId: `ep-${patientId}-${type}`,
    patientId,
    alertType: type,
    openedAt: T0,
    lastAlertAt: T0,
    abnormalUntil: T0 + 30_000,
    alertIds: ['a1'],
    maxLevel: level,
    worstValue: null,
    closedAt: null,
    closeReason: null,
    acknowledgedAtLevel: null,
  };
}

describe('Annunciator', () => {
  it('holds an SpO2 dip shorter than its delay: no notification at all', () => {
    const a = new Annunciator(SPO2_15S);
    expect(a.opened(episode('blood_oxygen'), T0)).toEqual([]);
    expect(a.held()).toEqual(['ep-P1-blood_oxygen']);
    expect(a.reading('P1', T0 + 5_000, LOW)).toEqual([]);
    expect(a.reading('P1', T0 + 10_000, NONE)).toEqual([
      { kind: 'suppressed', episodeId: 'ep-P1-blood_oxygen', at: T0 + 10_000, reason: 'ended-before-delay' },
    ]);
    expect(a.tick(T0 + 60_000)).toEqual([]);
    expect(a.held()).toEqual([]);
  });

  it('announces a dip that lasts the delay, when it is due', () => {
    const a = new Annunciator(SPO2_15S);
    a.opened(episode('blood_oxygen'), T0);
    for (let t = 1_000; t < 15_000; t += 1_000) expect(a.reading('P1', T0 + t, LOW)).toEqual([]);
    expect(a.reading('P1', T0 + 15_000, LOW)).toEqual([
      { kind: 'notify', episodeId: 'ep-P1-blood_oxygen', at: T0 + 15_000, heldMs: 15_000 },
    ]);
  });

  it('announces at once what has no delay; other patients’ readings change nothing', () => {
    const a = new Annunciator(SPO2_15S);
    expect(a.opened(episode('heart_rate'), T0)).toEqual([
      { kind: 'notify', episodeId: 'ep-P1-heart_rate', at: T0, heldMs: 0 },
    ]);
    a.opened(episode('blood_oxygen'), T0);
    expect(a.reading('P2', T0 + 1_000, NONE)).toEqual([]);
    expect(a.held()).toHaveLength(1);
  });

  it('never holds a level-2 alert, a trend alert or a signal loss more than 15 s, whatever the delay', () => {
    const long: AnnunciationPolicy = { delayMs: () => 120_000 };
    for (const ep of [
      episode('blood_oxygen', 2),
      episode('multi_vital_signs_deterioration', 2),
      episode('signal_loss'),
    ]) {
      const a = new Annunciator(long);
      expect(a.opened(ep, T0)).toEqual([]);
      // a normal reading does not end a level-2 hold: the trend is what alarms
      expect(a.reading('P1', T0 + 1_000, NONE)).toEqual([]);
      expect(a.tick(T0 + MAX_URGENT_DELAY_MS - 1)).toEqual([]);
      expect(a.tick(T0 + MAX_URGENT_DELAY_MS)).toMatchObject([
        { kind: 'notify', heldMs: MAX_URGENT_DELAY_MS },
      ]);
    }
  });

  it('cuts the hold to 15 s when a held episode worsens to level 2', () => {
    const a = new Annunciator({ delayMs: () => 60_000 });
    const ep = episode('blood_oxygen');
    a.opened(ep, T0);
    expect(a.worsened(ep, T0 + 5_000)).toEqual([]); // still level 1
    ep.maxLevel = 2;
    expect(a.worsened(ep, T0 + 20_000)).toMatchObject([{ kind: 'notify', at: T0 + 20_000 }]);
  });

  it('announces a held episode when the data stops (no reading is no reason to stay quiet)', () => {
    const a = new Annunciator(SPO2_15S);
    a.opened(episode('blood_oxygen'), T0);
    expect(a.tick(T0 + 15_000)).toMatchObject([{ kind: 'notify', heldMs: 15_000 }]);
  });

  it('drops a held episode that closes before it is due', () => {
    const a = new Annunciator({ delayMs: () => 60_000 });
    const ep = episode('heart_rate');
    a.opened(ep, T0);
    expect(a.closed(ep, T0 + 40_000)).toMatchObject([{ kind: 'suppressed', reason: 'closed-before-delay' }]);
    expect(a.closed(ep, T0 + 41_000)).toEqual([]);
  });

  // One reading a second, a dip of any length: announced exactly when it lasted the delay, at the delay.
  it('announces a dip if and only if it lasts the delay, never later than due', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 30 }), (dipS, delayS) => {
        const a = new Annunciator({ delayMs: () => delayS * 1000 });
        const out = [...a.opened(episode('blood_oxygen'), T0)];
        for (let s = 1; s <= 90; s++) {
          out.push(...a.reading('P1', T0 + s * 1000, s < dipS ? LOW : NONE));
          out.push(...a.tick(T0 + s * 1000));
        }
        const notified = out.filter((x) => x.kind === 'notify');
        expect(notified.length).toBe(dipS >= delayS ? 1 : 0);
        for (const n of notified) expect(n.at).toBe(T0 + delayS * 1000);
        expect(out).toHaveLength(1);
      }),
    );
  });
});
