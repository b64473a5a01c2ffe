import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationRequest } from '../../../shared/ipc/contract';
import { logger } from '../core/logger';
import {
  FakeBrowserWindow,
  FakeNotification,
  fakeEvent,
  resetElectronFake,
  raw,
} from '../../../tests/support/electron-fake';
import { EVENT_CHANNEL } from './ipc-channels';
import { createElectronNotifier } from './notifier';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

function request(over: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    key: 'bed-07',
    title: 'Bed 07 — SpO₂ 84%',
    body: 'Level 1 alert',
    urgency: 'normal',
    alertIds: ['a1', 'a2'],
    patientId: 'P007',
    level: 1,
    reminder: false,
    ...over,
  };
}

let logs: string[];
beforeEach(() => {
  resetElectronFake();
  logs = [];
  logger.setSink((line) => logs.push(line));
});

describe('createElectronNotifier', () => {
  it('shows level 1 as normal and level 2 as critical without timeout', () => {
    const notifier = createElectronNotifier({ getWindow: () => null });
    notifier.show(request({ key: 'k1' }));
    notifier.show(request({ key: 'k2', level: 2, urgency: 'critical' }));
    const [normal, critical] = FakeNotification.instances;
    expect(raw(normal!).options).toEqual({
      title: 'Bed 07 — SpO₂ 84%',
      body: 'Level 1 alert',
      urgency: 'normal',
      timeoutType: 'default',
    });
    expect(raw(critical!).options).toMatchObject({ urgency: 'critical', timeoutType: 'never' });
    expect(normal!.show).toHaveBeenCalled();
    expect(critical!.show).toHaveBeenCalled();
  });

  it('shows a technical all-clear silently, and a technical alarm with sound', () => {
    const notifier = createElectronNotifier({ getWindow: () => null });
    notifier.show(request({ key: 'backend:alerts', technical: 'raised', urgency: 'critical' }));
    notifier.show(request({ key: 'backend:alerts:restored', technical: 'cleared' }));
    const [raised, cleared] = FakeNotification.instances;
    expect(raw(raised!).options).not.toHaveProperty('silent');
    expect(raw(cleared!).options).toMatchObject({ silent: true });
  });

  it('on click brings the window forward and asks the UI to show the first alert', () => {
    const win = new FakeBrowserWindow({});
    raw(win).minimized = true;
    const notifier = createElectronNotifier({ getWindow: () => win as never });
    notifier.show(request());
    FakeNotification.instances[0]!.emit('click', fakeEvent());
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(win.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, 'ui:focus-alert', { alertId: 'a1' });
  });

  it('a click with no window left does not throw', () => {
    const notifier = createElectronNotifier({ getWindow: () => null });
    notifier.show(request());
    expect(() => FakeNotification.instances[0]!.emit('click', fakeEvent())).not.toThrow();
  });

  it('replaces the previous notification with the same key, keeps others', () => {
    const notifier = createElectronNotifier({ getWindow: () => null });
    notifier.show(request({ key: 'bed-07' }));
    notifier.show(request({ key: 'bed-09' }));
    notifier.show(request({ key: 'bed-07', body: 'updated' }));
    const [first, other, replacement] = FakeNotification.instances;
    expect(first!.close).toHaveBeenCalled();
    expect(other!.close).not.toHaveBeenCalled();
    expect(replacement!.show).toHaveBeenCalled();
    // the old one's late 'close' must not drop the replacement: replacing again closes it
    notifier.show(request({ key: 'bed-07', body: 'again' }));
    expect(replacement!.close).toHaveBeenCalled();
  });

  it('logs once and does nothing where notifications are unsupported', () => {
    FakeNotification.supported = false;
    const notifier = createElectronNotifier({ getWindow: () => null });
    notifier.show(request());
    notifier.show(request({ key: 'other' }));
    expect(FakeNotification.instances).toHaveLength(0);
    expect(logs.filter((l) => l.includes('does not support notifications'))).toHaveLength(1);
  });
});

describe('holding notifications for their click handlers', () => {
  const critical = (key: string, ids: string[]) =>
    request({ key, alertIds: ids, level: 2, urgency: 'critical' });

  it('Windows: a critical toast that left the screen is held (Action Center) until its alert is handled', () => {
    const n = createElectronNotifier({ getWindow: () => null, platform: 'win32' });
    n.show(critical('alert:a1', ['a1']));
    const toast = FakeNotification.instances[0]!;
    toast.emit('close', fakeEvent()); // moved to the Action Center
    expect(n.heldCount()).toBe(1);
    n.alertsHandled(['zz']);
    expect(n.heldCount()).toBe(1);
    n.alertsHandled(['a1']);
    expect(n.heldCount()).toBe(0);
    expect(toast.close).toHaveBeenCalled();
  });

  it('Linux: closing releases it; a level-1 Windows toast is released on close too', () => {
    const linux = createElectronNotifier({ getWindow: () => null, platform: 'linux' });
    linux.show(critical('alert:a1', ['a1']));
    FakeNotification.instances[0]!.emit('close', fakeEvent());
    expect(linux.heldCount()).toBe(0);
    const win = createElectronNotifier({ getWindow: () => null, platform: 'win32' });
    win.show(request({ key: 'alert:b1', alertIds: ['b1'] }));
    FakeNotification.instances[1]!.emit('close', fakeEvent());
    expect(win.heldCount()).toBe(0);
  });

  it('a notification of several alerts goes once all of them are handled', () => {
    const n = createElectronNotifier({ getWindow: () => null, platform: 'win32' });
    n.show(critical('bed-07', ['a1', 'a2']));
    n.alertsHandled(['a1']);
    expect(n.heldCount()).toBe(1);
    n.alertsHandled(['a2', 'a1']);
    expect(n.heldCount()).toBe(0);
  });

  it('the cap drops level-1 notifications before critical ones', () => {
    const n = createElectronNotifier({ getWindow: () => null, platform: 'win32' });
    n.show(critical('c-first', ['c0']));
    for (let i = 0; i < 250; i++) n.show(request({ key: `l1-${i}`, alertIds: [`l${i}`] }));
    expect(n.heldCount()).toBe(200);
    n.alertsHandled(['c0']);
    expect(n.heldCount()).toBe(199); // the critical one was still held
  });
});
