import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventMap, EventName } from '../../../shared/ipc/contract';
import { logger } from '../core/logger';
import { FakeTray, fake, resetElectronFake, raw } from '../../../tests/support/electron-fake';
import { createStationTray, pendingLabel } from './tray';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

function setup(platform: NodeJS.Platform = 'linux') {
  let emit: EventListener = () => {};
  let count = 0;
  const unsubscribe = vi.fn();
  const host = {
    unreadCount: vi.fn(() => count),
    onEvent: vi.fn((l: EventListener) => {
      emit = l;
      return unsubscribe;
    }),
  };
  const onShow = vi.fn();
  const onQuit = vi.fn();
  const handle = createStationTray({ host, iconPath: '/icon.png', onShow, onQuit, platform });
  return {
    handle,
    tray: FakeTray.instances[0]!,
    host,
    onShow,
    onQuit,
    unsubscribe,
    setCount: (n: number) => (count = n),
    emit: (...a: Parameters<EventListener>) => emit(...a),
  };
}

beforeEach(() => {
  resetElectronFake();
  logger.setSink(() => {});
});

describe('createStationTray', () => {
  it('starts with the current count and the Show / Quit menu', () => {
    const t = setup();
    expect(fake().nativeImage.createFromPath).toHaveBeenCalledWith('/icon.png');
    expect(raw(t.tray).toolTip).toBe('Nurse Station — No pending alerts');
    expect(raw(t.tray).title).toBe('');
    const labels = raw(t.tray).menu!.template.map((i) => i.label);
    expect(labels).toEqual(['No pending alerts', undefined, 'Show Nurse Station', 'Quit']);
    raw(t.tray).menu!.template[2]!.click!();
    expect(t.onShow).toHaveBeenCalled();
    raw(t.tray).menu!.template[3]!.click!();
    expect(t.onQuit).toHaveBeenCalled();
    t.tray.emit('click');
    expect(t.onShow).toHaveBeenCalledTimes(2);
  });

  it('updates on alerts and technical alarms, not on ward updates', () => {
    const t = setup();
    t.setCount(3);
    t.emit('ward:update', []);
    expect(raw(t.tray).toolTip).toBe('Nurse Station — No pending alerts');
    t.emit('alerts:new', []);
    expect(raw(t.tray).toolTip).toBe('Nurse Station — 3 pending alerts');
    expect(raw(t.tray).title).toBe('3');
    expect(raw(t.tray).menu!.template[0]!.label).toBe('3 pending alerts');
    t.setCount(1);
    t.emit('alerts:changed', []);
    expect(raw(t.tray).toolTip).toBe('Nurse Station — 1 pending alert');
    t.setCount(0);
    t.emit('alerts:changed', []);
    expect(raw(t.tray).title).toBe('');
  });

  // #12: a lost backend is a technical alarm; the tray counts it and names it.
  it('counts and names a technical alarm while it lasts', () => {
    const t = setup();
    const lost = {
      key: 'backend:vitals',
      title: 'Technical: no connection to RisingWave (vital signs)',
      body: 'New alerts may not reach this station. Check patients at the bedside and call IT.',
      urgency: 'critical' as const,
      alertIds: [],
      patientId: '',
      level: 1 as const,
      reminder: false,
      technical: 'raised' as const,
    };
    t.setCount(3); // 2 pending alerts + the alarm (the core counts it)
    t.emit('notify:show', lost);
    expect(raw(t.tray).title).toBe('3');
    expect(raw(t.tray).toolTip).toBe(
      'Nurse Station — Technical: no connection to RisingWave (vital signs) — 2 pending alerts',
    );
    expect(
      raw(t.tray)
        .menu!.template.slice(0, 2)
        .map((i) => i.label),
    ).toEqual([lost.title, '2 pending alerts']);
    // a reminder keeps the first title
    t.emit('notify:show', { ...lost, reminder: true, title: 'Technical: still no connection to RisingWave' });
    expect(raw(t.tray).menu!.template[0]!.label).toBe(lost.title);
    // restored
    t.setCount(2);
    t.emit('notify:show', {
      ...lost,
      title: 'Technical: connection to RisingWave restored',
      technical: 'cleared',
    });
    expect(raw(t.tray).toolTip).toBe('Nurse Station — 2 pending alerts');
    expect(raw(t.tray).menu!.template.map((i) => i.label)).toEqual([
      '2 pending alerts',
      undefined,
      'Show Nurse Station',
      'Quit',
    ]);
    expect(raw(t.tray).title).toBe('2');
  });

  it('drops a technical alarm whose backend reports up (its core was rebuilt meanwhile)', () => {
    const t = setup();
    t.setCount(1);
    t.emit('notify:show', {
      key: 'backend:alerts',
      title: 'Technical: no connection to MySQL (alert record)',
      body: '',
      urgency: 'critical',
      alertIds: [],
      patientId: '',
      level: 1,
      reminder: false,
      technical: 'raised',
    });
    expect(raw(t.tray).toolTip).toBe(
      'Nurse Station — Technical: no connection to MySQL (alert record) — No pending alerts',
    );
    t.setCount(0);
    t.emit('health:changed', [{ backend: 'alerts', adapter: 'mysql', up: true, since: 0, message: null }]);
    expect(raw(t.tray).toolTip).toBe('Nurse Station — No pending alerts');
    expect(raw(t.tray).title).toBe('');
  });

  it('does not rebuild the menu when the count did not change', () => {
    const t = setup();
    t.emit('alerts:new', []);
    t.emit('alerts:changed', []);
    expect(t.tray.setContextMenu).toHaveBeenCalledTimes(1);
  });

  it('has no title on Windows', () => {
    const t = setup('win32');
    t.setCount(2);
    t.emit('alerts:new', []);
    expect(t.tray.setTitle).not.toHaveBeenCalled();
    expect(raw(t.tray).toolTip).toBe('Nurse Station — 2 pending alerts');
  });

  it('destroy unsubscribes and removes the icon', () => {
    const t = setup();
    t.handle.destroy();
    expect(t.unsubscribe).toHaveBeenCalled();
    expect(t.tray.destroy).toHaveBeenCalled();
  });
});

describe('pendingLabel', () => {
  it('pluralizes', () => {
    expect(pendingLabel(0)).toBe('No pending alerts');
    expect(pendingLabel(1)).toBe('1 pending alert');
    expect(pendingLabel(12)).toBe('12 pending alerts');
  });
});

describe('the shell’s own technical alarms', () => {
  it('are shown first, counted, and cleared', () => {
    const t = setup();
    t.setCount(2);
    t.handle.update();
    t.handle.setShellAlarm('shell:display', 'Nurse Station display has stopped');
    expect(raw(t.tray).toolTip).toBe('Nurse Station — Nurse Station display has stopped — 2 pending alerts');
    expect(raw(t.tray).title).toBe('3');
    expect(raw(t.tray).menu!.template[0]!.label).toBe('Nurse Station display has stopped');
    t.handle.setShellAlarm('shell:display', null);
    expect(raw(t.tray).toolTip).toBe('Nurse Station — 2 pending alerts');
    expect(raw(t.tray).title).toBe('2');
  });
});
