// What only the charge nurse may change (thresholds, the roster, the ward's beds, the station's
// settings, the audit): locked for anyone else, with the reason in words. Never hidden silently.
import { computed } from 'vue';
import { useStationStore } from '../stores/station';

export const CHARGE_ONLY = 'Charge nurse only';

export function useChargeGate() {
  const station = useStationStore();
  const locked = computed(() => !station.isCharge);
  const reason = computed(() => {
    const n = station.nurse;
    if (!n) return 'Nobody is signed in on this screen: the charge nurse signs in to change this.';
    if (n.role !== 'charge')
      return `${n.name} is signed in as a nurse: the charge nurse signs in to change this.`;
    return null;
  });
  return { locked, reason };
}
