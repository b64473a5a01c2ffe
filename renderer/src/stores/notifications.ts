// Alert notifications inside the renderer: in-app toasts or browser notifications (web shell), and the
// alarm sound in both shells. A level-2 alarm repeats while any notified critical alert is unacknowledged.
// Technical alarms (a lost backend) sound like any level-1 alert though they name no patient; their
// all-clear is silent.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Alert } from '../../../shared/domain/types';
import type { NotificationRequest } from '../../../shared/ipc/contract';
import { getStationApi } from '../api/station-api';
import { navigate, pathFor } from '../composables/use-hash-router';
import { useAlarmSound } from '../composables/use-alarm-sound';
import { useSettingsStore } from './settings';
import { useWardStore } from './ward';

export interface Toast extends NotificationRequest {
  at: number;
}

export const CRITICAL_REPEAT_MS = 4000;
export const SILENCE_MS = 2 * 60_000;
const NORMAL_TOAST_MS = 20_000;
const MAX_TOASTS = 50;

type Permission = NotificationPermission | 'unsupported';

/** The tone a notification plays (when sound is allowed), or null: an all-clear does not sound. */
export function soundLevel(req: Pick<NotificationRequest, 'level' | 'technical'>): 1 | 2 | null {
  return req.technical === 'cleared' ? null : req.level;
}

/**
 * Level-1 toasts go after a while, a technical alarm's too: the red banner stays for as long as the
 * outage lasts, and a lingering toast sat over the acknowledgement buttons exactly when nurses must
 * acknowledge into the local cache (the connected E2E test could not click Confirm).
 */
export function toastLingers(req: Pick<NotificationRequest, 'level' | 'technical'>): boolean {
  return req.level === 2 && req.technical === undefined;
}

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export const useNotificationsStore = defineStore('notifications', () => {
  const api = getStationApi();
  const settings = useSettingsStore();
  const ward = useWardStore();
  const sound = useAlarmSound();

  const toasts = ref<Toast[]>([]);
  /** level-2 alerts we alarmed for and have not seen acknowledged */
  const criticalOpen = ref<ReadonlySet<string>>(new Set());
  // Silence runs on the monotonic clock: with wall time, a clock stepped back an hour would have kept
  // the alarm silent for an hour more.
  const monotonic = () => performance.now();
  /** end of the silence, monotonic ms (0 = not silenced) */
  const silencedUntil = ref(0);
  const now = ref(monotonic());
  const permission = ref<Permission>(api.shell === 'web' ? currentPermission() : 'unsupported');
  const toastTimers = new Map<string, ReturnType<typeof setTimeout>>();
  let repeatTimer: ReturnType<typeof setInterval> | null = null;

  const silenced = computed(() => silencedUntil.value > now.value);
  const alarming = computed(() => criticalOpen.value.size > 0);
  const canAskPermission = computed(() => api.shell === 'web' && permission.value === 'default');

  function soundAllowed(): boolean {
    return settings.soundEnabled && silencedUntil.value <= monotonic();
  }

  function dismiss(key: string): void {
    toasts.value = toasts.value.filter((t) => t.key !== key);
    const timer = toastTimers.get(key);
    if (timer) clearTimeout(timer);
    toastTimers.delete(key);
  }

  function addToast(req: NotificationRequest): void {
    const toast: Toast = { ...req, at: Date.now() };
    const rest = toasts.value.filter((t) => t.key !== req.key);
    // Critical first, then newest first.
    toasts.value = [toast, ...rest].sort((a, b) => b.level - a.level || b.at - a.at).slice(0, MAX_TOASTS);
    const old = toastTimers.get(req.key);
    if (old) clearTimeout(old);
    toastTimers.delete(req.key);
    if (!toastLingers(req)) {
      toastTimers.set(
        req.key,
        setTimeout(() => dismiss(req.key), NORMAL_TOAST_MS),
      );
    }
  }

  function open(req: Pick<NotificationRequest, 'key' | 'alertIds'>): void {
    const id = req.alertIds[0];
    dismiss(req.key);
    navigate(id ? pathFor('alerts', id) : pathFor('alerts'));
  }

  function showBrowserNotification(req: NotificationRequest): boolean {
    if (permission.value !== 'granted' || typeof Notification === 'undefined') return false;
    // While the nurse is looking at this page, the in-app toast is the better place.
    if (typeof document !== 'undefined' && document.visibilityState === 'visible' && document.hasFocus()) {
      return false;
    }
    try {
      const n = new Notification(req.title, {
        body: req.body,
        tag: req.key,
        requireInteraction: req.urgency === 'critical',
        silent: soundLevel(req) === null,
      });
      n.onclick = () => {
        window.focus();
        open(req);
        n.close();
      };
      return true;
    } catch {
      return false;
    }
  }

  function updateRepeat(): void {
    const want = criticalOpen.value.size > 0;
    if (want && repeatTimer === null) {
      repeatTimer = setInterval(() => {
        now.value = monotonic();
        if (criticalOpen.value.size > 0 && soundAllowed()) sound.play(2);
      }, CRITICAL_REPEAT_MS);
    } else if (!want && repeatTimer !== null) {
      clearInterval(repeatTimer);
      repeatTimer = null;
    }
  }

  function onShow(req: NotificationRequest): void {
    if (api.shell === 'web' && !showBrowserNotification(req)) addToast(req);
    if (req.level === 2) {
      const s = new Set(criticalOpen.value);
      for (const id of req.alertIds) s.add(id);
      criticalOpen.value = s;
      updateRepeat();
    }
    const tone = soundLevel(req);
    if (tone !== null && soundAllowed()) sound.play(tone);
  }

  function onAlertsChanged(alerts: Alert[]): void {
    const handled = new Set(alerts.filter((a) => a.status !== 'pending').map((a) => a.alertId));
    if (handled.size === 0) return;
    if ([...criticalOpen.value].some((id) => handled.has(id))) {
      criticalOpen.value = new Set([...criticalOpen.value].filter((id) => !handled.has(id)));
      updateRepeat();
    }
    for (const t of toasts.value) {
      if (t.alertIds.length > 0 && t.alertIds.every((id) => handled.has(id))) dismiss(t.key);
    }
  }

  function silence(): void {
    silencedUntil.value = monotonic() + SILENCE_MS;
    now.value = monotonic();
  }

  function unsilence(): void {
    silencedUntil.value = 0;
  }

  /** Must run inside a click handler: browsers only ask for permission on a user gesture. */
  async function askPermission(): Promise<void> {
    sound.unlock();
    if (typeof Notification === 'undefined') return;
    try {
      permission.value = await Notification.requestPermission();
    } catch {
      permission.value = currentPermission();
    }
  }

  let started = false;
  const unsubscribers: (() => void)[] = [];
  function start(): void {
    if (started) return;
    started = true;
    unsubscribers.push(
      api.on('notify:show', onShow),
      api.on('alerts:changed', onAlertsChanged),
      api.on('ui:focus-alert', ({ alertId }) => navigate(pathFor('alerts', alertId))),
    );
    // Safety net: when no bed is critical any more, nothing critical is unacknowledged — stop the alarm
    // even if we missed the change event (e.g. during a reconnect).
    watch(
      () => ward.counts.critical,
      (critical) => {
        if (critical === 0 && ward.loaded && criticalOpen.value.size > 0) {
          criticalOpen.value = new Set();
          updateRepeat();
        }
      },
    );
  }

  function stop(): void {
    for (const u of unsubscribers.splice(0)) u();
    if (repeatTimer) clearInterval(repeatTimer);
    repeatTimer = null;
    for (const t of toastTimers.values()) clearTimeout(t);
    toastTimers.clear();
    started = false;
  }

  return {
    toasts,
    criticalOpen,
    silenceRemainingMs: () => Math.max(0, silencedUntil.value - monotonic()),
    silenced,
    alarming,
    permission,
    canAskPermission,
    soundBlocked: sound.blocked,
    dismiss,
    open,
    onShow,
    onAlertsChanged,
    silence,
    unsilence,
    askPermission,
    unlockSound: sound.unlock,
    testSound: (level: 1 | 2) => sound.play(level),
    start,
    stop,
  };
});
