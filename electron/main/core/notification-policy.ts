// Decides which alerts reach the nurse as OS notifications, and when, so alarms stay meaningful:
// the first alert of a bed goes out at once, the rest of a burst is summarized, an ongoing
// condition is not repeated, and an unacknowledged critical alert keeps reminding.
import type { Alert } from '../../../shared/domain/types';
import type { NotificationPolicySettings, NotificationRequest } from '../../../shared/ipc/contract';
import type { Clock } from './ports';

export interface NotificationPolicyDeps {
  clock: Clock;
  settings: () => NotificationPolicySettings;
  emit: (request: NotificationRequest) => void;
  /** true while nobody has confirmed or resolved the alert */
  isPending: (alertId: string) => boolean;
}

const TYPE_LABEL: Record<Alert['alertType'], string> = {
  heart_rate: 'Heart rate',
  blood_oxygen: 'SpO₂',
  blood_glucose: 'Glucose',
  multi_vital_signs_deterioration: 'DETERIORATION',
  signal_loss: 'Signal loss',
};

interface Burst {
  /** when the leading notification went out (monotonic ms); alerts until then + coalesceMs are held */
  openedAt: number;
  held: Alert[];
  timer: unknown;
}

export class NotificationPolicy {
  private readonly bursts = new Map<string, Burst>();
  /** `${patient}|${type}` → the alert that was last notified for that condition */
  private readonly ongoing = new Map<string, string>();
  private readonly reminders = new Map<string, unknown>();
  private disposed = false;

  constructor(private readonly deps: NotificationPolicyDeps) {}

  onAlerts(alerts: readonly Alert[]): void {
    const policy = this.deps.settings();
    if (!policy.enabled || this.disposed) return;
    for (const alert of alerts) {
      const conditionKey = `${alert.patientId}|${alert.alertType}`;
      const previous = this.ongoing.get(conditionKey);
      if (previous !== undefined && previous !== alert.alertId && this.deps.isPending(previous)) continue;
      this.ongoing.set(conditionKey, alert.alertId);
      if (alert.alertLevel === 2) this.scheduleReminder(alert, policy);
      this.admit(alert, policy);
    }
  }

  /** A nurse acted on the alert: no more reminders for it. */
  onHandled(alertId: string): void {
    const timer = this.reminders.get(alertId);
    if (timer !== undefined) {
      this.deps.clock.clearTimeout(timer);
      this.reminders.delete(alertId);
    }
  }

  pendingReminders(): number {
    return this.reminders.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.reminders.values()) this.deps.clock.clearTimeout(t);
    for (const b of this.bursts.values()) if (b.timer !== undefined) this.deps.clock.clearTimeout(b.timer);
    this.reminders.clear();
    this.bursts.clear();
    this.ongoing.clear();
  }

  private admit(alert: Alert, policy: NotificationPolicySettings): void {
    // Monotonic: with wall time, a clock stepped back an hour held a bed's notifications for that hour.
    const now = this.deps.clock.monotonic();
    const burst = this.bursts.get(alert.patientId);
    if (policy.coalesceMs <= 0 || burst === undefined || now - burst.openedAt >= policy.coalesceMs) {
      // Leading edge: the first alert of a bed is never delayed.
      this.bursts.set(alert.patientId, { openedAt: now, held: [], timer: undefined });
      this.deps.emit(this.request([alert], false));
      return;
    }
    burst.held.push(alert);
    if (burst.timer === undefined) {
      const wait = Math.max(0, burst.openedAt + policy.coalesceMs - now);
      burst.timer = this.deps.clock.setTimeout(() => this.flush(alert.patientId), wait);
    }
    // A critical alert inside a burst is not held back behind the summary.
    if (alert.alertLevel === 2) this.flush(alert.patientId);
  }

  private flush(patientId: string): void {
    const burst = this.bursts.get(patientId);
    if (!burst) return;
    if (burst.timer !== undefined) this.deps.clock.clearTimeout(burst.timer);
    burst.timer = undefined;
    const held = burst.held.filter((a) => this.deps.isPending(a.alertId));
    burst.held = [];
    if (held.length > 0 && !this.disposed) this.deps.emit(this.request(held, false));
  }

  private scheduleReminder(alert: Alert, policy: NotificationPolicySettings): void {
    if (policy.criticalRepeatMinutes <= 0 || this.reminders.has(alert.alertId)) return;
    const timer = this.deps.clock.setTimeout(() => {
      this.reminders.delete(alert.alertId);
      const current = this.deps.settings();
      if (this.disposed || !current.enabled || !this.deps.isPending(alert.alertId)) return;
      this.deps.emit(this.request([alert], true));
      this.scheduleReminder(alert, current);
    }, policy.criticalRepeatMinutes * 60_000);
    this.reminders.set(alert.alertId, timer);
  }

  private request(alerts: Alert[], reminder: boolean): NotificationRequest {
    const first = alerts[0]!;
    const level: 1 | 2 = alerts.some((a) => a.alertLevel === 2) ? 2 : 1;
    const lead = level === 2 ? 'CRITICAL' : first.alertType === 'signal_loss' ? 'Technical' : 'Warning';
    const title =
      alerts.length === 1
        ? `${reminder ? 'Still unacknowledged — ' : ''}${lead}: bed ${first.patientId} — ${TYPE_LABEL[first.alertType]}`
        : `${lead}: bed ${first.patientId} — ${alerts.length} alerts`;
    const body = alerts.map((a) => a.alertDetail).join('\n');
    return {
      key: reminder ? `reminder:${first.alertId}` : `bed:${first.patientId}:${first.alertId}`,
      title,
      body,
      urgency: level === 2 ? 'critical' : 'normal',
      alertIds: alerts.map((a) => a.alertId),
      patientId: first.patientId,
      level,
      reminder,
    };
  }
}
