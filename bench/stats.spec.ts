import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatMs,
  median,
  percentile,
  percentileOfSorted,
  ratio,
  roundSummary,
  summarize,
} from './stats';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile', () => {
  it('interpolates linearly between closest ranks (NumPy type 7)', () => {
    expect(percentile(oneToHundred, 50)).toBeCloseTo(50.5, 10);
    expect(percentile(oneToHundred, 99)).toBeCloseTo(99.01, 10);
    expect(percentile(oneToHundred, 95)).toBeCloseTo(95.05, 10);
    expect(percentile([10, 20], 25)).toBeCloseTo(12.5, 10);
  });

  it('gives the minimum at 0 and the maximum at 100', () => {
    expect(percentile([5, 1, 9, 3], 0)).toBe(1);
    expect(percentile([5, 1, 9, 3], 100)).toBe(9);
  });

  it('sorts numerically, not as strings, and leaves the input alone', () => {
    const input = [100, 9, 25, 3];
    expect(percentile(input, 50)).toBe(17);
    expect(input).toEqual([100, 9, 25, 3]);
  });

  it('returns the only sample for every p, and NaN for no samples', () => {
    for (const p of [0, 1, 50, 99, 100]) expect(percentile([7.5], p)).toBe(7.5);
    expect(percentile([], 50)).toBeNaN();
  });

  it('refuses a p outside 0..100 and NaN samples', () => {
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(RangeError);
  });

  it('agrees with the sorted variant', () => {
    const values = [0.3, 12, 4.4, 4.4, 99, 0.01, 7];
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [0, 10, 33, 50, 90, 99, 100]) {
      expect(percentile(values, p)).toBeCloseTo(percentileOfSorted(sorted, p), 12);
    }
  });

  it('median of an odd count is the middle sample', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('summarize', () => {
  it('summarizes 1..100', () => {
    const s = summarize(oneToHundred);
    expect(s.n).toBe(100);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
    expect(s.mean).toBeCloseTo(50.5, 10);
    expect(s.p50).toBeCloseTo(50.5, 10);
    expect(s.p90).toBeCloseTo(90.1, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
  });

  it('is all NaN but n for no samples, and rejects NaN samples', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(s.p50).toBeNaN();
    expect(() => summarize([1, Number.NaN])).toThrow(RangeError);
  });

  it('rounds for JSON without touching NaN', () => {
    const r = roundSummary({
      n: 2,
      min: 1.23456,
      p50: 2.5,
      p90: 3,
      p95: 3,
      p99: Number.NaN,
      max: 4,
      mean: 2,
    });
    expect(r.min).toBe(1.235);
    expect(r.p99).toBeNaN();
  });
});

describe('ratio and formatting', () => {
  it('ratio is NaN when undefined', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
  });

  it('formats milliseconds with sensible precision', () => {
    expect(formatMs(0.0421)).toBe('0.042');
    expect(formatMs(3.14159)).toBe('3.14');
    expect(formatMs(42.26)).toBe('42.3');
    expect(formatMs(1234.5)).toBe('1,235');
    expect(formatMs(Number.NaN)).toBe('–');
  });

  it('formats counts', () => {
    expect(formatCount(1_234_567)).toBe('1.23 M');
    expect(formatCount(45_678)).toBe('45.7 k');
    expect(formatCount(950)).toBe('950');
  });
});
