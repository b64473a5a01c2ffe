// Small stand-ins the reliability tests wire into a real StationCore: a vitals source the test drives,
// a settings port, a notifier, and alert factories.
import type {
  Alert,
  AlertType,
  BackendHealth,
  BedSnapshot,
  RejectSummary,
  ThresholdLimits,
  Thresholds,
  TrendPoint,
} from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { NotificationPolicySettings, SettingsView } from '../../../shared/ipc/contract';
import type { Notifier, Unsubscribe, VitalsSource } from '../../../electron/main/core/ports';
import type { SettingsPort } from '../../../electron/main/core/station-core';

export function makeAlert(
  alertId: string,
  patientId: string,
  alertTime: number,
  over: Partial<Alert> = {},
): Alert {
  const type: AlertType = over.alertType ?? 'heart_rate';
  return {
    alertId,
    patientId,
    deviceId: `D${patientId.slice(1)}`,
    alertTime,
    alertType: type,
    alertDetail: 'Heart rate too high: 139 bpm',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 139, bloodOxygen: 97.2, bloodGlucose: 5.4 },
    ...over,
  };
}

/** A VitalsSource whose alert feed the test pushes by hand (like RisingWave's view gaining rows). */
export class ScriptedVitals implements VitalsSource {
  readonly adapter = 'scripted';
  readonly alertListeners = new Set<(a: Alert[]) => void>();
  readonly bedListeners = new Set<(b: BedSnapshot[]) => void>();
  readonly healthListeners = new Set<(h: BackendHealth) => void>();
  private readonly limits = new Map<string, ThresholdLimits>();

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async beds(): Promise<BedSnapshot[]> {
    return [];
  }
  async trend(): Promise<TrendPoint[]> {
    return [];
  }
  async thresholds(patientId: string): Promise<Thresholds> {
    const custom = this.limits.get(patientId);
    return { patientId, ...(custom ?? DEFAULT_THRESHOLDS), custom: custom !== undefined };
  }
  async updateThresholds(patientId: string, limits: ThresholdLimits): Promise<Thresholds> {
    this.limits.set(patientId, limits);
    return { patientId, ...limits, custom: true };
  }
  rejects(): RejectSummary {
    return { total: 0, byDevice: [] };
  }
  onAlerts(l: (a: Alert[]) => void): Unsubscribe {
    this.alertListeners.add(l);
    return () => this.alertListeners.delete(l);
  }
  onBeds(l: (b: BedSnapshot[]) => void): Unsubscribe {
    this.bedListeners.add(l);
    return () => this.bedListeners.delete(l);
  }
  onHealth(l: (h: BackendHealth) => void): Unsubscribe {
    this.healthListeners.add(l);
    return () => this.healthListeners.delete(l);
  }
  health(): BackendHealth {
    return { backend: 'vitals', adapter: 'scripted', up: true, since: 0, message: null };
  }
  emit(alerts: Alert[]): void {
    for (const l of this.alertListeners) l(alerts);
  }
}

export const quietNotifier: Notifier = { show: () => undefined };

const NOTIFICATIONS: NotificationPolicySettings = {
  enabled: true,
  sound: false,
  criticalRepeatMinutes: 5,
  coalesceMs: 3000,
};

/** A settings port with fixed values (`retentionDays` may be fractional in tests). */
export function fixedSettings(retentionDays = 30): SettingsPort {
  const view: SettingsView = {
    connection: {
      mode: 'connected',
      risingwave: { host: '127.0.0.1', port: 4566, user: 'root', database: 'dev', passwordSet: false },
      mysql: { host: '127.0.0.1', port: 3306, user: 'root', database: 'x', passwordSet: false },
      pollIntervalMs: 1000,
      wardId: '',
      kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
    },
    notifications: NOTIFICATIONS,
    secretStorage: { encrypted: false, message: 'test' },
    ackRetentionDays: retentionDays,
    signIn: { idleMinutes: 10 },
  };
  return {
    view: () => view,
    notifications: () => NOTIFICATIONS,
    updateConnection: () => view,
    updateNotifications: () => view,
    ackRetentionDays: () => retentionDays,
    updateRetention: () => view,
    updateSignIn: () => view,
  };
}

export const STATION_INFO = {
  mode: 'connected' as const,
  version: 'test',
  wardTimeZone: 'UTC',
  shell: 'web' as const,
  demoRoster: null,
};

/** Percentile (nearest rank) of a list of numbers; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One line of figures on stdout, prefixed so `npx vitest run` output can be grepped for them. */
export function report(test: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${test}: ${JSON.stringify(figures)}`);
}
