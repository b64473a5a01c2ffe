import type { ThresholdLimits } from '../../../../shared/domain/types';
import { systemClock } from '../../core/ports';
import { runVitalsSourceContract } from '../vitals-source.contract';
import { SimulatedVitalsSource } from './simulated-vitals-source';

runVitalsSourceContract('simulator + engine', async () => {
  const saved = new Map<string, ThresholdLimits>();
  const source = new SimulatedVitalsSource({
    clock: systemClock,
    beds: 0,
    timeZone: 'UTC',
    thresholds: { load: () => new Map(saved), save: (p, l) => saved.set(p, l) },
  });
  return {
    source,
    feed: async (readings) => {
      source.feed(readings);
    },
    cleanup: async () => undefined,
  };
});
