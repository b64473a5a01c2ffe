// The ward overview: one snapshot per bed, merged from `ward:update` pushes, plus each patient's
// limits so a tile can highlight the abnormal value (fetched once per bed, a few at a time).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { BedSnapshot, BedState, ThresholdLimits, Thresholds } from '../../../shared/domain/types';
import { errorText, getStationApi } from '../api/station-api';
import { patientCollator } from '../lib/vitals';

const THRESHOLD_CONCURRENCY = 4;
/**
 * A push with more beds than this is drawn over several frames (at most FRAMES_PER_PUSH), beds
 * changing state first. A large ward's once-a-second update of every tile in one frame made that
 * frame's layout and paint (software raster) pass 50 ms now and then at 200 beds; a quarter of the
 * tiles per frame does not (docs/performance.md, fix 16). Wards up to this size are drawn at once.
 */
export const BEDS_PER_FRAME = 50;
const FRAMES_PER_PUSH = 4;

/**
 * Runs `fn` in a task of its own just after the next frame: inside a requestAnimationFrame callback the
 * re-render it sets off would join that frame's layout and paint in one long task.
 */
const afterNextFrame = (fn: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(fn, 0));
  else setTimeout(fn, 16);
};

/** Where a tile sorts "by bed": its ward bed when the ward names one, else its patient. */
const placeOf = (b: BedSnapshot): string => b.bedId || b.patientId;

/** Natural order of bed (or patient) ids, then patient ids: two patients never tie. */
export function compareBeds(a: BedSnapshot, b: BedSnapshot): number {
  return patientCollator.compare(placeOf(a), placeOf(b)) || patientCollator.compare(a.patientId, b.patientId);
}

/**
 * `current` with `updates` applied in order: a snapshot replaces its patient's (or adds a tile), a
 * `vacated` one removes the tile (the patient left this station's ward; issue #12). Tiles are in
 * bed order, so a bed's new patient takes the tile's place and a patient moved to another bed moves.
 */
export function mergeBeds(current: readonly BedSnapshot[], updates: readonly BedSnapshot[]): BedSnapshot[] {
  const byId = new Map(current.map((b, i) => [b.patientId, i]));
  const out: (BedSnapshot | null)[] = current.slice();
  let reorder = false;
  let removed = false;
  for (const u of updates) {
    const i = byId.get(u.patientId);
    if (u.vacated) {
      if (i !== undefined) {
        out[i] = null;
        byId.delete(u.patientId);
        removed = true;
      }
    } else if (i === undefined) {
      byId.set(u.patientId, out.length);
      out.push(u);
      reorder = true;
    } else {
      if (placeOf(out[i]!) !== placeOf(u)) reorder = true;
      out[i] = u;
    }
  }
  const beds = removed ? out.filter((b): b is BedSnapshot => b !== null) : (out as BedSnapshot[]);
  if (reorder) beds.sort(compareBeds);
  return beds;
}

export function limitsFrom(t: Thresholds): ThresholdLimits {
  return {
    heartRateMin: t.heartRateMin,
    heartRateMax: t.heartRateMax,
    bloodOxygenMin: t.bloodOxygenMin,
    bloodGlucoseMin: t.bloodGlucoseMin,
    bloodGlucoseMax: t.bloodGlucoseMax,
  };
}

export const useWardStore = defineStore('ward', () => {
  const api = getStationApi();
  /** sorted by patient id (natural order); unchanged beds keep their object identity */
  const beds = shallowRef<BedSnapshot[]>([]);
  const limits = shallowRef<ReadonlyMap<string, ThresholdLimits>>(new Map());
  const loaded = ref(false);
  const loadError = ref<string | null>(null);
  const inFlight = new Set<string>();
  const queue: string[] = [];
  let active = 0;

  const counts = computed(() => {
    const c: Record<BedState, number> = { critical: 0, warning: 0, signal_loss: 0, normal: 0, waiting: 0 };
    for (const b of beds.value) c[b.state] += 1;
    return c;
  });

  function bed(patientId: string): BedSnapshot | undefined {
    return beds.value.find((b) => b.patientId === patientId);
  }

  async function load(): Promise<void> {
    const r = await api.invoke('ward:beds', {});
    if (!r.ok) {
      loadError.value = errorText(r.error);
      return;
    }
    loadError.value = null;
    beds.value = mergeBeds([], r.value);
    loaded.value = true;
    requestLimits(beds.value.map((b) => b.patientId));
  }

  /** the latest snapshot of each bed not drawn yet */
  const queued = new Map<string, BedSnapshot>();
  let frameScheduled = false;

  function apply(updates: BedSnapshot[]): void {
    if (updates.length === 0) return;
    for (const u of updates) queued.set(u.patientId, u);
    if (!frameScheduled) drain();
  }

  function drain(): void {
    frameScheduled = false;
    let chunk = [...queued.values()];
    // a huge ward (1,000 beds) still gets every tile drawn within FRAMES_PER_PUSH frames
    const size = Math.max(BEDS_PER_FRAME, Math.ceil(beds.value.length / FRAMES_PER_PUSH));
    if (chunk.length > size) {
      const shown = new Map(beds.value.map((b) => [b.patientId, b.state]));
      // a tile leaving the ward is a change too: it goes first
      const changes = (u: BedSnapshot) => u.vacated === true || shown.get(u.patientId) !== u.state;
      const changing = chunk.filter(changes);
      const same = chunk.filter((u) => !changes(u));
      chunk = changing.concat(same).slice(0, size);
    }
    for (const u of chunk) queued.delete(u.patientId);
    beds.value = mergeBeds(beds.value, chunk);
    forgetLimits(chunk.filter((u) => u.vacated).map((u) => u.patientId));
    requestLimits(chunk.filter((u) => !u.vacated).map((u) => u.patientId));
    if (queued.size > 0) {
      frameScheduled = true;
      afterNextFrame(drain);
    }
  }

  function requestLimits(ids: string[]): void {
    for (const id of ids) {
      if (limits.value.has(id) || inFlight.has(id)) continue;
      inFlight.add(id);
      queue.push(id);
    }
    pump();
  }

  function pump(): void {
    while (active < THRESHOLD_CONCURRENCY && queue.length > 0) {
      const id = queue.shift()!;
      active += 1;
      void api.invoke('thresholds:get', { patientId: id }).then((r) => {
        active -= 1;
        inFlight.delete(id);
        if (r.ok) setLimits(id, limitsFrom(r.value));
        pump();
      });
    }
  }

  /** A patient who left the ward: their limits are fetched again should they come back. */
  function forgetLimits(ids: string[]): void {
    if (!ids.some((id) => limits.value.has(id))) return;
    const m = new Map(limits.value);
    for (const id of ids) m.delete(id);
    limits.value = m;
  }

  /** Called by the patient screen after a threshold edit, so the tile highlights with the new limits. */
  function setLimits(patientId: string, l: ThresholdLimits): void {
    const m = new Map(limits.value);
    m.set(patientId, l);
    limits.value = m;
  }

  let started = false;
  let unsubscribe: (() => void) | null = null;
  function start(): void {
    if (started) return;
    started = true;
    unsubscribe = api.on('ward:update', apply);
    void load();
    watch(api.reconnects, () => void load());
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
    started = false;
  }

  return { beds, limits, loaded, loadError, counts, bed, load, apply, setLimits, start, stop };
});
