import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventMap, EventName } from '../../../shared/ipc/contract';
import type { StationHost } from '../core/host-types';
import { logger } from '../core/logger';
import { FakeBrowserWindow, fake, resetElectronFake, raw } from '../../../tests/support/electron-fake';
import { registerStationIpc, sendStationEvent } from './ipc';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-channels';
import type { RendererTarget } from './renderer-target';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

const target: RendererTarget = { kind: 'file', indexPath: '/opt/ns/out/renderer/index.html' };
const appUrl = 'file:///opt/ns/out/renderer/index.html#/ward';

type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

function setup() {
  let emit: EventListener = () => {};
  const unsubscribe = vi.fn();
  const host = {
    handle: vi.fn(async () => ({ ok: true as const, value: { hello: 'ward' } })),
    onEvent: vi.fn((listener: EventListener) => {
      emit = listener;
      return unsubscribe;
    }),
  } satisfies Pick<StationHost, 'handle' | 'onEvent'>;
  const win = new FakeBrowserWindow({});
  let current: FakeBrowserWindow | null = win;
  const dispose = registerStationIpc({ host, getWindow: () => current as never, target });
  const handler = raw(fake().ipcMain).handlers.get(INVOKE_CHANNEL)!;
  const invoke = (event: unknown, channel: unknown = 'ward:beds', request: unknown = {}) =>
    handler(event, channel, request) as Promise<unknown>;
  const eventFrom = (sender: unknown, url: string | null = appUrl, parent: unknown = null) => ({
    sender,
    senderFrame: url === null ? null : { url, parent },
  });
  return {
    host,
    win,
    dispose,
    invoke,
    eventFrom,
    unsubscribe,
    emit: (...args: Parameters<EventListener>) => emit(...args),
    setWindow: (w: FakeBrowserWindow | null) => (current = w),
  };
}

const forbidden = { ok: false, error: { code: 'forbidden', message: expect.any(String) } };

beforeEach(() => {
  resetElectronFake();
  logger.setSink(() => {});
});

describe('registerStationIpc', () => {
  it('registers exactly one invoke handler', () => {
    setup();
    expect(fake().ipcMain.handle).toHaveBeenCalledTimes(1);
    expect([...raw(fake().ipcMain).handlers.keys()]).toEqual([INVOKE_CHANNEL]);
  });

  it('forwards a request from our window to the host', async () => {
    const t = setup();
    const result = await t.invoke(t.eventFrom(t.win.webContents), 'alerts:get', { alertId: 'a1' });
    expect(result).toEqual({ ok: true, value: { hello: 'ward' } });
    expect(t.host.handle).toHaveBeenCalledWith(
      'alerts:get',
      { alertId: 'a1' },
      {
        shell: 'electron',
        peer: `window:${t.win.id}`,
      },
    );
  });

  it('refuses another webContents', async () => {
    const t = setup();
    const other = new FakeBrowserWindow({});
    expect(await t.invoke(t.eventFrom(other.webContents))).toEqual(forbidden);
    expect(t.host.handle).not.toHaveBeenCalled();
  });

  it('refuses a foreign page, a sub-frame, a vanished frame, and a closed window', async () => {
    const t = setup();
    const wc = t.win.webContents;
    expect(await t.invoke(t.eventFrom(wc, 'https://evil.example/'))).toEqual(forbidden);
    expect(await t.invoke(t.eventFrom(wc, 'file:///tmp/evil.html'))).toEqual(forbidden);
    expect(await t.invoke(t.eventFrom(wc, appUrl, { url: appUrl }))).toEqual(forbidden);
    expect(await t.invoke(t.eventFrom(wc, null))).toEqual(forbidden);
    raw(t.win).destroyed = true;
    expect(await t.invoke(t.eventFrom(wc))).toEqual(forbidden);
    t.setWindow(null);
    expect(await t.invoke(t.eventFrom(wc))).toEqual(forbidden);
    expect(t.host.handle).not.toHaveBeenCalled();
  });

  it('turns a host that throws into an internal error Result', async () => {
    const t = setup();
    t.host.handle.mockRejectedValueOnce(new Error('SELECT * FROM secrets failed'));
    const result = (await t.invoke(t.eventFrom(t.win.webContents))) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('internal');
    expect(result.error.message).not.toContain('SELECT');
  });

  it('forwards host events to the window on the event channel', () => {
    const t = setup();
    t.emit('ui:focus-alert', { alertId: 'a1' });
    expect(t.win.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, 'ui:focus-alert', { alertId: 'a1' });
    raw(t.win.webContents).destroyed = true;
    t.emit('ui:focus-alert', { alertId: 'a2' });
    expect(t.win.webContents.send).toHaveBeenCalledTimes(1);
  });

  it('undoes everything on dispose', () => {
    const t = setup();
    t.dispose();
    expect(fake().ipcMain.removeHandler).toHaveBeenCalledWith(INVOKE_CHANNEL);
    expect(raw(fake().ipcMain).handlers.size).toBe(0);
    expect(t.unsubscribe).toHaveBeenCalled();
  });
});

describe('sendStationEvent', () => {
  it('ignores a missing window', () => {
    expect(() => sendStationEvent(null, 'alerts:new', [])).not.toThrow();
  });
});
