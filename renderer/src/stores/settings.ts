// Connection settings, notification policy, acknowledgement retention and the sign-in idle time (all
// for the charge nurse). Passwords are write-only: the view only says whether one is stored; an empty
// password field means "keep the stored one".
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type {
  ConnectionSettingsInput,
  NotificationPolicySettings,
  SettingsView,
} from '../../../shared/ipc/contract';
import {
  connectionSettingsSchema,
  notificationPolicySchema,
  signInSettingsSchema,
} from '../../../shared/ipc/contract';
import { errorText, getStationApi } from '../api/station-api';
import { zodFieldErrors, type FieldErrors } from '../lib/validation';

export type SaveResult = { ok: true } | { ok: false; message: string; fields: FieldErrors };

export const useSettingsStore = defineStore('settings', () => {
  const api = getStationApi();
  const view = ref<SettingsView | null>(null);
  const loadError = ref<string | null>(null);
  const notifications = computed<NotificationPolicySettings | null>(() => view.value?.notifications ?? null);
  const soundEnabled = computed(() => view.value?.notifications.sound ?? true);

  async function load(): Promise<void> {
    const r = await api.invoke('settings:get', {});
    if (r.ok) {
      view.value = r.value;
      loadError.value = null;
    } else {
      loadError.value = errorText(r.error);
    }
  }

  async function updateConnection(input: ConnectionSettingsInput): Promise<SaveResult> {
    const parsed = connectionSettingsSchema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        message: 'Please correct the highlighted fields.',
        fields: zodFieldErrors(parsed.error),
      };
    }
    const r = await api.invoke('settings:update-connection', parsed.data);
    if (!r.ok) return { ok: false, message: errorText(r.error), fields: {} };
    view.value = r.value;
    return { ok: true };
  }

  async function updateNotifications(policy: NotificationPolicySettings): Promise<SaveResult> {
    const parsed = notificationPolicySchema.safeParse(policy);
    if (!parsed.success) {
      return {
        ok: false,
        message: 'Please correct the highlighted fields.',
        fields: zodFieldErrors(parsed.error),
      };
    }
    const r = await api.invoke('settings:update-notifications', parsed.data);
    if (!r.ok) return { ok: false, message: errorText(r.error), fields: {} };
    view.value = r.value;
    return { ok: true };
  }

  let started = false;
  function start(): void {
    if (started) return;
    started = true;
    void load();
    watch(api.reconnects, () => void load());
  }

  async function updateRetention(ackRetentionDays: number): Promise<SaveResult> {
    if (!Number.isInteger(ackRetentionDays) || ackRetentionDays < 1 || ackRetentionDays > 3650) {
      return { ok: false, message: 'Keep acknowledgements between 1 and 3650 days.', fields: {} };
    }
    const r = await api.invoke('settings:update-retention', { ackRetentionDays });
    if (!r.ok) return { ok: false, message: errorText(r.error), fields: {} };
    view.value = r.value;
    return { ok: true };
  }

  async function updateSignIn(idleMinutes: number): Promise<SaveResult> {
    const parsed = signInSettingsSchema.safeParse({ idleMinutes });
    if (!parsed.success) {
      return {
        ok: false,
        message: 'Sign a nurse out after 1 to 240 minutes without activity (whole minutes).',
        fields: { idleMinutes: 'Whole minutes, 1 to 240.' },
      };
    }
    const r = await api.invoke('settings:update-sign-in', parsed.data);
    if (!r.ok) return { ok: false, message: errorText(r.error), fields: {} };
    view.value = r.value;
    return { ok: true };
  }

  return {
    view,
    loadError,
    notifications,
    soundEnabled,
    load,
    updateConnection,
    updateNotifications,
    updateRetention,
    updateSignIn,
    start,
  };
});
