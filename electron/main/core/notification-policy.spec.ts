import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/domain/types';
import type { NotificationPolicySettings, NotificationRequest } from '../../../shared/ipc/contract';
import { FakeClock } from './fake-clock';
import { NotificationPolicy } from './notification-policy';

function alert(id: string, patientId: string, over: Partial<Alert> = {}): Alert {
  return {
    alertId: id,
    patientId,
    deviceId: 'D001',
    alertTime: 0,
    alertType: 'heart_rate',
    alertDetail: `detail ${id}`,
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: null,
    ...over,
  };
}

function setup(over: Partial<NotificationPolicySettings> = {}) {
  const clock = new FakeClock(1_000_000);
  const shown: NotificationRequest[] = [];
  const handled = new Set<string>();
  const settings: NotificationPolicySettings = {
    enabled: true,
    sound: true,
    criticalRepeatMinutes: 5,
    coalesceMs: 3000,
    ...over,
  };
  const policy = new NotificationPolicy({
    clock,
    settings: () => settings,
    emit: (r) => shown.push(r),
    isPending: (id) => !handled.has(id),
  });
  return { clock, shown, handled, policy, settings };
}

describe('NotificationPolicy', () => {
  it('notifies the first alert of a bed at once, level 1 as normal urgency', () => {
    const { policy, shown } = setup();
    policy.onAlerts([alert('a1', 'P001')]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ urgency: 'normal', level: 1, alertIds: ['a1'], patientId: 'P001' });
    expect(shown[0]!.title).toContain('P001');
  });

  it('gives level 2 critical urgency', () => {
    const { policy, shown } = setup();
    policy.onAlerts([alert('c1', 'P002', { alertLevel: 2, alertType: 'multi_vital_signs_deterioration' })]);
    expect(shown[0]).toMatchObject({ urgency: 'critical', level: 2 });
    expect(shown[0]!.title).toMatch(/CRITICAL/);
  });

  it('coalesces a burst of one bed into one summary after the window', () => {
    const { policy, shown, clock } = setup();
    policy.onAlerts([alert('a1', 'P001')]);
    clock.advance(500);
    policy.onAlerts([alert('a2', 'P001', { alertType: 'blood_oxygen' })]);
    clock.advance(500);
    policy.onAlerts([alert('a3', 'P001', { alertType: 'blood_glucose' })]);
    expect(shown).toHaveLength(1);
    clock.advance(2000);
    expect(shown).toHaveLength(2);
    expect(shown[1]!.alertIds).toEqual(['a2', 'a3']);
    expect(shown[1]!.title).toContain('2 alerts');
  });

  // Red-team finding (#21, item 7): a 1-h step back of the wall clock held a warning for 3,610 s.
  it('neither holds nor floods notifications when the wall clock steps', () => {
    const { policy, shown, clock } = setup();
    policy.onAlerts([alert('a1', 'P001')]);
    clock.advance(3000);
    clock.stepWall(-3_600_000);
    policy.onAlerts([alert('a2', 'P001', { alertType: 'blood_oxygen' })]);
    expect(shown.map((s) => s.alertIds)).toEqual([['a1'], ['a2']]); // a new burst: at once

    clock.advance(500);
    policy.onAlerts([alert('a3', 'P001', { alertType: 'blood_glucose' })]); // held in a2's burst
    clock.stepWall(+3_600_000); // and a step forward does not end the window early
    policy.onAlerts([alert('a4', 'P001', { alertType: 'signal_loss' })]);
    expect(shown).toHaveLength(2);
    clock.advance(2500); // the window ends 3 s after a2 by the monotonic clock
    expect(shown.map((s) => s.alertIds)).toEqual([['a1'], ['a2'], ['a3', 'a4']]);
  });

  it('does not hold a critical alert behind a burst summary', () => {
    const { policy, shown, clock } = setup();
    policy.onAlerts([alert('a1', 'P001')]);
    clock.advance(100);
    policy.onAlerts([alert('c1', 'P001', { alertLevel: 2, alertType: 'multi_vital_signs_deterioration' })]);
    expect(shown).toHaveLength(2);
    expect(shown[1]!.urgency).toBe('critical');
  });

  it('keeps beds apart', () => {
    const { policy, shown } = setup();
    policy.onAlerts([alert('a1', 'P001'), alert('b1', 'P002')]);
    expect(shown.map((s) => s.patientId)).toEqual(['P001', 'P002']);
  });

  it('does not re-notify an ongoing condition (same bed and type, still pending)', () => {
    const { policy, shown, clock, handled } = setup();
    policy.onAlerts([alert('a1', 'P001')]);
    clock.advance(60_000);
    policy.onAlerts([alert('a2', 'P001')]);
    expect(shown).toHaveLength(1);
    handled.add('a1');
    clock.advance(60_000);
    policy.onAlerts([alert('a3', 'P001')]);
    expect(shown).toHaveLength(2);
    expect(shown[1]!.alertIds).toEqual(['a3']);
  });

  it('reminds of an unacknowledged level 2 every N minutes until someone acts', () => {
    const { policy, shown, clock, handled } = setup({ criticalRepeatMinutes: 5 });
    policy.onAlerts([alert('c1', 'P003', { alertLevel: 2, alertType: 'multi_vital_signs_deterioration' })]);
    clock.advance(5 * 60_000 - 1);
    expect(shown).toHaveLength(1);
    clock.advance(1);
    expect(shown).toHaveLength(2);
    expect(shown[1]).toMatchObject({ reminder: true, urgency: 'critical' });
    clock.advance(5 * 60_000);
    expect(shown).toHaveLength(3);
    handled.add('c1');
    policy.onHandled('c1');
    clock.advance(60 * 60_000);
    expect(shown).toHaveLength(3);
    expect(policy.pendingReminders()).toBe(0);
  });

  it('does not remind when the repeat interval is 0', () => {
    const { policy, shown, clock } = setup({ criticalRepeatMinutes: 0 });
    policy.onAlerts([alert('c1', 'P003', { alertLevel: 2 })]);
    clock.advance(3_600_000);
    expect(shown).toHaveLength(1);
  });

  it('stays silent when disabled', () => {
    const { policy, shown } = setup({ enabled: false });
    policy.onAlerts([alert('a1', 'P001')]);
    expect(shown).toHaveLength(0);
  });

  it('with coalescing off, every alert is its own notification', () => {
    const { policy, shown } = setup({ coalesceMs: 0 });
    policy.onAlerts([alert('a1', 'P001'), alert('a2', 'P001', { alertType: 'blood_oxygen' })]);
    expect(shown).toHaveLength(2);
  });

  it('leaves no timers behind after dispose', () => {
    const { policy, clock } = setup();
    policy.onAlerts([alert('c1', 'P003', { alertLevel: 2 }), alert('a2', 'P003')]);
    policy.onAlerts([alert('a3', 'P003', { alertType: 'blood_glucose' })]);
    expect(clock.pending()).toBeGreaterThan(0);
    policy.dispose();
    expect(clock.pending()).toBe(0);
  });
});
