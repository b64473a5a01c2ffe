import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../domain/types';
import { md5Hex } from './md5';
import {
  alertId,
  bloodGlucoseDetail,
  bloodOxygenDetail,
  bucketStart,
  formatNumber,
  heartRateDetail,
  trendDetail,
  trendWindowStart,
} from './rules';

describe('buckets and windows', () => {
  it('30-s buckets are aligned to the minute: …:29.999 and …:30.000 differ', () => {
    const t = Date.UTC(2026, 10, 20, 8, 0, 0);
    expect(bucketStart(t + 29_999)).toBe(t);
    expect(bucketStart(t + 30_000)).toBe(t + 30_000);
    expect(bucketStart(t + 59_999)).toBe(t + 30_000);
  });

  it('10-min windows are aligned to the epoch', () => {
    const t = Date.UTC(2026, 10, 20, 8, 0, 0);
    expect(trendWindowStart(t + 599_999)).toBe(t);
    expect(trendWindowStart(t + 600_000)).toBe(t + 600_000);
  });
});

describe('alertId', () => {
  it('is md5 of patient|type|bucket start in epoch seconds', () => {
    const bucket = Date.UTC(2026, 10, 20, 8, 0, 0);
    expect(alertId('P001', 'heart_rate', bucket)).toBe(md5Hex('P001|heart_rate|' + bucket / 1000));
    // 1795680000 s = 2026-11-26T08:00:00Z; value from PostgreSQL's md5()
    expect(alertId('P001', 'heart_rate', 1_795_680_000_000)).toBe('ab929617a698d17a12465aa95fde43d7');
  });
});

describe('formatNumber prints like float8::varchar', () => {
  it('shortest round-trip, no float noise', () => {
    expect(formatNumber(90.5)).toBe('90.5');
    expect(formatNumber(96.56 - 90.5)).toBe('6.060000000000002');
    expect(formatNumber(139)).toBe('139');
    expect(formatNumber(5)).toBe('5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(0.0001)).toBe('0.0001');
  });

  it('switches to PostgreSQL-style exponents below 1e-4 and from 1e15', () => {
    expect(formatNumber(0.00005)).toBe('5e-05');
    expect(formatNumber(1.5e-7)).toBe('1.5e-07');
    expect(formatNumber(1e15)).toBe('1e+15');
    expect(formatNumber(1.25e21)).toBe('1.25e+21');
  });
});

describe('detail texts (the demo wording)', () => {
  const l = DEFAULT_THRESHOLDS;
  it('level 1', () => {
    expect(heartRateDetail(139, l)).toBe('Heart rate too high: 139 bpm');
    expect(heartRateDetail(42, l)).toBe('Heart rate too low: 42 bpm');
    expect(bloodOxygenDetail(90.5)).toBe('Blood oxygen too low: 90.5%');
    expect(bloodGlucoseDetail(9.1, l)).toBe('Blood glucose too high: 9.1 mmol/L');
    expect(bloodGlucoseDetail(3.2, l)).toBe('Blood glucose too low: 3.2 mmol/L');
  });

  it('level 2 rounds the SpO2 drop to 2 decimals', () => {
    expect(trendDetail(80, 97, 104, 90.5)).toBe(
      'Heart rate increased by 24 bpm and blood oxygen decreased by 6.5% in 10 minutes',
    );
    expect(trendDetail(80, 96.56, 104, 90.5)).toContain('decreased by 6.06%');
  });
});
