// Who and what this station is: mode (simulator/connected), ward time zone, and the signed-in nurse.
// Acknowledging needs a name; `ensureNurse()` asks for one and resolves once the nurse signed in or cancelled.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { StationInfo } from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';

export const useStationStore = defineStore('station', () => {
  const api = getStationApi();
  const info = ref<StationInfo | null>(null);
  const loadError = ref<string | null>(null);
  /** non-null while the sign-in dialog should be open */
  const signInPrompt = ref<{ reason: string } | null>(null);
  let waiters: ((signedIn: boolean) => void)[] = [];
  let started = false;
  let refreshTimer: ReturnType<typeof setInterval> | null = null;

  const nurse = computed(() => info.value?.nurse ?? null);
  const mode = computed(() => info.value?.mode ?? null);
  const shell = computed(() => info.value?.shell ?? api.shell);
  const timeZone = computed(
    () => info.value?.wardTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
  );

  async function load(): Promise<void> {
    const r = await api.invoke('station:info', {});
    if (r.ok) {
      info.value = r.value;
      loadError.value = null;
    } else {
      loadError.value = errorText(r.error);
    }
  }

  function settlePrompt(signedIn: boolean): void {
    signInPrompt.value = null;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve(signedIn);
  }

  /** Returns an error sentence, or null on success. */
  async function signIn(name: string): Promise<string | null> {
    const trimmed = name.trim();
    if (!trimmed) return 'Please enter your name.';
    if (trimmed.length > 80) return 'At most 80 characters, please.';
    const r = await api.invoke('session:sign-in', { nurse: trimmed });
    if (!r.ok) return errorText(r.error);
    info.value = r.value;
    settlePrompt(true);
    return null;
  }

  async function signOut(): Promise<string | null> {
    const r = await api.invoke('session:sign-out', {});
    if (!r.ok) return errorText(r.error);
    info.value = r.value;
    return null;
  }

  /** Resolves true when a nurse is (or becomes) signed in, false when the nurse cancels. */
  function ensureNurse(reason = 'Please sign in with your name to acknowledge alerts.'): Promise<boolean> {
    if (nurse.value) return Promise.resolve(true);
    return requireSignIn(reason);
  }

  /** Always asks (e.g. the station answered "unauthorized" although we thought someone was signed in). */
  function requireSignIn(reason: string): Promise<boolean> {
    signInPrompt.value = { reason };
    return new Promise((resolve) => waiters.push(resolve));
  }

  function openSignIn(): void {
    signInPrompt.value = { reason: 'Sign in so your acknowledgements carry your name.' };
  }

  function cancelSignIn(): void {
    settlePrompt(false);
  }

  /** Forget the cached nurse: the station said nobody is signed in. */
  function markSignedOut(): void {
    if (info.value) info.value = { ...info.value, nurse: null };
  }

  function start(): void {
    if (started) return;
    started = true;
    void load();
    watch(api.reconnects, () => void load());
    // Another screen on the same station may sign in or out; there is no event for it.
    refreshTimer = setInterval(() => void load(), 60_000);
  }

  function stop(): void {
    if (refreshTimer) clearInterval(refreshTimer);
    refreshTimer = null;
  }

  return {
    info,
    loadError,
    signInPrompt,
    nurse,
    mode,
    shell,
    timeZone,
    load,
    signIn,
    signOut,
    ensureNurse,
    requireSignIn,
    openSignIn,
    cancelSignIn,
    markSignedOut,
    start,
    stop,
  };
});
