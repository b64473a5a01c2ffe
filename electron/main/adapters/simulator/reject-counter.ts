import type { RejectSummary } from '../../../../shared/domain/types';

/** Rejected device messages, counted per device with the last reason: shown to the nurse and IT. */
export class RejectCounter {
  private total = 0;
  private readonly byDevice = new Map<string, { count: number; lastReason: string; lastAt: number }>();
  private changed = false;
  /** a device id is attacker-controlled text: cap how many distinct ones are tracked */
  constructor(private readonly maxDevices = 1000) {}

  add(deviceId: string, reason: string, at: number): void {
    this.total++;
    this.changed = true;
    const key =
      this.byDevice.has(deviceId) || this.byDevice.size < this.maxDevices ? deviceId : '(other devices)';
    const entry = this.byDevice.get(key);
    if (entry) {
      entry.count++;
      entry.lastReason = reason;
      entry.lastAt = at;
    } else {
      this.byDevice.set(key, { count: 1, lastReason: reason, lastAt: at });
    }
  }

  takeChanged(): boolean {
    const c = this.changed;
    this.changed = false;
    return c;
  }

  summary(): RejectSummary {
    return {
      total: this.total,
      byDevice: [...this.byDevice.entries()]
        .map(([deviceId, e]) => ({ deviceId, ...e }))
        .sort((a, b) => b.count - a.count),
    };
  }
}
