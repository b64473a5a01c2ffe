import { describe, expect, it, vi } from 'vitest';
import type { StationApi } from '../../shared/ipc/contract';
// Loaded before any vi.resetModules() so the mocked module and this file share one fake.
import 'electron';
import { fake, fakeEvent, resetElectronFake } from '../../tests/support/electron-fake';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../main/shell/ipc-channels';

vi.mock('electron', async () => (await import('../../tests/support/electron-fake')).electronFake);

/** A fresh preload (it subscribes at load) against a fresh electron fake. */
async function loadPreload(): Promise<StationApi> {
  resetElectronFake();
  vi.resetModules();
  await import('./index');
  const calls = fake().contextBridge.exposeInMainWorld.mock.calls;
  expect(calls).toHaveLength(1);
  expect(calls[0]![0]).toBe('nurseStation');
  return calls[0]![1] as StationApi;
}

const push = (name: unknown, payload: unknown) =>
  fake().ipcRenderer.emit(EVENT_CHANNEL, fakeEvent(), name, payload);

describe('preload', () => {
  it('exposes one frozen object with exactly invoke and on', async () => {
    const api = await loadPreload();
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(fake().ipcRenderer);
  });

  it('invoke goes through the single invoke channel', async () => {
    const api = await loadPreload();
    fake().ipcRenderer.invoke.mockResolvedValue({ ok: true, value: [] });
    await expect(api.invoke('ward:beds', {})).resolves.toEqual({ ok: true, value: [] });
    expect(fake().ipcRenderer.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'ward:beds', {});
  });

  it('turns a failed IPC round trip into an unavailable Result', async () => {
    const api = await loadPreload();
    fake().ipcRenderer.invoke.mockRejectedValue(new Error("Error invoking remote method 'station:invoke'"));
    const result = await api.invoke('ward:beds', {});
    expect(result).toEqual({ ok: false, error: { code: 'unavailable', message: expect.any(String) } });
    await expect(api.invoke(42 as never, {} as never)).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });

  it('on delivers only the named event, payload only, and unsubscribes', async () => {
    const api = await loadPreload();
    const focus = vi.fn();
    const alerts = vi.fn();
    const off = api.on('ui:focus-alert', focus);
    api.on('alerts:new', alerts);
    push('ui:focus-alert', { alertId: 'a1' });
    push('ward:update', []);
    push(undefined, {});
    expect(focus).toHaveBeenCalledTimes(1);
    expect(focus).toHaveBeenCalledWith({ alertId: 'a1' });
    expect(alerts).not.toHaveBeenCalled();
    off();
    push('ui:focus-alert', { alertId: 'a2' });
    expect(focus).toHaveBeenCalledTimes(1);
    // one ipcRenderer listener however many subscriptions
    expect(fake().ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(1);
  });

  it('a throwing listener does not starve the others', async () => {
    const api = await loadPreload();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    api.on('alerts:new', () => {
      throw new Error('boom');
    });
    api.on('alerts:new', good);
    push('alerts:new', []);
    expect(good).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('rejects a non-function listener', async () => {
    const api = await loadPreload();
    expect(() => api.on('alerts:new', 'nope' as never)).toThrow(TypeError);
  });
});
