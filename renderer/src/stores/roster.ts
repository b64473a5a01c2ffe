// The ward's roster for the charge nurse: who may sign in, with which role. PINs go to the station
// once, to be hashed there; the roster never comes back with them.
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { NurseRole, RosterMember } from '../../../shared/ipc/contract';
import { newPinSchema, nurseIdSchema, rosterNameSchema } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';
import type { FieldErrors } from '../lib/validation';
import { useStationStore } from './station';

export interface MemberDraft {
  nurseId: string;
  name: string;
  role: NurseRole;
  active: boolean;
  /** '' keeps the member's PIN (required for a new member) */
  pin: string;
  pinAgain: string;
}

export type RosterSave = { ok: true } | { ok: false; message: string; fields: FieldErrors };

/** Checks a draft as the station would, and the two PINs against each other. */
export function draftProblems(
  d: MemberDraft,
  isNew: boolean,
  existing: readonly RosterMember[],
): FieldErrors {
  const e: FieldErrors = {};
  const id = d.nurseId.trim();
  if (isNew) {
    if (id === '') e.nurseId = 'Enter the staff or badge number.';
    else if (!nurseIdSchema.safeParse(id).success)
      e.nurseId = 'Up to 64 letters, digits or _ . : - (no spaces).';
    else if (existing.some((m) => m.nurseId === id))
      e.nurseId = `${id} is already on the roster: edit that row instead.`;
  }
  const name = d.name.trim();
  if (name === '') e.name = 'Enter the name shown on acknowledgements.';
  else if (name.length > 80) e.name = 'At most 80 characters.';
  else if (!rosterNameSchema.safeParse(name).success)
    e.name = 'No control, invisible or direction characters.';
  if (isNew && d.pin === '') e.pin = 'A new member needs a PIN.';
  if (d.pin !== '' || d.pinAgain !== '') {
    const pin = newPinSchema.safeParse(d.pin);
    if (!pin.success)
      e.pin =
        d.pin.length < 4
          ? 'At least 4 characters.'
          : d.pin.length > 128
            ? 'At most 128 characters.'
            : `The PIN ${pin.error.issues[0]?.message ?? 'is not valid'}.`;
    else if (d.pin !== d.pinAgain) e.pinAgain = 'The two PINs differ: type them again.';
  }
  return e;
}

export const useRosterStore = defineStore('roster', () => {
  const api = getStationApi();
  const station = useStationStore();
  const members = shallowRef<RosterMember[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let token = 0;

  /** Only the charge nurse may read it: for anyone else it is emptied, not kept from before. */
  async function load(): Promise<void> {
    const t = ++token;
    if (!station.isCharge) {
      members.value = [];
      error.value = null;
      loading.value = false;
      return;
    }
    loading.value = true;
    const r = await api.invoke('roster:list', {});
    if (t !== token) return;
    loading.value = false;
    if (r.ok) {
      members.value = r.value;
      error.value = null;
    } else {
      error.value = errorText(r.error);
    }
  }

  async function save(d: MemberDraft, isNew: boolean): Promise<RosterSave> {
    const fields = draftProblems(d, isNew, members.value);
    if (Object.keys(fields).length > 0) {
      return { ok: false, message: 'Please correct the highlighted fields.', fields };
    }
    const r = await api.invoke('roster:save', {
      nurseId: d.nurseId.trim(),
      name: d.name.trim(),
      role: d.role,
      active: d.active,
      pin: d.pin === '' ? undefined : d.pin,
    });
    if (!r.ok) return { ok: false, message: errorText(r.error), fields: {} };
    token++; // an older list still on its way must not replace this one
    members.value = r.value;
    error.value = null;
    return { ok: true };
  }

  let stopWatch: (() => void) | null = null;
  /**
   * While the roster editor is shown: the list loads for the charge nurse and is dropped for anyone
   * else, following who is signed in.
   */
  function watchSession(): void {
    if (stopWatch) return;
    stopWatch = watch(
      () => [station.isCharge, station.nurse?.nurseId] as const,
      () => void load(),
      { immediate: true },
    );
  }
  function unwatchSession(): void {
    stopWatch?.();
    stopWatch = null;
  }

  return { members, loading, error, load, save, watchSession, unwatchSession };
});
