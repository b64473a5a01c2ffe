// The nurse touching the screen keeps her sign-in alive: pointer, key and touch input while signed in
// tells the station (`session:activity`), at most once per 30 s. Input inside a throttled period is
// not lost: it is told at the end of the period, so a session never ends earlier than its idle time
// after the last touch.
import { getCurrentScope, onScopeDispose, watch } from 'vue';
import { useStationStore } from '../stores/station';

export const ACTIVITY_INTERVAL_MS = 30_000;
const EVENTS = ['pointerdown', 'keydown', 'touchstart'] as const;

export function useSessionActivity(target: EventTarget = window): void {
  const station = useStationStore();
  let lastSent = 0;
  let trailing: ReturnType<typeof setTimeout> | null = null;

  function send(): void {
    trailing = null;
    if (!station.nurse) return;
    lastSent = Date.now();
    void station.reportActivity();
  }

  function onInput(): void {
    if (!station.nurse) return;
    const wait = lastSent + ACTIVITY_INTERVAL_MS - Date.now();
    if (wait <= 0) send();
    else trailing ??= setTimeout(send, wait);
  }

  // signing in starts the idle time on the station: the next report is due 30 s later
  const stopWatch = watch(
    () => station.nurse?.nurseId ?? null,
    (id) => {
      if (trailing) clearTimeout(trailing);
      trailing = null;
      lastSent = id ? Date.now() : 0;
    },
  );

  const options = { capture: true, passive: true };
  for (const e of EVENTS) target.addEventListener(e, onInput, options);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      for (const e of EVENTS) target.removeEventListener(e, onInput, options);
      if (trailing) clearTimeout(trailing);
      stopWatch();
    });
  }
}
