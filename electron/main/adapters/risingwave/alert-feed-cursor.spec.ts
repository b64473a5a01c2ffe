import { describe, expect, it } from 'vitest';
import { AlertFeedCursor } from './alert-feed-cursor';

const row = (alertId: string, alertTime: number) => ({ alertId, alertTime });

describe('AlertFeedCursor', () => {
  it('first reads the initial lookback, then the overlap behind the newest alert', () => {
    const c = new AlertFeedCursor({ overlapMs: 5_000, initialLookbackMs: 600_000 });
    expect(c.lowerBound(1_000_000)).toBe(400_000);
    c.accept([row('a', 900_000)], 1_000_000);
    expect(c.lowerBound(1_000_000)).toBe(895_000);
  });

  it('delivers each id once and in (alert_time, alert_id) order', () => {
    const c = new AlertFeedCursor({ overlapMs: 5_000, initialLookbackMs: 60_000 });
    expect(c.accept([row('b', 10), row('a', 10), row('c', 5)], 100).map((r) => r.alertId)).toEqual([
      'c',
      'a',
      'b',
    ]);
    expect(c.accept([row('a', 10), row('d', 8)], 100).map((r) => r.alertId)).toEqual(['d']);
  });

  it('never lets the window move back, and forgets only ids no later read can return', () => {
    const c = new AlertFeedCursor({ overlapMs: 5_000, initialLookbackMs: 60_000 });
    c.accept([row('a', 100_000), row('b', 90_000)], 100_000);
    expect(c.lowerBound(100_000)).toBe(95_000);
    expect(c.has('a')).toBe(true);
    expect(c.has('b')).toBe(false); // older than the window: out of reach, forgotten
    // a clock stepping back does not lower the bound (ids below it are forgotten)
    expect(c.lowerBound(50_000)).toBe(95_000);
    // a row below the bound is never delivered, since its id may have been forgotten
    expect(c.accept([row('b', 90_000)], 100_000)).toEqual([]);
  });

  it('does not let a device clock running ahead push the window past everyone else', () => {
    const c = new AlertFeedCursor({ overlapMs: 5_000, initialLookbackMs: 60_000 });
    const now = 1_000_000;
    c.accept([row('future', now + 3_600_000)], now);
    expect(c.lowerBound(now)).toBe(now - 5_000);
    expect(c.accept([row('normal', now - 1_000)], now).map((r) => r.alertId)).toEqual(['normal']);
    // the future row stays remembered while reads can still return it
    expect(c.accept([row('future', now + 3_600_000)], now + 1_000)).toEqual([]);
  });

  it('caps its memory', () => {
    const c = new AlertFeedCursor({ overlapMs: 1_000_000, initialLookbackMs: 1_000_000, maxRemembered: 100 });
    c.accept(
      Array.from({ length: 250 }, (_, i) => row(`id${i}`, 500_000 + i)),
      600_000,
    );
    expect(c.remembered).toBe(100);
    expect(c.has('id249')).toBe(true);
    expect(c.has('id0')).toBe(false);
  });
});
