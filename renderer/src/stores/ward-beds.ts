// The beds of this station's ward as the backend holds them (ward_beds), for Settings' editor. The
// live tiles come from `ward:beds`; this is the configuration behind them.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { WardBed } from '../../../shared/domain/types';
import { errorText, getStationApi } from '../api/station-api';

export type BedSave = { ok: true } | { ok: false; message: string };

/** Same rule as the contract's ids (ward:assign-bed): checked here so the nurse sees it at once. */
const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function bedIdProblem(bedId: string): string | null {
  return ID_RE.test(bedId) ? null : 'A bed id is 1–64 letters, digits or _ . : - (no spaces).';
}

export function patientIdProblem(patientId: string): string | null {
  return patientId === '' || ID_RE.test(patientId)
    ? null
    : 'A patient id is 1–64 letters, digits or _ . : - (no spaces); leave it empty for an empty bed.';
}

export const useWardBedsStore = defineStore('ward-beds', () => {
  const api = getStationApi();
  const beds = ref<WardBed[]>([]);
  const loadError = ref<string | null>(null);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    const r = await api.invoke('ward:beds-config', {});
    loading.value = false;
    if (r.ok) {
      beds.value = r.value;
      loadError.value = null;
    } else {
      loadError.value = errorText(r.error);
    }
  }

  /** patientId '' empties the bed */
  async function assign(bedId: string, patientId: string): Promise<BedSave> {
    const bed = bedId.trim();
    const patient = patientId.trim();
    const problem = bedIdProblem(bed) ?? patientIdProblem(patient);
    if (problem) return { ok: false, message: problem };
    const r = await api.invoke('ward:assign-bed', { bedId: bed, patientId: patient === '' ? null : patient });
    if (!r.ok) return { ok: false, message: errorText(r.error) };
    beds.value = r.value;
    return { ok: true };
  }

  return { beds, loadError, loading, load, assign };
});
