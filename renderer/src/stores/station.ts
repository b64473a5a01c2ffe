// Who and what this station is: mode (simulator/connected), ward time zone, and the nurse signed in
// in this window (each window or browser tab has its own sign-in, none has the whole station's).
// Acknowledging needs a signed-in nurse; `ensureNurse()` asks for one and resolves once the nurse
// signed in or cancelled. A session ends after its idle time: a timer re-asks the station then, so
// the header shows the sign-out when it happens, not at the next click.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Channel, IpcError, NurseSession, StationInfo } from '../../../shared/ipc/contract';
import { nurseIdSchema, pinSchema } from '../../../shared/ipc/contract';
import { errorText, getStationApi, onInvokeError } from '../api/station-api';

export type SignInFailure = {
  /** invalid: refused here before asking; refused: wrong identifier or PIN; locked: too many tries */
  kind: 'invalid' | 'refused' | 'locked' | 'unavailable';
  message: string;
  /** the field to correct, when there is one */
  field?: 'nurseId' | 'pin';
};

/** Why the last session of this window ended, when the nurse did not sign out herself. */
export interface SessionEnded {
  name: string;
  reason: 'idle' | 'ended';
  at: number;
}

/** after idleEndsAt the station is asked again, this much later (its sweep, clock rounding) */
export const IDLE_END_MARGIN_MS = 1500;
/** never re-ask faster than this, whatever the clocks say */
const MIN_RECHECK_MS = 2000;
/** requests whose `unauthorized` is an answer, not a sign that the session ended */
const SESSION_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([
  'station:info',
  'session:sign-in',
  'session:sign-out',
  'session:activity',
]);

function signInFailure(error: IpcError): SignInFailure {
  const message = errorText(error);
  switch (error.code) {
    case 'unauthorized':
      return { kind: 'refused', message, field: 'pin' };
    case 'rate_limited':
      return { kind: 'locked', message };
    case 'bad_request':
      return { kind: 'invalid', message };
    default:
      return { kind: 'unavailable', message };
  }
}

export const useStationStore = defineStore('station', () => {
  const api = getStationApi();
  const info = ref<StationInfo | null>(null);
  const loadError = ref<string | null>(null);
  /** non-null while the sign-in dialog should be open */
  const signInPrompt = ref<{ reason: string } | null>(null);
  const lastEnded = ref<SessionEnded | null>(null);
  let waiters: ((signedIn: boolean) => void)[] = [];
  let started = false;
  let refreshTimer: ReturnType<typeof setInterval> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let unsubscribers: (() => void)[] = [];
  /**
   * The station's clock minus this computer's (a browser on another PC may differ by minutes).
   * Measured from each answer that starts a fresh idle period: then idleEndsAt = station now + idle time.
   */
  const skewMs = ref(0);

  const nurse = computed<NurseSession | null>(() => info.value?.nurse ?? null);
  const isCharge = computed(() => nurse.value?.role === 'charge');
  /** when the session ends for idleness, on this computer's clock; null when nobody is signed in */
  const idleEndsAtLocal = computed(() => (nurse.value ? nurse.value.idleEndsAt - skewMs.value : null));
  const demoRoster = computed(() => info.value?.demoRoster ?? null);
  const mode = computed(() => info.value?.mode ?? null);
  const shell = computed(() => info.value?.shell ?? api.shell);
  const timeZone = computed(
    () => info.value?.wardTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
  );

  function scheduleIdleCheck(): void {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const n = nurse.value;
    if (!n) return;
    const endsHere = n.idleEndsAt - skewMs.value;
    const delay = Math.max(MIN_RECHECK_MS, endsHere - Date.now() + IDLE_END_MARGIN_MS);
    idleTimer = setTimeout(() => void load(), Math.min(delay, 2_147_000_000));
  }

  /**
   * Takes the station's answer. `sentAt`: when the request that started a fresh idle period
   * (sign-in, activity) was sent, to measure the clocks' difference.
   */
  function apply(next: StationInfo, sentAt?: number, signedOutHere = false): void {
    const before = info.value?.nurse ?? null;
    if (sentAt !== undefined && next.nurse) {
      const stationNow = next.nurse.idleEndsAt - next.nurse.idleMinutes * 60_000;
      skewMs.value = stationNow - (sentAt + Date.now()) / 2;
    }
    info.value = next;
    if (before && !next.nurse && !signedOutHere) {
      const localEnd = before.idleEndsAt - skewMs.value;
      lastEnded.value = {
        name: before.name,
        reason: Date.now() >= localEnd - IDLE_END_MARGIN_MS ? 'idle' : 'ended',
        at: Date.now(),
      };
    }
    if (next.nurse) lastEnded.value = null;
    scheduleIdleCheck();
  }

  async function load(): Promise<void> {
    const r = await api.invoke('station:info', {});
    if (r.ok) {
      apply(r.value);
      loadError.value = null;
    } else {
      loadError.value = errorText(r.error);
      scheduleIdleCheck();
    }
  }

  function settlePrompt(signedIn: boolean): void {
    signInPrompt.value = null;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve(signedIn);
  }

  /** Returns why the sign-in failed, or null on success. The PIN is never trimmed nor kept. */
  async function signIn(nurseId: string, pin: string): Promise<SignInFailure | null> {
    const id = nurseId.trim();
    if (id === '') {
      return { kind: 'invalid', field: 'nurseId', message: 'Enter your identifier (staff or badge number).' };
    }
    if (!nurseIdSchema.safeParse(id).success) {
      return {
        kind: 'invalid',
        field: 'nurseId',
        message: 'An identifier is up to 64 letters, digits or _ . : - (no spaces).',
      };
    }
    if (pin === '') return { kind: 'invalid', field: 'pin', message: 'Enter your PIN.' };
    const pinCheck = pinSchema.safeParse(pin);
    if (!pinCheck.success) {
      return {
        kind: 'invalid',
        field: 'pin',
        message: pin.length < 4 ? 'A PIN has at least 4 characters.' : 'This PIN cannot be right.',
      };
    }
    const sentAt = Date.now();
    const r = await api.invoke('session:sign-in', { nurseId: id, pin });
    if (!r.ok) return signInFailure(r.error);
    apply(r.value, sentAt);
    settlePrompt(true);
    return null;
  }

  async function signOut(): Promise<string | null> {
    const r = await api.invoke('session:sign-out', {});
    if (!r.ok) return errorText(r.error);
    apply(r.value, undefined, true);
    lastEnded.value = null;
    return null;
  }

  /** The nurse touched the screen (throttled by useSessionActivity): her session goes on. */
  async function reportActivity(): Promise<void> {
    if (!nurse.value) return;
    const sentAt = Date.now();
    const r = await api.invoke('session:activity', {});
    if (r.ok) apply(r.value, sentAt);
    else if (r.error.code === 'unauthorized') void load();
  }

  /** Resolves true when a nurse is (or becomes) signed in, false when the nurse cancels. */
  function ensureNurse(
    reason = 'Sign in to acknowledge: the acknowledgement carries your name.',
  ): Promise<boolean> {
    if (nurse.value) return Promise.resolve(true);
    return requireSignIn(reason);
  }

  /** Always asks (e.g. the station answered "unauthorized" although we thought someone was signed in). */
  function requireSignIn(reason: string): Promise<boolean> {
    signInPrompt.value = { reason };
    return new Promise((resolve) => waiters.push(resolve));
  }

  function openSignIn(reason = 'Sign in so your acknowledgements carry your name.'): void {
    signInPrompt.value = { reason };
  }

  /** For the charge nurse's screens: whoever is signed in here, the charge nurse signs in over it. */
  function openChargeSignIn(): void {
    openSignIn('Sign in as the charge nurse.');
  }

  function cancelSignIn(): void {
    settlePrompt(false);
  }

  /** Forget the cached nurse: the station said nobody is signed in. */
  function markSignedOut(): void {
    if (info.value?.nurse) apply({ ...info.value, nurse: null });
  }

  /** Any request refused because the session ended: ask who is signed in, and offer to sign in again. */
  function onRefused(channel: Channel, error: IpcError): void {
    if (error.code === 'forbidden') {
      void load(); // the role may have changed (the roster)
      return;
    }
    if (error.code !== 'unauthorized' || SESSION_CHANNELS.has(channel)) return;
    const wasSignedIn = nurse.value !== null;
    markSignedOut();
    void load();
    if (!signInPrompt.value) {
      signInPrompt.value = {
        reason: wasSignedIn
          ? 'Your sign-in has ended (no activity, or the screen was locked). Sign in again, then repeat what you were doing.'
          : 'Sign in first, then repeat what you were doing.',
      };
    }
  }

  function start(): void {
    if (started) return;
    started = true;
    void load();
    unsubscribers = [
      onInvokeError(onRefused),
      // the screen was locked, the roster changed: every window asks for its own session
      api.on('session:changed', () => void load()),
      // a new connection is a new session on the web shell
      watch(api.reconnects, () => void load()),
    ];
    refreshTimer = setInterval(() => void load(), 60_000);
  }

  function stop(): void {
    for (const u of unsubscribers.splice(0)) u();
    if (refreshTimer) clearInterval(refreshTimer);
    if (idleTimer) clearTimeout(idleTimer);
    refreshTimer = null;
    idleTimer = null;
    started = false;
  }

  return {
    info,
    loadError,
    signInPrompt,
    lastEnded,
    nurse,
    isCharge,
    idleEndsAtLocal,
    demoRoster,
    mode,
    shell,
    timeZone,
    load,
    signIn,
    signOut,
    reportActivity,
    ensureNurse,
    requireSignIn,
    openSignIn,
    openChargeSignIn,
    cancelSignIn,
    markSignedOut,
    start,
    stop,
  };
});
