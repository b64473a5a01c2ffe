// One patient's page: trend over a chosen range, their alerts (live), and their thresholds.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { Alert, ThresholdLimits, Thresholds, TimeRange, TrendPoint } from '../../../shared/domain/types';
import { TIME_RANGE_MS } from '../../../shared/domain/types';
import { thresholdLimitsSchema } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';
import { zodFieldErrors, type FieldErrors } from '../lib/validation';
import { useStationStore } from './station';
import { limitsFrom, useWardStore } from './ward';

export type PatientRange = Extract<TimeRange, '1h' | '6h' | '24h' | '7d'>;
export const PATIENT_RANGES: readonly PatientRange[] = ['1h', '6h', '24h', '7d'];

export type ThresholdSave = { ok: true } | { ok: false; message: string; fields: FieldErrors };

export const usePatientStore = defineStore('patient', () => {
  const api = getStationApi();
  const ward = useWardStore();
  const station = useStationStore();

  const patientId = ref<string | null>(null);
  const range = ref<PatientRange>('1h');
  const trend = shallowRef<TrendPoint[]>([]);
  const alerts = shallowRef<Alert[]>([]);
  const thresholds = ref<Thresholds | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let token = 0;
  let refreshTimer: ReturnType<typeof setInterval> | null = null;
  const unsubscribers: (() => void)[] = [];

  async function loadTrend(t: number): Promise<void> {
    const id = patientId.value;
    if (!id) return;
    const to = Date.now();
    const from = to - TIME_RANGE_MS[range.value];
    const [tr, al] = await Promise.all([
      api.invoke('patients:trend', { patientId: id, from, to }),
      api.invoke('patients:alerts', { patientId: id, range: range.value }),
    ]);
    if (t !== token) return;
    if (tr.ok) trend.value = tr.value;
    if (al.ok) alerts.value = al.value;
    const failed = !tr.ok ? tr : !al.ok ? al : null;
    error.value = failed && !failed.ok ? errorText(failed.error) : null;
  }

  async function open(id: string): Promise<void> {
    const t = ++token;
    if (patientId.value !== id) {
      trend.value = [];
      alerts.value = [];
      thresholds.value = null;
    }
    patientId.value = id;
    loading.value = true;
    const th = api.invoke('thresholds:get', { patientId: id }).then((r) => {
      if (t === token && r.ok) thresholds.value = r.value;
    });
    await Promise.all([loadTrend(t), th]);
    if (t === token) loading.value = false;
    subscribe();
  }

  function setRange(r: PatientRange): void {
    range.value = r;
    const t = ++token;
    loading.value = true;
    void loadTrend(t).then(() => {
      if (t === token) loading.value = false;
    });
  }

  function onAlerts(incoming: Alert[]): void {
    const id = patientId.value;
    const mine = incoming.filter((a) => a.patientId === id);
    if (mine.length === 0) return;
    const byId = new Map(alerts.value.map((a) => [a.alertId, a]));
    for (const a of mine) byId.set(a.alertId, a);
    alerts.value = [...byId.values()].sort((a, b) => b.alertTime - a.alertTime);
  }

  function subscribe(): void {
    if (unsubscribers.length > 0) return;
    unsubscribers.push(api.on('alerts:new', onAlerts), api.on('alerts:changed', onAlerts));
    // Trend buckets are one minute wide: refreshing twice a minute keeps the chart current.
    refreshTimer = setInterval(() => void loadTrend(token), 30_000);
  }

  function close(): void {
    token++;
    for (const u of unsubscribers.splice(0)) u();
    if (refreshTimer) clearInterval(refreshTimer);
    refreshTimer = null;
  }

  /** Validates like the station does, then saves. */
  async function saveThresholds(limits: ThresholdLimits): Promise<ThresholdSave> {
    const id = patientId.value;
    if (!id) return { ok: false, message: 'No patient selected.', fields: {} };
    const parsed = thresholdLimitsSchema.safeParse(limits);
    if (!parsed.success) {
      return {
        ok: false,
        message: 'Please correct the highlighted limits.',
        fields: zodFieldErrors(parsed.error),
      };
    }
    let r = await api.invoke('thresholds:update', { patientId: id, limits: parsed.data });
    if (!r.ok && r.error.code === 'unauthorized') {
      station.markSignedOut();
      if (await station.requireSignIn('Please sign in to change a patient’s limits.')) {
        r = await api.invoke('thresholds:update', { patientId: id, limits: parsed.data });
      }
    }
    if (!r.ok) return { ok: false, message: errorText(r.error), fields: {} };
    if (patientId.value === id) thresholds.value = r.value;
    ward.setLimits(id, limitsFrom(r.value));
    return { ok: true };
  }

  return {
    patientId,
    range,
    trend,
    alerts,
    thresholds,
    loading,
    error,
    open,
    setRange,
    close,
    saveThresholds,
  };
});
