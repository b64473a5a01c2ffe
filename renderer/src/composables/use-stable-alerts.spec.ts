import { describe, expect, it } from 'vitest';
import { computed, nextTick, shallowRef, watch } from 'vue';
import type { Alert } from '../../../shared/domain/types';
import { sameAlertIds, useStableAlerts } from './use-stable-alerts';

const alert = (alertId: string, status: Alert['status'] = 'pending'): Alert => ({
  alertId,
  patientId: 'P001',
  deviceId: 'D001',
  alertType: 'heart_rate',
  alertLevel: 1,
  alertTime: 60_000,
  alertDetail: 'heart rate 130',
  reading: { heartRate: 130, bloodOxygen: 97, bloodGlucose: 5.5 },
  status,
  handleBy: null,
  handleTime: null,
  handleNote: null,
});

describe('useStableAlerts', () => {
  it('keeps the same array, and so the same chart option, when only a status changed', async () => {
    const source = shallowRef([alert('a'), alert('b')]);
    const pins = useStableAlerts(() => source.value);
    let builds = 0;
    const option = computed(() => {
      builds++;
      return { pins: pins.value.map((a) => a.alertId) };
    });
    const first = option.value;
    let redraws = 0;
    watch(option, () => redraws++, { deep: true });

    source.value = [alert('a', 'confirmed'), alert('b')];
    await nextTick();
    expect(option.value).toBe(first);
    expect(redraws).toBe(0);
    expect(builds).toBe(1);

    source.value = [alert('a', 'resolved'), alert('c')];
    await nextTick();
    expect(option.value.pins).toEqual(['a', 'c']);
    expect(redraws).toBe(1);
  });

  it('compares ids in order', () => {
    expect(sameAlertIds([alert('a'), alert('b')], [alert('a'), alert('b', 'resolved')])).toBe(true);
    expect(sameAlertIds([alert('a'), alert('b')], [alert('b'), alert('a')])).toBe(false);
    expect(sameAlertIds([alert('a')], [alert('a'), alert('b')])).toBe(false);
    expect(sameAlertIds([], [])).toBe(true);
  });
});
