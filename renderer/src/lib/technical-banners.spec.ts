import { describe, expect, it } from 'vitest';
import type { BackendHealth } from '../../../shared/domain/types';
import { lostFor, technicalBanners } from './technical-banners';

const h = (over: Partial<BackendHealth> & Pick<BackendHealth, 'backend' | 'adapter'>): BackendHealth => ({
  up: true,
  since: 1_000,
  message: null,
  ...over,
});

describe('technicalBanners', () => {
  it('nothing while every backend is up', () => {
    expect(
      technicalBanners([
        h({ backend: 'vitals', adapter: 'risingwave' }),
        h({ backend: 'alerts', adapter: 'mysql' }),
        h({ backend: 'cache', adapter: 'sqlite' }),
      ]),
    ).toEqual([]);
  });

  it('one technical banner per lost backend, vitals first, naming the product and what to do', () => {
    const banners = technicalBanners([
      h({ backend: 'alerts', adapter: 'mysql', up: false, since: 5_000, message: 'ECONNREFUSED' }),
      h({ backend: 'cache', adapter: 'sqlite', up: false }),
      h({ backend: 'vitals', adapter: 'risingwave', up: false, since: 4_000 }),
    ]);
    expect(banners.map((b) => b.testId)).toEqual(['vitals-down-banner', 'offline-banner']);
    expect(banners[0]).toMatchObject({
      headline: 'No connection to RisingWave (vital signs)',
      since: 4_000,
      message: null,
    });
    expect(banners[0]!.advice).toMatch(/new alerts may not reach this station.*call IT/i);
    expect(banners[1]).toMatchObject({
      headline: 'No connection to MySQL (alert record)',
      message: 'ECONNREFUSED',
    });
    expect(banners[1]!.advice).toMatch(/kept on this station/);
  });

  it('the simulator has no connection to lose', () => {
    const [b] = technicalBanners([h({ backend: 'vitals', adapter: 'simulator', up: false })]);
    expect(b!.headline).toBe('Live vitals unavailable');
  });
});

describe('lostFor', () => {
  it('counts up from the loss, never below zero', () => {
    expect(lostFor(0, 42_000)).toBe('for 42 s');
    expect(lostFor(0, 125_000)).toBe('for 2 min 05 s');
    expect(lostFor(10_000, 9_000)).toBe('for 0 s');
  });
});
