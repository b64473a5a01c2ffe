import { describe, expect, it } from 'vitest';
import { electronDeclarations } from './electron-dts';
import { FakeBrowserWindow, fake, raw, resetElectronFake } from './electron-fake';

describe('electron.d.ts names', () => {
  it('reads the exports, members, statics and events Electron declares', () => {
    const d = electronDeclarations();
    expect(d.exports.get('powerMonitor')).toEqual({ kind: 'value', type: 'PowerMonitor' });
    expect(d.exports.get('BrowserWindow')).toEqual({ kind: 'class', type: 'BrowserWindow' });
    const win = d.type('BrowserWindow');
    expect(win.events.has('unresponsive')).toBe(true);
    expect(win.members.has('webContents')).toBe(true); // inherited members and own ones
    expect(win.members.has('setBounds')).toBe(true); // from BaseWindow
    expect(d.type('Notification').statics.has('isSupported')).toBe(true);
    expect(d.type('PowerMonitor').events.has('resume')).toBe(true);
    expect(d.type('IpcMain').anyEvent).toBe(true);
  });
});

describe('the strict electron fake', () => {
  it('rejects an API name electron.d.ts lacks, on modules, instances and statics', () => {
    resetElectronFake();
    const f = fake();
    expect(() => (f.app as unknown as Record<string, unknown>).relaunchNow).toThrow(
      /declares no member 'relaunchNow' on App/,
    );
    const win = new f.BrowserWindow({});
    expect(() => (win as unknown as Record<string, unknown>).setAlwaysOnTopp).toThrow(/on BrowserWindow/);
    expect(() => (win.webContents as unknown as Record<string, unknown>).crash).toThrow(/on WebContents/);
    expect(() => (f.Notification as unknown as Record<string, unknown>).supported).toThrow(
      /static member 'supported' on Notification/,
    );
    expect(() => (f.powerSaveBlocker as unknown as Record<string, unknown>).begin).toThrow(
      /on PowerSaveBlocker/,
    );
  });

  it('rejects an event name electron.d.ts lacks, for listeners and for emits', () => {
    resetElectronFake();
    const f = fake();
    expect(() => f.powerMonitor.on('resumed', () => {})).toThrow(
      /declares no event 'resumed' on PowerMonitor/,
    );
    expect(() => f.app.on('window-all-close', () => {})).toThrow(/on App/);
    const win = new f.BrowserWindow({});
    expect(() => win.emit('unresponsiv')).toThrow(/on BrowserWindow/);
    expect(() => win.webContents.on('render-process-gone', () => {})).not.toThrow();
    expect(() => f.ipcMain.on('any-channel', () => {})).not.toThrow(); // channels are any string
  });

  it('keeps identity and test-only state behind raw()', () => {
    resetElectronFake();
    const win = new (fake().BrowserWindow)({ show: false });
    expect(FakeBrowserWindow.instances[0]).toBe(win);
    expect(win.webContents).toBe(win.webContents);
    win.show();
    expect(win.isVisible()).toBe(true);
    expect(raw(win).visible).toBe(true);
    expect(raw(win).options).toEqual({ show: false });
  });
});
